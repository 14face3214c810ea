// The IPsec phase of scenario runs (l2tpsim run, conform): a role block's IPsec options, the
// phase around a case or a whole suite (run_with_ipsec), and what a scenario cannot do with it.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "peers/runner.hpp"
#include "scenarios/parser.hpp"

namespace l2tpsim::app {

// The block's IPsec options (use-ipsec, ipsec-*, pcap-outer) as written, in order.
std::vector<std::pair<std::string, std::string>> ipsec_options(const l2tp::scenario::RoleConfig& role);

// A self-test (both blocks) whose two roles both use IPsec: its LNS runs as a child process in
// the same network namespace, where two charons cannot share IKE's UDP ports 500 and 4500.
// The error, at the lac: block's use-ipsec line; nullopt when the file is fine.
std::optional<l2tp::scenario::ScenarioError> self_test_ipsec_clash(const l2tp::scenario::Scenario& s,
                                                                   const l2tp::peers::RunnerConfig& lac,
                                                                   const l2tp::peers::RunnerConfig& lns);

// `body` inside the tester's IPsec phase (run_with_ipsec), given the configuration with the
// phase's outcome (the addresses whose SA failed, the LNS's check of L2TP sources); `cfg` as it
// is when it asks for no IPsec. A phase that cannot begin (charon does not start) fails every
// address of the tester with its reason: the case fails in phase ipsec, as when an SA did not
// come up.
void within_ipsec(l2tp::peers::RunnerConfig& cfg, l2tp::scenario::Role tester,
                  const std::function<void(const l2tp::peers::RunnerConfig&)>& body);

// A conform run's one IPsec phase: its SAs are per source address, so one serves every case and
// the liveness checks between them, and the cases must name the same IPsec options (or none).
class SuiteIpsec {
 public:
  // A case's role block and its configuration; the error when its IPsec options differ from
  // the cases' before it.
  std::optional<std::string> add(const std::string& file, const l2tp::scenario::RoleConfig& block,
                                 const l2tp::peers::RunnerConfig& cfg);
  // More addresses to bring SAs up for (the liveness checks' source).
  void add_addresses(const std::vector<l2tp::net::Endpoint>& more);
  // The phase's configuration (the first case's, with every case's addresses), when the cases
  // ask for IPsec.
  std::optional<l2tp::peers::RunnerConfig>& phase() { return phase_; }

 private:
  bool first_ = true;
  std::string file_;
  std::vector<std::pair<std::string, std::string>> options_;
  std::optional<l2tp::peers::RunnerConfig> phase_;
};

}  // namespace l2tpsim::app
