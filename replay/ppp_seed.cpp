#include "replay/ppp_seed.hpp"

#include "engine/ppp/auth/verify.hpp"
#include "engine/ppp/lcp.hpp"
#include "replay/ppp_facts.hpp"
#include "replay/ppp_policy.hpp"

namespace l2tp::replay {
namespace {

std::shared_ptr<const ppp::AnswerPolicy> shared_answers(ppp::AnswerPolicy p) {
  return p.empty() ? nullptr : std::make_shared<const ppp::AnswerPolicy>(std::move(p));
}

// The value of the last Nak of `side` for IPCP option `type` (RFC 1877: the DNS server an LNS
// gave); nullopt when it never Nak'd it.
std::optional<net::IpAddress> nak_address(const capture::Session& s, std::uint8_t side, std::uint8_t type) {
  std::optional<net::IpAddress> out;
  for (const capture::PppRecord& r : s.ppp) {
    if (r.side != side) continue;
    auto frame = ppp::parse_frame(r.ppp);
    if (!frame || frame->protocol != ppp::proto::kIpcp) continue;
    auto pkt = ppp::parse_packet(frame->payload);
    if (!pkt || pkt->code != ppp::Code::ConfNak) continue;
    if (auto opts = ppp::parse_options(pkt->data))
      for (const ppp::Option& o : *opts)
        if (o.type == type && o.value.size() == 4)
          out = net::IpAddress::v4(o.value[0], o.value[1], o.value[2], o.value[3]);
  }
  return out;
}

// The side's own IPCP request as captured: the IP-Address of its first Configure-Request (or
// none), and whether it went on without one.
void seed_own_ipcp(PppSeed& seed, const PppFacts& ours, bool client) {
  if (!ours.ipcp_request) return;
  ppp::IpcpConfig& ipcp = seed.settings.link.ipcp;
  const bool zero = ours.first_ip_address && *ours.first_ip_address == net::IpAddress::v4(0, 0, 0, 0);
  ipcp.request_address = ours.first_ip_address.has_value();
  ipcp.address_optional = !ours.ip_address || !ours.first_ip_address;
  if (client) {
    // A fixed address only where it asked for one and kept it; else 0.0.0.0, the peer's Nak.
    if (ours.first_ip_address && !zero && ours.ip_address == ours.first_ip_address)
      ipcp.local = ours.ip_address;
    return;
  }
  seed.own_address_captured = true;
  seed.local = ours.first_ip_address && !zero ? ours.first_ip_address : std::nullopt;
}

}  // namespace

PppSeed seed_ppp(const capture::Tunnel& tunnel, const ReplayScript& script, const std::string& password) {
  PppSeed seed;
  const capture::Session* call = nullptr;
  for (const capture::Session& s : tunnel.sessions)
    if (!s.ppp.empty()) {
      call = &s;
      break;
    }
  if (!call) {
    seed.settings.enabled = false;
    seed.notes.push_back("no PPP captured: the calls carry no PPP of ours");
    return seed;
  }
  seed.enabled = true;
  const PppFacts ours = ppp_facts(*call, script.side);
  const PppFacts peer = ppp_facts(*call, script.peer_side);
  const bool client = script.role == capture::PeerRole::Lac;
  ppp::LinkConfig& link = seed.settings.link;
  link.role = client ? ppp::Role::Client : ppp::Role::Server;
  if (ours.mru) link.lcp.mru = *ours.mru;
  link.lcp.accm = ours.accm;
  link.lcp.magic = ours.magic;
  link.lcp.pfc = ours.pfc;
  link.lcp.acfc = ours.acfc;
  if (ours.mrru) link.lcp.mrru = ours.mrru;
  ppp::AnswerPolicy lcp = captured_answers(*call, script.side, ppp::proto::kLcp);
  if (const auto* a = lcp.find(ppp::lcp_option::kMrru); a && a->answer == ppp::Answer::Ack)
    link.lcp.accept_mrru = true;  // it did multilink with the peer's MRRU
  link.lcp.answers = shared_answers(std::move(lcp));
  link.ipcp.answers = shared_answers(captured_answers(*call, script.side, ppp::proto::kIpcp));
  link.ipv6cp.answers = shared_answers(captured_answers(*call, script.side, ppp::proto::kIpv6cp));
  seed_own_ipcp(seed, ours, client);
  if (client) {
    // The method the LNS demanded in the capture is the only one we agree to: a live LNS that
    // asks for another gets our Nak, and the comparison shows its request.
    const auto method = peer.auth ? peer.auth : ours.used;
    link.methods.clear();
    if (method) link.methods.push_back(*method);
    seed.settings.user = ours.user.empty() ? call->user : ours.user;
    if (!password.empty()) {
      seed.settings.password = password;
    } else if (!ours.pap_password.empty()) {
      seed.settings.password = ours.pap_password;
      seed.notes.push_back("PAP password taken from the capture (it travels in the clear, RFC 1334 2.2.1)");
    } else if (method) {
      seed.notes.push_back("no --password: the " + std::string(ppp::auth::to_string(*method)) +
                           " response cannot be made from the capture");
      seed.settings.password.clear();
    }
    link.ipcp.request_dns = ours.requested_dns;
  } else {
    link.methods.clear();
    if (ours.auth) link.methods.push_back(*ours.auth);
    if (!seed.own_address_captured) seed.local = ours.ip_address;
    seed.remote = peer.ip_address;
    link.ipcp.dns1 = nak_address(*call, script.side, 129);  // RFC 1877 Primary-DNS
    link.ipcp.dns2 = nak_address(*call, script.side, 131);  // Secondary-DNS
    if (!password.empty())
      seed.password = password;
    else if (!peer.pap_password.empty())
      seed.password = peer.pap_password;
  }
  return seed;
}

std::optional<Decision> SeededAuthorizer::authorize(LinkKey,
                                                    const std::optional<ppp::auth::Credentials>& creds,
                                                    std::function<void(Decision)>) {
  Decision d;
  d.source = "capture";
  if (creds && seed_.password)
    d.verdict = ppp::auth::verify_with_password(*creds, *seed_.password);
  else
    d.verdict = ppp::auth::Verdict{true, {}, {}, {}};
  // As captured (none: it asked for 0.0.0.0 or no address); made up only without IPCP captured.
  d.local = seed_.own_address_captured ? seed_.local : seed_.local.value_or(net::IpAddress::v4(10, 0, 0, 1));
  d.remote = seed_.remote.value_or(net::IpAddress::v4(10, 0, 0, 2));
  return d;
}

}  // namespace l2tp::replay
