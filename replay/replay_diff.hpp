// What differs between the live peer and the captured one, exchange by exchange: the peer's
// control messages in order (per tunnel and per call, aligned by message type: a message the
// capture has and the live peer did not send is missing, the other way round extra), their
// AVPs (type, M and H bits, values; Result Codes named as such) with default ignore rules for
// what is live by nature (IDs, Random Vector, Challenge and Response, Tie Breaker, Call Serial
// Number; Ns/Nr are in no AVP), and PPP per call: the authentication the peer demanded and
// its verdict, the addresses negotiated, its LCP options and Protocol-Rejects. HELLOs depend on
// idle time, not on the exchange, and are left out of the sequence.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "capture/conversation.hpp"
#include "engine/util/result.hpp"

namespace l2tp::replay {

struct Difference {
  std::string exchange;  // "tunnel: SCCRP", "call 1: CDN", "call 1: PPP authentication"
  std::string kind;      // missing, extra, avp-missing, avp-extra, avp-flags, avp-value,
                         // result-code, ppp-auth-method, ppp-auth-result, ppp-address,
                         // ppp-address-given, ppp-lcp-option, ppp-protocol-reject
  std::string captured, live;
  std::uint64_t frame_captured = 0, frame_live = 0;
};

// One exchange the comparison looked at: a message of the peer (captured, live or both,
// aligned) or one PPP aspect of a call. Every difference belongs to exactly one row; a row
// with none matched. The reports list them (JUnit: one testcase each).
struct ExchangeRow {
  std::string exchange;        // as Difference::exchange
  std::string captured, live;  // the message ("SCCRP", "CDN (result 3)") or what the row compares
  std::uint64_t frame_captured = 0, frame_live = 0;
  std::vector<std::size_t> differences;  // indices into the differences
};

// AVPs as (vendor, type).
using AvpKey = std::pair<std::uint16_t, std::uint16_t>;

struct DiffOptions {
  std::set<AvpKey> ignore;  // besides the defaults
  // --sessions N: live call j is a clone of captured call j / clones (session_clones.hpp).
  std::size_t clones = 1;
};

// The AVPs ignored by default.
const std::set<AvpKey>& default_ignored_avps();
// "host-name" (RFC name, lower case with dashes), "7", or "VENDOR:TYPE" ("9:1").
Result<AvpKey, std::string> parse_avp_key(const std::string& text);

// Side `captured_peer` of `captured` against side `live_peer` of `live` (nullptr: the live
// peer never answered, so everything it should have sent is missing). The other side of each
// is the played one (its PPP addresses are what the peer gave). `rows`: when given, every
// exchange compared, in the order of the differences.
std::vector<Difference> diff_tunnels(const capture::Tunnel& captured, std::uint8_t captured_peer,
                                     const capture::Tunnel* live, std::uint8_t live_peer,
                                     const DiffOptions& options, std::vector<ExchangeRow>* rows = nullptr);

}  // namespace l2tp::replay
