// `l2tpsim lns --radius` against FreeRADIUS 3.2 on loopback, with `l2tpsim lac` as the PPP
// peer: every authentication method comes up with a pool address (or the Framed-IP-Address the
// server gives), a wrong password is refused through the method's own failure and counted on
// both sides, a server that never answers refuses the peer with a timeout, and the detail file
// of FreeRADIUS shows accounting Start, Interim-Update and Stop for each session that came up.
// All three programs run as child processes; only their own PIDs are ever signalled. With
// CI=true a missing freeradius fails the tests; otherwise they are skipped with the reason.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/ci_required.hpp"
#include "tests/support/freeradius_peer.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

constexpr const char* kSecret = "lns-radius-secret";
constexpr const char* kLnsAddress = "127.0.0.3";
constexpr const char* kLacAddress = "127.0.0.4";
constexpr const char* kFramedIp = "10.77.0.99";  // given to kFramedUser by the server
constexpr const char* kFramedUser = "framed";
constexpr const char* kPool = "10.76.0.10-10.76.0.200";

bool udp_port_free(std::uint32_t address, int port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(address);
  const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return free;
}

// Two consecutive free ports on 127.0.0.1: the LNS sends accounting to the auth port + 1.
int free_port_pair() {
  for (int tries = 0; tries < 100; ++tries) {
    const int p = free_udp_port();
    if (p > 0 && p < 65535 && udp_port_free(0x7F000001, p + 1)) return p;
  }
  return 0;
}

// A random port in 20000-32999 free on 127.0.0.3 (below the ephemeral range, so the LAC can
// use it from 127.0.0.4 as well).
int random_lns_port() {
  std::random_device rd;
  for (int tries = 0; tries < 100; ++tries) {
    const int port = 20000 + static_cast<int>(rd() % 13000);
    if (udp_port_free(0x7F000003, port) && udp_port_free(0x7F000004, port)) return port;
  }
  return 0;
}

nlohmann::json read_json(const std::string& path) {
  auto j = nlohmann::json::parse(read_file(path), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "no JSON summary in " << path;
  return j.is_discarded() ? nlohmann::json::object() : j;
}

// The detail file as records: one attribute map per request, values without their quotes.
using DetailRecord = std::map<std::string, std::string>;
std::vector<DetailRecord> detail_records(const std::string& text) {
  std::vector<DetailRecord> out;
  DetailRecord current;
  for (const auto& line : split(text, '\n')) {
    if (line.empty() || (line[0] != '\t' && line[0] != ' ')) {  // a blank line or the date line
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
      continue;
    }
    const auto eq = line.find(" = ");
    if (eq == std::string::npos) continue;
    const auto begin = line.find_first_not_of(" \t");
    std::string value = line.substr(eq + 3);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    current[line.substr(begin, eq - begin)] = value;
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

std::string value_of(const DetailRecord& r, const std::string& key) {
  auto it = r.find(key);
  return it == r.end() ? "" : it->second;
}

class RadiusLns : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!have_tool("freeradius") && access("/usr/sbin/freeradius", X_OK) != 0) {
      missing_ = "freeradius is not installed (apt-get install freeradius freeradius-utils)";
      return;
    }
    const int port = free_port_pair();
    if (port == 0) {
      start_error_ = "no two consecutive free UDP ports on 127.0.0.1";
      return;
    }
    opt_.auth_port = static_cast<std::uint16_t>(port);
    opt_.acct_port = static_cast<std::uint16_t>(port + 1);
    opt_.secret = kSecret;
    for (const char* m : {"pap", "chap", "mschap1", "mschap2"})
      opt_.users.push_back({std::string("user-") + m, std::string("Pw.") + m + "-7", std::nullopt});
    opt_.users.push_back({kFramedUser, "Framed-Pw.9", std::string(kFramedIp)});
    opt_.users.push_back({"wrong-pw", "the-right-one", std::nullopt});
    radius_dir_ = make_temp_dir("l2tpsim-lns-freeradius");
    std::string error;
    if (auto started = FreeRadiusPeer::start(opt_, radius_dir_, error))
      peer_.emplace(std::move(*started));
    else
      start_error_ = error;
  }
  static void TearDownTestSuite() {
    if (peer_) peer_->stop();
    peer_.reset();
    if (!radius_dir_.empty() && !::testing::UnitTest::GetInstance()->Failed())
      std::filesystem::remove_all(radius_dir_);
  }

  void SetUp() override {
    if (!missing_.empty()) {
      if (in_ci()) FAIL() << missing_ << " (CI=true: a missing peer is a failure)";
      GTEST_SKIP() << missing_;
    }
    ASSERT_TRUE(peer_) << "FreeRADIUS did not start: " << start_error_;
    dir_ = make_temp_dir("l2tpsim-radius-lns");
    port_ = random_lns_port();
    ASSERT_NE(port_, 0) << "no free UDP port on " << kLnsAddress;
  }
  void TearDown() override {
    if (dir_.empty()) return;
    if (!HasFailure())
      std::filesystem::remove_all(dir_);
    else
      std::cerr << "kept " << dir_ << " and " << radius_dir_ << " for inspection\n";
  }

  std::string file(const std::string& name) const { return dir_ + "/" + name; }
  std::string lns_endpoint() const { return std::string(kLnsAddress) + ":" + std::to_string(port_); }
  static std::string radius_endpoint() { return "127.0.0.1:" + std::to_string(opt_.auth_port); }

  // The LNS with --radius (`radius` overrides the server), waiting until it listens.
  std::optional<ChildProcess> start_lns(const std::vector<std::string>& extra,
                                        const std::string& radius = radius_endpoint()) {
    std::vector<std::string> argv{
        L2TPSIM_BINARY,     "lns", "--listen",        lns_endpoint(), "--json",          file("lns.json"),
        "--duration",       "60",  "--radius",        radius,         "--radius-secret", kSecret,
        "--remote-address", kPool, "--local-address", "10.76.0.1"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto lns = ChildProcess::start(argv, file("lns.log"));
    if (!lns) return lns;
    EXPECT_TRUE(
        wait_until([&] { return read_file(file("lns.log")).find("listening on") != std::string::npos; },
                   std::chrono::seconds(10)))
        << read_file(file("lns.log"));
    return lns;
  }

  // One LAC call to the end of `duration`; its exit status.
  int run_lac(const std::string& method, const std::string& user, const std::string& password,
              const std::string& duration) {
    auto lac = ChildProcess::start({L2TPSIM_BINARY,    "lac",
                                    "--connect-to",    lns_endpoint(),
                                    "--local-address", std::string(kLacAddress) + ":" + std::to_string(port_),
                                    "--tunnels",       "1",
                                    "--sessions",      "1",
                                    "--duration",      duration,
                                    "--json",          file("lac.json"),
                                    "--allow",         method,
                                    "--user",          user,
                                    "--password",      password},
                                   file("lac.log"));
    if (!lac) return -1;
    return lac->wait(std::chrono::seconds(60)).value_or(-1);
  }

  static int stop(ChildProcess& p) {
    p.signal(SIGTERM);
    return p.wait(std::chrono::seconds(20)).value_or(-1);
  }

  std::string logs() const {
    return "--- lac.log\n" + read_file(file("lac.log")) + "--- lns.log\n" + read_file(file("lns.log")) +
           "--- freeradius.log (tail)\n" + tail(peer_->log());
  }
  static std::string tail(const std::string& s) { return s.size() < 6000 ? s : s.substr(s.size() - 6000); }

  // A good session: PPP up with `method`, from the pool or `expect_ip`; then the accounting
  // records FreeRADIUS wrote for it (Start, Interim-Updates, Stop with one Acct-Session-Id).
  void expect_session_and_accounting(const std::string& method, const std::string& user,
                                     const std::string& password, const std::string& expect_ip) {
    auto lns = start_lns({"--authentication", method, "--radius-interim", "1"});
    ASSERT_TRUE(lns);
    EXPECT_EQ(run_lac(method, user, password, "3"), 0) << logs();
    EXPECT_EQ(stop(*lns), 0) << logs();

    const auto lac = read_json(file("lac.json"));
    SCOPED_TRACE("lac: " + lac.dump());
    EXPECT_EQ(lac.value("sessions_ppp_up", -1), 1) << logs();
    EXPECT_EQ(lac.value("auth_failures", -1), 0);
    ASSERT_EQ(lac["sessions"].size(), 1u);
    const auto& s = lac["sessions"][0];
    EXPECT_EQ(s["auth"], method);
    EXPECT_EQ(s["user"], user);
    EXPECT_EQ(s["remote_ip"], "10.76.0.1");
    ASSERT_TRUE(s["local_ip"].is_string());
    const std::string ip = s["local_ip"];
    if (expect_ip.empty())
      EXPECT_EQ(ip.rfind("10.76.0.", 0), 0u) << ip;
    else
      EXPECT_EQ(ip, expect_ip);
    const auto ns = read_json(file("lns.json"));
    EXPECT_EQ(ns.value("sessions_ppp_up", -1), 1) << ns.dump();
    EXPECT_EQ(ns.value("auth_failures", -1), 0) << ns.dump();

    // The LNS exits only after its Stop was answered (or 2 s passed): it is in the file now.
    std::vector<DetailRecord> mine;
    for (auto& r : detail_records(peer_->accounting()))
      if (value_of(r, "User-Name") == user) mine.push_back(std::move(r));
    std::size_t starts = 0, interims = 0, stops = 0;
    std::set<std::string> ids;
    for (const auto& r : mine) {
      const std::string type = value_of(r, "Acct-Status-Type");
      starts += type == "Start";
      interims += type == "Interim-Update";
      stops += type == "Stop";
      ids.insert(value_of(r, "Acct-Session-Id"));
      EXPECT_EQ(value_of(r, "Framed-IP-Address"), ip) << type;
      EXPECT_EQ(value_of(r, "NAS-IP-Address"), "127.0.0.1") << type;
      EXPECT_EQ(value_of(r, "NAS-Port-Type"), "Virtual") << type;
      if (type == "Stop") {
        EXPECT_EQ(value_of(r, "Acct-Terminate-Cause"), "User-Request");
        const std::string t = value_of(r, "Acct-Session-Time");
        ASSERT_FALSE(t.empty());
        EXPECT_LE(std::stoi(t), 5);
      }
    }
    EXPECT_EQ(starts, 1u) << peer_->accounting();
    EXPECT_EQ(stops, 1u) << peer_->accounting();
    EXPECT_GE(interims, 1u) << peer_->accounting();  // --radius-interim 1 over a ~2 s session
    EXPECT_EQ(ids.size(), 1u) << "one Acct-Session-Id per session";
    EXPECT_FALSE(ids.count(""));
  }

  static inline FreeRadiusOptions opt_;
  static inline std::optional<FreeRadiusPeer> peer_;
  static inline std::string radius_dir_, missing_, start_error_;
  std::string dir_;
  int port_ = 0;
};

class RadiusLnsMethod : public RadiusLns, public ::testing::WithParamInterface<std::string> {};

TEST_P(RadiusLnsMethod, PeerComesUpWithPoolAddressAndIsAccounted) {
  const std::string m = GetParam();
  expect_session_and_accounting(m, "user-" + m, "Pw." + m + "-7", "");
}

TEST_P(RadiusLnsMethod, WrongPasswordIsRefusedThroughTheMethodAndCountedOnBothSides) {
  const std::string m = GetParam();
  auto lns = start_lns({"--authentication", m});
  ASSERT_TRUE(lns);
  EXPECT_EQ(run_lac(m, "wrong-pw", "not-the-right-one", "4"), 1) << logs();  // a failed session fails the run
  EXPECT_EQ(stop(*lns), 0) << logs();

  const auto lac = read_json(file("lac.json"));
  SCOPED_TRACE("lac: " + lac.dump());
  EXPECT_EQ(lac.value("auth_failures", -1), 1);
  EXPECT_EQ(lac.value("sessions_ppp_up", -1), 0);
  ASSERT_EQ(lac["sessions"].size(), 1u);
  EXPECT_EQ(lac["sessions"][0]["phase_failed"], "auth");
  const auto ns = read_json(file("lns.json"));
  SCOPED_TRACE("lns: " + ns.dump());
  EXPECT_EQ(ns.value("auth_failures", -1), 1);
  ASSERT_EQ(ns["sessions"].size(), 1u);
  // The reason names the server and its answer.
  const std::string reason = ns["sessions"][0].value("reason", "");
  EXPECT_NE(reason.find("RADIUS " + radius_endpoint()), std::string::npos) << reason;
  EXPECT_NE(reason.find("Access-Reject"), std::string::npos) << reason;
  // No session came up, so nothing was accounted for this user.
  for (const auto& r : detail_records(peer_->accounting())) EXPECT_NE(value_of(r, "User-Name"), "wrong-pw");
}

INSTANTIATE_TEST_SUITE_P(Methods, RadiusLnsMethod, ::testing::Values("pap", "chap", "mschap1", "mschap2"));

// RFC 2865 5.8: the server's Framed-IP-Address wins over the LNS's pool (MS-CHAPv2, so the
// server's authenticator response also reaches the peer, which checks it).
TEST_F(RadiusLns, FramedIpAddressFromTheServerIsThePeersAddress) {
  expect_session_and_accounting("mschap2", kFramedUser, "Framed-Pw.9", kFramedIp);
}

// A server that never answers: after the client's retransmissions (4 x 3 s) the peer is
// refused, and the reason says it was a timeout and where the requests went.
TEST_F(RadiusLns, SilentServerRefusesThePeerWithATimeout) {
  const int silent = free_port_pair();
  ASSERT_NE(silent, 0);
  const std::string server = "127.0.0.1:" + std::to_string(silent);
  auto lns = start_lns({"--authentication", "pap"}, server);
  ASSERT_TRUE(lns);
  EXPECT_EQ(run_lac("pap", "user-pap", "Pw.pap-7", "20"), 1) << logs();
  EXPECT_EQ(stop(*lns), 0) << logs();

  const auto lac = read_json(file("lac.json"));
  SCOPED_TRACE("lac: " + lac.dump());
  EXPECT_EQ(lac.value("auth_failures", -1), 1);
  ASSERT_EQ(lac["sessions"].size(), 1u);
  EXPECT_EQ(lac["sessions"][0]["phase_failed"], "auth");
  const auto ns = read_json(file("lns.json"));
  SCOPED_TRACE("lns: " + ns.dump());
  EXPECT_EQ(ns.value("auth_failures", -1), 1);
  ASSERT_EQ(ns["sessions"].size(), 1u);
  const std::string reason = ns["sessions"][0].value("reason", "");
  EXPECT_NE(reason.find("RADIUS timeout"), std::string::npos) << reason;
  EXPECT_NE(reason.find(server), std::string::npos) << reason;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
