// The simulated DUT of conform --sim. See conform_sim.hpp.
#include "app/conform_sim.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <random>
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
  // The command's own values, unless --sim-options (or the DUT's own block) sets the option.
  auto given = [&](const std::string& name) {
    auto names = [&](const std::string& w) { return w == "--" + name || w.rfind("--" + name + "=", 0) == 0; };
    return std::any_of(extra.begin(), extra.end(), names) || std::any_of(o.base.begin(), o.base.end(), names);
  };
  words.insert(words.end(), o.base.begin(), o.base.end());
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
  for (const auto& [name, value] : o.defaults) {
    if (given(name)) continue;
    words.push_back("--" + name);
    if (!value.empty()) words.push_back(value);
  }
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

std::uint64_t sim_seed(std::string& text) {
  if (!text.empty()) return parse_uint("seed", text, 0, UINT64_MAX);
  const std::uint64_t seed = (std::uint64_t{std::random_device{}()} << 32) ^ std::random_device{}();
  text = std::to_string(seed);
  return seed;
}

l2tp::sim::LinkConfig sim_link() {
  l2tp::sim::LinkConfig link;
  link.latency = std::chrono::milliseconds(1);
  return link;
}

std::unique_ptr<l2tp::scenario::SimBench> make_sim_bench(std::uint64_t seed, l2tp::scenario::SimDut dut) {
  return std::make_unique<l2tp::scenario::SimBench>(seed, std::move(dut), kSimStart, sim_link());
}

std::string network_text(const l2tp::sim::LinkConfig& link) {
  auto number = [](double v) {
    std::ostringstream o;
    o << v;
    return o.str();
  };
  std::string t = number(std::chrono::duration<double, std::milli>(link.latency).count()) + " ms each way";
  if (link.loss > 0) t += ", " + number(link.loss * 100) + "% lost";
  if (link.duplicate > 0) t += ", " + number(link.duplicate * 100) + "% duplicated";
  if (link.reorder > 0) t += ", " + number(link.reorder * 100) + "% reordered";
  return t;
}

std::string simulated_text(const std::string& dut_role, const std::string& command,
                           const std::string& seed_text, const l2tp::sim::LinkConfig& link) {
  return "virtual time, no sockets, against l2tpsim's own " + dut_role + " as `" + command + "`; " +
         network_text(link) + "; --seed " + seed_text + " repeats it";
}

void mark_simulated(l2tp::reports::SuiteResult& suite, const std::string& dut_role,
                    const std::string& command, const std::string& seed_text, const std::string& who) {
  suite.simulated = simulated_text(dut_role, command, seed_text);
  suite.dut.checked = false;
  suite.dut.not_checked =
      "the simulated DUT runs inside " + who +
      " itself: no crash can go unseen, and dialling it between cases would prove nothing";
  std::cout << who << ": simulated: " << command << " (--seed " << seed_text << ")\n";
}

}  // namespace l2tpsim::app
