// BCP option policy (RFC 3518 5). See bcp.hpp for what is accepted and why.
#include "engine/ppp/bcp.hpp"

#include <algorithm>
#include <bitset>

namespace l2tp::ppp {
namespace {

using namespace bcp_option;

constexpr std::uint8_t kEnabled = 1;
constexpr std::uint8_t kDisabled = 2;

bool enable_disable(const Option& o) {
  return o.value.size() == 1 && (o.value[0] == kEnabled || o.value[0] == kDisabled);
}

}  // namespace

Bcp::Bcp(const BcpConfig& cfg, const AutomatonConfig& acfg)
    : cfg_(cfg), automaton_(proto::kBcp, *this, acfg) {
  reset();
}

void Bcp::reset() {
  req_mac_support_ = cfg_.mac_support;
  req_management_inline_ = cfg_.management_inline;
  req_tagged_ = cfg_.tagged_frames;
  req_mac_ = cfg_.mac_address;
  peer_mac_support_.clear();
  peer_mac_.reset();
  peer_tinygram_ = peer_tagged_ = peer_management_inline_ = false;
  management_inline_acked_ = false;
}

void Bcp::build_request(Buffer& out) {
  for (std::uint8_t t : req_mac_support_) write_option_u8(out, kMacSupport, t);
  if (req_mac_) write_option(out, kMacAddress, *req_mac_);
  if (req_tagged_) write_option_u8(out, kTaggedFrame, kEnabled);
  if (req_management_inline_) write_option(out, kManagementInline);
}

Code Bcp::judge_request(Bytes options, Buffer& reply, bool reject_instead_of_nak) {
  ReplyBuilder rb;
  std::vector<std::uint8_t> mac_support;
  std::optional<MacAddress> mac;
  bool tinygram = false, tagged = false, inline_mgmt = false;
  std::bitset<256> seen;
  OptionReader r(options);
  while (auto next = r.next()) {
    if (!*next) break;
    const Option& o = next->value();
    // MAC-Support may repeat (one option per MAC Type, 5.3); the others appear once, and
    // Bridge- and Line-Identification exclude each other (5.1).
    const bool repeated = o.type != kMacSupport && seen[o.type];
    const bool exclusive = (o.type == kBridgeId && seen[kLineId]) || (o.type == kLineId && seen[kBridgeId]);
    seen.set(o.type);
    if (repeated || exclusive) {
      rb.reject(o);
      continue;
    }
    switch (o.type) {
      case kBridgeId:
      case kLineId:
        if (o.value.size() != 2) rb.reject(o);
        break;
      case kMacSupport:
        // Advisory and never Nak'd (5.3).
        if (o.value.size() != 1) {
          rb.reject(o);
        } else {
          mac_support.push_back(o.value[0]);
        }
        break;
      case kTinygram:
        // Never Nak'd when received (5.4).
        if (!enable_disable(o)) {
          rb.reject(o);
        } else {
          tinygram = o.value[0] == kEnabled;
        }
        break;
      case kMacAddress: {
        const bool zero = o.value.size() == 6 &&
                          std::all_of(o.value.begin(), o.value.end(), [](std::uint8_t b) { return b == 0; });
        if (o.value.size() != 6 || zero) {
          rb.reject(o);  // malformed, or a request to be assigned an address we cannot make
        } else {
          mac.emplace();
          std::copy(o.value.begin(), o.value.end(), mac->begin());
        }
        break;
      }
      case kTaggedFrame:
        if (!enable_disable(o)) {
          rb.reject(o);
        } else {
          tagged = o.value[0] == kEnabled;
        }
        break;
      case kManagementInline:
        if (!o.value.empty()) {
          rb.reject(o);
        } else {
          inline_mgmt = true;
        }
        break;
      default:
        rb.reject(o);  // LAN-Identification, Spanning-Tree (old), Control Packet Indicator, unknown
        break;
    }
  }
  const Code verdict = rb.finish(reply, reject_instead_of_nak);
  if (verdict == Code::ConfAck) {
    peer_mac_support_ = mac_support;
    peer_mac_ = mac;
    peer_tinygram_ = tinygram;
    peer_tagged_ = tagged;
    peer_management_inline_ = inline_mgmt;
  }
  return verdict;
}

bool Bcp::handle_ack(Bytes) {
  management_inline_acked_ = req_management_inline_;
  return true;
}

bool Bcp::handle_nak(Bytes options) {
  // MAC-Support must not appear in a Nak (5.3) and a Nak of our non-zero MAC-Address is
  // ignored (5.5); the rest we request only as configured, so a Nak changes nothing except
  // a tagged-frame value the peer wants disabled.
  OptionReader r(options);
  while (auto next = r.next()) {
    if (!*next) return false;
    const Option& o = next->value();
    if (o.type == kTaggedFrame && enable_disable(o)) req_tagged_ = o.value[0] == kEnabled;
  }
  return true;
}

bool Bcp::handle_reject(Bytes options) {
  OptionReader r(options);
  while (auto next = r.next()) {
    if (!*next) return false;
    const Option& o = next->value();
    switch (o.type) {
      case kMacSupport:
        if (o.value.size() == 1) std::erase(req_mac_support_, o.value[0]);
        break;
      case kMacAddress:
        req_mac_.reset();
        break;
      case kTaggedFrame:
        req_tagged_ = false;
        break;
      case kManagementInline:
        req_management_inline_ = false;
        break;
      default:
        break;
    }
  }
  return true;
}

std::string Bcp::option_name(std::uint8_t type) const {
  switch (type) {
    case kBridgeId:
      return "Bridge-Identification";
    case kLineId:
      return "Line-Identification";
    case kMacSupport:
      return "MAC-Support";
    case kTinygram:
      return "Tinygram-Compression";
    case kLanId:
      return "LAN-Identification";
    case kMacAddress:
      return "MAC-Address";
    case kSpanningTree:
      return "Spanning-Tree-Protocol";
    case kTaggedFrame:
      return "IEEE-802-Tagged-Frame";
    case kManagementInline:
      return "Management-Inline";
    case kControlIndicator:
      return "Bridge-Control-Packet-Indicator";
  }
  return OptionPolicy::option_name(type);
}

}  // namespace l2tp::ppp
