// l2tpsim rules: the requirement catalogue (R001..., P001...) the checks cite, and which of
// them the stateless message checker evaluates.
#include <iostream>
#include <set>
#include <string>

#include "app/commands.hpp"
#include "engine/wire/checker.hpp"

namespace l2tpsim::app {

int run_rules(int argc, char** argv) {
  bool checked_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--checked") {
      checked_only = true;
    } else if (a == "-h" || a == "--help") {
      std::cout << "usage: l2tpsim rules [--checked]\n\n"
                   "Lists every requirement row (ID, section, level, topic, text). With --checked,\n"
                   "only the rows the per-message checker evaluates.\n";
      return 0;
    } else {
      std::cerr << "l2tpsim rules: unknown option '" << a << "'\n";
      return 2;
    }
  }
  std::set<l2tp::Rule> checked;
  for (const auto& row : l2tp::wire::check_rows()) checked.insert(row.rule);
  for (std::size_t i = 0; i < l2tp::kRuleCount; ++i) {
    const auto& r = l2tp::kRuleTable[i];
    const bool is_checked = checked.count(static_cast<l2tp::Rule>(i)) > 0;
    if (checked_only && !is_checked) continue;
    std::cout << r.id << "\t" << r.section << "\t" << r.level << "\t" << r.topic << "\t" << r.text << "\n";
  }
  return 0;
}

}  // namespace l2tpsim::app
