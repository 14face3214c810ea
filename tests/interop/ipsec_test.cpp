// L2TP over IPsec (--use-ipsec), proven with strongSwan's charon between two network namespaces
// that each test creates and deletes (RAII, on every path), joined by a veth: the LAC's
// namespace has 192.168.231.1 on the veth and 10.231.0.1/32 on lo, the LNS's 192.168.231.2 and
// 10.231.0.2/32. This kernel has no ESP, so tunnel mode runs ESP in userspace (charon's
// kernel-libipsec: the inner /32s in an ESP tunnel between the veth addresses, ESP in UDP 4500);
// transport mode negotiates IKE and the kernel refuses the SA, which l2tpsim must say plainly.
// Each l2tpsim starts and stops its own charon. Needs root, `ip`, `tcpdump`, /dev/net/tun and
// charon: with CI=true their absence fails the test, elsewhere it skips with the reason.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "engine/net/address.hpp"
#include "ipsec/charon_config.hpp"
#include "ipsec/vici_client.hpp"
#include "ipsec/vici_requests.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/ci_required.hpp"
#include "tests/support/xl2tpd_peer.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

constexpr const char* kCharon = "/usr/lib/ipsec/charon";
constexpr const char* kLacOuter = "192.168.231.1";
constexpr const char* kLnsOuter = "192.168.231.2";
constexpr const char* kLacInner = "10.231.0.1";
constexpr const char* kLnsInner = "10.231.0.2";

std::optional<std::string> missing_prerequisite() {
  if (::geteuid() != 0) return "network namespaces and charon need root";
  if (!have_tool("ip")) return "`ip` (iproute2) is not installed";
  if (!have_tool("tcpdump")) return "`tcpdump` is not installed";
  if (::access(kCharon, X_OK) != 0)
    return std::string(kCharon) + " is missing (apt-get install strongswan-charon libcharon-extra-plugins)";
  if (!std::filesystem::exists("/usr/lib/ipsec/plugins/libstrongswan-kernel-libipsec.so"))
    return "charon's kernel-libipsec plugin is missing (apt-get install libcharon-extra-plugins)";
  if (::access("/dev/net/tun", R_OK | W_OK) != 0) return "/dev/net/tun is missing (kernel-libipsec needs it)";
  return std::nullopt;
}

// Two namespaces joined by a veth, with the outer and inner addresses above; deleted when this
// goes (deleting a namespace deletes its end of the veth, and so the pair).
class NsPair {
 public:
  static std::unique_ptr<NsPair> create(std::string& why) {
    std::random_device rd;
    const std::string tag = std::to_string(::getpid() % 100000) + "x" + std::to_string(rd() % 1000);
    auto p = std::unique_ptr<NsPair>(new NsPair("l2tpsim-ipsec-lac-" + tag, "l2tpsim-ipsec-lns-" + tag));
    const std::string va = "l2ia" + tag, vb = "l2ib" + tag;  // <= 15 characters
    for (const std::string& cmd :
         {"ip netns add " + p->lac_, "ip netns add " + p->lns_,
          "ip link add " + va + " type veth peer name " + vb, "ip link set " + va + " netns " + p->lac_,
          "ip link set " + vb + " netns " + p->lns_,
          "ip -n " + p->lac_ + " addr add " + kLacOuter + "/24 dev " + va,
          "ip -n " + p->lns_ + " addr add " + kLnsOuter + "/24 dev " + vb,
          "ip -n " + p->lac_ + " link set " + va + " up", "ip -n " + p->lns_ + " link set " + vb + " up",
          "ip -n " + p->lac_ + " link set lo up", "ip -n " + p->lns_ + " link set lo up",
          "ip -n " + p->lac_ + " addr add " + kLacInner + "/32 dev lo",
          "ip -n " + p->lns_ + " addr add " + kLnsInner + "/32 dev lo"}) {
      const auto r = run_capturing(cmd);
      if (r.status != 0) {
        why = cmd + ": " + r.err;
        run_capturing("ip link delete " + va + " 2>/dev/null");
        return nullptr;  // the namespaces made so far are deleted here
      }
    }
    p->lns_veth_ = vb;
    return p;
  }
  ~NsPair() {
    run_capturing("ip netns delete " + lac_);
    run_capturing("ip netns delete " + lns_);
  }
  NsPair(const NsPair&) = delete;
  NsPair& operator=(const NsPair&) = delete;

  const std::string& lac() const { return lac_; }
  const std::string& lns() const { return lns_; }
  const std::string& lns_veth() const { return lns_veth_; }

 private:
  NsPair(std::string lac, std::string lns) : lac_(std::move(lac)), lns_(std::move(lns)) {}
  std::string lac_, lns_, lns_veth_;
};

class IpsecRun : public ::testing::Test {
 protected:
  void SetUp() override {
    REQUIRE_OR_SKIP(missing_prerequisite());
    std::string why;
    ns_ = NsPair::create(why);
    ASSERT_TRUE(ns_) << why;
    dir_ = make_temp_dir("l2tpsim-ipsec");
  }
  void TearDown() override {
    if (!dir_.empty() && !HasFailure()) std::filesystem::remove_all(dir_);
    if (HasFailure() && !dir_.empty()) std::cerr << "kept " << dir_ << " for inspection\n";
  }

  std::string file(const std::string& name) const { return dir_ + "/" + name; }
  static std::vector<std::string> in(const std::string& ns, std::vector<std::string> argv) {
    argv.insert(argv.begin(), {"ip", "netns", "exec", ns});
    return argv;
  }
  std::string logs() const {
    std::string out;
    for (const char* f : {"lac.log", "lns.log", "tcpdump.log"})
      if (std::filesystem::exists(file(f))) out += std::string("--- ") + f + "\n" + read_file(file(f));
    return out;
  }
  // An LNS in its namespace with its own charon, ready when it says it listens.
  std::optional<ChildProcess> start_lns(const std::vector<std::string>& extra) {
    std::vector<std::string> argv{L2TPSIM_BINARY, "lns", "--json",         file("lns.json"),
                                  "--duration",   "60",  "--ipsec-secret", "s3cret"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto lns = ChildProcess::start(in(ns_->lns(), argv), file("lns.log"));
    if (!lns) return std::nullopt;
    if (!wait_until([&] { return read_file(file("lns.log")).find("listening on") != std::string::npos; },
                    std::chrono::seconds(15)))
      return std::nullopt;
    return lns;
  }
  // Runs an LAC in its namespace to its end; its exit status.
  std::optional<int> run_lac(const std::vector<std::string>& extra, std::chrono::seconds limit) {
    std::vector<std::string> argv{L2TPSIM_BINARY, "lac", "--json", file("lac.json")};
    argv.insert(argv.end(), extra.begin(), extra.end());
    auto lac = ChildProcess::start(in(ns_->lac(), argv), file("lac.log"));
    if (!lac) return std::nullopt;
    auto status = lac->wait(limit);
    if (!status) lac->stop();
    return status;
  }
  static nlohmann::json json_of(const std::string& path) {
    const auto text = read_file(path);
    return text.empty() ? nlohmann::json() : nlohmann::json::parse(text, nullptr, false);
  }
  // Declared first, so the namespaces go after the processes in them.
  std::unique_ptr<NsPair> ns_;
  std::string dir_;
};

TEST_F(IpsecRun, TunnelModeSessionsAndPppUpWithOnlyIkeAndEspOnTheWire) {
  auto tcpdump = ChildProcess::start(in(ns_->lns(), {"tcpdump", "-i", ns_->lns_veth(), "-n", "-U",
                                                     "--immediate-mode", "-w", file("veth.pcap"), "ip"}),
                                     file("tcpdump.log"));
  ASSERT_TRUE(tcpdump);
  ASSERT_TRUE(
      wait_until([&] { return read_file(file("tcpdump.log")).find("listening on") != std::string::npos; },
                 std::chrono::seconds(10)))
      << logs();
  auto lns = start_lns({"--listen", kLnsInner, "--use-ipsec", "required", "--ipsec-mode", "tunnel"});
  ASSERT_TRUE(lns) << logs();
  const auto status =
      run_lac({"--connect-to", kLnsInner, "--local-address", kLacInner, "--sessions", "2", "--duration", "2",
               "--use-ipsec", "--ipsec-secret", "s3cret", "--ipsec-mode", "tunnel", "--ipsec-peer", kLnsOuter,
               "--pcap", file("lac.pcap"), "--pcap-outer", file("lac-outer.pcap")},
              std::chrono::seconds(40));
  ASSERT_TRUE(status.has_value()) << "the LAC did not end\n" << logs();
  EXPECT_EQ(*status, 0) << describe_status(*status) << "\n" << logs();
  lns->signal(SIGTERM);
  EXPECT_TRUE(lns->wait(std::chrono::seconds(15)).has_value()) << logs();
  tcpdump->signal(SIGINT);
  tcpdump->wait(std::chrono::seconds(5));

  const auto lac = json_of(file("lac.json"));
  ASSERT_TRUE(lac.is_object()) << logs();
  EXPECT_EQ(lac["sessions_established"], 2) << lac.dump(1);
  EXPECT_EQ(lac["sessions_ppp_up"], 2) << lac.dump(1);
  EXPECT_EQ(lac["ipsec"]["mode"], "tunnel");
  EXPECT_EQ(lac["ipsec"]["sas_up"], 1) << lac["ipsec"].dump(1);
  EXPECT_GT(lac["ipsec"]["setup_latency_ms"]["max"].get<double>(), 0.0);
  const auto lns_json = json_of(file("lns.json"));
  ASSERT_TRUE(lns_json.is_object()) << logs();
  EXPECT_EQ(lns_json["ipsec"]["use_ipsec"], "required");
  EXPECT_EQ(lns_json["ipsec"]["refused_datagrams"], 0) << lns_json["ipsec"].dump(1);
  EXPECT_EQ(lns_json["sessions_established"], 2);
  const auto lac_log = read_file(file("lac.log"));
  EXPECT_NE(lac_log.find("1 IKE SA(s) deleted"), std::string::npos) << lac_log;

  // On the veth: IKE (UDP 500, then 4500 after NAT-T's switch) and ESP in UDP 4500, nothing else,
  // in particular no L2TP in the clear.
  const auto all = run_capturing("tcpdump -n -r " + file("veth.pcap") + " 2>/dev/null | wc -l");
  const auto other = run_capturing("tcpdump -n -r " + file("veth.pcap") +
                                   " 'not (udp port 500 or udp port 4500)' 2>/dev/null");
  const auto esp =
      run_capturing("tcpdump -n -r " + file("veth.pcap") + " 'udp port 4500' 2>/dev/null | wc -l");
  EXPECT_GT(std::stoi(all.out), 20) << all.out;
  EXPECT_EQ(other.out, "") << "not IKE or ESP on the veth:\n" << other.out;
  EXPECT_GT(std::stoi(esp.out), 10);  // the L2TP and PPP, encrypted
  // --pcap: the L2TP inside, as the LAC sent and received it; --pcap-outer: only IKE and ESP, as on
  // the veth, and `decode` says the L2TP in it is encrypted.
  const auto inside = run_capturing(std::string(L2TPSIM_BINARY) + " decode " + file("lac.pcap") + " --brief");
  EXPECT_EQ(inside.status, 0) << inside.out;
  EXPECT_NE(inside.out.find("SCCRQ"), std::string::npos) << inside.out;
  EXPECT_NE(inside.out.find("ICCN"), std::string::npos) << inside.out;
  EXPECT_EQ(inside.out.find("ESP"), std::string::npos) << inside.out;
  EXPECT_NE(lac_log.find("--pcap-outer: "), std::string::npos) << lac_log;
  EXPECT_NE(lac_log.find(" IKE/ESP packet(s) written to " + file("lac-outer.pcap")), std::string::npos)
      << lac_log;
  const auto outer_all = run_capturing("tcpdump -n -r " + file("lac-outer.pcap") + " 2>/dev/null | wc -l");
  const auto outer_other = run_capturing("tcpdump -n -r " + file("lac-outer.pcap") +
                                         " 'not (udp port 500 or udp port 4500)' 2>/dev/null");
  EXPECT_GT(std::stoi(outer_all.out), 20) << outer_all.out;
  EXPECT_EQ(outer_other.out, "") << outer_other.out;
  const auto outside = run_capturing(std::string(L2TPSIM_BINARY) + " decode " + file("lac-outer.pcap"));
  EXPECT_EQ(outside.status, 0) << outside.out;
  EXPECT_NE(outside.out.find("  packets 0 "), std::string::npos) << outside.out;
  EXPECT_NE(outside.out.find(" ESP packet(s) (SPI 0x"), std::string::npos) << outside.out;
  EXPECT_NE(outside.out.find("the L2TP inside is encrypted; give --esp-sa to decrypt"), std::string::npos)
      << outside.out;

  // Each l2tpsim stopped the charon it started (by its PID, which is then gone).
  for (const auto& log : {lac_log, read_file(file("lns.log"))}) {
    const auto at = log.find("charon (PID ");
    ASSERT_NE(at, std::string::npos) << log;
    const int pid = std::stoi(log.substr(at + 12));
    EXPECT_NE(log.find(") stopped", at), std::string::npos) << log;
    EXPECT_NE(::kill(pid, 0), 0) << "charon " << pid << " still runs";
  }
}

TEST_F(IpsecRun, WrongSecretFailsInPhaseIpsecWithCharonsReason) {
  auto lns = start_lns({"--listen", kLnsInner, "--use-ipsec", "required", "--ipsec-mode", "tunnel"});
  ASSERT_TRUE(lns) << logs();
  const auto status =
      run_lac({"--connect-to", kLnsInner, "--local-address", kLacInner, "--use-ipsec", "--ipsec-secret",
               "not-the-secret", "--ipsec-mode", "tunnel", "--ipsec-peer", kLnsOuter, "--duration", "10"},
              std::chrono::seconds(40));
  ASSERT_TRUE(status.has_value()) << logs();
  EXPECT_EQ(*status, 1) << describe_status(*status) << "\n" << logs();
  const auto lac = json_of(file("lac.json"));
  ASSERT_TRUE(lac.is_object()) << logs();
  EXPECT_EQ(lac["tunnels_failed"], 1) << lac.dump(1);
  // The tunnel and its call, neither sent: no SA.
  EXPECT_EQ(lac["failures_by_phase"]["ipsec"], 2) << lac.dump(1);
  int ipsec_in_timeline = 0;
  for (const auto& second : lac["timeline"]) ipsec_in_timeline += second["failed_by_phase"].value("ipsec", 0);
  EXPECT_EQ(ipsec_in_timeline, 1) << lac["timeline"].dump();
  EXPECT_EQ(lac["ipsec_latency_ms"]["count"], 0);
  ASSERT_FALSE(lac["failures"].empty());
  const std::string reason = lac["failures"][0]["message"].is_string()
                                 ? lac["failures"][0]["message"].get<std::string>()
                                 : lac["failures"][0].dump();
  EXPECT_NE(reason.find("pre-shared key differs"), std::string::npos) << reason;
  EXPECT_NE(reason.find("(charon: "), std::string::npos) << reason;
  EXPECT_EQ(lac["ipsec"]["sas_failed"], 1);
  lns->signal(SIGTERM);
  EXPECT_TRUE(lns->wait(std::chrono::seconds(15)).has_value());
}

TEST_F(IpsecRun, LnsRequiringIpsecRefusesPlainL2tp) {
  auto lns = start_lns({"--listen", kLnsInner, "--use-ipsec", "required", "--ipsec-mode", "tunnel"});
  ASSERT_TRUE(lns) << logs();
  // A route to the LNS's inner address through the veth: its L2TP arrives there in the clear.
  ASSERT_EQ(run_capturing("ip -n " + ns_->lac() + " route add " + kLnsInner + "/32 via " + kLnsOuter).status,
            0);
  const auto status = run_lac({"--connect-to", kLnsInner, "--local-address", kLacOuter,
                               "--retransmit-initial", "200", "--max-retries", "2"},
                              std::chrono::seconds(30));
  ASSERT_TRUE(status.has_value()) << logs();
  EXPECT_EQ(*status, 1) << logs();
  lns->signal(SIGTERM);
  ASSERT_TRUE(lns->wait(std::chrono::seconds(15)).has_value()) << logs();
  const auto lns_log = read_file(file("lns.log"));
  EXPECT_NE(lns_log.find(std::string("refused L2TP from ") + kLacOuter +
                         ":1701: it did not come through an IPsec SA (--use-ipsec required)"),
            std::string::npos)
      << lns_log;
  const auto lns_json = json_of(file("lns.json"));
  ASSERT_TRUE(lns_json.is_object()) << logs();
  EXPECT_GE(lns_json["ipsec"]["refused_datagrams"].get<int>(), 3) << lns_json["ipsec"].dump(1);  // SCCRQ x3
  EXPECT_EQ(lns_json["ipsec"]["refused_sources"][0]["source"], kLacOuter);
  EXPECT_EQ(lns_json["tunnels_established"], 0);
}

// Transport mode, what real clients use: the IKE negotiation runs against the LNS's charon; on a
// kernel without ESP the SA cannot be installed and l2tpsim says exactly that. Whether this
// kernel has ESP is probed on its own (an ESP state added by hand in the LAC's namespace).
TEST_F(IpsecRun, TransportModeNegotiatesAndSaysWhenTheKernelHasNoEsp) {
  const auto probe =
      run_capturing("ip -n " + ns_->lac() +
                    " xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0x100 mode transport "
                    "enc 'cbc(aes)' 0x00112233445566778899aabbccddeeff auth 'hmac(sha1)' "
                    "0x00112233445566778899aabbccddeeff00112233");
  const bool kernel_esp = probe.status == 0;
  auto lns = start_lns({"--listen", kLnsOuter, "--use-ipsec", "yes"});
  ASSERT_TRUE(lns) << logs();
  const auto status = run_lac({"--connect-to", kLnsOuter, "--local-address", kLacOuter, "--duration", "1",
                               "--use-ipsec", "--ipsec-secret", "s3cret"},
                              std::chrono::seconds(40));
  ASSERT_TRUE(status.has_value()) << logs();
  const auto lac = json_of(file("lac.json"));
  ASSERT_TRUE(lac.is_object()) << logs();
  EXPECT_EQ(lac["ipsec"]["mode"], "transport");
  if (kernel_esp) {
    EXPECT_EQ(*status, 0) << logs();
    EXPECT_EQ(lac["sessions_established"], 1);
  } else {
    EXPECT_EQ(*status, 1) << logs();
    EXPECT_EQ(lac["failures_by_phase"]["ipsec"], 2) << lac.dump(1);  // the tunnel and its call
    ASSERT_FALSE(lac["failures"].empty());
    const std::string reason = lac["failures"][0]["message"].get<std::string>();
    EXPECT_EQ(reason.rfind("kernel has no ESP", 0), 0u) << reason;
    EXPECT_NE(reason.find("unable to add SAD entry"), std::string::npos) << reason;
  }
  lns->signal(SIGTERM);
  EXPECT_TRUE(lns->wait(std::chrono::seconds(15)).has_value());
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

// 200 LAC source addresses, each with its own IKE SA and CHILD SA (charon opens eight at once),
// one tunnel and one call with PPP from each, through an LNS requiring IPsec.
TEST_F(IpsecRun, TwoHundredSourcesEachWithItsOwnSa) {
  std::vector<std::string> argv{"--connect-to", kLnsInner,
                                "--html",       file("lac.html"),
                                "--tunnels",    "200",
                                "--sessions",   "1",
                                "--duration",   "5",
                                "--threads",    "1",
                                "--use-ipsec",  "--ipsec-secret",
                                "s3cret",       "--ipsec-mode",
                                "tunnel",       "--ipsec-peer",
                                kLnsOuter};
  for (int i = 1; i <= 200; ++i) {
    const std::string addr = "10.232.0." + std::to_string(i);
    ASSERT_EQ(run_capturing("ip -n " + ns_->lac() + " addr add " + addr + "/32 dev lo").status, 0);
    argv.insert(argv.end(), {"--local-address", addr});
  }
  auto lns = start_lns({"--listen", kLnsInner, "--use-ipsec", "required", "--ipsec-mode", "tunnel"});
  ASSERT_TRUE(lns) << logs();
  const auto status = run_lac(argv, std::chrono::seconds(60));
  ASSERT_TRUE(status.has_value()) << logs();
  EXPECT_EQ(*status, 0) << logs();
  lns->signal(SIGTERM);
  EXPECT_TRUE(lns->wait(std::chrono::seconds(15)).has_value());
  const auto lac = json_of(file("lac.json"));
  ASSERT_TRUE(lac.is_object()) << logs();
  EXPECT_EQ(lac["ipsec"]["sas_up"], 200) << lac["ipsec"]["failures"].dump(1);
  EXPECT_EQ(lac["ipsec"]["setup_latency_ms"]["count"], 200);
  // The IPsec phase in the figures, like the L2TP and PPP phases.
  EXPECT_EQ(lac["ipsec_latency_ms"]["count"], 200) << lac.dump(1);
  EXPECT_GT(lac["ipsec_latency_ms"]["p50"].get<double>(), 0.0);
  EXPECT_LE(lac["ipsec_latency_ms"]["p50"].get<double>(), lac["ipsec_latency_ms"]["p99"].get<double>());
  EXPECT_EQ(lac["histograms"]["ipsec_setup"]["count"], 200);
  EXPECT_NEAR(lac["ipsec_latency_ms"]["max"].get<double>(),
              lac["ipsec"]["setup_latency_ms"]["max"].get<double>(),
              lac["ipsec"]["setup_latency_ms"]["max"].get<double>() * 0.01 + 0.01);
  EXPECT_NE(read_file(file("lac.log")).find("IPsec setup latency:   p50 "), std::string::npos) << logs();
  EXPECT_NE(
      read_file(file("lac.html")).find("<tr><td>IPsec setup (IKE and CHILD SA)</td><td class=\"num\">200<"),
      std::string::npos);
  EXPECT_EQ(lac["tunnels_established"], 200);
  EXPECT_EQ(lac["sessions_ppp_up"], 200);
  const auto lns_json = json_of(file("lns.json"));
  ASSERT_TRUE(lns_json.is_object()) << logs();
  EXPECT_EQ(lns_json["ipsec"]["refused_datagrams"], 0);
  EXPECT_EQ(lns_json["ipsec"]["admitted_sources"], 200);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

// A charon of the test's own in the LNS's namespace, answering IKE for 10.231.0.2's L2TP (tunnel
// mode, kernel-libipsec), with the same strongswan.conf and VICI requests l2tpsim's LNS uses,
// but no L2TP of ours behind it: xl2tpd is the LNS. Private /run (a tmpfs in its own mount
// namespace) as l2tpsim's charon has; stopped by its PID.
std::optional<ChildProcess> start_charon_responder(const std::string& ns, const std::string& dir,
                                                   std::string& why) {
  ipsec::CharonConfig cfg;
  cfg.run_dir = dir + "/charon";
  cfg.userspace_esp = true;
  std::filesystem::create_directories(cfg.run_dir);
  write_file(cfg.run_dir + "/strongswan.conf", ipsec::strongswan_conf(cfg));
  auto charon = ChildProcess::start(
      {"ip", "netns", "exec", ns, "unshare", "-m", "--propagation", "private", "sh", "-c",
       "mount -t tmpfs tmpfs /run && STRONGSWAN_CONF=" + cfg.run_dir + "/strongswan.conf exec " + kCharon},
      dir + "/charon.out");
  if (!charon) {
    why = "could not start charon";
    return std::nullopt;
  }
  std::unique_ptr<ipsec::ViciClient> vici;
  wait_until(
      [&] {
        auto c = ipsec::ViciClient::connect(ipsec::vici_socket_path(cfg));
        if (c) vici = std::move(*c);
        return vici != nullptr;
      },
      std::chrono::seconds(10));
  if (!vici) {
    why = "charon's VICI socket did not answer: " + read_file(dir + "/charon.out");
    return std::nullopt;
  }
  ipsec::IpsecSettings s;
  s.use = ipsec::UseIpsec::Yes;
  s.mode = ipsec::IpsecMode::Tunnel;
  net::Endpoint l2tp;
  (void)net::IpAddress::parse(kLnsInner, l2tp.addr);
  l2tp.port = 1701;
  for (auto [command, request] :
       {std::pair{"load-shared", ipsec::load_shared_request("s3cret")},
        std::pair{"load-conn", ipsec::load_conn_request(ipsec::lns_conn(s, {l2tp}), s)}}) {
    auto r = vici->call(command, request, std::chrono::seconds(5));
    if (!r || !ipsec::failure_of(*r).empty()) {
      why = std::string(command) + ": " + (r ? ipsec::failure_of(*r) : r.error());
      return std::nullopt;
    }
  }
  return charon;
}

// The same LAC against xl2tpd as the LNS behind charon (tunnel mode). There is no kernel PPP here,
// so xl2tpd's pppd is a stand-in that keeps the session's pty open and swallows PPP
// (tests/support/xl2tpd_peer.hpp): the tunnel and the call come up, PPP is not negotiated
// (--no-ppp). Only IKE and ESP cross the veth, as with l2tpsim's LNS.
TEST_F(IpsecRun, TunnelModeAgainstXl2tpdBehindCharon) {
  REQUIRE_OR_SKIP(have_tool("xl2tpd")
                      ? std::nullopt
                      : std::optional<std::string>("xl2tpd is not installed (apt-get install xl2tpd)"));
  std::string why;
  auto charon = start_charon_responder(ns_->lns(), dir_, why);
  ASSERT_TRUE(charon) << why;
  Xl2tpdOptions opt;
  opt.listen_addr = kLnsInner;
  opt.netns = ns_->lns();
  std::filesystem::create_directories(file("xl2tpd"));
  auto xl2tpd = Xl2tpdPeer::start(opt, file("xl2tpd"), why);
  ASSERT_TRUE(xl2tpd) << why;
  auto tcpdump = ChildProcess::start(in(ns_->lns(), {"tcpdump", "-i", ns_->lns_veth(), "-n", "-U",
                                                     "--immediate-mode", "-w", file("veth.pcap"), "ip"}),
                                     file("tcpdump.log"));
  ASSERT_TRUE(tcpdump);
  ASSERT_TRUE(
      wait_until([&] { return read_file(file("tcpdump.log")).find("listening on") != std::string::npos; },
                 std::chrono::seconds(10)));
  const auto status = run_lac(
      {"--connect-to", kLnsInner, "--local-address", kLacInner, "--no-ppp",    "--tunnels",      "1",
       "--sessions",   "2",       "--duration",      "3",       "--use-ipsec", "--ipsec-secret", "s3cret",
       "--ipsec-mode", "tunnel",  "--ipsec-peer",    kLnsOuter, "--pcap",      file("lac.pcap")},
      std::chrono::seconds(40));
  tcpdump->signal(SIGINT);
  tcpdump->wait(std::chrono::seconds(5));
  const std::string xl2tpd_log = xl2tpd->log();
  xl2tpd->stop();
  charon->stop();
  ASSERT_TRUE(status.has_value()) << logs();
  EXPECT_EQ(*status, 0) << describe_status(*status) << "\n" << logs() << "--- xl2tpd\n" << xl2tpd_log;
  const auto lac = json_of(file("lac.json"));
  ASSERT_TRUE(lac.is_object()) << logs();
  EXPECT_EQ(lac["ipsec"]["sas_up"], 1) << lac["ipsec"].dump(1);
  EXPECT_EQ(lac["tunnels_established"], 1) << lac.dump(1);
  EXPECT_EQ(lac["sessions_established"], 2) << lac.dump(1);
  EXPECT_EQ(lac["peer_identity"]["vendor_name"], "xelerance.com") << lac["peer_identity"].dump();
  EXPECT_NE(xl2tpd_log.find("Connection established to " + std::string(kLacInner)), std::string::npos)
      << xl2tpd_log;
  const auto other = run_capturing("tcpdump -n -r " + file("veth.pcap") +
                                   " 'not (udp port 500 or udp port 4500)' 2>/dev/null");
  EXPECT_EQ(other.out, "") << "not IKE or ESP on the veth:\n" << other.out;
  const auto esp =
      run_capturing("tcpdump -n -r " + file("veth.pcap") + " 'udp port 4500' 2>/dev/null | wc -l");
  EXPECT_GT(std::stoi(esp.out), 8) << esp.out;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

// A scenario file whose lac: block names the IPsec options, played by `l2tpsim run` in the LAC's
// namespace against `l2tpsim lns --use-ipsec required` in the LNS's (tunnel mode): the case runs
// inside the IPsec phase (charon started, the SA up before its first SCCRQ, deleted after).
// `psk` is the scenario's ipsec-secret (${psk}); the LNS's is s3cret.
class IpsecScenario : public IpsecRun {
 protected:
  std::optional<int> run_scenario(const std::string& psk) {
    write_file(file("scenario.yaml"),
               "lac:\n"
               "  local-address: " +
                   std::string(kLacInner) +
                   "\n"
                   "  use-ipsec: yes\n"
                   "  ipsec-secret: ${psk}\n"
                   "  ipsec-mode: tunnel\n"
                   "  ipsec-peer: " +
                   kLnsOuter +
                   "\n"
                   "steps:\n"
                   "  - open-tunnels: 1\n"
                   "  - expect: {event: tunnel-up, within: 8s, setup: true}\n"
                   "  - open-sessions: 2\n"
                   "  - expect: {event: session-up, count: 2, within: 8s}\n"
                   "  - expect: {event: ppp-up, count: 2, within: 10s}\n"
                   "  - expect-none: {message: CDN, within: 1s}\n");
    auto run = ChildProcess::start(
        in(ns_->lac(), {L2TPSIM_BINARY, "run", file("scenario.yaml"), "--target", kLnsInner, "--var",
                        "psk=" + psk, "--json", file("run.json"), "--pcap", file("run.pcap")}),
        file("lac.log"));
    if (!run) return std::nullopt;
    auto status = run->wait(std::chrono::seconds(60));
    if (!status) run->stop();
    return status;
  }
  // The run's one case.
  nlohmann::json the_case() const {
    const auto j = json_of(file("run.json"));
    return j.is_object() && j["cases"].size() == 1 ? j["cases"][0] : nlohmann::json();
  }
};

TEST_F(IpsecScenario, ScenarioFileWithUseIpsecPassesThroughTheSa) {
  auto lns = start_lns({"--listen", kLnsInner, "--use-ipsec", "required", "--ipsec-mode", "tunnel"});
  ASSERT_TRUE(lns) << logs();
  const auto status = run_scenario("s3cret");
  ASSERT_TRUE(status.has_value()) << "l2tpsim run did not end\n" << logs();
  EXPECT_EQ(*status, 0) << describe_status(*status) << "\n" << logs();
  lns->signal(SIGTERM);
  EXPECT_TRUE(lns->wait(std::chrono::seconds(15)).has_value()) << logs();

  const auto c = the_case();
  ASSERT_TRUE(c.is_object()) << logs();
  EXPECT_EQ(c["verdict"], "pass") << c.dump(1);
  // The IPsec phase is the case's first check; then the steps' expectations, all met.
  ASSERT_EQ(c["checks"].size(), 5u) << c["checks"].dump(1);
  EXPECT_EQ(c["checks"][0]["description"],
            std::string("IPsec (phase ipsec): the IKE and CHILD SA from ") + kLacInner + " came up");
  EXPECT_TRUE(c["checks"][0]["passed"].get<bool>());
  EXPECT_NE(
      c["checks"][0]["detail"].get<std::string>().find("tunnel mode, IKE peer " + std::string(kLnsOuter)),
      std::string::npos)
      << c["checks"][0].dump();
  for (const auto& check : c["checks"]) EXPECT_TRUE(check["passed"].get<bool>()) << check.dump();
  // The LNS took the tunnel and both calls, all through the SA (it refuses anything else).
  const auto lns_json = json_of(file("lns.json"));
  ASSERT_TRUE(lns_json.is_object()) << logs();
  EXPECT_EQ(lns_json["tunnels_established"], 1) << lns_json.dump(1);
  EXPECT_EQ(lns_json["sessions_established"], 2);
  EXPECT_EQ(lns_json["ipsec"]["refused_datagrams"], 0) << lns_json["ipsec"].dump(1);
  EXPECT_EQ(lns_json["ipsec"]["admitted_sources"], 1);
  // The run's pcap has the L2TP inside; the SA was deleted and charon stopped after the case.
  const auto inside = run_capturing(std::string(L2TPSIM_BINARY) + " decode " + file("run.pcap") + " --brief");
  EXPECT_NE(inside.out.find("ICCN"), std::string::npos) << inside.out;
  const auto log = read_file(file("lac.log"));
  EXPECT_NE(log.find("1 IKE SA(s) deleted"), std::string::npos) << log;
  const auto at = log.find("charon (PID ");
  ASSERT_NE(at, std::string::npos) << log;
  EXPECT_NE(log.find(") stopped", at), std::string::npos) << log;
  EXPECT_NE(::kill(std::stoi(log.substr(at + 12)), 0), 0) << "charon still runs";
}

TEST_F(IpsecScenario, AWrongSecretInTheScenarioFailsTheCaseInPhaseIpsec) {
  auto lns = start_lns({"--listen", kLnsInner, "--use-ipsec", "required", "--ipsec-mode", "tunnel"});
  ASSERT_TRUE(lns) << logs();
  const auto status = run_scenario("not-the-secret");
  ASSERT_TRUE(status.has_value()) << "l2tpsim run did not end\n" << logs();
  EXPECT_EQ(*status, 1) << describe_status(*status) << "\n" << logs();
  lns->signal(SIGTERM);
  EXPECT_TRUE(lns->wait(std::chrono::seconds(15)).has_value()) << logs();

  const auto c = the_case();
  ASSERT_TRUE(c.is_object()) << logs();
  EXPECT_EQ(c["verdict"], "fail") << c.dump(1);
  const std::string reason = c["reason"].get<std::string>();
  EXPECT_EQ(reason.rfind(std::string("phase ipsec: ") + kLacInner + ": ", 0), 0u) << reason;
  EXPECT_NE(reason.find("pre-shared key differs"), std::string::npos) << reason;
  EXPECT_NE(reason.find("(charon: "), std::string::npos) << reason;
  // The steps did not run: only the IPsec check, failed; no L2TP reached the LNS.
  ASSERT_EQ(c["checks"].size(), 1u) << c["checks"].dump(1);
  EXPECT_FALSE(c["checks"][0]["passed"].get<bool>());
  const auto lns_json = json_of(file("lns.json"));
  ASSERT_TRUE(lns_json.is_object()) << logs();
  EXPECT_EQ(lns_json["tunnels_established"], 0);
  EXPECT_NE(read_file(file("lac.log")).find("phase ipsec: "), std::string::npos) << logs();
}

// `l2tpsim conform` with a suite of two cases whose lac: blocks name the same IPsec options: one
// IPsec phase for the whole suite (one charon, one SA), the liveness checks between the cases
// through it as well, both cases pass against an LNS that refuses L2TP from outside an SA.
TEST_F(IpsecScenario, ConformBringsOneIpsecPhaseUpForTheWholeSuite) {
  std::filesystem::create_directories(file("suite/lns"));
  const std::string ipsec = "  use-ipsec: yes\n  ipsec-secret: s3cret\n  ipsec-mode: tunnel\n  ipsec-peer: " +
                            std::string(kLnsOuter) + "\n";
  for (const std::string name : {"call-incoming.yaml", "fsm-scccn-accepted.yaml"}) {
    std::string text =
        read_file(std::string(L2TPSIM_SOURCE_DIR) + "/scenarios/library/conformance/lns/" + name);
    const auto at = text.find("lac:\n  no-ppp: true\n");
    ASSERT_NE(at, std::string::npos) << name;
    text.insert(at + std::string("lac:\n  no-ppp: true\n").size(), ipsec);
    write_file(file("suite/lns/" + name), text);
  }
  auto lns = start_lns({"--listen", kLnsInner, "--use-ipsec", "required", "--ipsec-mode", "tunnel"});
  ASSERT_TRUE(lns) << logs();
  auto conform =
      ChildProcess::start(in(ns_->lac(), {L2TPSIM_BINARY, "conform", "--dut-role", "lns", "--target",
                                          kLnsInner, "--local-address", kLacInner, "--suite", file("suite"),
                                          "--json", file("conform.json")}),
                          file("lac.log"));
  ASSERT_TRUE(conform);
  const auto status = conform->wait(std::chrono::seconds(90));
  ASSERT_TRUE(status.has_value()) << "conform did not end\n" << logs();
  EXPECT_EQ(*status, 0) << describe_status(*status) << "\n" << logs();
  lns->signal(SIGTERM);
  EXPECT_TRUE(lns->wait(std::chrono::seconds(15)).has_value()) << logs();

  const auto j = json_of(file("conform.json"));
  ASSERT_TRUE(j.is_object()) << logs();
  ASSERT_EQ(j["cases"].size(), 2u) << j.dump(1);
  for (const auto& c : j["cases"]) {
    EXPECT_EQ(c["verdict"], "pass") << c.dump(1);
    EXPECT_EQ(c["checks"][0]["description"],
              std::string("IPsec (phase ipsec): the IKE and CHILD SA from ") + kLacInner + " came up");
  }
  EXPECT_TRUE(j["dut"]["checked"].get<bool>()) << j["dut"].dump();  // liveness through the same SA
  EXPECT_TRUE(j["dut"]["alive"].get<bool>()) << j["dut"].dump();
  // One charon and one SA for the suite, deleted at its end.
  const auto log = read_file(file("lac.log"));
  const auto first = log.find("charon PID ");
  ASSERT_NE(first, std::string::npos) << log;
  EXPECT_EQ(log.find("charon PID ", first + 1), std::string::npos) << log;
  EXPECT_NE(log.find("one IPsec phase for the whole suite"), std::string::npos) << log;
  EXPECT_NE(log.find("1 IKE SA(s) deleted"), std::string::npos) << log;
  const auto lns_json = json_of(file("lns.json"));
  ASSERT_TRUE(lns_json.is_object()) << logs();
  EXPECT_EQ(lns_json["ipsec"]["refused_datagrams"], 0) << lns_json["ipsec"].dump(1);
  // Two cases and three liveness checks (before the first case, after each).
  EXPECT_EQ(lns_json["tunnels_established"], 5) << lns_json.dump(1);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
