#include "replay/ppp_seed.hpp"

#include "engine/ppp/auth/verify.hpp"
#include "replay/ppp_facts.hpp"

namespace l2tp::replay {

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
    seed.local = ours.ip_address;
    seed.remote = peer.ip_address;
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
  d.local = seed_.local.value_or(net::IpAddress::v4(10, 0, 0, 1));
  d.remote = seed_.remote.value_or(net::IpAddress::v4(10, 0, 0, 2));
  return d;
}

}  // namespace l2tp::replay
