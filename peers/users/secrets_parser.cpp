// UserDb::parse: RouterOS commands (`/ppp secret add`, `/ppp profile add|set`, `/ip pool add`,
// section headers followed by `add` lines, bare `key=value` secret lines) into a UserDb. Every
// error names file, line, column and key, and says what was expected. References (a secret's
// profile, pools named by addresses and next-pool) are checked once the whole file is read,
// because exports do not always define things before they are used.
#include <algorithm>
#include <cctype>
#include <set>

#include "engine/util/edit_distance.hpp"
#include "peers/users/routeros_values.hpp"
#include "peers/users/secrets_lexer.hpp"
#include "peers/users/user_db.hpp"

namespace l2tp::peers {
namespace {

enum class Section { Secret, Profile, Pool };

const char* section_name(Section s) {
  switch (s) {
    case Section::Secret:
      return "/ppp secret";
    case Section::Profile:
      return "/ppp profile";
    case Section::Pool:
      return "/ip pool";
  }
  return "";
}

// Properties RouterOS has that do not change L2TP or PPP negotiation here: accepted (an export
// may hold them) and kept in `other`, unlike misspelt keys, which are errors.
const std::set<std::string, std::less<>> kOtherSecretKeys = {"ipv6-routes", "remote-ipv6-prefix"};
const std::set<std::string, std::less<>> kOtherProfileKeys = {"address-list",
                                                              "bridge",
                                                              "bridge-horizon",
                                                              "bridge-learning",
                                                              "bridge-path-cost",
                                                              "bridge-port-priority",
                                                              "change-tcp-mss",
                                                              "dhcpv6-pd-pool",
                                                              "incoming-filter",
                                                              "insert-queue-before",
                                                              "interface-list",
                                                              "on-down",
                                                              "on-up",
                                                              "outgoing-filter",
                                                              "parent-queue",
                                                              "queue-type",
                                                              "rate-limit",
                                                              "remote-ipv6-prefix-pool",
                                                              "use-compression",
                                                              "use-encryption",
                                                              "use-ipv6",
                                                              "use-mpls",
                                                              "use-upnp",
                                                              "wins-server"};

const std::vector<std::string> kSecretKeys = {
    "name",      "password", "service", "profile", "local-address",  "remote-address",
    "caller-id", "disabled", "comment", "routes",  "limit-bytes-in", "limit-bytes-out"};
const std::vector<std::string> kProfileKeys = {"name",     "local-address",   "remote-address", "dns-server",
                                               "only-one", "session-timeout", "idle-timeout",   "comment"};
const std::vector<std::string> kPoolKeys = {"name", "ranges", "next-pool", "comment"};
const std::vector<std::string> kServices = {"any", "async", "isdn", "l2tp", "ovpn", "pppoe", "pptp", "sstp"};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string quoted(std::string_view s) {
  return "\"" + std::string(s) + "\"";
}

// A word that is neither key=value nor quoted nor a bracket: a path segment or a command.
bool plain(const Word& w) {
  return !w.has_value && !w.quoted && w.text != "[" && w.text != "]";
}

// A command word that is implied ("add" for a bare key=value line) or part of a path.
Word verb_word(std::string text, SourcePos at) {
  Word w;
  w.text = std::move(text);
  w.start = at;
  w.value_start = at;
  return w;
}

struct Ref {
  bool is_profile;  // else a pool
  std::string name;
  std::string key;
  SourcePos pos;
};

class Parser {
 public:
  explicit Parser(std::string_view filename) : file_(filename) {}

  Result<UserDb, std::string> run(std::string_view text) {
    auto lines = lex_routeros(text);
    if (!lines) return unexpected(at(lines.error().pos) + lines.error().message);
    for (const auto& line : *lines) L2TP_TRY(parse_line(line.words));
    L2TP_TRY(check_refs());
    return std::move(db_);
  }

 private:
  using Words = std::vector<Word>;
  using Status = Result<void, std::string>;

  std::string at(SourcePos p) const {
    return file_ + ":" + std::to_string(p.line) + ":" + std::to_string(p.column) + ": ";
  }
  Unexpected<std::string> fail(SourcePos p, std::string_view key, const std::string& message) const {
    return unexpected(at(p) + (key.empty() ? "" : std::string(key) + ": ") + message);
  }
  Unexpected<std::string> fail(const Word& w, const ValueError& e) const {
    return fail(w.pos_at(e.offset), w.key, e.message);
  }

  Status parse_line(const Words& words) {
    const Word& first = words[0];
    if (plain(first) && first.text.starts_with('/')) return parse_path_line(words);
    if (plain(first) && (first.text == "add" || first.text == "set"))
      return command(context_, first, words, 1);
    if (first.has_value) return command(Section::Secret, verb_word("add", first.start), words, 0);
    return fail(first.start, "",
                "expected key=value, add, or a section such as /ppp secret, got " + quoted(first.text));
  }

  // "/ppp secret", "/ppp secret add ...", "/ppp/secret/add ...", "/ppp profile set *0 ...".
  Status parse_path_line(const Words& words) {
    std::vector<std::string> segs;
    for (std::size_t b = 1, e; b <= words[0].text.size(); b = e + 1) {
      e = std::min(words[0].text.find('/', b), words[0].text.size());
      if (e > b) segs.push_back(words[0].text.substr(b, e - b));
    }
    std::size_t i = 1;
    while (segs.size() < 2 && i < words.size() && plain(words[i])) segs.push_back(words[i++].text);
    std::string path = "/";
    for (std::size_t k = 0; k < segs.size() && k < 2; ++k) path += (k ? " " : "") + segs[k];
    Section section;
    if (segs.size() >= 2 && segs[0] == "ppp" && segs[1] == "secret") {
      section = Section::Secret;
    } else if (segs.size() >= 2 && segs[0] == "ppp" && segs[1] == "profile") {
      section = Section::Profile;
    } else if (segs.size() >= 2 && segs[0] == "ip" && segs[1] == "pool") {
      section = Section::Pool;
    } else {
      return fail(words[0].start, "",
                  quoted(path) + " is not a users section; expected /ppp secret, /ppp profile or /ip pool");
    }
    if (segs.size() > 3) return fail(words[0].start, "", "unexpected " + quoted(segs[3]) + " after " + path);
    Word verb = verb_word(segs.size() == 3 ? segs[2] : "", words[0].start);
    if (verb.text.empty() && i < words.size() && plain(words[i])) verb = words[i++];
    if (verb.text.empty()) {
      if (i < words.size()) return fail(words[i].start, "", "expected add after " + path);
      context_ = section;  // a section header: `add` lines that follow belong to it
      return {};
    }
    return command(section, verb, words, i);
  }

  Status command(Section section, const Word& verb, const Words& words, std::size_t i) {
    if (verb.text == "set" && section == Section::Profile) return set_profile(verb, words, i);
    if (verb.text != "add") {
      return fail(verb.start, "",
                  std::string(section_name(section)) + " " + verb.text +
                      ": only add (and set on /ppp profile) can be read from a secrets file");
    }
    std::set<std::string, std::less<>> seen;
    switch (section) {
      case Section::Secret: {
        PppSecret s;
        for (; i < words.size(); ++i)
          L2TP_TRY(key_value(words[i], seen, [&](const Word& w) { return secret_field(s, w); }));
        return finish_secret(std::move(s), verb, seen);
      }
      case Section::Profile: {
        PppProfile p;
        for (; i < words.size(); ++i)
          L2TP_TRY(key_value(words[i], seen, [&](const Word& w) { return profile_field(p, w); }));
        return finish_profile(std::move(p), verb, seen);
      }
      case Section::Pool: {
        IpPool p;
        for (; i < words.size(); ++i)
          L2TP_TRY(key_value(words[i], seen, [&](const Word& w) { return pool_field(p, w); }));
        return finish_pool(std::move(p), verb, seen);
      }
    }
    return {};
  }

  // `set *0`, `set *FFFFFFFE`, `set NAME`, `set [ find name=NAME ]`, then key=value changes.
  Status set_profile(const Word& verb, const Words& words, std::size_t i) {
    if (i >= words.size())
      return fail(verb.start, "", "set needs the profile to change (*0, a name, or [ find name=... ])");
    std::string target;
    SourcePos target_pos = words[i].start;
    if (words[i].text == "[" && !words[i].quoted) {
      std::size_t j = i + 1;
      if (j < words.size() && plain(words[j]) && words[j].text == "find") ++j;
      if (j < words.size() && plain(words[j]) && words[j].text == "where") ++j;
      if (j + 1 < words.size() && words[j].key == "name" && words[j + 1].text == "]") {
        target = words[j].text;
        i = j + 2;
      } else {
        return fail(target_pos, "", "expected [ find name=NAME ] to pick the profile");
      }
    } else if (!words[i].has_value) {
      target = words[i++].text;
      std::string upper = target;
      for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (upper == "*0") {
        target = "default";
      } else if (upper == "*FFFFFFFE") {
        target = "default-encryption";
      } else if (target.starts_with('*')) {
        return fail(target_pos, "",
                    "profile id " + target +
                        " is only known on the router; use its name (*0 is default, "
                        "*FFFFFFFE is default-encryption)");
      }
    } else {
      return fail(target_pos, "", "set needs the profile to change before " + quoted(words[i].key + "=..."));
    }
    PppProfile* p = db_.mutable_profile(target);
    if (!p)
      return fail(target_pos, "",
                  "no profile named " + quoted(target) + " to set (define it with add first)");
    std::set<std::string, std::less<>> seen;
    for (; i < words.size(); ++i) {
      if (words[i].key == "name") return fail(words[i].start, "name", "set cannot rename a profile");
      L2TP_TRY(key_value(words[i], seen, [&](const Word& w) { return profile_field(*p, w); }));
    }
    return {};
  }

  template <typename F>
  Status key_value(const Word& w, std::set<std::string, std::less<>>& seen, F apply) {
    if (!w.has_value) return fail(w.start, "", "expected key=value, got " + quoted(w.text));
    if (w.key.empty()) return fail(w.start, "", "expected a key before =");
    if (!seen.insert(w.key).second) return fail(w.start, w.key, "given twice in one command");
    return apply(w);
  }

  Unexpected<std::string> unknown_key(const Word& w, Section section, const std::vector<std::string>& known) {
    std::string message = "not a " + std::string(section_name(section)) + " property";
    for (const auto& k : known) {
      if (edit_distance(w.key, k) <= 2) {
        message += "; did you mean " + k + "?";
        break;
      }
    }
    return fail(w.start, w.key, message + " (known: " + join(known) + ")");
  }

  Status address_field(const Word& w, AddressRef& out) {
    auto r = parse_address_or_pool(w.text);
    if (!r) return fail(w, r.error());
    if (!r->pool.empty()) refs_.push_back({false, r->pool, w.key, w.value_start});
    out = *r;
    return {};
  }

  Status name_field(const Word& w, std::string& out) {
    if (w.text.empty()) return fail(w.value_start, w.key, "expected a non-empty name");
    out = w.text;
    return {};
  }

  Status secret_field(PppSecret& s, const Word& w) {
    const std::string_view k = w.key;
    if (k == "name") return name_field(w, s.name);
    if (k == "password") {
      s.password = w.text;
    } else if (k == "service") {
      if (std::find(kServices.begin(), kServices.end(), w.text) == kServices.end())
        return fail(w.value_start, k, "expected one of " + join(kServices) + ", got " + quoted(w.text));
      s.service = w.text;
    } else if (k == "profile") {
      L2TP_TRY(name_field(w, s.profile));
      refs_.push_back({true, w.text, w.key, w.value_start});
    } else if (k == "local-address") {
      return address_field(w, s.local_address);
    } else if (k == "remote-address") {
      return address_field(w, s.remote_address);
    } else if (k == "caller-id") {
      s.caller_id = w.text;
    } else if (k == "disabled") {
      auto v = parse_yes_no(w.text);
      if (!v) return fail(w, v.error());
      s.disabled = *v;
    } else if (k == "comment") {
      s.comment = w.text;
    } else if (k == "routes") {
      s.routes = w.text;
    } else if (k == "limit-bytes-in" || k == "limit-bytes-out") {
      auto v = parse_count(w.text);
      if (!v) return fail(w, v.error());
      (k == "limit-bytes-in" ? s.limit_bytes_in : s.limit_bytes_out) = *v;
    } else if (kOtherSecretKeys.contains(k)) {
      s.other[w.key] = w.text;
    } else {
      return unknown_key(w, Section::Secret, kSecretKeys);
    }
    return {};
  }

  Status profile_field(PppProfile& p, const Word& w) {
    const std::string_view k = w.key;
    if (k == "name") return name_field(w, p.name);
    if (k == "local-address") return address_field(w, p.local_address);
    if (k == "remote-address") return address_field(w, p.remote_address);
    if (k == "dns-server") {
      auto v = parse_ipv4_list(w.text, 2);
      if (!v) return fail(w, v.error());
      p.dns_servers = *v;
    } else if (k == "only-one") {
      if (w.text == "default") {
        p.only_one.reset();
      } else {
        auto v = parse_yes_no(w.text);
        if (!v) return fail(w.value_start, k, "expected yes, no or default, got " + quoted(w.text));
        p.only_one = *v;
      }
    } else if (k == "session-timeout" || k == "idle-timeout") {
      auto v = parse_routeros_time(w.text);
      if (!v) return fail(w, v.error());
      (k == "session-timeout" ? p.session_timeout : p.idle_timeout) = *v;
    } else if (k == "comment") {
      p.comment = w.text;
    } else if (kOtherProfileKeys.contains(k)) {
      p.other[w.key] = w.text;
    } else {
      return unknown_key(w, Section::Profile, kProfileKeys);
    }
    return {};
  }

  Status pool_field(IpPool& p, const Word& w) {
    const std::string_view k = w.key;
    if (k == "name") return name_field(w, p.name);
    if (k == "ranges") {
      auto v = parse_ranges(w.text);
      if (!v) return fail(w, v.error());
      p.ranges = *v;
    } else if (k == "next-pool") {
      if (!w.text.empty() && w.text != "none") {
        p.next_pool = w.text;
        refs_.push_back({false, w.text, w.key, w.value_start});
      }
    } else if (k == "comment") {
      p.comment = w.text;
    } else {
      return unknown_key(w, Section::Pool, kPoolKeys);
    }
    return {};
  }

  std::string origin(SourcePos p) const { return file_ + ":" + std::to_string(p.line); }

  Status finish_secret(PppSecret s, const Word& verb, const std::set<std::string, std::less<>>& seen) {
    if (!seen.contains("name")) return fail(verb.start, "name", "missing: every secret needs name=");
    if (const PppSecret* old = db_.secret(s.name))
      return fail(verb.start, "name", "secret " + quoted(s.name) + " is already defined at " + old->origin);
    s.origin = origin(verb.start);
    db_.put_secret(std::move(s));
    return {};
  }

  Status finish_profile(PppProfile p, const Word& verb, const std::set<std::string, std::less<>>& seen) {
    if (!seen.contains("name")) return fail(verb.start, "name", "missing: every profile needs name=");
    // The built-in profiles (no origin) may be redefined once.
    if (const PppProfile* old = db_.profile(p.name); old && !old->origin.empty())
      return fail(verb.start, "name", "profile " + quoted(p.name) + " is already defined at " + old->origin);
    p.origin = origin(verb.start);
    db_.put_profile(std::move(p));
    return {};
  }

  Status finish_pool(IpPool p, const Word& verb, const std::set<std::string, std::less<>>& seen) {
    if (!seen.contains("name")) return fail(verb.start, "name", "missing: every pool needs name=");
    if (!seen.contains("ranges"))
      return fail(verb.start, "ranges", "missing: pool " + quoted(p.name) + " needs ranges=");
    if (const IpPool* old = db_.pool(p.name))
      return fail(verb.start, "name", "pool " + quoted(p.name) + " is already defined at " + old->origin);
    p.origin = origin(verb.start);
    db_.put_pool(std::move(p));
    return {};
  }

  Status check_refs() const {
    for (const auto& r : refs_) {
      if (r.is_profile && !db_.profile(r.name)) {
        std::vector<std::string> names;
        for (const auto& p : db_.profiles()) names.push_back(p.name);
        return fail(r.pos, r.key,
                    "no profile named " + quoted(r.name) + " is defined (profiles: " + join(names) + ")");
      }
      if (!r.is_profile && !db_.pool(r.name)) {
        std::vector<std::string> names;
        for (const auto& p : db_.pools()) names.push_back(p.name);
        const std::string what = r.key == "next-pool"
                                     ? "no pool named " + quoted(r.name) + " is defined"
                                     : quoted(r.name) + " is neither an IPv4 address nor a defined pool";
        return fail(r.pos, r.key, what + " (pools: " + (names.empty() ? "none" : join(names)) + ")");
      }
    }
    return {};
  }

  std::string file_;
  UserDb db_;
  Section context_ = Section::Secret;
  std::vector<Ref> refs_;
};

}  // namespace

Result<UserDb, std::string> UserDb::parse(std::string_view text, std::string_view filename) {
  return Parser(filename).run(text);
}

}  // namespace l2tp::peers
