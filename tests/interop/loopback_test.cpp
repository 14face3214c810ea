// `l2tpsim lac` against `l2tpsim lns` over real UDP sockets on loopback: both processes run
// as children (only their own PIDs are ever signalled), and each test judges the run from
// both JSON summaries, from our decoder over the pcaps, and from tshark's verdict on them.
// tshark is required: a missing tshark fails the test (the project never skips).
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"
#include "tests/support/decoded_pcap.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

constexpr const char* kLnsAddress = "127.0.0.3";

// A random high UDP port that is free on kLnsAddress right now.
int random_port() {
  std::random_device rd;
  for (int tries = 0; tries < 100; ++tries) {
    // 20000-32999: below the kernel's ephemeral range and the traceroute ports (33434-33534),
    // which tshark flags with an expert note ("Possible traceroute").
    const int port = 20000 + static_cast<int>(rd() % 13000);
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(0x7F000003);  // 127.0.0.3
    const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (free) return port;
  }
  return 0;
}

// Messages named `name` sent to (or, with to=false, from) the LNS port.
std::size_t count(const std::vector<WireMessage>& w, const std::string& name, int lns_port, bool to = true) {
  const std::string lns = std::string(kLnsAddress) + ":" + std::to_string(lns_port);
  std::size_t n = 0;
  for (const auto& m : w) n += m.name == name && (to ? m.dst : m.src) == lns;
  return n;
}

nlohmann::json read_json(const std::string& path) {
  auto j = nlohmann::json::parse(read_file(path), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "no JSON summary in " << path;
  return j.is_discarded() ? nlohmann::json::object() : j;
}

void expect_all_up_and_cleared(const nlohmann::json& j, int tunnels, int sessions, const std::string& who) {
  SCOPED_TRACE(who + ": " + j.dump());
  EXPECT_EQ(j.value("tunnels_established", -1), tunnels);
  EXPECT_EQ(j.value("tunnels_failed", -1), 0);
  EXPECT_EQ(j.value("sessions_established", -1), sessions);
  EXPECT_EQ(j.value("sessions_failed", -1), 0);
  EXPECT_EQ(j.value("sessions_closed", -1), sessions);
  EXPECT_EQ(j.value("tunnels_closed", -1), tunnels);
  EXPECT_TRUE(j.value("torn_down", false));
  ASSERT_TRUE(j.contains("failures"));
  EXPECT_TRUE(j["failures"].empty());
  for (const char* key : {"retransmissions", "duplicates", "out_of_order", "duration_s",
                          "setup_rate_sessions_per_s", "setup_latency_ms", "tunnel_setup_latency_ms"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_EQ(j["setup_latency_ms"].value("count", 0), sessions);
  EXPECT_GE(j["setup_latency_ms"].value("max", -1.0), j["setup_latency_ms"].value("p50", 0.0));
}

class Loopback : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = make_temp_dir("l2tpsim-loopback");
    port_ = random_port();
    ASSERT_NE(port_, 0) << "no free UDP port on " << kLnsAddress;
  }
  void TearDown() override {
    if (!HasFailure())
      std::filesystem::remove_all(dir_);
    else
      std::cerr << "kept " << dir_ << " for inspection\n";
  }

  std::string file(const std::string& name) const { return dir_ + "/" + name; }
  std::string lns_endpoint() const { return std::string(kLnsAddress) + ":" + std::to_string(port_); }

  // Starts the LNS and waits until it listens. `extra` adds options.
  std::optional<ChildProcess> start_lns(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{L2TPSIM_BINARY,   "lns",    "--listen",       lns_endpoint(), "--json",
                                  file("lns.json"), "--pcap", file("lns.pcap"), "--duration",   "60"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto lns = ChildProcess::start(argv, file("lns.log"));
    if (!lns) return lns;
    EXPECT_TRUE(
        wait_until([&] { return read_file(file("lns.log")).find("listening on") != std::string::npos; },
                   std::chrono::seconds(10)))
        << read_file(file("lns.log"));
    return lns;
  }

  std::vector<std::string> lac_argv(const std::vector<std::string>& extra) const {
    std::vector<std::string> argv{
        L2TPSIM_BINARY, "lac", "--connect-to", lns_endpoint(), "--tunnels", "3", "--sessions", "5", "--json",
        file("lac.json"), "--pcap", file("lac.pcap"),
        // A fixed source port: an ephemeral one may land on the traceroute ports tshark flags.
        "--local-address", "127.0.0.4:" + std::to_string(port_)};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }

  // Ends the LNS with SIGTERM (its own graceful teardown) and returns its exit status.
  int stop_lns(ChildProcess& lns) {
    lns.signal(SIGTERM);
    return lns.wait(std::chrono::seconds(20)).value_or(-1);
  }

  std::string logs() const {
    return "--- lac.log\n" + read_file(file("lac.log")) + "--- lns.log\n" + read_file(file("lns.log"));
  }

  std::string dir_;
  int port_ = 0;
};

// The full life of 3 tunnels x 5 calls: SCCRQ/SCCRP/SCCCN, ICRQ/ICRP/ICCN, then at the end of
// --duration a CDN per call and a StopCCN per tunnel, all acknowledged.
TEST_F(Loopback, ThreeTunnelsFiveSessionsEachComeUpAndAreTornDown) {
  ASSERT_TRUE(have_tool("tshark")) << "tshark is required for this test (apt-get install tshark)";
  auto lns = start_lns();
  ASSERT_TRUE(lns);
  auto lac = ChildProcess::start(lac_argv({"--duration", "2"}), file("lac.log"));
  ASSERT_TRUE(lac);
  EXPECT_EQ(lac->wait(std::chrono::seconds(30)).value_or(-1), 0) << logs();
  EXPECT_EQ(stop_lns(*lns), 0) << logs();

  expect_all_up_and_cleared(read_json(file("lac.json")), 3, 15, "lac");
  expect_all_up_and_cleared(read_json(file("lns.json")), 3, 15, "lns");
  EXPECT_EQ(read_json(file("lns.json")).value("sessions_closed_by_peer", -1), 15);

  for (const char* pcap : {"lac.pcap", "lns.pcap"}) {
    SCOPED_TRACE(pcap);
    expect_clean_in_tshark(file(pcap), port_);
    const auto w = decode_pcap(L2TPSIM_BINARY, file(pcap), port_);
    EXPECT_EQ(count(w, "SCCRQ", port_), 3u);
    EXPECT_EQ(count(w, "SCCRP", port_, false), 3u);
    EXPECT_EQ(count(w, "SCCCN", port_), 3u);
    EXPECT_EQ(count(w, "ICRQ", port_), 15u);
    EXPECT_EQ(count(w, "ICRP", port_, false), 15u);
    EXPECT_EQ(count(w, "ICCN", port_), 15u);
    EXPECT_EQ(count(w, "CDN", port_), 15u);
    EXPECT_EQ(count(w, "StopCCN", port_), 3u);
  }
}

// R138 (RFC 2661 5.1.1 tunnel authentication) and 4.3 hidden AVPs: both sides share a secret
// and hide every AVP that may be hidden; everything still comes up and goes down.
TEST_F(Loopback, R138_SecretAndEveryHideableAvpHidden) {
  ASSERT_TRUE(have_tool("tshark")) << "tshark is required for this test (apt-get install tshark)";
  auto lns = start_lns({"--secret", "s3cret", "--hidden", "all"});
  ASSERT_TRUE(lns);
  auto lac = ChildProcess::start(lac_argv({"--duration", "2", "--secret", "s3cret", "--hidden", "all"}),
                                 file("lac.log"));
  ASSERT_TRUE(lac);
  EXPECT_EQ(lac->wait(std::chrono::seconds(30)).value_or(-1), 0) << logs();
  EXPECT_EQ(stop_lns(*lns), 0) << logs();

  expect_all_up_and_cleared(read_json(file("lac.json")), 3, 15, "lac");
  expect_all_up_and_cleared(read_json(file("lns.json")), 3, 15, "lns");
  expect_clean_in_tshark(file("lac.pcap"), port_);
  const auto w = decode_pcap(L2TPSIM_BINARY, file("lac.pcap"), port_, "s3cret");
  EXPECT_EQ(count(w, "SCCRQ", port_), 3u);
  EXPECT_EQ(count(w, "ICCN", port_), 15u);
  EXPECT_EQ(count(w, "CDN", port_), 15u);
  EXPECT_EQ(count(w, "StopCCN", port_), 3u);
  // The hiding is real: the SCCRQ carries a Random Vector and a hidden Assigned Tunnel ID.
  const std::string sccrq =
      run_command(std::string(L2TPSIM_BINARY) + " decode --port " + std::to_string(port_) +
                  " --secret s3cret " + file("lac.pcap") + " | head -30");
  EXPECT_NE(sccrq.find("Random Vector"), std::string::npos) << sccrq;
  EXPECT_NE(sccrq.find("Challenge"), std::string::npos) << sccrq;
}

// SIGINT mid-run: the LAC clears every call (CDN) and tunnel (StopCCN), waits for the acks and
// exits 0; the LNS sees the CDNs and StopCCNs and counts everything as cleared by the peer.
TEST_F(Loopback, SigintToLacTearsDownWithCdnAndStopCcnAndExitsZero) {
  auto lns = start_lns({"--progress"});
  ASSERT_TRUE(lns);
  auto lac = ChildProcess::start(lac_argv({"--duration", "60", "--progress"}), file("lac.log"));
  ASSERT_TRUE(lac);
  ASSERT_TRUE(
      wait_until([&] { return read_file(file("lac.log")).find("sessions 15 up") != std::string::npos; },
                 std::chrono::seconds(15)))
      << logs();
  lac->signal(SIGINT);
  EXPECT_EQ(lac->wait(std::chrono::seconds(15)).value_or(-1), 0) << logs();
  EXPECT_NE(read_file(file("lac.log")).find("SIGINT"), std::string::npos);
  EXPECT_EQ(stop_lns(*lns), 0) << logs();

  expect_all_up_and_cleared(read_json(file("lac.json")), 3, 15, "lac");
  const auto lns_json = read_json(file("lns.json"));
  expect_all_up_and_cleared(lns_json, 3, 15, "lns");
  EXPECT_EQ(lns_json.value("sessions_closed_by_peer", -1), 15);
  EXPECT_EQ(lns_json.value("tunnels_closed_by_peer", -1), 3);
  const auto w = decode_pcap(L2TPSIM_BINARY, file("lns.pcap"), port_);
  EXPECT_EQ(count(w, "CDN", port_), 15u);
  EXPECT_EQ(count(w, "StopCCN", port_), 3u);
  EXPECT_EQ(count(w, "StopCCN", port_, false), 0u);  // the LNS did not have to clear anything itself
}

// R161 (RFC 2661 5.7): the LNS clears the LAC's tunnels (SIGTERM: StopCCN). The LAC, with
// nothing left to do, stays to re-acknowledge a retransmitted StopCCN and says so on stderr:
// up to --teardown-timeout when that is given (and reaching it is no failure), else a full
// retransmission cycle (31 s), which a signal ends at once with status 0.
TEST_F(Loopback, R161_LacWhoseTunnelsTheLnsClearedStaysToReackItsStopCcn) {
  for (const bool bounded : {true, false}) {
    SCOPED_TRACE(bounded ? "--teardown-timeout 3" : "no --teardown-timeout, then SIGTERM");
    auto lns = start_lns();
    ASSERT_TRUE(lns);
    std::vector<std::string> extra{"--duration", "60", "--progress"};
    if (bounded) extra.insert(extra.end(), {"--teardown-timeout", "3"});
    auto lac = ChildProcess::start(lac_argv(extra), file("lac.log"));
    ASSERT_TRUE(lac);
    ASSERT_TRUE(
        wait_until([&] { return read_file(file("lac.log")).find("sessions 15 up") != std::string::npos; },
                   std::chrono::seconds(15)))
        << logs();
    EXPECT_EQ(stop_lns(*lns), 0) << logs();
    const std::string waiting =
        bounded ? "waiting up to 3 s to re-acknowledge the peer's StopCCN (RFC 2661 5.7)"
                : "waiting up to 31 s to re-acknowledge the peer's StopCCN (RFC 2661 5.7)";
    ASSERT_TRUE(wait_until([&] { return read_file(file("lac.log")).find(waiting) != std::string::npos; },
                           std::chrono::seconds(5)))
        << logs();
    // Still there a while later (without a bound, past the 3 s an exit used to linger).
    EXPECT_FALSE(lac->wait(std::chrono::milliseconds(bounded ? 1500 : 4000))) << logs();
    if (bounded) {
      EXPECT_EQ(lac->wait(std::chrono::seconds(5)).value_or(-1), 0) << logs();
    } else {
      lac->signal(SIGTERM);
      EXPECT_EQ(lac->wait(std::chrono::seconds(2)).value_or(-1), 0) << "SIGTERM ends the wait at once\n"
                                                                    << logs();
    }
    const auto j = read_json(file("lac.json"));
    EXPECT_TRUE(j.value("torn_down", false)) << j.dump();
    EXPECT_EQ(j.value("tunnels_closed_by_peer", -1), 3) << j.dump();
    std::filesystem::remove(file("lac.log"));
    std::filesystem::remove(file("lns.log"));
  }
}

// Bad values are usage errors (exit 2) whose message names the option.
TEST_F(Loopback, BadOptionsExitTwoNamingTheOption) {
  const std::string bin = L2TPSIM_BINARY;
  const std::vector<std::pair<std::string, std::string>> cases{
      {"lac --connect-to 127.0.0.3 --hidden all", "--hidden"},
      {"lac --connect-to 127.0.0.3 --tunnels 0", "--tunnels"},
      {"lac --connect-to 127.0.0.3 --sessions -1", "--sessions"},
      {"lac --connect-to ::1:1701", "--connect-to"},
      {"lac --connect-to 127.0.0.3 --secret s --hidden host-name", "--hidden"},
      {"lac --connect-to 127.0.0.3 --local-address [::1]", "--local-address"},
      {"lac --tunnels 3", "--connect-to"},
      {"lns --listen 127.0.0.3 --window 0", "--window"},
      {"lns --listen 127.0.0.3 --retransmit-initial x", "--retransmit-initial"},
      {"lns --listen 127.0.0.3 --keepalive-timeout -5", "--keepalive-timeout"},
      {"lns --listen 300.0.0.1", "--listen"},
  };
  for (const auto& [args, option] : cases) {
    int st = 0;
    const std::string out = run_command(bin + " " + args + " 2>&1", &st);
    EXPECT_EQ(st, 2) << args << "\n" << out;
    EXPECT_NE(out.find(option), std::string::npos) << args << "\n" << out;
  }
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
