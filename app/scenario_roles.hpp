// A scenario's lac: or lns: block turned into a RunnerConfig by the same option parsers the
// `l2tpsim lac` and `l2tpsim lns` commands use, so a scenario takes exactly their option names.
// A bad option or value is reported at its line and column in the scenario file.
#pragma once

#include <map>
#include <string>

#include "app/role_config.hpp"
#include "engine/util/result.hpp"
#include "peers/runner.hpp"
#include "scenarios/parser.hpp"

namespace l2tpsim::app {

// Options the command line supplies when the block does not set them (connect-to, secret,
// user, password, ...), by option name.
using RoleDefaults = std::map<std::string, std::string>;

// `use`: how a lac: block is read (role_config.hpp); an lns: block is read one way.
l2tp::Result<l2tp::peers::RunnerConfig, l2tp::scenario::ScenarioError> role_runner_config(
    const l2tp::scenario::RoleConfig& role, const RoleDefaults& defaults, LacUse use = LacUse::ScenarioSteps);

// How a scenario's lac: block is read: a load scenario's (no steps, not a case, a load key in
// its lac: block) as the lac command's, any other as a block whose steps open the calls.
LacUse lac_use(const l2tp::scenario::Scenario& s);

// The role block as command-line words for `l2tpsim lac|lns` (defaults added), e.g. to start
// a scenario's device side as a child process.
std::vector<std::string> role_arguments(const l2tp::scenario::RoleConfig& role, const RoleDefaults& defaults);

}  // namespace l2tpsim::app
