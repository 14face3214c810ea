// The RFC 3145 disconnect causes a link reports (LinkDown::cause, for the CDN): shared by
// link.cpp and link_auth.cpp, which decide when.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "engine/wire/avp_value.hpp"

namespace l2tp::ppp {

// RFC 3145 disconnect codes.
inline constexpr std::uint16_t kNoInfo = 0, kNormal = 3, kFsmTimeout = 5, kNoLcp = 6, kLoopedBack = 7,
                               kEchoTimeout = 8, kAuthTimeout = 13, kAuthUnacceptable = 15, kAuthFailed = 16,
                               kNcpTimeout = 17, kNoNcp = 18;
inline constexpr std::uint8_t kGlobal = 0, kAtPeer = 1, kAtLocal = 2;

inline avp::DisconnectCause cause(std::uint16_t code, std::uint16_t protocol, std::uint8_t direction,
                                  std::string message) {
  return avp::DisconnectCause{code, protocol, direction, std::move(message)};
}

}  // namespace l2tp::ppp
