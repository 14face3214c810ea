// `l2tpsim lac` defaults found by trying it: it sends from UDP port 1701 when that port is free
// (RouterOS, Cisco and xl2tpd do; some LNSs answer nothing else), else from an ephemeral port
// with a note; a port the user gives wins. SCCRQs nobody answers are reported as such, with the
// likely causes, in the summary and the JSON. Loopback only: 127.0.0.31 (us) to 127.0.0.32,
// where nothing listens.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "tests/support/child_process.hpp"
#include "tests/support/loopback_pair.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

constexpr const char* kLac = "127.0.0.31";
constexpr const char* kNobody = "127.0.0.32";

// A UDP socket bound to ADDR:PORT for as long as it lives (-1 when the bind failed).
class BoundPort {
 public:
  BoundPort(const char* addr, std::uint16_t port) : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, addr, &a.sin_addr);
    if (fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  ~BoundPort() {
    if (fd_ >= 0) ::close(fd_);
  }
  BoundPort(const BoundPort&) = delete;
  BoundPort& operator=(const BoundPort&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

// Held for the test's length: another copy of this test (CI runs the interop tests of build/
// and build-asan/ at the same time) waits instead of taking 127.0.0.31:1701 from under us.
class HostLock {
 public:
  explicit HostLock(const char* path) : fd_(::open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~HostLock() {
    if (fd_ >= 0) ::close(fd_);  // releases the lock
  }
  HostLock(const HostLock&) = delete;
  HostLock& operator=(const HostLock&) = delete;

 private:
  int fd_;
};

// A LAC to a port of 127.0.0.32 where nothing listens, retransmitting fast: 3 SCCRQs, then
// the tunnel gives up (well under a second).
CommandOutput run_lac(const std::string& local_args, const std::string& json) {
  static const int port = random_lns_port();
  return run_capturing(std::string(L2TPSIM_BINARY) + " lac --connect-to " + kNobody + ":" +
                       std::to_string(port) + " " + local_args +
                       " --sessions 0 --max-retries 2 --retransmit-initial 50 --retransmit-cap 0.1"
                       " --teardown-timeout 1 --json " +
                       json);
}

int exit_code(const CommandOutput& r) {
  return WIFEXITED(r.status) ? WEXITSTATUS(r.status) : -1;
}

// One test, run in order: the three runs share 127.0.0.31:1701.
TEST(LacDefaults, SendsFromPort1701WhenFreeElseEphemeralAndSaysSccrqsWentUnanswered) {
  const HostLock lock("/tmp/l2tpsim-127.0.0.31-1701.lock");
  const std::string dir = make_temp_dir("l2tpsim-lac-defaults");
  const std::string json = dir + "/lac.json";
  {
    const BoundPort probe(kLac, 1701);
    ASSERT_TRUE(probe.ok()) << "127.0.0.31:1701 is in use by something else";
  }

  // 1. Free: the LAC takes port 1701; nothing answers, and the summary says so.
  auto r = run_lac(std::string("--local-address ") + kLac, json);
  SCOPED_TRACE(r.out + r.err);
  EXPECT_EQ(exit_code(r), 1);
  EXPECT_NE(r.err.find(std::string("from ") + kLac + ":1701"), std::string::npos);
  EXPECT_NE(r.out.find("no answer from 127.0.0.32:"), std::string::npos);
  EXPECT_NE(r.out.find(" to 3 SCCRQs; likely causes:"), std::string::npos);
  EXPECT_NE(r.out.find("nothing listens on UDP port"), std::string::npos);
  EXPECT_EQ(r.out.find("answers only LACs sending from UDP port 1701"), std::string::npos)
      << "we did send from 1701";
  auto j = read_json(json);
  EXPECT_EQ(j.value("tunnels_failed", 0), 1);
  EXPECT_EQ(j.value("tunnels_unanswered", 0), 1);
  ASSERT_TRUE(j["unanswered"].is_object()) << j.dump(2);
  EXPECT_EQ(j["unanswered"]["sccrqs_per_tunnel"], 3);
  EXPECT_NE(j["unanswered"]["message"].get<std::string>().find("no answer from 127.0.0.32:"),
            std::string::npos);
  EXPECT_EQ(j["failures"][0]["unanswered"], true);

  // 2. Taken: an ephemeral port, with a note on stderr; the 1701-only LNS becomes a likely cause.
  {
    const BoundPort taken(kLac, 1701);
    ASSERT_TRUE(taken.ok());
    r = run_lac(std::string("--local-address ") + kLac, json);
    SCOPED_TRACE(r.out + r.err);
    EXPECT_EQ(exit_code(r), 1);
    EXPECT_NE(r.err.find("note: UDP port 1701 on 127.0.0.31 is not free"), std::string::npos);
    EXPECT_EQ(r.err.find(std::string("from ") + kLac + ":1701"), std::string::npos);
    EXPECT_NE(r.out.find("answers only LACs sending from UDP port 1701"), std::string::npos);

    // 3. A port the user gives wins: no fallback, a bind error (exit 2).
    r = run_lac(std::string("--local-address ") + kLac + ":1701", json);
    EXPECT_EQ(exit_code(r), 2);
    EXPECT_NE(r.err.find("cannot bind UDP 127.0.0.31:1701"), std::string::npos);
    r = run_lac(std::string("--local-address ") + kLac + " --port 1701", json);
    EXPECT_EQ(exit_code(r), 2);
  }

  // 4. --port 0 asks for an ephemeral port even when 1701 is free.
  r = run_lac(std::string("--local-address ") + kLac + " --port 0", json);
  EXPECT_EQ(exit_code(r), 1);
  EXPECT_EQ(r.err.find(std::string("from ") + kLac + ":1701"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("note:"), std::string::npos) << r.err;
  std::filesystem::remove_all(dir);
}

// Every tunnel fails before a call could be placed on it: the calls the pacer then opens are
// refused at once (no node event follows them), and the run must still end by itself rather
// than wait for --duration (it did wait: seen with IPsec failing every source).
TEST(LacDefaults, EndsByItselfWhenEveryTunnelFailedBeforeItsCalls) {
  const std::string dir = make_temp_dir("l2tpsim-lac-all-failed");
  const std::string json = dir + "/lac.json";
  const auto r = run_capturing(std::string(L2TPSIM_BINARY) + " lac --connect-to " + kNobody + ":" +
                               std::to_string(random_lns_port()) + " --local-address " + kLac +
                               ":0 --tunnels 2 --sessions 3 --setup-rate 20 --max-retries 1"
                               " --retransmit-initial 50 --retransmit-cap 0.1 --duration 60 --json " +
                               json);
  SCOPED_TRACE(r.out + r.err);
  EXPECT_EQ(exit_code(r), 1);
  const auto j = read_json(json);
  EXPECT_EQ(j.value("tunnels_failed", 0), 2);
  EXPECT_EQ(j.value("sessions_established", -1), 0);
  EXPECT_LT(j.value("duration_s", 100.0), 30.0) << "the run waited for --duration";
  EXPECT_EQ(r.out.find("--duration reached"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
