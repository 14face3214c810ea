// The conversations of a capture as `l2tpsim replay --list` shows them: text for people, JSON
// for scripts (the same facts), and the RFC 2661 4.4.2 meaning of result and error codes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "capture/conversation.hpp"

namespace l2tp::capture {

// RFC 2661 4.4.2, as reference/rfc2661_avps.tsv words it: the meaning of a StopCCN or CDN
// Result Code, and of a General Error Code (used with Result Code 2). Empty when undefined.
std::string_view stopccn_result_meaning(std::uint16_t result);
std::string_view cdn_result_meaning(std::uint16_t result);
std::string_view general_error_meaning(std::uint16_t error);

// "result 2 (General error; ...), error 4 (Insufficient resources ...), message "..."".
std::string describe_result(MessageType in, const avp::ResultCode& rc);

// Every tunnel and session with IDs, endpoints, roles, message counts, time span, how it ended,
// whether it can be replayed (and why not), and the notes. `name` is the capture's file name.
std::string conversations_text(const Conversations& c, const std::string& name);
nlohmann::json conversations_json(const Conversations& c, const std::string& name);

}  // namespace l2tp::capture
