// The LAC's IPsec phase (--use-ipsec): l2tpsim's own charon, the pre-shared key, one IKE SA and
// one CHILD SA per source address protecting its L2TP to the LNS, brought up before the first
// SCCRQ (up to kParallel at once); at the end every SA deleted and charon stopped. A source
// whose SA did not come up keeps its reason (charon's, mapped by charon_reason.hpp): its
// tunnels fail in phase `ipsec`.
#pragma once

#include <iosfwd>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/util/result.hpp"
#include "ipsec/charon_process.hpp"
#include "ipsec/ipsec_settings.hpp"

namespace l2tp::ipsec {

struct SourceOutcome {
  net::Endpoint source;
  std::string conn;
  bool up = false;
  double setup_ms = 0;  // initiate until charon said the CHILD SA is up (or failed)
  std::string reason;   // when not up
};

class LacIpsec {
 public:
  static constexpr unsigned kParallel = 8;

  // Exit-worthy errors (charon cannot start, a request refused) are the error; SAs that do
  // not come up are outcomes.
  static Result<std::unique_ptr<LacIpsec>, std::string> establish(const IpsecSettings& s,
                                                                  const std::vector<net::Endpoint>& sources,
                                                                  const net::Endpoint& lns,
                                                                  std::ostream& err);
  const std::vector<SourceOutcome>& outcomes() const { return outcomes_; }
  std::vector<std::pair<net::IpAddress, std::string>> failures() const;
  // The `ipsec` block of the JSON summary.
  nlohmann::json report() const;
  // Terminates every IKE SA (DELETE to the peer) and stops charon; says what it did on `err`.
  void close(std::ostream& err);

 private:
  LacIpsec() = default;
  IpsecSettings settings_;
  std::string peer_;
  std::unique_ptr<CharonProcess> charon_;
  std::vector<SourceOutcome> outcomes_;
  double phase_ms_ = 0;
  bool closed_ = false;
};

}  // namespace l2tp::ipsec
