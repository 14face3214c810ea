#include "tests/support/freeradius_peer.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <string_view>

namespace l2tp::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kSystemConfig = "/etc/freeradius/3.0";

// A double-quoted FreeRADIUS string: backslash and quote escaped.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool is_v6(const std::string& address) {
  return address.find(':') != std::string::npos;
}

std::string listen_block(const FreeRadiusOptions& opt, const char* type, std::uint16_t port) {
  return std::string("  listen {\n    type = ") + type + "\n    " +
         (is_v6(opt.address) ? "ipv6addr" : "ipaddr") + " = " + opt.address +
         "\n    port = " + std::to_string(port) + "\n  }\n";
}

// The one site: authorize finds the user and picks the Auth-Type from the attributes present
// (CHAP-Password, MS-CHAP-*, User-Password), authenticate checks it against
// Cleartext-Password, accounting goes to the detail module (files under log/radacct).
std::string site(const FreeRadiusOptions& opt) {
  return "server l2tpsim {\n" + listen_block(opt, "auth", opt.auth_port) +
         listen_block(opt, "acct", opt.acct_port) +
         R"(  authorize {
    preprocess
    chap
    mschap
    files
    pap
  }
  authenticate {
    Auth-Type PAP {
      pap
    }
    Auth-Type CHAP {
      chap
    }
    Auth-Type MS-CHAP {
      mschap
    }
  }
  preacct {
    preprocess
    acct_unique
  }
  accounting {
    detail
  }
  post-auth {
    Post-Auth-Type REJECT {
      attr_filter.access_reject
      update reply {
        Reply-Message += "Authentication failed"
      }
    }
  }
}
)";
}

std::string clients(const FreeRadiusOptions& opt) {
  return "client loopback4 {\n  ipaddr = 127.0.0.0/8\n  secret = " + quoted(opt.secret) +
         "\n}\nclient loopback6 {\n  ipv6addr = ::1\n  secret = " + quoted(opt.secret) + "\n}\n";
}

std::string users(const FreeRadiusOptions& opt) {
  std::string out;
  for (const auto& u : opt.users) {
    out += quoted(u.name) + " Cleartext-Password := " + quoted(u.password) + "\n";
    if (u.framed_ip) out += "\tFramed-IP-Address = " + *u.framed_ip + "\n";
    out += "\n";
  }
  return out;
}

// The key of a `key = value` line (leading blanks skipped), or "" for any other line.
std::string_view setting_key(std::string_view line) {
  const auto start = line.find_first_not_of(" \t");
  if (start == std::string_view::npos) return {};
  const auto eq = line.find('=', start);
  if (eq == std::string_view::npos) return {};
  std::string_view key = line.substr(start, eq - start);
  key.remove_suffix(key.size() - std::min(key.size(), key.find_last_not_of(" \t") + 1));
  return key.find_first_of(" \t") == std::string_view::npos ? key : std::string_view{};
}

// radiusd.conf with every path pointing into `dir`, no privilege drop (the folder is private
// to root) and no reject delay (tests should not wait a second for every wrong password).
// Line by line rather than std::regex: <regex> alone cost this file 50 s of compile time.
std::string main_config(const std::string& text, const std::string& dir) {
  const std::map<std::string_view, std::string> replaced = {{"logdir", dir + "/log"},
                                                            {"raddbdir", dir + "/raddb"},
                                                            {"run_dir", dir + "/run"},
                                                            {"reject_delay", "0"}};
  std::string out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    const std::string_view line(text.data() + pos, end - pos);
    const std::string_view key = setting_key(line);
    const std::string_view indent = line.substr(0, line.find_first_not_of(" \t"));
    if (const auto it = replaced.find(key); !key.empty() && it != replaced.end()) {
      out.append(indent).append(key).append(" = ").append(it->second);
    } else if (key == "user" || key == "group") {
      out.append(indent).append("# ").append(key).append(" dropped");
    } else {
      out.append(line);
    }
    if (end < text.size()) out += '\n';
    pos = end + 1;
  }
  return out;
}

}  // namespace

std::optional<FreeRadiusPeer> FreeRadiusPeer::start(const FreeRadiusOptions& opt, const std::string& dir,
                                                    std::string& error) {
  if (!have_tool("freeradius") && !fs::exists("/usr/sbin/freeradius")) {
    error = "freeradius is not installed (apt-get install freeradius freeradius-utils)";
    return std::nullopt;
  }
  std::error_code ec;
  const std::string raddb = dir + "/raddb";
  fs::create_directories(dir + "/log", ec);
  fs::create_directories(dir + "/run", ec);
  fs::remove_all(raddb, ec);
  fs::copy(kSystemConfig, raddb, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) {
    error = std::string("cannot copy ") + kSystemConfig + " to " + raddb + ": " + ec.message();
    return std::nullopt;
  }
  // eap needs certificates and the default sites listen on the standard ports: neither belongs
  // in a private instance.
  fs::remove(raddb + "/mods-enabled/eap", ec);
  for (const auto& e : fs::directory_iterator(raddb + "/sites-enabled", ec)) fs::remove(e.path(), ec);
  write_file(raddb + "/sites-enabled/l2tpsim", site(opt), 0640);
  write_file(raddb + "/clients.conf", clients(opt), 0640);
  fs::remove(raddb + "/mods-config/files/authorize", ec);
  write_file(raddb + "/mods-config/files/authorize", users(opt), 0640);
  write_file(raddb + "/radiusd.conf", main_config(read_file(raddb + "/radiusd.conf"), dir), 0640);

  std::vector<std::string> argv;
  if (!opt.netns.empty()) argv = {"ip", "netns", "exec", opt.netns};
  argv.emplace_back("freeradius");
  if (opt.debug) {
    argv.emplace_back("-X");
  } else {
    for (const char* a : {"-f", "-l", "stdout"}) argv.emplace_back(a);
  }
  argv.emplace_back("-d");
  argv.push_back(raddb);
  const std::string log_path = dir + "/freeradius.log";
  auto proc = ChildProcess::start(argv, log_path);
  if (!proc) {
    error = "cannot start freeradius";
    return std::nullopt;
  }
  // It says so (also without -X, at info level) once every listener is bound and every module
  // instantiated.
  const bool ready = wait_until(
      [&] {
        return !proc->running() || read_file(log_path).find("Ready to process requests") != std::string::npos;
      },
      std::chrono::milliseconds(15000));
  if (!ready || !proc->running()) {
    error =
        std::string(ready ? "freeradius exited during startup" : "freeradius did not become ready in 15 s") +
        "; log: " + log_tail(read_file(log_path), 3000);
    proc->stop();
    return std::nullopt;
  }
  return FreeRadiusPeer(std::move(*proc), dir);
}

std::string FreeRadiusPeer::accounting() const {
  std::error_code ec;
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(dir_ + "/log/radacct", ec))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::string out;
  for (const auto& f : files) out += read_file(f.string());
  return out;
}

}  // namespace l2tp::testing
