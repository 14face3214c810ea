// Endpoints the tests write often. One definition here rather than a copy in each test file:
// the test executables are unity-built, and two copies in one batch would collide.
#pragma once

#include <cstdint>

#include "engine/net/address.hpp"

namespace l2tp {

// 127.0.0.last:port, for the simulated and loopback tests.
inline net::Endpoint loopback_ep(std::uint8_t last, std::uint16_t port = 1701) {
  return net::Endpoint{net::IpAddress::v4(127, 0, 0, last), port};
}

// 192.0.2.last:port (TEST-NET-1, RFC 5737), for engine tests that never reach a socket.
inline net::Endpoint test_net_ep(std::uint8_t last, std::uint16_t port = 1701) {
  return net::Endpoint{net::IpAddress::v4(192, 0, 2, last), port};
}

}  // namespace l2tp
