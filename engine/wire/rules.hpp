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

// The catalogue row with this ID, or null.
inline const RuleInfo* find_rule(std::string_view id) {
  for (const auto& r : kRuleTable)
    if (r.id == id) return &r;
  return nullptr;
}

// Whether breaking a requirement of this catalogue level fails a conformance case: an RFC 2119
// MUST, MUST NOT, SHALL, SHALL NOT or REQUIRED (the catalogue also keeps the same words written
// in lower case, which the RFC uses with the same intent). Everything else (SHOULD, RECOMMENDED,
// MAY, a state-table row "FSM", a definition "DEF" such as a defined Result Code) only warns.
inline bool is_mandatory_level(std::string_view level) {
  for (std::string_view m : {"MUST", "MUST NOT", "SHALL", "SHALL NOT", "REQUIRED", "must", "must not"})
    if (level == m) return true;
  return false;
}

}  // namespace l2tp
