// Role blocks through the lac/lns option parsers. See scenario_roles.hpp.
#include "app/scenario_roles.hpp"

#include <algorithm>
#include <iterator>
#include <sstream>

#include "app/peer_options.hpp"

namespace l2tpsim::app {

namespace sc = l2tp::scenario;

std::vector<std::string> role_arguments(const sc::RoleConfig& role, const RoleDefaults& defaults) {
  std::vector<std::string> args;
  for (const auto& o : role.options) {
    if (o.value == "false") continue;  // a switch left off
    args.push_back("--" + o.name);
    if (o.value != "true") args.push_back(o.value);
  }
  for (const auto& [name, value] : defaults) {
    if (role.find(name) || value.empty()) continue;
    args.push_back("--" + name);
    args.push_back(value);
  }
  return args;
}

LacUse lac_use(const sc::Scenario& s) {
  if (!s.steps.empty() || s.case_info || !s.lac) return LacUse::ScenarioSteps;
  for (const auto& o : s.lac->options)
    if (std::find(std::begin(kLoadKeys), std::end(kLoadKeys), o.name) != std::end(kLoadKeys))
      return LacUse::LoadScenario;
  return LacUse::ScenarioSteps;
}

l2tp::Result<l2tp::peers::RunnerConfig, sc::ScenarioError> role_runner_config(const sc::RoleConfig& role,
                                                                              const RoleDefaults& defaults,
                                                                              LacUse use) {
  std::vector<std::string> words = {sc::to_string(role.role)};
  const auto rest = role_arguments(role, defaults);
  words.insert(words.end(), rest.begin(), rest.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  std::ostringstream help;
  try {
    auto cfg = role.role == sc::Role::Lac ? lac_config(static_cast<int>(argv.size()), argv.data(), help, use)
                                          : lns_config(static_cast<int>(argv.size()), argv.data(), help);
    if (!cfg) return l2tp::unexpected(sc::ScenarioError{role.where, "help is not an option of a scenario"});
    return std::move(*cfg);
  } catch (const UsageError& e) {
    // Blame the option the message names ("--secret: ..."), else the whole block.
    const std::string what = e.what();
    sc::Where where = role.where;
    for (const auto& o : role.options)
      if (what.find("--" + o.name) != std::string::npos ||
          what.find("'" + o.name + "'") != std::string::npos) {
        where = o.where;
        break;
      }
    if (where.key == role.where.key && what.find("unrecognised option") != std::string::npos)
      for (const auto& o : role.options)
        if (what.find(o.name) != std::string::npos) where = o.where;
    return l2tp::unexpected(sc::ScenarioError{
        where, what + " (the options of l2tpsim " + std::string(sc::to_string(role.role)) + " --help)"});
  }
}

}  // namespace l2tpsim::app
