// Readable forms of expectations, for reports ("expect StopCCN result 2 error 8 within 5 s").
#include "scenarios/scenario.hpp"

#include <cstdio>
#include <sstream>

namespace l2tp::scenario {

namespace {

std::string seconds(Duration d) {
  std::ostringstream s;
  s << std::chrono::duration<double>(d).count() << " s";
  return s.str();
}

}  // namespace

std::string MessageMatch::to_string() const {
  std::string s = message;
  if (result) s += " result " + std::to_string(*result);
  if (error) s += " error " + std::to_string(*error);
  for (auto t : has_avps) s += " with AVP " + std::to_string(t);
  for (auto t : lacks_avps) s += " without AVP " + std::to_string(t);
  for (const auto& a : avp_values) {
    s += " with AVP " + std::to_string(a.type) + " =";
    char octet[4];
    for (auto b : a.value) {
      std::snprintf(octet, sizeof octet, " %02x", b);
      s += octet;
    }
  }
  if (hidden) s += *hidden ? " with a hidden AVP" : " with no hidden AVP";
  if (ppp_protocol) {
    std::ostringstream p;
    p << std::hex << *ppp_protocol;
    s += " PPP 0x" + p.str();
  }
  if (ppp_code) s += " code " + std::to_string(*ppp_code);
  if (session_zero) s += *session_zero ? " to session 0" : " to a session";
  return s;
}

std::string EventMatch::to_string() const {
  std::string s = scenario::to_string(kind);
  if (result) s += " result " + std::to_string(*result);
  if (error) s += " error " + std::to_string(*error);
  if (by_peer) s += *by_peer ? " by the peer" : " by us";
  return s;
}

std::string Expect::to_string() const {
  std::string s = none ? "no " : "";
  s += std::visit([](const auto& m) { return m.to_string(); }, what);
  if (!none && count > 1) s += " x" + std::to_string(count);
  if (backoff) s += " retransmitted with backoff";
  s += " within " + seconds(within);
  return s;
}

}  // namespace l2tp::scenario
