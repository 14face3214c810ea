// --tun proven against the Linux kernel, inside a network namespace each test creates and
// deletes (RAII, on every path): first the TunSink on its own (an interface per link with the
// link's addresses and MTU, packets both ways, the interface gone at link-down), then a whole
// run: our LNS and our LAC in the namespace, the LAC's session on l2tp0, and the system's
// `ping` getting three replies from the LNS's PPP address through the session.
// Needs root, `ip` and /dev/net/tun (and `ping` for the run): with CI=true their absence fails
// the test, elsewhere it skips with the reason.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <boost/asio/io_context.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "peers/tun/tun_sink.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/ci_required.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

// What this machine lacks for the tests, if anything.
std::optional<std::string> missing_prerequisite(bool need_ping) {
  if (!have_tool("ip")) return "`ip` (iproute2) is not installed";
  if (need_ping && !have_tool("ping")) return "`ping` (iputils-ping) is not installed";
  if (::access("/dev/net/tun", R_OK | W_OK) != 0) return "/dev/net/tun is missing or not accessible";
  if (::geteuid() != 0) return "network namespaces and TUN interfaces need root";
  return std::nullopt;
}

// A network namespace of our own, with lo up; deleted when this goes, whatever happened.
class NetNs {
 public:
  static std::unique_ptr<NetNs> create(std::string& why) {
    std::random_device rd;
    const std::string name =
        "l2tpsim-tun-" + std::to_string(::getpid()) + "-" + std::to_string(rd() % 100000);
    const auto add = run_capturing("ip netns add " + name);
    if (add.status != 0) {
      why = "ip netns add " + name + ": " + add.err;
      return nullptr;
    }
    auto ns = std::unique_ptr<NetNs>(new NetNs(name));
    const auto lo = run_capturing("ip -n " + name + " link set lo up");
    if (lo.status != 0) {
      why = "ip -n " + name + " link set lo up: " + lo.err;
      return nullptr;  // the namespace is deleted here
    }
    return ns;
  }
  ~NetNs() { run_capturing("ip netns delete " + name_); }
  NetNs(const NetNs&) = delete;
  NetNs& operator=(const NetNs&) = delete;

  const std::string& name() const { return name_; }
  // `ip -n NAME args`, stdout (empty when it failed).
  std::string ip(const std::string& args) const {
    const auto r = run_capturing("ip -n " + name_ + " " + args);
    return r.status == 0 ? r.out : std::string();
  }
  bool has_link(const std::string& dev) const { return !ip("link show dev " + dev).empty(); }

 private:
  explicit NetNs(std::string name) : name_(std::move(name)) {}
  std::string name_;
};

// --- the sink on its own -------------------------------------------------------------------

std::uint16_t checksum(const std::uint8_t* p, std::size_t n) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < n; i += 2) sum += static_cast<std::uint32_t>(p[i] << 8 | p[i + 1]);
  if (n % 2) sum += static_cast<std::uint32_t>(p[n - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

void put16(Buffer& b, std::size_t at, std::uint16_t v) {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

// An ICMP echo request (RFC 792) from `src` to `dst`, built here by hand (RFC 791 header).
Buffer echo_request(std::array<std::uint8_t, 4> src, std::array<std::uint8_t, 4> dst, std::uint16_t id,
                    std::uint16_t seq) {
  Buffer b(20 + 8 + 16, 0);
  b[0] = 0x45;  // version 4, 5 words
  put16(b, 2, static_cast<std::uint16_t>(b.size()));
  put16(b, 4, 0x1234);
  put16(b, 6, 0x4000);  // DF
  b[8] = 64;            // TTL
  b[9] = 1;             // ICMP
  std::copy(src.begin(), src.end(), b.begin() + 12);
  std::copy(dst.begin(), dst.end(), b.begin() + 16);
  put16(b, 10, checksum(b.data(), 20));
  b[20] = 8;  // echo request
  put16(b, 24, id);
  put16(b, 26, seq);
  for (std::size_t i = 28; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(i);
  put16(b, 22, checksum(b.data() + 20, b.size() - 20));
  return b;
}

ppp::LinkUp link_up(std::uint8_t subnet, std::uint16_t mtu) {
  ppp::LinkUp up;
  up.ipv4 = true;
  up.local_ip = net::IpAddress::v4(10, 9, subnet, 2);
  up.peer_ip = net::IpAddress::v4(10, 9, subnet, 1);
  up.mtu = mtu;
  return up;
}

// Runs `body` on a thread that has joined the namespace: TUN interfaces and the sockets that
// configure them belong to the namespace of the thread that makes them.
template <typename F>
void in_namespace(const NetNs& ns, F body) {
  std::thread t([&] {
    const int fd = ::open(("/run/netns/" + ns.name()).c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0) << "cannot open /run/netns/" << ns.name();
    const int rc = ::setns(fd, CLONE_NEWNET);
    ::close(fd);
    ASSERT_EQ(rc, 0) << "setns: " << std::strerror(errno);
    body();
  });
  t.join();
}

struct Delivered {
  LinkKey key;
  Buffer packet;
};

class TunSinkInNamespace : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_OR_SKIP(missing_prerequisite(false));
    std::string why;
    ns_ = NetNs::create(why);
    if (!ns_) {
      if (in_ci()) FAIL() << why;
      GTEST_SKIP() << why;
    }
  }

  std::unique_ptr<NetNs> ns_;
  boost::asio::io_context io_;
  std::ostringstream err_;
  std::vector<Delivered> delivered_;
};

TEST_F(TunSinkInNamespace, EachLinkGetsItsInterfaceWithAddressesMtuAndTrafficBothWays) {
  in_namespace(*ns_, [&] {
    peers::TunSink sink(
        io_, "t{n}x{session}",
        [this](LinkKey k, Bytes p) {
          delivered_.push_back({k, Buffer(p.begin(), p.end())});
        },
        err_, "test: ");
    const LinkKey a{7, 9}, b{7, 10};
    sink.link_up(a, link_up(0, 1400));
    sink.link_up(b, link_up(1, 1280));
    ASSERT_EQ(sink.attached(), 2U) << err_.str();
    ASSERT_NE(sink.device(a), nullptr);
    EXPECT_EQ(sink.device(a)->name(), "t1x9");
    EXPECT_EQ(sink.device(b)->name(), "t2x10");

    const std::string addr_a = ns_->ip("-o addr show dev t1x9");
    EXPECT_NE(addr_a.find("inet 10.9.0.2 peer 10.9.0.1/32"), std::string::npos) << addr_a;
    const std::string link_a = ns_->ip("link show dev t1x9");
    EXPECT_NE(link_a.find("mtu 1400"), std::string::npos) << link_a;
    EXPECT_NE(link_a.find(",UP"), std::string::npos) << link_a;
    EXPECT_NE(ns_->ip("link show dev t2x10").find("mtu 1280"), std::string::npos);

    // A packet from link a's peer to our address: the kernel answers it, and the answer comes
    // back out of a's interface to the deliver hook, tagged with a's key.
    const Buffer request = echo_request({10, 9, 0, 1}, {10, 9, 0, 2}, 0x4242, 1);
    sink.packet(a, request);
    EXPECT_EQ(sink.device(a)->packets_out(), 1U);
    const Delivered* reply = nullptr;
    for (int i = 0; i < 100 && !reply; ++i) {
      io_.run_for(std::chrono::milliseconds(20));
      io_.restart();
      for (const auto& d : delivered_)
        if (d.packet.size() >= 28 && d.packet[9] == 1 && d.packet[20] == 0 && d.packet[24] == 0x42)
          reply = &d;
    }
    ASSERT_NE(reply, nullptr) << "no echo reply came out of t1x9";
    EXPECT_EQ(reply->key, a);
    EXPECT_EQ(Buffer(reply->packet.begin() + 12, reply->packet.begin() + 16), (Buffer{10, 9, 0, 2}));
    EXPECT_EQ(Buffer(reply->packet.begin() + 16, reply->packet.begin() + 20), (Buffer{10, 9, 0, 1}));
    EXPECT_EQ(reply->packet.size(), request.size());

    sink.link_down(a);
    EXPECT_EQ(sink.attached(), 1U);
    EXPECT_FALSE(ns_->has_link("t1x9"));
    EXPECT_TRUE(ns_->has_link("t2x10"));

    // No IPCP, no address: nothing to attach, and the sink says so.
    ppp::LinkUp no_ip = link_up(2, 1500);
    no_ip.ipv4 = false;
    sink.link_up(LinkKey{7, 11}, no_ip);
    EXPECT_EQ(sink.attached(), 1U);
    EXPECT_NE(err_.str().find("IPCP was not negotiated"), std::string::npos) << err_.str();
  });
  // The sink is gone: so is its last interface.
  EXPECT_FALSE(ns_->has_link("t2x10"));
}

TEST_F(TunSinkInNamespace, FixedNameServesOneLinkAtATime) {
  in_namespace(*ns_, [&] {
    peers::TunSink sink(
        io_, "fx0", [](LinkKey, Bytes) {}, err_, "test: ");
    const LinkKey a{1, 1}, b{1, 2}, c{1, 3};
    sink.link_up(a, link_up(0, 1500));
    sink.link_up(b, link_up(1, 1500));
    EXPECT_EQ(sink.attached(), 1U);
    EXPECT_NE(sink.device(a), nullptr);
    EXPECT_EQ(sink.device(b), nullptr);
    EXPECT_NE(err_.str().find("one session at a time"), std::string::npos) << err_.str();
    sink.link_down(b);  // never attached: nothing happens to a's interface
    EXPECT_TRUE(ns_->has_link("fx0"));
    sink.link_down(a);
    EXPECT_FALSE(ns_->has_link("fx0"));
    sink.link_up(c, link_up(3, 1500));
    ASSERT_NE(sink.device(c), nullptr) << err_.str();
    const std::string addr = ns_->ip("-o addr show dev fx0");
    EXPECT_NE(addr.find("inet 10.9.3.2 peer 10.9.3.1/32"), std::string::npos) << addr;
  });
}

TEST_F(TunSinkInNamespace, NameOfAnotherKindOfInterfaceIsReportedAndTheLinkGoesOnWithout) {
  in_namespace(*ns_, [&] {
    peers::TunSink sink(
        io_, "lo", [](LinkKey, Bytes) {}, err_, "test: ");
    sink.link_up(LinkKey{3, 4}, link_up(0, 1500));
    EXPECT_EQ(sink.attached(), 0U);
    EXPECT_NE(err_.str().find("test: --tun: session 3/4: TUNSETIFF lo"), std::string::npos) << err_.str();
    EXPECT_NE(err_.str().find("goes on without an interface"), std::string::npos) << err_.str();
  });
  EXPECT_TRUE(ns_->has_link("lo"));
}

// --- a whole run ---------------------------------------------------------------------------

class TunRun : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_OR_SKIP(missing_prerequisite(true));
    std::string why;
    ns_ = NetNs::create(why);
    if (!ns_) {
      if (in_ci()) FAIL() << why;
      GTEST_SKIP() << why;
    }
    dir_ = make_temp_dir("l2tpsim-tun");
  }
  void TearDown() override {
    if (dir_.empty()) return;
    if (!HasFailure())
      std::filesystem::remove_all(dir_);
    else
      std::cerr << "kept " << dir_ << " for inspection\n";
  }

  std::string file(const std::string& name) const { return dir_ + "/" + name; }
  std::vector<std::string> in_ns(std::vector<std::string> argv) const {
    argv.insert(argv.begin(), {"ip", "netns", "exec", ns_->name()});
    return argv;
  }
  std::string logs() const {
    return "--- lac.log\n" + read_file(file("lac.log")) + "--- lns.log\n" + read_file(file("lns.log"));
  }

  // Declared first, so it is deleted after the processes in it are gone.
  std::unique_ptr<NetNs> ns_;
  std::string dir_;
};

TEST_F(TunRun, PingThroughTheLacsSessionGetsThreeRepliesFromTheLns) {
  auto lns = ChildProcess::start(in_ns({L2TPSIM_BINARY, "lns", "--listen", "127.0.0.3:1701", "--json",
                                        file("lns.json"), "--duration", "60"}),
                                 file("lns.log"));
  ASSERT_TRUE(lns);
  ASSERT_TRUE(wait_until([&] { return read_file(file("lns.log")).find("listening on") != std::string::npos; },
                         std::chrono::seconds(10)))
      << logs();
  auto lac = ChildProcess::start(in_ns({L2TPSIM_BINARY, "lac", "--connect-to", "127.0.0.3:1701", "--tun",
                                        "l2tp0", "--duration", "8", "--json", file("lac.json")}),
                                 file("lac.log"));
  ASSERT_TRUE(lac);

  // The interface appears once IPCP is up, with the address the LNS gave and the LNS as peer.
  std::string addr;
  ASSERT_TRUE(wait_until(
      [&] {
        addr = ns_->ip("-o addr show dev l2tp0");
        return addr.find("peer 10.0.0.1/32") != std::string::npos;
      },
      std::chrono::seconds(6)))
      << addr << "\n"
      << logs();

  const auto ping = run_capturing("ip netns exec " + ns_->name() + " ping -n -c 3 -W 2 10.0.0.1");
  EXPECT_EQ(ping.status, 0) << describe_status(ping.status) << "\n" << ping.out << ping.err << logs();
  EXPECT_NE(ping.out.find("3 packets transmitted, 3 received"), std::string::npos) << ping.out;

  ASSERT_EQ(lac->wait(std::chrono::seconds(20)).value_or(-1), 0) << logs();
  // The run is over and left no interface behind.
  EXPECT_FALSE(ns_->has_link("l2tp0"));
  lns->signal(SIGTERM);
  EXPECT_EQ(lns->wait(std::chrono::seconds(20)).value_or(-1), 0) << logs();

  const auto lac_json = nlohmann::json::parse(read_file(file("lac.json")), nullptr, false);
  ASSERT_FALSE(lac_json.is_discarded()) << logs();
  SCOPED_TRACE(lac_json.dump());
  EXPECT_EQ(lac_json.value("sessions_ppp_up", -1), 1);
  EXPECT_EQ(lac_json["ppp"].value("failed", -1), 0);
  ASSERT_EQ(lac_json["sessions"].size(), 1U);
  const auto& session = lac_json["sessions"][0];
  ASSERT_TRUE(session["local_ip"].is_string() && session["remote_ip"].is_string());
  const std::string local = session["local_ip"];
  EXPECT_EQ(session["remote_ip"], "10.0.0.1");
  // The interface carried the address IPCP gave this session.
  EXPECT_NE(addr.find("inet " + local + " peer 10.0.0.1/32"), std::string::npos) << addr;
  const std::string lac_log = read_file(file("lac.log"));
  EXPECT_NE(lac_log.find(" on l2tp0: " + local + " peer 10.0.0.1"), std::string::npos) << lac_log;

  const auto lns_json = nlohmann::json::parse(read_file(file("lns.json")), nullptr, false);
  ASSERT_FALSE(lns_json.is_discarded()) << logs();
  // The replies were the LNS's own: its echo responder answered through the session.
  EXPECT_GE(lns_json["ppp"].value("echo_answered", 0), 3) << lns_json.dump();
}

TEST_F(TunRun, WithoutCapNetAdminTheRunEndsAtOnceWithExitTwoAndSaysWhy) {
  if (!have_tool("setpriv")) {
    if (in_ci()) FAIL() << "`setpriv` (util-linux) is required with CI=true";
    GTEST_SKIP() << "`setpriv` (util-linux) is not installed";
  }
  const auto r = run_capturing("ip netns exec " + ns_->name() +
                               " setpriv --inh-caps=-net_admin --bounding-set=-net_admin " + L2TPSIM_BINARY +
                               " lac --connect-to 127.0.0.3:1701 --tun l2tp0 --duration 5");
  ASSERT_TRUE(WIFEXITED(r.status)) << describe_status(r.status);
  EXPECT_EQ(WEXITSTATUS(r.status), 2) << r.out << r.err;
  EXPECT_NE(r.err.find("l2tpsim lac: --tun: creating a TUN interface needs CAP_NET_ADMIN"), std::string::npos)
      << r.err;
  EXPECT_FALSE(ns_->has_link("l2tp0"));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
