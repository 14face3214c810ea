// Configuration Options (RFC 1661 6): the Type/Length/Value list every control protocol
// carries in Configure-Request/Ack/Nak/Reject. OptionReader walks a list without trusting a
// Length; write_option* append; ReplyBuilder collects per-option verdicts on a peer's request
// and produces the one reply RFC 1661 5.2-5.4 allows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/ppp/protocol.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/result.hpp"

namespace l2tp::ppp {

struct Option {
  std::uint8_t type = 0;
  Bytes value;  // Length - 2 octets
  Bytes raw;    // the whole option, Type and Length included (for Reject, which echoes it)
};

// Walks an option list. next() returns nullopt at the end, an error on a Length below 2 or
// running past the list (RFC 1661 6), and after an error nothing more.
class OptionReader {
 public:
  explicit OptionReader(Bytes options) : reader_(options) {}
  std::optional<Result<Option, std::string>> next();

 private:
  Reader reader_;
  bool failed_ = false;
};

// The whole list, or the first malformation.
Result<std::vector<Option>, std::string> parse_options(Bytes options);

// True when `part` is `whole` with zero or more options left out, the rest unmodified and in
// order (P036: a Configure-Reject carries a subset of the request's options).
bool is_option_subsequence(Bytes part, Bytes whole);

void write_option(Buffer& out, std::uint8_t type, Bytes value = {});
void write_option_u8(Buffer& out, std::uint8_t type, std::uint8_t value);
void write_option_u16(Buffer& out, std::uint8_t type, std::uint16_t value);
void write_option_u32(Buffer& out, std::uint8_t type, std::uint32_t value);
void write_option_u64(Buffer& out, std::uint8_t type, std::uint64_t value);

// Big-endian value of an option whose value is exactly N octets; nullopt otherwise.
std::optional<std::uint16_t> option_u16(const Option& o);
std::optional<std::uint32_t> option_u32(const Option& o);
std::optional<std::uint64_t> option_u64(const Option& o);

// Verdicts on one Configure-Request, option by option, turned into the reply:
//  - any Reject: Configure-Reject with only the rejected options, unmodified, in order (P035);
//  - else any Nak: Configure-Nak with only the Nak'd options, in order, with acceptable values
//    (P031), followed by options appended to solicit them (P033);
//  - else Configure-Ack (the automaton echoes the request byte for byte, P029).
// With reject_instead_of_nak (P022, after Max-Failure Naks) every Nak becomes a Reject of the
// option as received, and appended options are dropped (one cannot reject what was not sent).
class ReplyBuilder {
 public:
  // `may_reject` false keeps the Nak a Nak even past Max-Failure (P056: a Magic-Number we
  // also send must never be rejected).
  void nak(const Option& o, Bytes suggested, bool may_reject = true);
  void nak_u16(const Option& o, std::uint16_t v, bool may_reject = true);
  void nak_u32(const Option& o, std::uint32_t v, bool may_reject = true);
  void nak_u64(const Option& o, std::uint64_t v, bool may_reject = true);
  void reject(const Option& o);
  void append_nak(std::uint8_t type, Bytes value);

  bool has_reject() const;
  bool has_nak() const;
  Code finish(Buffer& reply, bool reject_instead_of_nak) const;

 private:
  enum class Kind : std::uint8_t { Nak, Reject, Append };
  struct Entry {
    Kind kind;
    std::uint8_t type;
    Buffer raw;    // the option as received (Nak, Reject)
    Buffer value;  // the suggested value (Nak, Append)
    bool may_reject = true;
  };
  std::vector<Entry> entries_;
};

}  // namespace l2tp::ppp
