// The simulated DUT of conform --sim. See conform_sim.hpp.
#include "app/conform_sim.hpp"

#include <algorithm>
#include <sstream>

#include "app/peer_options.hpp"
#include "app/role_config.hpp"

namespace l2tpsim::app {

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::string w;
  bool in_word = false;
  char quote = 0;
  for (char c : text) {
    if (quote) {
      if (c == quote)
        quote = 0;
      else
        w += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(w);
      w.clear();
      in_word = false;
    } else {
      w += c;
      in_word = true;
    }
  }
  if (quote) throw UsageError("--sim-options: an unclosed quote");
  if (in_word) words.push_back(w);
  return words;
}

l2tp::scenario::SimDut sim_dut(const SimOptions& o, std::string& command) {
  const bool lns = o.role == "lns";
  std::vector<std::string> words = {o.role};
  const auto extra = split_words(o.options);
  // conform's own values, unless --sim-options sets the option itself.
  auto given = [&](const std::string& name) {
    return std::any_of(extra.begin(), extra.end(), [&](const std::string& w) {
      return w == "--" + name || w.rfind("--" + name + "=", 0) == 0;
    });
  };
  auto add = [&](const std::string& name, const std::string& value) {
    if (value.empty() || given(name)) return;
    words.push_back("--" + name);
    words.push_back(value);
  };
  if (lns) {
    add("listen", o.dut);
  } else {
    add("connect-to", o.listen);
    add("local-address", o.dut);
  }
  add("secret", o.secret);
  add("user", o.user);
  add("password", o.password);
  add("seed", std::to_string(o.seed));
  words.insert(words.end(), extra.begin(), extra.end());
  command = "l2tpsim";
  for (const auto& w : words) command += " " + w;
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  std::ostringstream help;
  std::optional<l2tp::peers::RunnerConfig> cfg;
  try {
    cfg = lns ? lns_config(static_cast<int>(argv.size()), argv.data(), help)
              : lac_config(static_cast<int>(argv.size()), argv.data(), help, LacUse::Command);
  } catch (const UsageError& e) {
    throw UsageError(std::string("--sim-options: ") + e.what() + " (the options of l2tpsim " + o.role + ")");
  }
  if (!cfg) throw UsageError("--sim-options: --help is not an option of the simulated " + o.role);
  const auto role = lns ? l2tp::scenario::Role::Lns : l2tp::scenario::Role::Lac;
  if (auto why = l2tp::scenario::sim_unsupported(role, *cfg))
    throw UsageError("--sim " + o.role + ": " + *why);
  l2tp::scenario::SimDut dut;
  dut.role = role;
  dut.cfg = std::move(*cfg);
  if (!lns) dut.trigger = l2tp::scenario::kSimTrigger;
  return dut;
}

}  // namespace l2tpsim::app
