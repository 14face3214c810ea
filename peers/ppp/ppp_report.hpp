// How PPP shows in a run's summary: a few lines of text, and the JSON fields scripts rely on
// (sessions_ppp_up, auth_failures, and the per-session `sessions` list).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "engine/driver/ppp_layer.hpp"

namespace l2tp::peers {

std::string ppp_text(const PppLayer& ppp, ppp::Role role);
void add_ppp_json(nlohmann::json& j, const PppLayer& ppp);
nlohmann::json to_json(const PppRecord& r);

}  // namespace l2tp::peers
