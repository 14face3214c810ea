// A captured tunnel as a scenario file (`l2tpsim replay FILE --emit-scenario OUT.yaml`): the
// played side becomes the tester, the captured peer's answers become expectations, so a field
// problem turns into a regression case that `l2tpsim run` plays against a live peer.
//
// The played side's messages, in capture order: those the engine's state machines send on their
// own cause become the steps that make it send them (SCCRQ: open-tunnels, ICRQ: open-sessions,
// CDN: close-sessions, StopCCN: close-tunnels; SCCCN and ICCN answer the peer), with the role
// block set to the captured SCCRQ's values (host and vendor name, firmware revision, framing and
// bearer capabilities, receive window, the PPP user); every other one (HELLO, WEN, SLI, a type
// the engine never sends) is a live `send:` step (in: tunnel or in: call) with its captured AVPs,
// the IDs, Ns, Nr and Random Vectors filled in by the engine. The peer's messages become
// `expect:` steps: message type, Result and Error Codes, the values of the AVPs that are the
// peer's make and configuration (Protocol Version, Framing and Bearer Capabilities, Firmware
// Revision, Vendor Name, Receive Window Size, Framing and Bearer Type: `avp-value`), and the
// presence of every other AVP but the ones the replay comparison ignores by default
// (replay_diff.hpp); HELLOs and ZLBs are left out.
// PPP: the peer's authentication verdict (PAP Ack/Nak, CHAP Success/Failure) and, when the
// played side got an address, ppp-up. Pure: no I/O.
#pragma once

#include <string>

#include "capture/conversation.hpp"
#include "engine/util/result.hpp"
#include "replay/replay_script.hpp"

namespace l2tp::replay {

struct EmitOptions {
  std::string capture;  // the capture's file name, for the header comment
  // Waits between the side's own acts: the captured gaps times this (0: no waits).
  double time_scale = 1.0;
};

// The scenario for `script` (from make_script on `conv`). The LAC side opens its tunnels and
// calls itself; the LNS side (the `lns:` block: the captured SCCRP's names, the PPP method it
// demanded, the captured user and addresses) begins with a `shell: ${trigger}` step that makes
// the LAC under test dial (`l2tpsim run --trigger CMD`), and the captured LAC's messages are
// its expectations. Refused: a LAC side that did not dial, an LNS side that did or that placed
// an outgoing call (OCRQ): a scenario's tester cannot.
Result<std::string, std::string> emit_scenario(const capture::Conversations& conv, const ReplayScript& script,
                                               const EmitOptions& options);

}  // namespace l2tp::replay
