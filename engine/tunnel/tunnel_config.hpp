// Everything that shapes one side of a tunnel. Names follow RouterOS where it has the
// property (keepalive-timeout, secret, max-sessions, ...).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/control/control_channel.hpp"
#include "engine/time.hpp"
#include "engine/wire/avp_value.hpp"

namespace l2tp::tunnel {

enum class Role : std::uint8_t { Lac, Lns };

enum class DataSequencing : std::uint8_t {
  Off,  // LNS: send data without Ns/Nr (the LAC follows, RFC 2661 5.4)
  On,   // LNS: number data messages; LAC: ask for it with Sequencing Required in ICCN
};

struct TunnelConfig {
  Role role = Role::Lac;
  std::string host_name = "l2tpsim";
  std::string vendor_name = "l2tpsim";
  std::uint16_t firmware_revision = 0x0100;
  std::uint32_t framing_capabilities = 0x3;  // sync and async (4.4.3)
  std::uint32_t bearer_capabilities = 0x3;   // analog and digital
  bool send_bearer_capabilities = true;
  bool send_tie_breaker = true;

  // Tunnel authentication and AVP hiding share this secret (R140). Empty: neither.
  std::string secret;
  bool challenge_peer = true;        // with a secret: send a Challenge (5.1.1)
  std::vector<AvpType> hidden_avps;  // sent hidden when a secret is set (4.3)
  std::uint16_t hidden_padding = 0;  // random octets added to each hidden value (R034)

  Duration keepalive_timeout = std::chrono::seconds(60);  // HELLO after this much silence; 0: never
  Duration stop_linger = std::chrono::seconds(31);        // keep acking a received StopCCN (5.7)
  control::ReliabilityConfig reliability;

  std::uint32_t max_sessions = 0;  // per tunnel; 0: no limit below the 65535 IDs

  // Call parameters this side puts in ICRQ/ICCN/OCRQ/OCCN.
  std::uint32_t tx_connect_speed = 100000000;
  std::uint32_t framing_type = 0x1;  // sync
  std::uint32_t bearer_type = 0x0;
  std::string called_number;
  std::string calling_number;
  DataSequencing data_sequencing = DataSequencing::Off;
};

}  // namespace l2tp::tunnel
