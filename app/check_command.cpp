// l2tpsim check: scenario files read and checked, each error at its line.
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

constexpr const char* kCheckHelp =
    "usage: l2tpsim check FILE... [--var NAME=VALUE ...]\n"
    "\n"
    "Reads scenario files and checks them: YAML syntax, every key, every value, the requirement\n"
    "IDs a case cites, and the lac:/lns: options (as l2tpsim lac/lns take them). Each error names\n"
    "the file, line, column and key and says what was expected. Exit status 0 when every file is\n"
    "valid, 1 otherwise, 2 on bad usage.\n\noptions";

}  // namespace

int run_check(int argc, char** argv) {
  std::vector<std::string> files, vars;
  po::options_description opts(kCheckHelp);
  opts.add_options()("help,h", "show this help")(
      "var", po::value(&vars)->composing()->value_name("NAME=VALUE"), "define a variable used as ${NAME}");
  po::options_description hidden;
  hidden.add_options()("file", po::value(&files)->composing());
  po::options_description all;
  all.add(opts).add(hidden);
  po::positional_options_description pos;
  pos.add("file", -1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << opts << "\n";
      return 0;
    }
    if (files.empty()) throw UsageError("name at least one scenario file");
    const auto v = parse_vars(vars, builtin_vars("127.0.0.1", "secret", "user", "password", "true"));
    int status = 0;
    for (const auto& f : files) {
      auto s = sc::load_scenario(f, v);
      if (s) {
        std::optional<l2tp::peers::RunnerConfig> lac_cfg, lns_cfg;
        for (const auto* role : {s->lac ? &*s->lac : nullptr, s->lns ? &*s->lns : nullptr}) {
          if (!role) continue;
          RoleDefaults d = role->role == sc::Role::Lac ? RoleDefaults{{"connect-to", "127.0.0.1"}}
                                                       : RoleDefaults{{"listen", "127.0.0.1"}};
          // What conform gives a case from its command line, a placeholder here.
          if (s->case_info)
            for (const auto& n : s->case_info->needs)
              if (n == "secret" || n == "user" || n == "password") d[n] = n;
          auto c = role_runner_config(*role, d, lac_use(*s));
          if (!c) {
            std::cout << c.error().to_string() << "\n";
            status = 1;
            s = l2tp::unexpected(c.error());
            break;
          }
          (role->role == sc::Role::Lac ? lac_cfg : lns_cfg) = std::move(*c);
        }
        if (!s) continue;
        if (lac_cfg && lns_cfg)
          if (auto clash = self_test_ipsec_clash(*s, *lac_cfg, *lns_cfg)) {
            std::cout << clash->to_string() << "\n";
            status = 1;
            continue;
          }
        std::cout << f << ": ok";
        if (s->case_info)
          std::cout << " (case " << s->case_info->id << ", DUT " << sc::to_string(s->case_info->dut) << ")";
        if (lac_use(*s) == LacUse::LoadScenario)
          std::cout << ", a load scenario (l2tpsim lac's run: " << lac_cfg->tunnels << " tunnel(s) x "
                    << lac_cfg->sessions_per_tunnel << " call(s))";
        else
          std::cout << ", " << s->steps.size() << " steps";
        std::cout << ", " << s->faults.size() << " faults\n";
      } else {
        std::cout << s.error().to_string() << "\n";
        status = 1;
      }
    }
    return status;
  } catch (const po::error& e) {
    return usage_error("check", e.what());
  } catch (const UsageError& e) {
    return usage_error("check", e.what());
  }
}

}  // namespace l2tpsim::app
