#include "tests/support/prometheus_parser.hpp"

#include <cmath>
#include <cstdlib>
#include <regex>
#include <set>

namespace l2tp::testing {

namespace {

bool is_metric_name(const std::string& s) {
  static const std::regex re("[a-zA-Z_:][a-zA-Z0-9_:]*");
  return std::regex_match(s, re);
}

bool is_label_name(const std::string& s) {
  static const std::regex re("[a-zA-Z_][a-zA-Z0-9_]*");
  return std::regex_match(s, re) && s.rfind("__", 0) != 0;
}

// A Go ParseFloat value as Prometheus writes and reads them (no hex, no underscores).
std::optional<double> parse_value(const std::string& s) {
  if (s == "+Inf" || s == "Inf") return INFINITY;
  if (s == "-Inf") return -INFINITY;
  if (s == "NaN") return NAN;
  static const std::regex re(R"([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)");
  if (!std::regex_match(s, re)) return std::nullopt;
  return std::strtod(s.c_str(), nullptr);
}

struct Cursor {
  const std::string& s;
  std::size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
};

std::string read_name(Cursor& c) {
  const std::size_t start = c.i;
  while (!c.done() &&
         (std::isalnum(static_cast<unsigned char>(c.peek())) || c.peek() == '_' || c.peek() == ':'))
    ++c.i;
  return c.s.substr(start, c.i - start);
}

// The label set of a sample line from '{' to '}'; the error otherwise.
bool read_labels(Cursor& c, std::map<std::string, std::string>& labels, std::string& error) {
  ++c.i;  // '{'
  while (true) {
    if (c.peek() == '}') {
      ++c.i;
      return true;
    }
    const std::string name = read_name(c);
    if (!is_label_name(name)) return error = "bad label name '" + name + "'", false;
    if (c.peek() != '=') return error = "'=' expected after label " + name, false;
    ++c.i;
    if (c.peek() != '"') return error = "'\"' expected for the value of label " + name, false;
    ++c.i;
    std::string value;
    while (true) {
      if (c.done() || c.peek() == '\n') return error = "unterminated value of label " + name, false;
      const char ch = c.s[c.i++];
      if (ch == '"') break;
      if (ch != '\\') {
        value += ch;
        continue;
      }
      const char e = c.peek();
      ++c.i;
      if (e == '\\')
        value += '\\';
      else if (e == '"')
        value += '"';
      else if (e == 'n')
        value += '\n';
      else
        return error = std::string("bad escape \\") + e + " in label " + name, false;
    }
    if (!labels.emplace(name, value).second) return error = "label " + name + " twice", false;
    if (c.peek() == ',') {
      ++c.i;
    } else if (c.peek() != '}') {
      return error = "',' or '}' expected after label " + name, false;
    }
  }
}

// The family a sample name belongs to, given the TYPEs seen so far ("" when none).
std::string family_of(const std::string& name, const std::map<std::string, PromFamily>& families) {
  if (families.count(name)) return name;
  for (const char* suffix : {"_bucket", "_sum", "_count"}) {
    const std::string sfx = suffix;
    if (name.size() > sfx.size() && name.compare(name.size() - sfx.size(), sfx.size(), sfx) == 0) {
      const std::string base = name.substr(0, name.size() - sfx.size());
      const auto f = families.find(base);
      if (f != families.end() &&
          (f->second.type == "histogram" || (f->second.type == "summary" && sfx != "_bucket")))
        return base;
    }
  }
  return "";
}

bool check_histogram(const std::string& name, const PromFamily& f, std::string& error) {
  // Per label set without `le`: its buckets in order, then _sum and _count.
  struct Series {
    std::vector<std::pair<double, double>> buckets;
    std::optional<double> sum, count;
  };
  std::map<std::map<std::string, std::string>, Series> series;
  for (const auto& s : f.samples) {
    auto labels = s.labels;
    if (s.name == name + "_bucket") {
      const auto le = labels.find("le");
      if (le == labels.end()) return error = name + "_bucket without le", false;
      const auto bound = parse_value(le->second);
      if (!bound || std::isnan(*bound))
        return error = name + "_bucket le=\"" + le->second + "\" is not a number", false;
      labels.erase(le);
      series[labels].buckets.emplace_back(*bound, s.value);
    } else if (s.name == name + "_sum" || s.name == name + "_count") {
      if (labels.count("le")) return error = s.name + " with an le label", false;
      (s.name == name + "_sum" ? series[labels].sum : series[labels].count) = s.value;
    } else {
      return error = "histogram " + name + " has a sample " + s.name, false;
    }
  }
  for (const auto& [labels, h] : series) {
    if (h.buckets.empty() || !h.sum || !h.count)
      return error = name + ": a series lacks buckets, _sum or _count", false;
    for (std::size_t i = 1; i < h.buckets.size(); ++i) {
      if (!(h.buckets[i].first > h.buckets[i - 1].first))
        return error = name + ": le bounds not increasing", false;
      if (h.buckets[i].second < h.buckets[i - 1].second)
        return error = name + ": buckets not cumulative", false;
    }
    if (!std::isinf(h.buckets.back().first) || h.buckets.back().first < 0)
      return error = name + ": the last bucket is not le=\"+Inf\"", false;
    if (h.buckets.back().second != *h.count)
      return error = name + ": the +Inf bucket differs from _count", false;
    for (const auto& [le, n] : h.buckets)
      if (n < 0 || n != std::floor(n)) return error = name + ": a bucket count is not a whole number", false;
  }
  return true;
}

}  // namespace

std::optional<double> PromExposition::value(const std::string& name,
                                            const std::map<std::string, std::string>& labels) const {
  for (const auto& [fname, f] : families)
    for (const auto& s : f.samples)
      if (s.name == name && s.labels == labels) return s.value;
  return std::nullopt;
}

std::optional<PromExposition> parse_prometheus(const std::string& text, std::string& error) {
  PromExposition out;
  std::set<std::string> helped;
  std::set<std::string> closed;  // families whose samples ended (another family's came)
  std::string current;
  std::set<std::pair<std::string, std::map<std::string, std::string>>> seen;
  if (!text.empty() && text.back() != '\n') {
    error = "the text does not end in a line feed";
    return std::nullopt;
  }
  std::size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    const auto fail = [&](const std::string& what) {
      error = "line " + std::to_string(line_no) + ": " + what + " (" + line + ")";
      return std::nullopt;
    };
    if (line.find('\r') != std::string::npos) return fail("carriage return");
    if (line.empty()) continue;
    if (line[0] == '#') {
      static const std::regex meta(R"(# (HELP|TYPE) ([^ ]+)(?: (.*))?)");
      std::smatch m;
      if (!std::regex_match(line, m, meta)) continue;  // a plain comment
      const std::string name = m[2];
      if (!is_metric_name(name)) return fail("bad metric name");
      if (m[1] == "TYPE") {
        static const std::set<std::string> types{"counter", "gauge", "histogram", "summary", "untyped"};
        if (!types.count(m[3])) return fail("unknown type");
        if (out.families.count(name) && !out.families[name].type.empty())
          return fail("second TYPE for " + name);
        if (closed.count(name) || (out.families.count(name) && !out.families[name].samples.empty()))
          return fail("TYPE after samples of " + name);
        out.families[name].type = m[3];
        if (m[3] == "counter" && name.size() < 7) return fail("counter not named *_total");
        if (m[3] == "counter" && name.compare(name.size() - 6, 6, "_total") != 0)
          return fail("counter not named *_total");
      } else {
        if (!helped.insert(name).second) return fail("second HELP for " + name);
        const std::string h = m[3];
        std::string help;
        for (std::size_t i = 0; i < h.size(); ++i) {
          if (h[i] != '\\') {
            help += h[i];
          } else if (i + 1 < h.size() && (h[i + 1] == '\\' || h[i + 1] == 'n')) {
            help += h[++i] == 'n' ? '\n' : '\\';
          } else {
            return fail("bad escape in HELP");
          }
        }
        out.families[name].help = help;
      }
      continue;
    }
    Cursor c{line};
    PromSample s;
    s.name = read_name(c);
    if (!is_metric_name(s.name)) return fail("bad metric name");
    if (c.peek() == '{') {
      std::string why;
      if (!read_labels(c, s.labels, why)) return fail(why);
    }
    if (c.peek() != ' ') return fail("a space expected before the value");
    ++c.i;
    const std::string rest = line.substr(c.i);
    const auto space = rest.find(' ');
    const auto value = parse_value(rest.substr(0, space));
    if (!value) return fail("bad value");
    if (space != std::string::npos) {
      static const std::regex ts(R"(-?\d+)");
      if (!std::regex_match(rest.substr(space + 1), ts)) return fail("bad timestamp");
    }
    s.value = *value;
    const std::string family = family_of(s.name, out.families);
    if (family.empty() || out.families[family].type.empty())
      return fail("no # TYPE before the first sample of " + s.name);
    if (family != current) {
      if (closed.count(family)) return fail("the samples of " + family + " are not together");
      if (!current.empty()) closed.insert(current);
      current = family;
    }
    PromFamily& f = out.families[family];
    if (f.type == "counter" && (std::isnan(s.value) || s.value < 0)) return fail("counter below 0 or NaN");
    if (!seen.emplace(s.name, s.labels).second) return fail("duplicate series");
    f.samples.push_back(std::move(s));
  }
  for (const auto& [name, f] : out.families)
    if (f.type == "histogram" && !check_histogram(name, f, error)) return std::nullopt;
  return out;
}

}  // namespace l2tp::testing
