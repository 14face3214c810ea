// The options of `l2tpsim lac` and `l2tpsim lns` turned into a RunnerConfig, for the commands
// themselves and for scenario files, whose lac: and lns: blocks take the same option names.
#pragma once

#include <iosfwd>
#include <optional>

#include "peers/runner.hpp"

namespace l2tpsim::app {

// argv as the command gets it (argv[0] is the command name). Throws UsageError naming the
// option at fault. nullopt when --help was asked for (the help went to `help`).
std::optional<l2tp::peers::RunnerConfig> lac_config(int argc, char** argv, std::ostream& help);
std::optional<l2tp::peers::RunnerConfig> lns_config(int argc, char** argv, std::ostream& help);

}  // namespace l2tpsim::app
