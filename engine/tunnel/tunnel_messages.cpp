// Building SCCRQ/SCCRP/SCCCN/StopCCN and judging the peer's (7.2.1 "acceptable").
#include <algorithm>

#include "engine/tunnel/tunnel.hpp"
#include "engine/wire/checker.hpp"
#include "engine/wire/hidden.hpp"

namespace l2tp::tunnel {
namespace {

using wire::make_avp;

Buffer octets_of(const wire::Avp* a) {
  if (!a) return {};
  if (const auto* o = a->get<avp::Octets>()) return o->bytes;
  return {};
}

// A mandatory AVP absent. (One present with a value that does not fit was refused before the
// message got here: Tunnel::process, R250.)
std::optional<ResultInfo> missing(const wire::ControlMessage& m) {
  const auto absent = wire::missing_mandatory_avps(m);
  if (absent.empty()) return std::nullopt;
  return ResultInfo{2, 0,
                    "missing mandatory AVP " +
                        avp_display_name(kIetfVendor, static_cast<std::uint16_t>(absent.front().first)) +
                        " (" + std::string(to_string(absent.front().second)) + ")"};
}

std::optional<ResultInfo> bad_version(const wire::ControlMessage& m) {
  const auto* a = m.find(AvpType::ProtocolVersion);
  const auto* pv = a ? a->get<avp::ProtocolVersion>() : nullptr;
  // 4.4.2 Result Code 5 carries the highest version we support (1.0) in the Error Code.
  if (!pv || pv->ver != 1 || pv->rev != 0) return ResultInfo{5, 0x0100, "protocol version not supported"};
  return std::nullopt;
}

}  // namespace

void Tunnel::add_common_tunnel_avps(wire::ControlMessage& m) {
  m.avps.push_back(make_avp(AvpType::ProtocolVersion, avp::ProtocolVersion{1, 0}));
  m.avps.push_back(make_avp(AvpType::HostName, cfg_.host_name));
  m.avps.push_back(make_avp(AvpType::FramingCapabilities, cfg_.framing_capabilities));
  if (cfg_.send_bearer_capabilities)
    m.avps.push_back(make_avp(AvpType::BearerCapabilities, cfg_.bearer_capabilities));
  if (tie_breaker_ && m.known_type() == MessageType::Sccrq)
    m.avps.push_back(make_avp(AvpType::TieBreaker, *tie_breaker_));
  m.avps.push_back(make_avp(AvpType::FirmwareRevision, cfg_.firmware_revision));
  if (!cfg_.vendor_name.empty()) m.avps.push_back(make_avp(AvpType::VendorName, cfg_.vendor_name));
  m.avps.push_back(make_avp(AvpType::AssignedTunnelId, local_.value));
  m.avps.push_back(make_avp(AvpType::ReceiveWindowSize, cfg_.reliability.receive_window));
  if (!cfg_.secret.empty() && cfg_.challenge_peer) {
    our_challenge_.assign(16, 0);
    rng_.fill(our_challenge_);
    m.avps.push_back(make_avp(AvpType::Challenge, avp::Octets{our_challenge_}));
  }
}

void Tunnel::add_challenge_response(wire::ControlMessage& m, MessageType carrying) {
  // R085/R086: answer the peer's Challenge with MD5(message type | secret | challenge).
  if (peer_challenge_.empty()) return;
  const auto digest =
      wire::challenge_response(static_cast<std::uint8_t>(carrying), as_bytes(cfg_.secret), peer_challenge_);
  m.avps.push_back(make_avp(AvpType::ChallengeResponse, avp::Octets{Buffer(digest.begin(), digest.end())}));
}

void Tunnel::apply_hiding(wire::ControlMessage& m) {
  if (cfg_.secret.empty() || cfg_.hidden_avps.empty()) return;  // R031: hiding needs the secret
  bool any = false;
  for (auto& a : m.avps) {
    if (a.vendor != kIetfVendor) continue;
    const AvpSpec* spec = find_avp_spec(a.vendor, a.type);
    if (!spec || !spec->may_hide) continue;
    if (std::find(cfg_.hidden_avps.begin(), cfg_.hidden_avps.end(), spec->type) == cfg_.hidden_avps.end())
      continue;
    a.hidden = true;
    any = true;
  }
  if (!any) return;
  // R032/R044: the Random Vector comes before the first hidden AVP (right after Message Type).
  Buffer rv(16);
  rng_.fill(rv);
  m.avps.insert(m.avps.begin() + 1, make_avp(AvpType::RandomVector, avp::Octets{std::move(rv)}));
}

wire::ControlMessage Tunnel::build_sccrq() {
  auto m = wire::make_control(MessageType::Sccrq, TunnelId{}, SessionId{});  // R077: Tunnel ID 0
  add_common_tunnel_avps(m);
  apply_hiding(m);
  return m;
}

wire::ControlMessage Tunnel::build_sccrp() {
  auto m = wire::make_control(MessageType::Sccrp, peer_, SessionId{});
  add_common_tunnel_avps(m);
  add_challenge_response(m, MessageType::Sccrp);
  apply_hiding(m);
  return m;
}

wire::ControlMessage Tunnel::build_scccn() {
  auto m = wire::make_control(MessageType::Scccn, peer_, SessionId{});
  add_challenge_response(m, MessageType::Scccn);
  apply_hiding(m);
  return m;
}

wire::ControlMessage Tunnel::build_stopccn(const ResultInfo& r) {
  auto m = wire::make_control(MessageType::StopCcn, peer_, SessionId{});
  m.avps.push_back(make_avp(AvpType::AssignedTunnelId, local_.value));  // R078
  m.avps.push_back(make_avp(AvpType::ResultCode, avp::ResultCode{r.result, r.error, r.message}));
  apply_hiding(m);
  return m;
}

void Tunnel::learn_peer(const wire::ControlMessage& m) {
  if (const auto* a = m.find(AvpType::AssignedTunnelId))
    if (const auto* v = a->get<std::uint16_t>(); v && *v != 0) {
      peer_ = TunnelId{*v};
      channel_.set_peer_tunnel(peer_);
    }
  if (const auto* a = m.find(AvpType::ReceiveWindowSize))
    if (const auto* v = a->get<std::uint16_t>(); v && *v != 0) channel_.set_peer_window(*v);  // R080
  peer_challenge_ = octets_of(m.find(AvpType::Challenge));
}

std::optional<ResultInfo> Tunnel::judge_sccrq(const wire::ControlMessage& m) {
  if (refusal_) return refusal_;
  if (auto r = missing(m)) return r;
  if (auto r = bad_version(m)) return r;
  if (peer_.value == 0) return ResultInfo{2, 3, "Assigned Tunnel ID is 0"};  // R145
  if (!peer_challenge_.empty() && cfg_.secret.empty())
    return ResultInfo{4, std::nullopt, "peer sent a Challenge but no secret is configured"};
  return std::nullopt;
}

std::optional<ResultInfo> Tunnel::judge_sccrp(const wire::ControlMessage& m) {
  if (auto r = missing(m)) return r;
  if (auto r = bad_version(m)) return r;
  if (peer_.value == 0) return ResultInfo{2, 3, "Assigned Tunnel ID is 0"};
  if (!peer_challenge_.empty() && cfg_.secret.empty())
    return ResultInfo{4, std::nullopt, "peer sent a Challenge but no secret is configured"};
  if (!our_challenge_.empty()) {  // R138, R139
    const Buffer got = octets_of(m.find(AvpType::ChallengeResponse));
    const auto want = wire::challenge_response(2, as_bytes(cfg_.secret), our_challenge_);
    if (got.empty()) return ResultInfo{4, std::nullopt, "SCCRP lacks the Challenge Response"};
    if (!std::equal(got.begin(), got.end(), want.begin(), want.end()))
      return ResultInfo{4, std::nullopt, "wrong Challenge Response in SCCRP (secrets differ?)"};
  }
  return std::nullopt;
}

std::optional<ResultInfo> Tunnel::judge_scccn(const wire::ControlMessage& m) {
  if (!our_challenge_.empty()) {  // R138, R139, R257
    const Buffer got = octets_of(m.find(AvpType::ChallengeResponse));
    const auto want = wire::challenge_response(3, as_bytes(cfg_.secret), our_challenge_);
    if (got.empty()) return ResultInfo{4, std::nullopt, "SCCCN lacks the Challenge Response"};
    if (!std::equal(got.begin(), got.end(), want.begin(), want.end()))
      return ResultInfo{4, std::nullopt, "wrong Challenge Response in SCCCN (secrets differ?)"};
  }
  return std::nullopt;
}

}  // namespace l2tp::tunnel
