// User names generated for load tests: "user{n}", "t{tunnel}-s{session}". The LAC expands a
// pattern into one name per session; the LNS accepts any name the pattern can produce, all
// with the pattern's one password. No RouterOS file is needed for that.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.hpp"

namespace l2tp::peers {

// The numbers a pattern's placeholders stand for: the tunnel, the session within it, and the
// session's number over the whole run. Which base (0 or 1) they start at is the caller's choice.
struct PatternValues {
  std::uint64_t tunnel = 0;
  std::uint64_t session = 0;
  std::uint64_t n = 0;
};

class NamePattern {
 public:
  // Placeholders are {tunnel}, {session} and {n}; any other brace is an error naming it.
  static Result<NamePattern, std::string> parse(std::string_view pattern);

  std::string expand(const PatternValues& v) const;
  // True when some values expand to `name`. A placeholder matches a decimal number written the
  // way expand() writes it (no sign, no leading zeros), so the names accepted are exactly the
  // names that can be generated.
  bool matches(std::string_view name) const;

  const std::string& text() const { return text_; }
  bool has_placeholders() const;

 private:
  enum class Kind { Literal, Tunnel, Session, N };
  struct Piece {
    Kind kind;
    std::string literal;
  };
  bool match_from(std::size_t piece, std::string_view rest) const;

  std::string text_;
  std::vector<Piece> pieces_;
};

}  // namespace l2tp::peers
