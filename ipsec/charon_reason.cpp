#include "ipsec/charon_reason.hpp"

#include <array>

namespace l2tp::ipsec {

namespace {

struct Rule {
  std::array<std::string_view, 3> needles;  // any of them (empty: unused)
  std::string_view says;                    // what it means; {peer} is replaced
};

// First rule whose needle appears in a log line wins; the order puts the most specific first.
constexpr std::array kRules{
    Rule{{"unable to add SAD entry", "unable to install inbound and outbound IPsec SA", ""},
         "kernel has no ESP: IKE with {peer} and the CHILD SA were negotiated, but the kernel refused to "
         "install "
         "the SA; use --ipsec-mode tunnel (userspace ESP) here, or a kernel with ESP (xfrm, esp4)"},
    Rule{
        {"decryption failed", "could not decrypt payloads", "INVALID_HASH_INFORMATION"},
        "IKE authentication with {peer} failed: the pre-shared key differs from the peer's (--ipsec-secret)"},
    Rule{{"AUTHENTICATION_FAILED", "authentication of", "no shared key found"},
         "IKE authentication with {peer} failed (--ipsec-secret)"},
    Rule{{"NO_PROPOSAL_CHOSEN", "no proposal found", "no acceptable proposal"},
         "{peer} accepted none of our proposals (--ipsec-proposals, --ipsec-esp-proposals)"},
    Rule{{"INVALID_ID_INFORMATION", "TS_UNACCEPTABLE", "no matching CHILD_SA config"},
         "{peer} refused the traffic selectors (UDP to the L2TP port between the LAC's source and the LNS)"},
    Rule{{"peer not responding", "giving up after", ""},
         "no answer to IKE from {peer} (nothing listening on UDP 500, a firewall, or a wrong --ipsec-peer)"},
};

std::string fill(std::string_view text, std::string_view peer) {
  std::string out(text);
  const auto at = out.find("{peer}");
  if (at != std::string::npos) out.replace(at, 6, peer);
  return out;
}

}  // namespace

std::string failure_reason(std::string_view errmsg, const std::vector<std::string>& log,
                           std::string_view peer) {
  for (const auto& rule : kRules)
    for (const auto& line : log)
      for (auto needle : rule.needles)
        if (!needle.empty() && line.find(needle) != std::string::npos)
          return fill(rule.says, peer) + " (charon: " + line + ")";
  std::string out = errmsg.empty() ? std::string("IPsec failed") : std::string(errmsg);
  if (!log.empty()) out += " (charon: " + log.back() + ")";
  return out;
}

}  // namespace l2tp::ipsec
