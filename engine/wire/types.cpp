#include "engine/wire/types.hpp"

namespace l2tp {

bool is_known_message_type(std::uint16_t v) {
  for (auto t : kAllMessageTypes)
    if (static_cast<std::uint16_t>(t) == v) return true;
  return false;
}

std::string_view to_string(MessageType t) {
  switch (t) {
    case MessageType::Sccrq:
      return "SCCRQ";
    case MessageType::Sccrp:
      return "SCCRP";
    case MessageType::Scccn:
      return "SCCCN";
    case MessageType::StopCcn:
      return "StopCCN";
    case MessageType::Hello:
      return "HELLO";
    case MessageType::Ocrq:
      return "OCRQ";
    case MessageType::Ocrp:
      return "OCRP";
    case MessageType::Occn:
      return "OCCN";
    case MessageType::Icrq:
      return "ICRQ";
    case MessageType::Icrp:
      return "ICRP";
    case MessageType::Iccn:
      return "ICCN";
    case MessageType::Cdn:
      return "CDN";
    case MessageType::Wen:
      return "WEN";
    case MessageType::Sli:
      return "SLI";
  }
  return "Unknown";
}

bool is_session_message(MessageType t) {
  switch (t) {
    case MessageType::Sccrq:
    case MessageType::Sccrp:
    case MessageType::Scccn:
    case MessageType::StopCcn:
    case MessageType::Hello:
      return false;
    default:
      return true;
  }
}

}  // namespace l2tp
