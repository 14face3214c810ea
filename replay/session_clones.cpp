#include "replay/session_clones.hpp"

#include <map>

namespace l2tp::replay {

ReplayScript clone_sessions(const ReplayScript& script, std::size_t n) {
  if (n <= 1) return script;
  ReplayScript out = script;
  out.messages.clear();
  out.actions.clear();
  // Occurrences count per message type over the whole side: recount them for the clones.
  std::map<MessageType, std::size_t> occurrences;
  auto push_message = [&](ScriptMessage m) {
    m.occurrence = occurrences[m.type]++;
    out.messages.push_back(std::move(m));
  };
  for (const ScriptMessage& m : script.messages) {
    if (!m.session) {
      push_message(m);
      continue;
    }
    for (std::size_t k = 0; k < n; ++k) {
      ScriptMessage c = m;
      c.session = *m.session * n + k;
      push_message(std::move(c));
    }
  }
  for (const ScriptAction& a : script.actions) {
    if (!a.session) {
      out.actions.push_back(a);
      continue;
    }
    for (std::size_t k = 0; k < n; ++k) {
      ScriptAction c = a;
      c.session = *a.session * n + k;
      out.actions.push_back(c);
    }
  }
  return out;
}

std::string clone_user(const std::string& captured, const std::string& pattern, std::size_t n) {
  if (!pattern.empty()) return pattern;
  return n > 1 ? captured + "{n}" : captured;
}

}  // namespace l2tp::replay
