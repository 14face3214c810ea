#include "engine/ppp/link_reasons.hpp"

#include <chrono>
#include <cstdio>
#include <vector>

#include "engine/ppp/link.hpp"
#include "engine/ppp/protocol.hpp"

namespace l2tp::ppp {

namespace {

std::string seconds_text(Duration d) {
  const double s = std::chrono::duration<double>(d).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g s", s);
  return buf;
}

std::string plural(std::uint64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

const char* method_label(auth::Method m) {
  switch (m) {
    case auth::Method::Pap:
      return "PAP";
    case auth::Method::ChapMd5:
      return "CHAP";
    case auth::Method::MsChapV1:
      return "MS-CHAPv1";
    case auth::Method::MsChapV2:
      return "MS-CHAPv2";
  }
  return "?";
}

// The document that puts a control protocol on the RFC 1661 automaton, for NCPs.
std::string automaton_rfc(std::uint16_t protocol) {
  switch (protocol) {
    case proto::kIpcp:
      return "RFC 1332 2, ";
    case proto::kIpv6cp:
      return "RFC 5072 3, ";
    case proto::kBcp:
      return "RFC 3518 4, ";
    default:
      return "";
  }
}
}  // namespace

// A Configure-Request exchange that ran out of Max-Configure (RFC 1661 4.6), told from our
// side: which of the two requests (ours, the peer's) never got through, and what the peer did
// send. The state the automaton timed out in says which request was acknowledged last
// (Ack-Rcvd: ours, Ack-Sent: the peer's, RFC 1661 4.2); the counters say whether the other
// ever was.
std::string configure_timeout_reason(const Automaton& a, const AutomatonConfig& fsm) {
  const auto c = a.counters();
  const State at = a.stopped_from();
  const bool ours_acked = at == State::AckRcvd;
  const bool peers_acked = at == State::AckSent;
  const std::uint64_t refusals = c.naks_received + c.rejects_received;
  const std::uint64_t answers = c.acks_received + refusals;
  std::string what;
  if (!ours_acked && !peers_acked && c.conf_req_received == 0 && answers == 0) {
    what = "the peer sent nothing: no answer to our Configure-Request and no Configure-Request of its own";
  } else {
    std::vector<std::string> parts;
    if (!peers_acked) {
      if (c.conf_req_received == 0)
        parts.push_back("the peer never sent its own Configure-Request");
      else if (c.acks_sent == 0)
        parts.push_back("we could acknowledge none of the peer's " +
                        plural(c.conf_req_received, "Configure-Request", "Configure-Requests") +
                        " (we sent Nak or Reject)");
      else
        parts.push_back("the peer sent no acceptable Configure-Request again");
    }
    if (!ours_acked) {
      if (answers == 0)
        parts.push_back("our Configure-Request was never acknowledged (no Ack, Nak or Reject came back)");
      else if (c.acks_received == 0)
        parts.push_back("our Configure-Request was never acknowledged (the peer sent " +
                        plural(refusals, "Nak or Reject", "Naks or Rejects") + ")");
      else
        parts.push_back("our last Configure-Request was not acknowledged (the peer acknowledged " +
                        plural(c.acks_received, "earlier one", "earlier ones") + ")");
    }
    for (std::size_t i = 0; i < parts.size(); ++i) what += (i == 0 ? "" : " and ") + parts[i];
    if (ours_acked) what += "; it acknowledged ours";
    if (peers_acked) what += "; we acknowledged the peer's";
  }
  return protocol_name(a.protocol()) + ": " + what + " (we sent " +
         plural(c.conf_req_sent, "Configure-Request", "Configure-Requests") + ", " +
         seconds_text(fsm.restart) + " apart, then gave up; " + automaton_rfc(a.protocol()) +
         "RFC 1661 5.1: each end sends a Configure-Request and answers the other's; 4.6: Max-Configure " +
         std::to_string(fsm.max_configure) + ")";
}

std::string client_auth_timeout_reason(const auth::Client& c, const auth::AuthConfig& cfg) {
  const std::string m = method_label(c.method());
  if (c.method() == auth::Method::Pap)
    return "authentication: our PAP Authenticate-Request was never answered (we sent " +
           std::to_string(c.transmissions()) + ", " + seconds_text(cfg.restart) +
           " apart; RFC 1334 2.2.1: every Authenticate-Request gets an Authenticate-Ack or -Nak)";
  if (!c.challenged())
    return "authentication: the peer never sent a " + m + " Challenge (it asked for " + m +
           " in LCP; we waited " + seconds_text(cfg.passive_wait()) +
           "; RFC 1994 4.1: the authenticator sends a Challenge once the link is established)";
  return "authentication: the peer never answered our " + m + " Response with Success or Failure (we sent " +
         plural(c.transmissions(), "Response", "Responses") + " and waited " +
         seconds_text(cfg.passive_wait()) + "; RFC 1994 4.1, 4.2)";
}

std::string server_auth_timeout_reason(const auth::Authenticator& a, const auth::AuthConfig& cfg) {
  const std::string m = method_label(a.method());
  if (a.method() == auth::Method::Pap)
    return "authentication: the peer never sent a PAP Authenticate-Request (we asked for PAP in LCP and "
           "waited " +
           seconds_text(cfg.passive_wait()) +
           "; RFC 1334 2.2.1: the peer sends Authenticate-Requests until it is answered)";
  return "authentication: the peer never answered our " + m + " Challenge (we sent " +
         std::to_string(a.challenges_sent()) + ", " + seconds_text(cfg.restart) +
         " apart; RFC 1994 4.1: a Challenge is answered with a Response)";
}

}  // namespace l2tp::ppp
