// How PPP shows in a run's summary: a few lines of text, and the JSON fields scripts rely on
// (sessions_ppp_up, auth_failures, the per-session `sessions` list of the records kept and
// `sessions_omitted` for the others, the phases' latency histograms).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/driver/ppp_layer.hpp"

namespace l2tp::peers {

std::string ppp_text(const PppCounters& c, const PppRecords& records, ppp::Role role);
void add_ppp_json(nlohmann::json& j, const PppCounters& c, const PppRecords& records);
inline std::string ppp_text(const PppLayer& ppp, ppp::Role role) {
  return ppp_text(ppp.counters(), ppp.records(), role);
}
inline void add_ppp_json(nlohmann::json& j, const PppLayer& ppp) {
  add_ppp_json(j, ppp.counters(), ppp.records());
}
nlohmann::json to_json(const PppRecord& r);

}  // namespace l2tp::peers
