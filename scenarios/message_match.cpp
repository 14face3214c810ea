#include "scenarios/message_match.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace l2tp::scenario {

namespace {

bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(x) == std::tolower(y);
         });
}

}  // namespace

bool message_matches(const MessageMatch& m, const WireEntry& e) {
  if (iequals(m.message, "any")) {
  } else if (iequals(m.message, "control")) {
    if (e.kind != WireEntry::Kind::Control) return false;
  } else if (iequals(m.message, "data")) {
    if (e.kind != WireEntry::Kind::Data) return false;
  } else if (!iequals(m.message, e.name)) {
    return false;
  }
  if (m.result && e.result != m.result) return false;
  if (m.error && e.error != m.error) return false;
  for (auto t : m.has_avps)
    if (std::find(e.avps.begin(), e.avps.end(), t) == e.avps.end()) return false;
  for (auto t : m.lacks_avps)
    if (std::find(e.avps.begin(), e.avps.end(), t) != e.avps.end()) return false;
  for (const auto& want : m.avp_values) {
    bool found = false;
    for (std::size_t i = 0; i < e.avps.size() && i < e.avp_values.size() && !found; ++i)
      found = e.avps[i] == want.type && e.avp_values[i] == want.value;
    if (!found) return false;
  }
  if (m.hidden && *m.hidden != e.any_hidden) return false;
  if (m.ppp_protocol && e.ppp_protocol != m.ppp_protocol) return false;
  if (m.ppp_code && e.ppp_code != m.ppp_code) return false;
  if (m.session_zero && *m.session_zero != (e.session == 0)) return false;
  return true;
}

}  // namespace l2tp::scenario
