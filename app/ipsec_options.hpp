// L2TP over IPsec on the command line, with RouterOS's names: `lac --use-ipsec [yes|no]
// --ipsec-secret S`, `lns --use-ipsec no|yes|required --ipsec-secret S`, plus --ipsec-mode,
// --ipsec-proposals, --ipsec-esp-proposals and (LAC) --ipsec-peer, --ipsec-local. And the
// IPsec phase around a run: charon started, SAs up (LAC) or the responder ready (LNS) before
// the L2TP run, SAs deleted and charon stopped after it (ipsec/).
#pragma once

#include <boost/program_options.hpp>
#include <functional>
#include <string>

#include "peers/runner.hpp"

namespace l2tpsim::app {

class IpsecOptions {
 public:
  void add_to(boost::program_options::options_description& opts, const std::string& role);
  // Fills cfg.ipsec.settings; throws UsageError on a bad value or a missing secret.
  void apply(l2tp::peers::RunnerConfig& cfg) const;

 private:
  std::string role_;
  std::string use_ = "no", secret_, mode_ = "transport", proposals_, esp_proposals_, peer_, local_,
              pcap_outer_;
};

// Runs `run` (the L2TP run) inside the IPsec phase when cfg asks for IPsec, else just runs it.
// Exit status 2 when charon cannot be started or configured (or --pcap-outer cannot capture):
// `run` is not called, and `phase_error`, when given, says why (a scenario fails its case with
// it, in phase ipsec).
int run_with_ipsec(l2tp::peers::RunnerConfig& cfg, const std::string& role,
                   const std::function<int(const l2tp::peers::RunnerConfig&)>& run,
                   std::string* phase_error = nullptr);

}  // namespace l2tpsim::app
