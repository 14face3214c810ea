// One L2TP packet from a capture, decoded and checked, in a form the console, JSON and later
// HTML reports all render from.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/util/bytes.hpp"
#include "engine/wire/checker.hpp"
#include "engine/wire/message.hpp"
#include "engine/wire/ppp_summary.hpp"

namespace l2tp::reports {

struct PacketInput {
  std::uint64_t frame = 0;
  std::int64_t time_ns = 0;
  std::string src, dst;  // "addr:port"
  std::string src_addr, dst_addr;
  Bytes payload;
  bool truncated = false;  // the capture holds less than was sent
  bool l2tpv3_ip = false;  // IP protocol 115, not UDP
};

enum class PacketKind : std::uint8_t { L2tpv2, L2tpv3, L2f, UnknownVersion, Undecodable };

struct AvpRecord {
  std::uint16_t vendor = 0, type = 0;
  bool m = false, h = false;
  std::uint16_t length = 0;
  std::string name, value;
  std::string hidden;  // "", "revealed", "concealed", "no-vector", "bad-subformat"
};

struct PacketRecord {
  std::uint64_t frame = 0;
  std::int64_t time_ns = 0;
  std::string src, dst, src_addr, dst_addr;
  PacketKind kind = PacketKind::Undecodable;
  int version = 0;
  bool truncated = false;
  bool control = false, zlb = false;
  bool flag_l = false, flag_s = false, flag_o = false, flag_p = false;
  std::uint16_t tunnel = 0, session = 0;
  std::optional<std::uint16_t> ns, nr, length, offset_size;
  std::optional<std::uint16_t> msg_type;
  std::vector<AvpRecord> avps;
  std::optional<wire::PppSummary> ppp;
  std::vector<wire::Violation> violations;
  std::optional<std::string> error;  // a structural decode error, described
  // Decoded IDs, for the summary's tunnel/session bookkeeping.
  std::optional<std::uint16_t> assigned_tunnel, assigned_session;
};

// Decodes and checks one packet. A truncated capture is decoded as far as it goes; errors that
// truncation causes are reported in `error`, not as the peer's violations.
PacketRecord analyse(const PacketInput& in, std::optional<Bytes> secret);

std::string_view to_string(PacketKind k);
std::string message_name(const PacketRecord& r);  // "SCCRQ", "ZLB", "data", "L2TPv3", ...
nlohmann::json to_json(const PacketRecord& r);
// Multi-line text: a header line, one line per AVP, one per violation. `t0_ns` is the time of
// the first packet (times print relative to it, as Wireshark does).
std::string to_text(const PacketRecord& r, std::int64_t t0_ns, bool show_avps);

}  // namespace l2tp::reports
