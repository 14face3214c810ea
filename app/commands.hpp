// Entry points of the subcommands. Each parses its own options and returns the exit code:
// 0 success, 1 the job found problems (e.g. violations with --fail-on-violation), 2 usage or
// input errors.
#pragma once

#include <string>

namespace l2tpsim::app {

// The scenario library: $L2TPSIM_SCENARIOS, else the one installed with l2tpsim.
std::string bundled_scenario_dir();

int run_decode(int argc, char** argv);
int run_rules(int argc, char** argv);
int run_lac(int argc, char** argv);
int run_lns(int argc, char** argv);
int run_check(int argc, char** argv);
int run_run(int argc, char** argv);
int run_conform(int argc, char** argv);
int run_replay(int argc, char** argv);
int run_report(int argc, char** argv);

}  // namespace l2tpsim::app
