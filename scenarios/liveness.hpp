// Is the device under test still there? A DUT LNS is dialled with a new tunnel (SCCRQ,
// retransmitted by the engine as usual) and any answer from it within the time counts; the
// tunnel is closed again at once. The conformance runner asks before the first case and after
// every case, so a device that died on a malformed message is named with the case that killed
// it instead of showing up as a string of inconclusive verdicts.
#pragma once

#include <string>

#include "reports/conformance_result.hpp"
#include "scenarios/case_runner.hpp"

namespace l2tp::scenario {

struct Liveness {
  bool alive = false;
  std::string detail;                             // "SCCRP in frame 812" or "no answer to 3 SCCRQs in 3 s"
  std::uint64_t first_frame = 0, last_frame = 0;  // the probe's frames in the run's pcap
};

// `cfg` is the tester LAC's configuration (no PPP); the probe uses its local address with a
// fresh port and its first Tunnel ID.
Liveness probe_lns(const peers::RunnerConfig& cfg, const CaseEnv& env, Duration within);

// After a case against a DUT LAC: listen as the case's LNS (`cfg`) until the DUT has been quiet
// for `quiet`, at most `rounds` times. Whatever it still sends for the case's tunnels is
// recorded (not judged); a StopCCN is acknowledged (the engine acks one for a tunnel it does not
// have), so a device that withholds a new dial until its dying tunnel is gone (xl2tpd places
// calls on it) starts the next case clean. Returns how many rounds heard something.
int settle_lac(const peers::RunnerConfig& cfg, const CaseEnv& env, Duration quiet, int rounds);

}  // namespace l2tp::scenario
