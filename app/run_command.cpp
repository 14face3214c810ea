// l2tpsim run: one scenario file played, a self-test or against a device (and load scenarios).
#include <fcntl.h>
#include <fnmatch.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
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
    "\noptions";

}  // namespace

int run_run(int argc, char** argv) {
  std::string file, target, secret, user, password, listen, trigger;
  std::vector<std::string> vars;
  Outputs out;
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
      "quiet,q", po::bool_switch(&quiet), "no step-by-step lines");
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
    if (r.id.empty()) r.id = fs::path(file).stem().string();
    if (r.title.empty()) r.title = file;
    if (device) device->stop();
    if (env.pcap) env.pcap->flush();
    l2tp::reports::SuiteResult suite;
    suite.tool_version = L2TPSIM_VERSION;
    suite.target = tester == sc::Role::Lac ? cfg->connect_to.to_string() : cfg->local.front().to_string();
    suite.dut_role = tester == sc::Role::Lac ? "lns" : "lac";
    suite.started = now_iso();
    suite.duration_s = r.duration_s;
    suite.pcap_path = out.pcap;
    suite.cases.push_back(r);
    std::cout << "\n";
    l2tp::reports::print_table(std::cout, suite);
    if (const int st = write_reports(suite, out); st) return st;
    return r.verdict == l2tp::reports::Verdict::Pass ? 0 : 1;
  } catch (const po::error& e) {
    std::cerr << "l2tpsim run: " << e.what() << "\n";
    return 2;
  } catch (const UsageError& e) {
    std::cerr << "l2tpsim run: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace l2tpsim::app
