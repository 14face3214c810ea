#include "peers/users/name_pattern.hpp"

#include <cctype>

namespace l2tp::peers {

Result<NamePattern, std::string> NamePattern::parse(std::string_view pattern) {
  NamePattern p;
  p.text_ = std::string(pattern);
  if (pattern.empty()) return unexpected(std::string("a user name pattern must not be empty"));
  std::string literal;
  auto flush = [&] {
    if (!literal.empty()) p.pieces_.push_back({Kind::Literal, std::move(literal)});
    literal.clear();
  };
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '}') {
      return unexpected("user name pattern \"" + p.text_ + "\": unmatched } at offset " + std::to_string(i));
    }
    if (c != '{') {
      literal += c;
      continue;
    }
    const std::size_t close = pattern.find('}', i);
    if (close == std::string_view::npos) {
      return unexpected("user name pattern \"" + p.text_ + "\": unmatched { at offset " + std::to_string(i));
    }
    const std::string_view name = pattern.substr(i + 1, close - i - 1);
    Kind kind;
    if (name == "tunnel") {
      kind = Kind::Tunnel;
    } else if (name == "session") {
      kind = Kind::Session;
    } else if (name == "n") {
      kind = Kind::N;
    } else {
      return unexpected("user name pattern \"" + p.text_ + "\": unknown placeholder {" + std::string(name) +
                        "} (known: {tunnel}, {session}, {n})");
    }
    flush();
    p.pieces_.push_back({kind, {}});
    i = close;
  }
  flush();
  return p;
}

std::string NamePattern::expand(const PatternValues& v) const {
  std::string out;
  for (const auto& piece : pieces_) {
    switch (piece.kind) {
      case Kind::Literal:
        out += piece.literal;
        break;
      case Kind::Tunnel:
        out += std::to_string(v.tunnel);
        break;
      case Kind::Session:
        out += std::to_string(v.session);
        break;
      case Kind::N:
        out += std::to_string(v.n);
        break;
    }
  }
  return out;
}

bool NamePattern::has_placeholders() const {
  for (const auto& piece : pieces_)
    if (piece.kind != Kind::Literal) return true;
  return false;
}

bool NamePattern::matches(std::string_view name) const {
  return match_from(0, name);
}

bool NamePattern::match_from(std::size_t piece, std::string_view rest) const {
  if (piece == pieces_.size()) return rest.empty();
  const Piece& p = pieces_[piece];
  if (p.kind == Kind::Literal) {
    return rest.substr(0, p.literal.size()) == p.literal &&
           match_from(piece + 1, rest.substr(p.literal.size()));
  }
  // A number: "0", or a non-zero digit and more digits (at most 20: a uint64). Adjacent
  // placeholders are ambiguous, so every split is tried.
  std::size_t digits = 0;
  while (digits < rest.size() && digits < 20 && std::isdigit(static_cast<unsigned char>(rest[digits])))
    ++digits;
  if (digits == 0) return false;
  if (rest[0] == '0') return match_from(piece + 1, rest.substr(1));
  for (std::size_t len = 1; len <= digits; ++len) {
    if (len == 20 && rest.substr(0, 20) > "18446744073709551615") break;  // past uint64
    if (match_from(piece + 1, rest.substr(len))) return true;
  }
  return false;
}

}  // namespace l2tp::peers
