// The requirement catalogue as code: Rule::R024 exists only if reference/*.tsv has row R024.
#pragma once

#include <string_view>

#include "engine/rules_generated.hpp"

namespace l2tp {

inline const RuleInfo& rule_info(Rule r) {
  return kRuleTable[static_cast<std::size_t>(r)];
}
inline std::string_view to_string(Rule r) {
  return rule_info(r).id;
}

}  // namespace l2tp
