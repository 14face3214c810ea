// Stateless conformance rules for one message, as a table keyed by requirement ID. This is the
// seed of the conformance observer: stateful rules (Ns/Nr, timing, replies) build on it later.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/wire/message.hpp"
#include "engine/wire/rules.hpp"

namespace l2tp::wire {

struct Violation {
  Rule rule;
  std::optional<std::size_t> avp_index;  // which AVP of the message, when one is to blame
  std::string detail;
};

// One row of the rule table. `rule` is the row's main requirement; a row that checks every AVP
// against the AVP table may report the attribute's own row instead (R042, R048, ...).
struct CheckContext;  // the message under check (checker.cpp)
class CheckSink;      // collects what a row finds
using CheckFn = void (*)(const CheckContext&, CheckSink&);
enum class CheckScope : std::uint8_t { AnyMessage, Control, DataOnly };
struct CheckRow {
  Rule rule;
  CheckScope scope;
  std::string_view what;
  CheckFn fn;
};

std::span<const CheckRow> check_rows();

// Every rule a control message breaks. `datagram_size` is the UDP payload length (R013).
std::vector<Violation> check_control(const ControlMessage& m, std::size_t datagram_size);
// Every rule a data message's header breaks.
std::vector<Violation> check_data(const Header& h, std::size_t datagram_size);
// The AVPs RFC 2661 section 6 requires in `m` that it lacks, each with the row requiring it.
std::vector<std::pair<AvpType, Rule>> missing_mandatory_avps(const ControlMessage& m);

// The first AVP with M=1 whose value does not fit its attribute's format (a 3-octet Assigned
// Session ID, say): the message cannot be acted on (R248), nullptr when there is none.
const Avp* malformed_mandatory_avp(const ControlMessage& m);

// The violation a structural decode error stands for.
Violation violation_of(const DecodeError& e);

}  // namespace l2tp::wire
