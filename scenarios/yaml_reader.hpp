// The YAML reader the scenario parser's parts share (parser.cpp, send_step_parser.cpp): scalars
// with ${name} replaced, numbers, booleans, durations, hex, AVP types, maps checked for unknown
// keys; every failure is a Fail naming the file, line, column and key. Internal to scenarios/.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <string>
#include <vector>

#include "engine/util/edit_distance.hpp"
#include "engine/wire/avp_spec.hpp"
#include "scenarios/parser.hpp"

namespace l2tp::scenario::detail {

struct Fail {
  ScenarioError error;
};

inline std::string suggestion(const std::string& key, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_d = 3;
  for (const auto& k : known)
    if (const auto d = edit_distance(key, k); d < best_d) {
      best_d = d;
      best = k;
    }
  std::string s;
  if (!best.empty()) s = "; did you mean " + best + "?";
  s += " (known: ";
  for (std::size_t i = 0; i < known.size(); ++i) s += (i ? ", " : "") + known[i];
  return s + ")";
}

class Reader {
 public:
  Reader(std::string file, const Vars& vars) : file_(std::move(file)), vars_(vars) {}

  [[noreturn]] void fail(const YAML::Node& n, const std::string& key, const std::string& message) const {
    throw Fail{{where(n, key), message}};
  }

  Where where(const YAML::Node& n, const std::string& key) const {
    Where w;
    w.file = file_;
    w.key = key;
    if (n.IsDefined() && !n.Mark().is_null()) {
      w.line = n.Mark().line + 1;
      w.column = n.Mark().column + 1;
    }
    return w;
  }

  void add_vars(const YAML::Node& n) {
    if (!n.IsMap()) fail(n, "vars", "expected a map of name: value");
    for (const auto& kv : n) {
      const std::string name = kv.first.Scalar();
      if (!kv.second.IsScalar()) fail(kv.second, "vars." + name, "expected a plain value");
      file_vars_[name] = kv.second.Scalar();
    }
  }

  // A scalar with ${name} replaced.
  std::string scalar(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) fail(n, key, "expected a single value, not a list or a map");
    const std::string& raw = n.Scalar();
    std::string out;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '$' && i + 1 < raw.size() && raw[i + 1] == '{') {
        const auto close = raw.find('}', i + 2);
        if (close == std::string::npos) fail(n, key, "unterminated ${ in '" + raw + "'");
        const std::string name = raw.substr(i + 2, close - i - 2);
        // The command line (--var, built-ins) overrides the file's defaults.
        if (auto v = vars_.find(name); v != vars_.end() && (!v->second.empty() || !file_vars_.count(name)))
          out += v->second;
        else if (auto it = file_vars_.find(name); it != file_vars_.end())
          out += it->second;
        else
          fail(n, key,
               "variable ${" + name + "} is not defined (in vars:, or with --var " + name + "=VALUE)");
        i = close;
        continue;
      }
      out += raw[i];
    }
    return out;
  }

  std::uint64_t number(const YAML::Node& n, const std::string& key, std::uint64_t lo,
                       std::uint64_t hi) const {
    const std::string s = scalar(n, key);
    std::uint64_t v = 0;
    const int base = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 16 : 10;
    const char* begin = s.data() + (base == 16 ? 2 : 0);
    const auto [p, ec] = std::from_chars(begin, s.data() + s.size(), v, base);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi)
      fail(n, key,
           "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", not '" +
               s + "'");
    return v;
  }

  bool boolean(const YAML::Node& n, const std::string& key) const {
    const std::string s = scalar(n, key);
    if (s == "true" || s == "yes" || s == "on") return true;
    if (s == "false" || s == "no" || s == "off") return false;
    fail(n, key, "expected true or false, not '" + s + "'");
  }

  Duration duration(const YAML::Node& n, const std::string& key) const {
    const std::string s = scalar(n, key);
    if (auto d = parse_duration(s)) return *d;
    fail(n, key, "expected a duration such as 5s, 500ms or 2.5 (seconds), not '" + s + "'");
  }

  Buffer hex(const YAML::Node& n, const std::string& key) const {
    const std::string s = scalar(n, key);
    if (auto b = parse_hex(s)) return *b;
    fail(n, key, "expected hex octets such as \"00 01 ff\", not '" + s + "'");
  }

  // An AVP type: a number, or the lower-case RFC name ("result-code", "assigned-session-id").
  std::uint16_t avp_type(const YAML::Node& n, const std::string& key) const {
    const std::string s = scalar(n, key);
    if (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0])))
      return static_cast<std::uint16_t>(number(n, key, 0, 65535));
    std::vector<std::string> names;
    for (const auto& spec : all_avp_specs()) {
      std::string name;
      for (char c : spec.name)
        name += c == ' ' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (name == s) return static_cast<std::uint16_t>(spec.type);
      names.push_back(name);
    }
    fail(n, key, "'" + s + "' is not an AVP type number or name" + suggestion(s, names));
  }

  // Checks that a map has only known keys; returns it.
  const YAML::Node& map(const YAML::Node& n, const std::string& key,
                        const std::vector<std::string>& known) const {
    if (!n.IsMap()) fail(n, key, "expected a map (key: value lines)");
    for (const auto& kv : n) {
      const std::string k = kv.first.Scalar();
      if (std::find(known.begin(), known.end(), k) == known.end())
        fail(kv.first, key.empty() ? k : key + "." + k, "unknown key" + suggestion(k, known));
    }
    return n;
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
  const Vars& vars_;
  std::map<std::string, std::string> file_vars_;
};

inline std::string join(const std::string& a, const std::string& b) {
  return a.empty() ? b : a + "." + b;
}

}  // namespace l2tp::scenario::detail
