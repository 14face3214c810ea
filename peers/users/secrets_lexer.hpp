// Splits a RouterOS-style text (what `/ppp secret export` prints, or a hand-written users file)
// into logical lines of words, keeping for every character the line and column it came from,
// so errors can point into the file. It knows the script syntax that exports use:
//   - `#` at the start of a word begins a comment to the end of the physical line (a `#` inside
//     a word or a quoted value is an ordinary character: "pa#ss" stays a password);
//   - a `\` ending a physical line continues the logical line (exports wrap long lines so, and
//     indent the continuation); inside a quoted value the break and the continuation's leading
//     blanks vanish, outside one they separate words;
//   - "quoted values" with escapes \" \\ \n \r \t \$ \? \_ (space) \a \b \f \v and \XX (hex),
//     the same escapes outside quotes; `$` and `;` are ordinary characters;
//   - the first unquoted `=` of a word splits it into key and value;
//   - unquoted `[` and `]` are words of their own (`set [ find name=x ]`).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/result.hpp"

namespace l2tp::peers {

// 1-based line and column (columns count bytes).
struct SourcePos {
  int line = 0;
  int column = 0;
  bool operator==(const SourcePos&) const = default;
};

struct Word {
  std::string key;               // text before the first unquoted '=' (empty when there is none)
  bool has_value = false;        // an unquoted '=' was seen
  std::string text;              // the value after '=', or the whole word when there is no '='
  std::vector<SourcePos> where;  // where[i] is the source of text[i]
  SourcePos start;               // the word's first character
  SourcePos value_start;         // the first character after '=' (an opening quote if quoted)
  bool quoted = false;           // some of `text` came from a quoted string

  // Source of text[offset]: value_start for offset 0 (so a quoted value is reported at its
  // quote), one column past the last character for offset == text.size().
  SourcePos pos_at(std::size_t offset) const;
};

struct LogicalLine {
  std::vector<Word> words;
};

struct LexError {
  SourcePos pos;
  std::string message;
};

// Empty and comment-only lines are left out. A UTF-8 byte order mark and CR before LF are ignored.
Result<std::vector<LogicalLine>, LexError> lex_routeros(std::string_view text);

}  // namespace l2tp::peers
