// l2tpsim conform: the conformance suite against a device, with console, JSON, JUnit XML and
// HTML reports and one pcap of everything.
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

constexpr const char* kConformHelp =
    "usage: l2tpsim conform --dut-role lns|lac --target ADDR[:PORT] [options]\n"
    "\n"
    "Runs the conformance suite (the case files under the suite folder, for the DUT's role)\n"
    "against a device under test and judges every message it sends against RFC 2661 (and the\n"
    "PPP RFCs) by requirement ID. For a DUT LNS, l2tpsim is the LAC that dials --target. For a\n"
    "DUT LAC, l2tpsim is the LNS on --listen, and --trigger is a shell command that makes the\n"
    "LAC dial it (run by the cases that need a call from it). Cases whose role blocks name\n"
    "use-ipsec (a --suite of your own) run inside one IPsec phase for the whole suite, so they\n"
    "must all name the same IPsec options.\n"
    "\n"
    "Each case ends pass; fail (a check citing a MUST-level requirement did not hold: MUST,\n"
    "MUST NOT, SHALL, REQUIRED); warn (only a SHOULD, a state-table row or a code the RFC\n"
    "defines without requiring it was missed); inconclusive (its premise did not hold, e.g. no\n"
    "tunnel came up); not applicable (it needs --secret, --user or --trigger); or not run (the\n"
    "DUT had stopped answering). Every check names its requirement ID, level and RFC clause.\n"
    "\n"
    "A DUT LNS is dialled before the first case and after every case (a new tunnel, closed at\n"
    "once): when it stops answering, the case that was running fails with \"the DUT stopped\n"
    "answering during this case\" and the later cases are not run, unless --dut-restart CMD\n"
    "brings it back or --keep-going is given. SIGINT stops the run and still writes the\n"
    "reports of the cases run so far, marked incomplete (exit status 130).\n"
    "\n"
    "The console shows a table; the report files give each check, the evidence frames in the\n"
    "pcap and the requirement texts. Exit status 0 when no case failed (with --strict: and none\n"
    "warned), 1 when one did, 2 on bad usage or a bad case file.\n"
    "\n"
    "--sim lns|lac runs the suite against l2tpsim's own LNS or LAC in virtual time, in this\n"
    "process, with no sockets: the DUT is configured as `l2tpsim lns|lac` would be from --secret,\n"
    "--user, --password and --sim-options, the network is simulated (1 ms each way), and time jumps\n"
    "to the next event, so the whole suite takes seconds. ${trigger} makes the simulated LAC dial\n"
    "(one run of `l2tpsim lac`: --tunnels x --sessions calls, cleared after its --duration, ended\n"
    "with the case); a case with any other shell command (but true) is not applicable. The\n"
    "reports are the same; the pcap has virtual timestamps (from 2026-01-01 00:00:00 UTC); there\n"
    "are no liveness checks. --seed N repeats a run frame for frame:\n"
    "  l2tpsim conform --sim lns --secret s3cret --user alice --password pw --seed 7 --pcap sim.pcap\n"
    "\noptions";

}  // namespace

int run_conform(int argc, char** argv) {
  std::string dut, target, listen = "127.0.0.1:1701", local, secret, user, password, trigger, cases = "*";
  std::string suite_dir;
  std::vector<std::string> vars;
  Outputs out;
  bool list = false, verbose = false, strict = false, keep_going = false, no_liveness = false;
  std::string dut_restart, shard, sim, sim_options, seed_text;
  po::options_description opts(kConformHelp);
  opts.add_options()("help,h", "show this help")("dut-role", po::value(&dut)->value_name("lns|lac"),
                                                 "the role of the device under test")(
      "target", po::value(&target)->value_name("ADDR[:PORT]"), "the DUT (an LNS: where to dial; port 1701)")(
      "listen", po::value(&listen)->value_name("ADDR[:PORT]"),
      "DUT lac: where l2tpsim's LNS waits (default 127.0.0.1:1701)")(
      "local-address", po::value(&local)->value_name("ADDR"), "DUT lns: the address l2tpsim dials from")(
      "secret", po::value(&secret)->value_name("S"), "the tunnel secret the DUT is configured with")(
      "user", po::value(&user)->value_name("U"), "a PPP user the DUT accepts")(
      "password", po::value(&password)->value_name("P"), "its password")(
      "trigger", po::value(&trigger)->value_name("CMD"), "DUT lac: a shell command that makes it dial")(
      "cases", po::value(&cases)->value_name("GLOB[,GLOB]"),
      "run only cases whose ID or file name matches one of the comma-separated globs (default *)")(
      "suite", po::value(&suite_dir)->value_name("DIR"), "the suite folder (default: the bundled one)")(
      "shard", po::value(&shard)->value_name("I/N"),
      "run only shard I of N: the selected cases in ID order, every Nth from the Ith, so N runs "
      "against N devices (or N instances of one) cover the suite once; --list shows the shard's cases")(
      "var", po::value(&vars)->composing()->value_name("NAME=VALUE"), "define ${NAME} for the case files")(
      "json", po::value(&out.json)->value_name("FILE"), "write the results as JSON")(
      "junit", po::value(&out.junit)->value_name("FILE"), "write the results as JUnit XML")(
      "html", po::value(&out.html)->value_name("FILE"), "write a self-contained HTML report")(
      "pcap", po::value(&out.pcap)->value_name("FILE"), "record every datagram of every case")(
      "list", po::bool_switch(&list), "list the cases that would run, and exit")(
      "strict", po::bool_switch(&strict), "count a warn (a missed SHOULD or state-table row) as a failure")(
      "dut-restart", po::value(&dut_restart)->value_name("CMD"),
      "DUT lns: a shell command that restarts the DUT when it stops answering; the suite goes on")(
      "keep-going", po::bool_switch(&keep_going), "run the later cases even when the DUT stopped answering")(
      "no-liveness", po::bool_switch(&no_liveness),
      "do not dial the DUT between cases to check that it still answers")(
      "verbose,v", po::bool_switch(&verbose), "print every step of every case")(
      "sim", po::value(&sim)->value_name("lns|lac"),
      "run against l2tpsim's own LNS or LAC in virtual time, without sockets (sets --dut-role)")(
      "sim-options", po::value(&sim_options)->value_name("'OPTIONS'"),
      "with --sim: more options of `l2tpsim lns|lac` for the simulated DUT, e.g. '--keepalive-timeout 3'")(
      "seed", po::value(&seed_text)->value_name("N"),
      "the seed of every case without one of its own (and with --sim, of the simulation); default: "
      "random (printed with --sim)");
  try {
    const auto vm = parse_command_line(argc, argv, opts);
    if (vm.count("help")) {
      std::cout << opts << "\n";
      return 0;
    }
    if (!sim.empty()) {
      if (sim != "lns" && sim != "lac") throw UsageError("--sim: lns or lac (the role of the simulated DUT)");
      if (!dut.empty() && dut != sim)
        throw UsageError("--dut-role " + dut + " and --sim " + sim + " disagree");
      dut = sim;
      if (!trigger.empty())
        throw UsageError("--trigger: with --sim lac, ${trigger} makes the simulated LAC dial");
      if (!dut_restart.empty()) throw UsageError("--dut-restart: a simulated DUT is never restarted");
      if (dut == "lns" && target.empty()) target = std::string(kSimDutAddress) + ":1701";
      if (vm.count("listen") == 0) listen = std::string(kSimTesterAddress) + ":1701";
      if (dut == "lns" && local.empty()) local = kSimTesterAddress;
      if (dut == "lac") trigger = l2tp::scenario::kSimTrigger;
    } else if (!sim_options.empty()) {
      throw UsageError("--sim-options: only with --sim");
    }
    if (dut != "lns" && dut != "lac") throw UsageError("--dut-role: lns or lac");
    if (dut == "lns" && target.empty()) throw UsageError("--target: the LNS under test (ADDR[:PORT])");
    if (dut == "lns") parse_endpoint("target", target, 1701);  // validates now, with a clear error
    parse_endpoint("listen", listen, 1701);
    if (!user.empty() && password.empty()) throw UsageError("--password: needed with --user");
    std::uint64_t seed = 0;
    // A simulated run is repeatable from its seed: every case gets it, so it is printed.
    if (!seed_text.empty() || !sim.empty()) seed = sim_seed(seed_text);
    if (suite_dir.empty()) suite_dir = bundled_scenario_dir() + "/conformance";
    const fs::path role_dir = fs::path(suite_dir) / dut;
    if (!fs::is_directory(role_dir)) throw UsageError("--suite: no folder " + role_dir.string());
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(role_dir))
      if (e.path().extension() == ".yaml") files.push_back(e.path());
    std::sort(files.begin(), files.end());

    const auto v = parse_vars(vars, builtin_vars(target, secret, user, password, trigger));
    std::vector<sc::Scenario> selected;
    for (const auto& f : files) {
      auto s = sc::load_scenario(f.string(), v);
      if (!s) {
        std::cerr << s.error().to_string() << "\n";
        return 2;
      }
      if (!s->case_info) {
        std::cerr << f.string() << ": not a conformance case (no case: block)\n";
        return 2;
      }
      const std::string name = f.filename().string();
      // A comma-separated list of globs: a case is selected when any of them matches.
      bool wanted = false;
      std::stringstream globs(cases);
      for (std::string g; std::getline(globs, g, ',');)
        wanted = wanted || (!g.empty() && (::fnmatch(g.c_str(), s->case_info->id.c_str(), 0) == 0 ||
                                           ::fnmatch(g.c_str(), name.c_str(), 0) == 0));
      if (!wanted) continue;
      selected.push_back(std::move(*s));
    }
    if (selected.empty()) throw UsageError("--cases " + cases + ": no case matches in " + role_dir.string());
    std::stable_sort(selected.begin(), selected.end(), [](const sc::Scenario& a, const sc::Scenario& b) {
      return a.case_info->id < b.case_info->id;
    });
    for (std::size_t k = 1; k < selected.size(); ++k)
      if (selected[k].case_info->id == selected[k - 1].case_info->id)
        throw UsageError("case ID " + selected[k].case_info->id + " is used by both " + selected[k - 1].file +
                         " and " + selected[k].file);
    if (!shard.empty()) {
      selected = take_shard(std::move(selected), shard);
      if (selected.empty())
        throw UsageError("--shard " + shard + ": this shard holds no case (fewer cases than shards)");
    }
    if (list) {
      for (const auto& s : selected) {
        std::cout << s.case_info->id << "\t";
        for (std::size_t i = 0; i < s.case_info->requirements.size(); ++i)
          std::cout << (i ? "," : "") << s.case_info->requirements[i];
        std::cout << "\t" << s.case_info->title << "\n";
      }
      return 0;
    }

    // What the command line gives a case's role block unless the block sets it.
    auto case_defaults = [&](sc::Role tester) {
      RoleDefaults d = {{"secret", secret}, {"user", user}, {"password", password}, {"seed", seed_text}};
      if (tester == sc::Role::Lac) {
        d["connect-to"] = target;
        if (!local.empty()) d["local-address"] = local;
      } else {
        d["listen"] = listen;
      }
      return d;
    };
    // Every selected case's role options are checked now, so a bad case file is exit status 2
    // before anything is sent, whatever the DUT does later. One IPsec phase serves the whole
    // suite (its SAs are per source address, whatever the case), so the cases must agree on it.
    SuiteIpsec suite_ipsec;
    for (const auto& s : selected) {
      const sc::Role tester = tester_role(s);
      const auto& block = tester == sc::Role::Lac ? s.lac : s.lns;
      bool applicable = true;  // a case that will be not applicable is not configured
      for (const auto& n : s.case_info->needs)
        applicable = applicable && !((n == "secret" && secret.empty()) || (n == "user" && user.empty()) ||
                                     (n == "trigger" && trigger.empty()));
      if (!block || !applicable) continue;
      auto c = role_runner_config(*block, case_defaults(tester));
      if (!c) {
        std::cerr << c.error().to_string() << "\n";
        return 2;
      }
      if (auto clash = suite_ipsec.add(s.file, *block, *c)) {
        std::cerr << *clash << "\n";
        return 2;
      }
    }

    // --sim: the DUT and the network in this process, in virtual time.
    std::unique_ptr<sc::SimBench> bench;
    std::string sim_command;
    const auto wall_start = std::chrono::steady_clock::now();
    if (!sim.empty()) {
      if (suite_ipsec.phase())
        throw UsageError("--sim: the cases name use-ipsec, which needs the kernel and charon");
      SimOptions so;
      so.role = dut;
      so.options = sim_options;
      so.dut = dut == "lns" ? target : (target.empty() ? std::string(kSimDutAddress) : target);
      so.listen = listen;
      so.secret = secret;
      so.user = user;
      so.password = password;
      so.seed = seed ^ 0xD07D07D07ULL;  // the DUT's own numbers, not the tester's
      bench = make_sim_bench(seed, sim_dut(so, sim_command));
    }

    l2tp::reports::SuiteResult suite;
    suite.tool_version = L2TPSIM_VERSION;
    suite.target = dut == "lns" ? target : listen;
    suite.dut_role = dut;
    suite.started = now_iso();
    suite.pcap_path = out.pcap;
    suite.strict = strict;
    suite.cases_planned = selected.size();
    suite.shard = shard;
    {
      // What the whole suite (not only the selected cases) covers for this role, for the report.
      std::vector<l2tp::reports::CoverageCase> all;
      for (const auto& f : files)
        if (auto sc_file = sc::load_scenario(f.string(), v); sc_file && sc_file->case_info)
          all.push_back({sc_file->case_info->id, dut, sc_file->case_info->requirements});
      std::vector<l2tp::reports::NotTestable> nt;
      std::ifstream list(fs::path(suite_dir) / "not-testable.tsv");
      if (list) {
        std::stringstream text;
        text << list.rdbuf();
        if (auto parsed = l2tp::reports::parse_not_testable(text.str(), "not-testable.tsv"))
          nt = std::move(*parsed);
      }
      suite.coverage = l2tp::reports::compute_coverage(l2tp::kRuleTable, all, nt, dut);
    }
    sc::CaseEnv env;
    env.pcap = open_pcap(out.pcap);
    env.run_start = bench ? bench->now() : l2tp::peers::SteadyTime::now();
    env.secret.assign(secret.begin(), secret.end());
    if (verbose) env.progress = &std::cout;
    // The first SIGINT stops the running case and writes the reports of the cases run so far
    // (marked incomplete); a second one ends the process at once.
    g_interrupted = 0;
    struct sigaction sa {};
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESETHAND;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
    env.interrupted = &g_interrupted;
    std::set<std::uint16_t> used_ports;
    env.used_ports = &used_ports;
    // Tunnel IDs are handed out in blocks, one per case (and per liveness check), never twice in
    // a run: a device that still remembers an earlier case's tunnel (xl2tpd keys them by peer
    // address and Assigned Tunnel ID) must not take a new SCCRQ for a copy of an old one, and
    // whatever it still sends to an earlier case's tunnel is not judged in a later case.
    constexpr std::uint16_t kTunnelIdsPerCase = 16;
    std::vector<bool> given(65536, false);
    std::uint16_t next_tunnel_id = 1, current_first = 0;
    auto take_ids = [&] {
      // Earlier blocks become "earlier"; the new one is this case's.
      if (next_tunnel_id > 65535 - 2 * kTunnelIdsPerCase) next_tunnel_id = 1;
      current_first = next_tunnel_id;
      next_tunnel_id = static_cast<std::uint16_t>(next_tunnel_id + kTunnelIdsPerCase);
      return current_first;
    };
    auto mark_given = [&] {
      for (std::uint16_t k = 0; k < kTunnelIdsPerCase; ++k)
        given[static_cast<std::uint16_t>(current_first + k)] = true;
    };
    env.earlier_tunnel = [&](std::uint16_t id) {
      return given[id] && !(id >= current_first && id < current_first + kTunnelIdsPerCase);
    };

    std::cout << "l2tpsim conform: " << selected.size() << " cases against a DUT " << dut << " at "
              << suite.target << (bench ? " (simulated)" : "") << "\n";
    if (bench) mark_simulated(suite, dut, sim_command, seed_text, "l2tpsim conform");
    // Liveness: a DUT LNS is dialled before the first case and after every case.
    suite.dut.checked = dut == "lns" && !no_liveness && !bench;
    std::optional<l2tp::peers::RunnerConfig> probe_cfg;
    if (suite.dut.checked) {
      sc::RoleConfig probe_role;
      probe_role.role = sc::Role::Lac;
      probe_role.options.push_back({"no-ppp", "true", {}});
      RoleDefaults d = {{"secret", secret}, {"connect-to", target}, {"max-retries", "2"}};
      if (!local.empty()) d["local-address"] = local;
      auto c = role_runner_config(probe_role, d);
      if (!c) {
        std::cerr << c.error().to_string() << "\n";
        return 2;
      }
      probe_cfg = std::move(*c);
    }
    const auto probe_within = std::chrono::seconds(4);
    // Two tries, each from a fresh port, before the DUT is called silent.
    auto dut_answers = [&](std::string& detail) {
      for (int attempt = 0; attempt < 2 && !g_interrupted; ++attempt) {
        probe_cfg->node.first_tunnel_id = take_ids();
        const auto l = sc::probe_lns(*probe_cfg, env, probe_within);
        mark_given();
        detail = l.detail + (l.first_frame ? " (frames " + std::to_string(l.first_frame) + "-" +
                                                 std::to_string(l.last_frame) + ")"
                                           : "");
        if (l.alive) return true;
      }
      return false;
    };
    auto now_s = [&] {
      return l2tp::to_seconds((bench ? bench->now() : l2tp::peers::SteadyTime::now()) - env.run_start);
    };
    // After a stop: --dut-restart brings it back (true), or it stays down (false).
    auto restart_dut = [&]() {
      if (dut_restart.empty()) return false;
      std::cout << "l2tpsim conform: the DUT stopped answering; restarting it: " << dut_restart << "\n"
                << std::flush;
      const int rc = std::system(dut_restart.c_str());
      if (rc != 0) std::cout << "l2tpsim conform: --dut-restart exited with status " << rc << "\n";
      for (int i = 0; i < 10 && !g_interrupted; ++i) {
        std::string detail;
        if (dut_answers(detail)) {
          ++suite.dut.restarts;
          std::cout << "l2tpsim conform: the DUT answers again\n" << std::flush;
          return true;
        }
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
      std::cout << "l2tpsim conform: the DUT still does not answer after --dut-restart\n";
      return false;
    };
    bool dut_down = false;
    // The cases and the liveness checks between them, inside the suite's IPsec phase if any.
    auto run_cases = [&](const l2tp::peers::RunnerConfig* ipsec) -> int {
      if (ipsec && !ipsec->ipsec.failed.empty() && suite.dut.checked) {
        // A DUT dialled from an address without an SA cannot answer: no liveness checks then.
        suite.dut.checked = false;
        std::cout << "l2tpsim conform: the IPsec phase failed, so every case fails in phase ipsec; "
                     "no liveness checks\n";
      }
      if (suite.dut.checked) {
        std::string detail;
        if (!dut_answers(detail) && !g_interrupted) {
          suite.dut.stopped.push_back({"liveness-check", now_s(), "before the first case: " + detail});
          std::cout << "l2tpsim conform: the DUT does not answer before the first case: " << detail << "\n";
          dut_down = !restart_dut();
        }
      }

      std::size_t i = 0;
      for (const auto& s : selected) {
        if (g_interrupted) break;
        ++i;
        const auto& c = *s.case_info;
        l2tp::reports::CaseResult r;
        std::string missing;
        for (const auto& n : c.needs)
          if ((n == "secret" && secret.empty()) || (n == "user" && user.empty()) ||
              (n == "trigger" && trigger.empty()))
            missing += (missing.empty() ? "--" : ", --") + n;
        if (!missing.empty() || (dut_down && !keep_going)) {
          r.id = c.id;
          r.title = c.title;
          r.file = s.file;
          r.dut_role = dut;
          r.requirements = c.requirements;
          r.verdict =
              missing.empty() ? l2tp::reports::Verdict::NotRun : l2tp::reports::Verdict::NotApplicable;
          r.reason = missing.empty() ? "the DUT had stopped answering" : "needs " + missing;
        } else {
          const sc::Role tester = tester_role(s);
          const sc::RoleConfig& block = tester == sc::Role::Lac ? *s.lac : *s.lns;
          auto cfg = role_runner_config(block, case_defaults(tester));
          if (!cfg) {
            std::cerr << cfg.error().to_string() << "\n";
            return 2;
          }
          if (ipsec) cfg->ipsec = ipsec->ipsec;  // the suite's phase: its SAs, its failures
          cfg->node.first_tunnel_id = take_ids();
          if (verbose)
            std::cout << "[" << i << "/" << selected.size() << "] " << c.id << " " << c.title << "\n";
          r = bench ? bench->run_case(s, tester, *cfg, env) : sc::run_case(s, tester, *cfg, env);
          // The simulated LAC ended with its case: nothing of it is left to hear out.
          if (!bench && tester == sc::Role::Lns && i < selected.size() && !g_interrupted) {
            // A DUT LAC keeps a tunnel whose StopCCN nobody acknowledged, and may place the next
            // case's call on it: hear it out (and ack) until it has been quiet for 2 s.
            if (const int rounds = sc::settle_lac(*cfg, env, std::chrono::seconds(2), 8); rounds && verbose)
              std::cout << "  (the DUT was still sending after the case; settled in " << rounds
                        << " rounds)\n";
          }
          mark_given();
          // Let the DUT forget the last case.
          if (bench)
            bench->idle(std::chrono::milliseconds(200));
          else
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
          if (suite.dut.checked && !g_interrupted) {
            std::string detail;
            if (!dut_answers(detail) && !g_interrupted) {
              // The case that was running when it went silent fails, whatever its checks said.
              r.dut_stopped = true;
              r.verdict = l2tp::reports::Verdict::Fail;
              l2tp::reports::CheckResult ch;
              ch.description = "the DUT still answers a new tunnel after the case (liveness check)";
              ch.detail = detail;
              r.checks.push_back(ch);
              r.reason = "the DUT stopped answering during this case: " + detail +
                         (r.reason.empty() ? "" : "; " + r.reason);
              suite.dut.stopped.push_back({c.id, now_s(), detail});
              dut_down = !restart_dut();
            } else if (dut_down) {
              dut_down = false;  // --keep-going, and it came back by itself
            }
          }
        }
        print_case_line(i, selected.size(), r);
        suite.cases.push_back(std::move(r));
      }
      return 0;
    };
    if (auto& phase = suite_ipsec.phase()) {
      if (probe_cfg) suite_ipsec.add_addresses(probe_cfg->local);
      std::cout << "l2tpsim conform: one IPsec phase for the whole suite (use-ipsec "
                << to_string(phase->ipsec.settings.use) << ", " << to_string(phase->ipsec.settings.mode)
                << " mode)\n";
      int status = 0;
      within_ipsec(*phase, dut == "lns" ? sc::Role::Lac : sc::Role::Lns,
                   [&](const l2tp::peers::RunnerConfig& c) { status = run_cases(&c); });
      if (status) return status;
    } else if (const int status = run_cases(nullptr)) {
      return status;
    }
    suite.dut.alive = !dut_down;
    if (g_interrupted) {
      suite.incomplete = true;
      std::cout << "\nl2tpsim conform: interrupted; reporting the " << suite.cases.size() << " of "
                << selected.size() << " cases run so far\n";
    }
    suite.duration_s = now_s();
    if (bench)
      std::printf("\nl2tpsim conform: %.1f s of virtual time in %.1f s\n", suite.duration_s,
                  std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count());
    if (env.pcap) env.pcap->flush();
    std::cout << "\n";
    l2tp::reports::print_table(std::cout, suite);
    if (const int st = write_reports(suite, out); st) return st;
    if (suite.incomplete) return 130;
    return suite.any_failed() ? 1 : 0;
  } catch (const UsageError& e) {
    return usage_error("conform", e.what());
  }
}

}  // namespace l2tpsim::app
