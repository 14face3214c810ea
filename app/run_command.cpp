// l2tpsim run: one scenario file played, a self-test or against a device (and load scenarios).
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "app/commands.hpp"
#include "app/conform_sim.hpp"
#include "app/load_scenario.hpp"
#include "app/peer_options.hpp"
#include "app/role_config.hpp"
#include "app/scenario_cli.hpp"
#include "app/scenario_ipsec.hpp"
#include "app/scenario_roles.hpp"
#include "peers/agent_id.hpp"
#include "reports/conformance_report.hpp"
#include "scenarios/case_runner.hpp"
#include "scenarios/liveness.hpp"
#include "scenarios/parser.hpp"
#include "scenarios/sim_bench.hpp"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace l2tpsim::app {
namespace {

constexpr const char* kRunHelp =
    "usage: l2tpsim run FILE [--target ADDR[:PORT]] [options]\n"
    "\n"
    "Runs one scenario file. With both lac: and lns: blocks it is a self-test: the LNS runs as a\n"
    "child process (its log beside the pcap) and the LAC plays the scenario against it, faults\n"
    "and expectations included. With one block, that role plays against --target (a LAC) or\n"
    "waits on its listen: address or --listen (an LNS; --trigger CMD is ${trigger}, the command\n"
    "that makes the LAC under test dial). A role block with use-ipsec plays inside the IPsec\n"
    "phase (l2tpsim's own charon, the SA up before the first step): an SA that does not come up\n"
    "fails the scenario in phase ipsec, with charon's reason. Prints each step and a verdict;\n"
    "exit status 0 when the scenario passed, 1 when it failed or was inconclusive, 2 on bad\n"
    "usage or a bad file.\n"
    "\n"
    "A load scenario (no steps, and load keys in its lac: block: setup-rate, ramp,\n"
    "max-outstanding, sessions-per-tunnel, session-lifetime, redial-delay, flap, flap-kind) runs\n"
    "its lac: block as `l2tpsim lac` would, against --target or its own lns: block: the same\n"
    "summary, --json, --html and --pcap (--junit has no meaning there), faults between the LAC\n"
    "and the wire, and l2tpsim lac's exit status.\n"
    "\n"
    "--sim lns|lac plays the scenario against l2tpsim's own LNS or LAC in virtual time, in this\n"
    "process, with no sockets (as conform --sim does): the role named is the DUT, the scenario's\n"
    "block the tester (--sim lns for a lac: block, --sim lac for an lns: block). The DUT is\n"
    "configured as `l2tpsim lns|lac` would be from --secret, --user, --password and --sim-options\n"
    "(a self-test's lns: block configures the simulated LNS itself, --sim-options added); the\n"
    "network is simulated (1 ms each way) and time jumps to the next event. ${trigger} makes the\n"
    "simulated LAC dial; a shell step running any other command (but true) makes the scenario not\n"
    "applicable, with the reason. Refused (status 2): use-ipsec in the tester's block; use-ipsec,\n"
    "RADIUS or --tun for the DUT; --trigger. The reports are the same, marked\n"
    "simulated; the pcap has virtual timestamps (from 2026-01-01 00:00:00 UTC); --seed N (default:\n"
    "the file's seed:, else random; printed) repeats a run frame for frame:\n"
    "  l2tpsim run my-lac.yaml --sim lns --secret s3cret --sim-options '--authentication chap' --seed 7\n"
    "A load scenario with --sim lns runs as `l2tpsim lac --sim`: its lac: block (with duration:)\n"
    "against its own lns: block or l2tpsim's LNS from --sim-options, its faults: as on sockets.\n"
    "\noptions";

// The one case's suite: its table and report files; the exit status.
int report_run(l2tp::reports::SuiteResult& suite, l2tp::reports::CaseResult r, const std::string& file,
               sc::Role tester, const l2tp::peers::RunnerConfig& cfg, const Outputs& out) {
  if (r.id.empty()) r.id = fs::path(file).stem().string();
  if (r.title.empty()) r.title = file;
  const bool pass = r.verdict == l2tp::reports::Verdict::Pass;
  suite.tool_version = L2TPSIM_VERSION;
  suite.target = tester == sc::Role::Lac ? cfg.connect_to.to_string() : cfg.local.front().to_string();
  suite.dut_role = tester == sc::Role::Lac ? "lns" : "lac";
  suite.started = now_iso();
  suite.duration_s = r.duration_s;
  suite.pcap_path = out.pcap;
  suite.cases.push_back(std::move(r));
  std::cout << "\n";
  l2tp::reports::print_table(std::cout, suite);
  if (const int st = write_reports(suite, out); st) return st;
  return pass ? 0 : 1;
}

// run --sim: the scenario's tester against l2tpsim's own LNS or LAC on a SimBench (as conform
// --sim runs a case), in virtual time. `d`: the tester's defaults from the command line.
int run_sim(const sc::Scenario& s, const std::string& file, sc::Role tester, RoleDefaults d,
            const std::string& target, const std::string& listen, const std::string& sim_options,
            std::string seed_text, const Outputs& out, bool quiet) {
  const bool self_test = s.lac && s.lns;
  const sc::RoleConfig& block = tester == sc::Role::Lac ? *s.lac : *s.lns;
  const std::string dut_role = tester == sc::Role::Lac ? "lns" : "lac";
  // --seed, else the file's seed (the tester's then too), else random; the DUT draws its own.
  if (seed_text.empty() && s.seed) seed_text = std::to_string(*s.seed);
  const std::uint64_t seed = sim_seed(seed_text);
  d["seed"] = seed_text;
  SimOptions so;
  so.role = dut_role;
  so.options = sim_options;
  so.seed = seed ^ 0xD07D07D07ULL;  // the DUT's own numbers, not the tester's
  // What --secret, --user and --password gave the tester, the DUT is configured with.
  auto given = [&](const char* name) { return d.count(name) ? d.at(name) : std::string(); };
  so.secret = given("secret");
  so.user = given("user");
  so.password = given("password");
  if (tester == sc::Role::Lac) {
    // The DUT LNS listens where the tester dials: the file's connect-to (a self-test's lns:
    // listen), else --target, else a documentation address.
    if (self_test) {
      const auto* l = s.lns->find("listen");
      if (!l) throw UsageError(file + ": a self-test's lns: block needs listen: ADDR[:PORT]");
      if (!block.find("connect-to")) d["connect-to"] = l->value;
      so.base = role_arguments(*s.lns, {});
    } else if (!block.find("connect-to")) {
      d["connect-to"] = target.empty() ? std::string(kSimDutAddress) + ":1701" : target;
    }
    if (!block.find("local-address")) d["local-address"] = kSimTesterAddress;
  } else if (!block.find("listen")) {
    d["listen"] = listen.empty() ? std::string(kSimTesterAddress) + ":1701" : listen;
  }
  auto cfg = role_runner_config(block, d);
  if (!cfg) {
    std::cerr << cfg.error().to_string() << "\n";
    return 2;
  }
  if (cfg->ipsec.settings.enabled())
    throw UsageError(std::string("--sim: the scenario's ") + (tester == sc::Role::Lac ? "lac" : "lns") +
                     ": block names use-ipsec, which needs the kernel and charon");
  if (tester == sc::Role::Lac) {
    if (!self_test) so.dut = cfg->connect_to.to_string();
  } else {
    so.listen = cfg->local.front().to_string();
    so.dut = target.empty() ? std::string(kSimDutAddress) : target;
  }
  std::string sim_command;
  auto bench = make_sim_bench(seed, sim_dut(so, sim_command));
  sc::CaseEnv env;
  env.pcap = open_pcap(out.pcap);
  env.run_start = bench->now();
  env.secret.assign(cfg->node.tunnel.secret.begin(), cfg->node.tunnel.secret.end());
  if (!quiet) env.progress = &std::cout;
  std::cout << "l2tpsim run: " << file << " (simulated: l2tpsim " << (tester == sc::Role::Lac ? "LAC" : "LNS")
            << " against l2tpsim's own " << dut_role << ")\n";
  l2tp::reports::SuiteResult suite;
  mark_simulated(suite, dut_role, sim_command, seed_text, "l2tpsim run");
  const auto wall_start = std::chrono::steady_clock::now();
  auto r = bench->run_case(s, tester, *cfg, env);
  std::printf("\nl2tpsim run: %.1f s of virtual time in %.1f s\n", r.duration_s,
              std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count());
  if (env.pcap) env.pcap->flush();
  return report_run(suite, std::move(r), file, tester, *cfg, out);
}

// A load scenario in virtual time (`run FILE --sim lns`): its lac: block as `l2tpsim lac --sim`,
// against its own lns: block (a self-test) or l2tpsim's LNS made from --sim-options; the file's
// faults between the LAC's node and the simulated net, as on sockets.
int run_load_sim(const sc::Scenario& s, const std::string& file, LacUse use, RoleDefaults d,
                 const std::string& sim_options, std::string seed_text) {
  const std::uint64_t seed = sim_seed(seed_text);
  d["seed"] = seed_text;
  const auto* listen = s.lns ? s.lns->find("listen") : nullptr;
  if (s.lns && !listen) throw UsageError(file + ": a self-test's lns: block needs listen: ADDR[:PORT]");
  if (!s.lac->find("connect-to"))
    d["connect-to"] = listen ? listen->value : std::string(kSimDutAddress) + ":1701";
  if (!s.lac->find("local-address")) d["local-address"] = kSimTesterAddress;
  auto cfg = role_runner_config(*s.lac, d, use);
  if (!cfg) {
    std::cerr << cfg.error().to_string() << "\n";
    return 2;
  }
  if (!cfg->duration) throw UsageError("--sim: " + file + "'s lac: block needs duration: (virtual seconds)");
  // The LNS: the file's own lns: block (a self-test), --sim-options added, or l2tpsim's LNS from
  // --sim-options alone; its secret and PPP user default to the LAC's.
  SimOptions so = sim_lns_options(*cfg, sim_options, seed);
  if (s.lns) so.base = role_arguments(*s.lns, {});
  std::string command;
  l2tp::peers::RunnerConfig lns = sim_dut(so, command).cfg;
  std::cout << "l2tpsim run: " << file << " (a load scenario: l2tpsim lac's run in virtual time)\n"
            << std::flush;
  return run_load_scenario(s, *cfg, std::cerr, [&](l2tp::peers::RunnerConfig& c) {
    return run_lac_against_sim_lns(c, lns, command, sim_link(), "l2tpsim run");
  });
}

}  // namespace

int run_run(int argc, char** argv) {
  std::string file, target, secret, user, password, listen, trigger;
  std::vector<std::string> vars;
  Outputs out;
  std::string sim, sim_options, seed_text;
  bool quiet = false;
  po::options_description opts(kRunHelp);
  opts.add_options()("help,h", "show this help")("target", po::value(&target)->value_name("ADDR[:PORT]"),
                                                 "the peer, when the scenario does not name it")(
      "listen", po::value(&listen)->value_name("ADDR[:PORT]"),
      "an LNS tester (lns: block only): where to wait for the LAC under test, when the block does not say")(
      "trigger", po::value(&trigger)->value_name("CMD"),
      "a shell command that makes the LAC under test dial (${trigger}, as for conform)")(
      "secret", po::value(&secret)->value_name("S"), "tunnel secret (${secret})")(
      "user", po::value(&user)->value_name("U"), "PPP user (${user})")(
      "password", po::value(&password)->value_name("P"), "PPP password (${password})")(
      "var", po::value(&vars)->composing()->value_name("NAME=VALUE"), "define ${NAME}")(
      "json", po::value(&out.json)->value_name("FILE"), "write the result as JSON")(
      "junit", po::value(&out.junit)->value_name("FILE"), "write the result as JUnit XML")(
      "html", po::value(&out.html)->value_name("FILE"), "write the result as an HTML page")(
      "pcap", po::value(&out.pcap)->value_name("FILE"), "record every datagram of the tester")(
      "quiet,q", po::bool_switch(&quiet), "no step-by-step lines")(
      "sim", po::value(&sim)->value_name("lns|lac"),
      "play against l2tpsim's own LNS or LAC (the DUT's role) in virtual time, without sockets")(
      "sim-options", po::value(&sim_options)->value_name("'OPTIONS'"),
      "with --sim: more options of `l2tpsim lns|lac` for the simulated DUT, e.g. '--authentication chap'")(
      "seed", po::value(&seed_text)->value_name("N"),
      "with --sim: the seed of the simulation and of the tester (default: the file's seed:, else random, "
      "printed)");
  po::options_description hidden;
  hidden.add_options()("file", po::value(&file));
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("file", 1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << opts << "\n";
      return 0;
    }
    if (file.empty()) throw UsageError("name the scenario file to run");
    if (!sim.empty()) {
      if (sim != "lns" && sim != "lac") throw UsageError("--sim: lns or lac (the role of the simulated DUT)");
      if (!trigger.empty())
        throw UsageError("--trigger: with --sim lac, ${trigger} makes the simulated LAC dial");
      trigger = sc::kSimTrigger;
    } else if (!sim_options.empty() || !seed_text.empty()) {
      throw UsageError(sim_options.empty()
                           ? "--seed: only with --sim (on sockets the file's seed: is the tester's)"
                           : "--sim-options: only with --sim");
    }
    auto s = sc::load_scenario(file, parse_vars(vars, builtin_vars(target, secret, user, password, trigger)));
    if (!s) {
      std::cerr << s.error().to_string() << "\n";
      return 2;
    }
    const sc::Role tester = tester_role(*s);
    const sc::RoleConfig& tester_block = tester == sc::Role::Lac ? *s->lac : *s->lns;
    const LacUse use = lac_use(*s);
    const bool load = use == LacUse::LoadScenario;
    RoleDefaults d;
    if (!secret.empty()) d["secret"] = secret;
    if (!user.empty()) d["user"] = user;
    if (!password.empty()) d["password"] = password;
    if (load) {
      // l2tpsim lac's own reports; a load run has no cases for a JUnit file.
      if (!out.junit.empty())
        throw UsageError("--junit: a load scenario reports as l2tpsim lac does (--json, --html, --pcap)");
      if (!out.json.empty()) d["json"] = out.json;
      if (!out.html.empty()) d["html"] = out.html;
      if (!out.pcap.empty()) d["pcap"] = out.pcap;
    }
    const bool self_test = s->lac && s->lns;
    if (!sim.empty()) {
      if (load) {
        if (sim != "lns")
          throw UsageError("--sim " + sim + ": " + file +
                           " is a load scenario: its LAC runs against an LNS, so use --sim lns");
        return run_load_sim(*s, file, use, std::move(d), sim_options, seed_text);
      }
      const std::string dut_role = tester == sc::Role::Lac ? "lns" : "lac";
      if (sim != dut_role)
        throw UsageError("--sim " + sim + ": " + file + " plays the " +
                         (tester == sc::Role::Lac ? "LAC" : "LNS") +
                         (self_test ? " (a self-test: its lns: block is the simulated LNS)" : "") +
                         ", so the DUT is an " + dut_role + ": use --sim " + dut_role);
      return run_sim(*s, file, tester, std::move(d), target, listen, sim_options, seed_text, out, quiet);
    }
    std::optional<l2tp::peers::RunnerConfig> lns_cfg;  // a self-test's LNS side
    if (self_test) {
      // The LNS side; the LAC connects to its first --listen unless the file says otherwise.
      const auto* listen = s->lns->find("listen");
      if (!listen) throw UsageError(file + ": a self-test's lns: block needs listen: ADDR[:PORT]");
      if (!tester_block.find("connect-to")) d["connect-to"] = listen->value;
      auto lns_check = role_runner_config(*s->lns, {});
      if (!lns_check) {
        std::cerr << lns_check.error().to_string() << "\n";
        return 2;
      }
      lns_cfg = std::move(*lns_check);
    } else if (tester == sc::Role::Lac && !target.empty()) {
      d["connect-to"] = target;
    } else if (tester == sc::Role::Lns && !listen.empty() && !tester_block.find("listen")) {
      d["listen"] = listen;
    }
    auto cfg = role_runner_config(tester_block, d, use);
    if (!cfg) {
      std::cerr << cfg.error().to_string() << "\n";
      return 2;
    }
    if (lns_cfg)
      if (auto clash = self_test_ipsec_clash(*s, *cfg, *lns_cfg)) {
        std::cerr << clash->to_string() << "\n";
        return 2;
      }
    std::unique_ptr<Device> device;
    if (self_test) {
      // Its own options on its command line, IPsec's too (it starts its own charon).
      const std::string log = (out.pcap.empty() ? std::string("l2tpsim-device") : out.pcap) + ".lns.log";
      auto args = role_arguments(*s->lns, {});
      args.insert(args.begin(), "lns");
      device = std::make_unique<Device>(args, log);
      if (!device->wait_listening(log, std::chrono::seconds(20))) {
        std::cerr << "l2tpsim run: the LNS did not start; see " << log << "\n";
        return 2;
      }
    }
    if (load) {
      std::cout << "l2tpsim run: " << file << " (a load scenario: l2tpsim lac's run against "
                << cfg->connect_to.to_string() << (self_test ? ", l2tpsim's LNS" : "") << ")\n"
                << std::flush;
      const int status = run_load_scenario(*s, *cfg, std::cerr);
      if (device) device->stop();
      return status;
    }
    sc::CaseEnv env;
    env.pcap = open_pcap(out.pcap);
    env.run_start = l2tp::peers::SteadyTime::now();
    env.secret.assign(cfg->node.tunnel.secret.begin(), cfg->node.tunnel.secret.end());
    if (!quiet) env.progress = &std::cout;
    std::cout << "l2tpsim run: " << file << (self_test ? " (self-test: l2tpsim LAC against l2tpsim LNS)" : "")
              << "\n";
    l2tp::reports::CaseResult r;
    within_ipsec(*cfg, tester,
                 [&](const l2tp::peers::RunnerConfig& c) { r = sc::run_case(*s, tester, c, env); });
    if (device) device->stop();
    if (env.pcap) env.pcap->flush();
    l2tp::reports::SuiteResult suite;
    return report_run(suite, std::move(r), file, tester, *cfg, out);
  } catch (const po::error& e) {
    return usage_error("run", e.what());
  } catch (const UsageError& e) {
    return usage_error("run", e.what());
  }
}

}  // namespace l2tpsim::app
