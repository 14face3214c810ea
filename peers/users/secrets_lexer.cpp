#include "peers/users/secrets_lexer.hpp"

namespace l2tp::peers {

SourcePos Word::pos_at(std::size_t offset) const {
  if (offset == 0 || where.empty()) return value_start;
  if (offset < where.size()) return where[offset];
  return {where.back().line, where.back().column + 1};
}

namespace {

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

class Lexer {
 public:
  explicit Lexer(std::string_view text) : t_(text) {
    if (t_.substr(0, 3) == "\xEF\xBB\xBF") t_.remove_prefix(3);
  }

  Result<std::vector<LogicalLine>, LexError> run() {
    while (i_ < t_.size()) {
      const char c = t_[i_];
      if (c == '\r' && i_ + 1 < t_.size() && t_[i_ + 1] == '\n') {
        advance();
      } else if (c == '\n') {
        end_line();
        advance();
      } else if (c == '\\' && continues_line()) {
        end_word();
        skip_past_newline();
      } else if (is_blank(c)) {
        end_word();
        advance();
      } else if (c == '#' && !in_word_) {
        while (i_ < t_.size() && t_[i_] != '\n') advance();
      } else if (c == '[' || c == ']') {
        end_word();
        begin_word();
        add(c, pos());
        advance();
        end_word();
      } else if (c == '"') {
        begin_word();
        if (auto e = quoted(); !e.message.empty()) return unexpected(e);
      } else if (c == '\\') {
        begin_word();
        if (auto e = escape(); !e.message.empty()) return unexpected(e);
      } else if (c == '=' && !(in_word_ && word_.has_value)) {
        begin_word();
        word_.key = std::move(word_.text);
        word_.text.clear();
        word_.where.clear();
        word_.has_value = true;
        advance();
        word_.value_start = pos();
      } else {
        begin_word();
        add(c, pos());
        advance();
      }
    }
    end_line();
    return std::move(lines_);
  }

 private:
  SourcePos pos() const { return {line_, col_}; }

  void advance() {
    if (t_[i_] == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
    ++i_;
  }

  // At a backslash: true when only blanks (and a CR) follow it up to the end of the line.
  bool continues_line() const {
    for (std::size_t j = i_ + 1; j < t_.size() && t_[j] != '\n'; ++j)
      if (!is_blank(t_[j]) && t_[j] != '\r') return false;
    return true;
  }

  void skip_past_newline() {
    while (i_ < t_.size() && t_[i_] != '\n') advance();
    if (i_ < t_.size()) advance();
  }

  void begin_word() {
    if (in_word_) return;
    in_word_ = true;
    word_ = Word{};
    word_.start = pos();
    word_.value_start = pos();
  }
  void add(char c, SourcePos p) {
    word_.text += c;
    word_.where.push_back(p);
  }
  void end_word() {
    if (in_word_) line_words_.push_back(std::move(word_));
    in_word_ = false;
  }
  void end_line() {
    end_word();
    if (!line_words_.empty()) lines_.push_back(LogicalLine{std::move(line_words_)});
    line_words_.clear();
  }

  // At the opening quote; consumes through the closing one.
  LexError quoted() {
    const SourcePos open = pos();
    word_.quoted = true;
    advance();
    while (true) {
      if (i_ >= t_.size() || t_[i_] == '\n' || (t_[i_] == '\r' && i_ + 1 < t_.size() && t_[i_ + 1] == '\n'))
        return {open, "unterminated quoted value (a closing \" is missing on this line)"};
      const char c = t_[i_];
      if (c == '"') {
        advance();
        return {};
      }
      if (c == '\\' && continues_line()) {
        skip_past_newline();
        while (i_ < t_.size() && is_blank(t_[i_])) advance();
        continue;
      }
      if (c == '\\') {
        if (auto e = escape(); !e.message.empty()) return e;
        continue;
      }
      add(c, pos());
      advance();
    }
  }

  // At a backslash that does not end the line: one escape sequence.
  LexError escape() {
    const SourcePos at = pos();
    advance();
    if (i_ >= t_.size()) return {at, "a \\ ends the text"};
    const char c = t_[i_];
    auto hex = [](char h) {
      return (h >= '0' && h <= '9') ? h - '0' : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
    };
    char out = 0;
    switch (c) {
      case '"':
        out = '"';
        break;
      case '\\':
        out = '\\';
        break;
      case 'n':
        out = '\n';
        break;
      case 'r':
        out = '\r';
        break;
      case 't':
        out = '\t';
        break;
      case '$':
        out = '$';
        break;
      case '?':
        out = '?';
        break;
      case '_':
        out = ' ';
        break;
      case 'a':
        out = '\a';
        break;
      case 'b':
        out = '\b';
        break;
      case 'f':
        out = '\f';
        break;
      case 'v':
        out = '\v';
        break;
      default: {
        // \XX: two upper-case hex digits (upper case keeps \a, \b, \f distinct from hex).
        const int hi = hex(c);
        const int lo = i_ + 1 < t_.size() ? hex(t_[i_ + 1]) : -1;
        if (hi < 0 || lo < 0) {
          return {
              at,
              std::string("unknown escape \\") + c +
                  " (known: \\\" \\\\ \\n \\r \\t \\$ \\? \\_ \\a \\b \\f \\v and \\XX in upper-case hex)"};
        }
        advance();
        out = static_cast<char>(hi * 16 + lo);
      }
    }
    advance();
    add(out, at);
    return {};
  }

  std::string_view t_;
  std::size_t i_ = 0;
  int line_ = 1;
  int col_ = 1;
  bool in_word_ = false;
  Word word_;
  std::vector<Word> line_words_;
  std::vector<LogicalLine> lines_;
};

}  // namespace

Result<std::vector<LogicalLine>, LexError> lex_routeros(std::string_view text) {
  return Lexer(text).run();
}

}  // namespace l2tp::peers
