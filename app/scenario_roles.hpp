// A scenario's lac: or lns: block turned into a RunnerConfig by the same option parsers the
// `l2tpsim lac` and `l2tpsim lns` commands use, so a scenario takes exactly their option names.
// A bad option or value is reported at its line and column in the scenario file.
#pragma once

#include <map>
#include <string>

#include "engine/util/result.hpp"
#include "peers/runner.hpp"
#include "scenarios/parser.hpp"

namespace l2tpsim::app {

// Options the command line supplies when the block does not set them (connect-to, secret,
// user, password, ...), by option name.
using RoleDefaults = std::map<std::string, std::string>;

l2tp::Result<l2tp::peers::RunnerConfig, l2tp::scenario::ScenarioError> role_runner_config(
    const l2tp::scenario::RoleConfig& role, const RoleDefaults& defaults);

// The role block as command-line words for `l2tpsim lac|lns` (defaults added), e.g. to start
// a scenario's device side as a child process.
std::vector<std::string> role_arguments(const l2tp::scenario::RoleConfig& role, const RoleDefaults& defaults);

}  // namespace l2tpsim::app
