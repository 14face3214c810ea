// `l2tpsim lac --setup-rate 2000` for 10 s against `l2tpsim lns` on loopback (L2TP only, the
// default shards): the JSON timeline of the LAC has every one-second bucket of the setup within
// 5% of 2,000 attempts, the calls all come up, and both timelines add up to the run's totals.
// The 100 ms evenness is the pacer's own, checked in virtual time (tests/peers/setup_pacer_test).
// `l2tpsim lac --flap N --flap-kind lcp-restart` (and ipcp-restart) against `l2tpsim lns`:
// every flap renegotiates PPP in place and no call ends (restart_in_place_run below).
// A loopback load: the test holds /tmp/l2tpsim-load.lock so no other load runs beside it.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

class LoadLock {
 public:
  LoadLock() : fd_(::open("/tmp/l2tpsim-load.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0666)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~LoadLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  LoadLock(const LoadLock&) = delete;
  LoadLock& operator=(const LoadLock&) = delete;
  bool held() const { return fd_ >= 0; }

 private:
  int fd_;
};

nlohmann::json read_json(const std::string& path) {
  auto j = nlohmann::json::parse(read_file(path), nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "no JSON summary in " << path;
  return j.is_discarded() ? nlohmann::json::object() : j;
}

std::uint64_t sum(const nlohmann::json& timeline, const char* key) {
  std::uint64_t n = 0;
  for (const auto& b : timeline) n += b.value(key, std::uint64_t{0});
  return n;
}

// The LNS started with its log at DIR/lns.log says it is listening (within 10 s).
bool lns_listening(const std::string& dir) {
  return wait_until([&] { return read_file(dir + "/lns.log").find("listening on") != std::string::npos; },
                    std::chrono::seconds(10));
}

TEST(LoadProfile, SetupRate2000For10SecondsEveryBucketWithin5Percent) {
  LoadLock lock;
  ASSERT_TRUE(lock.held());
  const std::string dir = make_temp_dir("l2tpsim-load-profile");
  const std::string lns_at = "127.0.0.3:" + std::to_string(free_udp_port());
  auto lns =
      ChildProcess::start({L2TPSIM_BINARY, "lns", "--listen", lns_at, "--no-ppp", "--json", dir + "/lns.json",
                           "--duration", "60", "--keepalive-timeout", "0", "--html", dir + "/lns.html"},
                          dir + "/lns.log");
  ASSERT_TRUE(lns);
  ASSERT_TRUE(lns_listening(dir)) << read_file(dir + "/lns.log");
  // 20 tunnels x 1,000 calls at 2,000 a second: 10 s of setup, held 3 s more, then torn down.
  auto lac = ChildProcess::start({L2TPSIM_BINARY,
                                  "lac",
                                  "--connect-to",
                                  lns_at,
                                  "--local-address",
                                  "127.0.0.4",
                                  "--port",
                                  "0",
                                  "--tunnels",
                                  "20",
                                  "--sessions",
                                  "1000",
                                  "--setup-rate",
                                  "2000",
                                  "--no-ppp",
                                  "--keepalive-timeout",
                                  "0",
                                  "--duration",
                                  "13",
                                  "--json",
                                  dir + "/lac.json",
                                  "--html",
                                  dir + "/lac.html"},
                                 dir + "/lac.log");
  ASSERT_TRUE(lac);
  const auto lac_status = lac->wait(std::chrono::seconds(60));
  lns->signal(SIGTERM);
  const auto lns_status = lns->wait(std::chrono::seconds(30));
  const std::string logs =
      "--- lac.log\n" + read_file(dir + "/lac.log") + "--- lns.log\n" + read_file(dir + "/lns.log");
  ASSERT_EQ(lac_status, 0) << logs;
  ASSERT_EQ(lns_status, 0) << logs;

  const auto lac_json = read_json(dir + "/lac.json");
  const auto lns_json = read_json(dir + "/lns.json");
  ASSERT_TRUE(lac_json.contains("timeline")) << logs;
  const auto& t = lac_json["timeline"];
  ASSERT_GE(t.size(), 13u) << t.dump();
  std::cout << "LAC timeline (setups/established/sessions_up per second):";
  for (const auto& b : t)
    std::cout << " " << b.value("setups", 0) << "/" << b.value("established", 0) << "/"
              << b.value("sessions_up", 0);
  std::cout << "\n";
  for (std::size_t s = 0; s < 10; ++s) {
    SCOPED_TRACE("second " + std::to_string(s) + ": " + t[s].dump());
    EXPECT_EQ(t[s].value("t", -1), static_cast<int>(s));
    EXPECT_GE(t[s].value("setups", 0), 1900);
    EXPECT_LE(t[s].value("setups", 0), 2100);
  }
  // Nothing more is attempted once the 20,000 calls are out; every one came up and was cleared.
  for (std::size_t s = 11; s < t.size(); ++s) EXPECT_EQ(t[s].value("setups", 0), 0) << t[s].dump();
  EXPECT_EQ(sum(t, "setups"), 20000u);
  EXPECT_EQ(sum(t, "established"), 20000u);
  EXPECT_EQ(sum(t, "failed"), 0u);
  EXPECT_EQ(sum(t, "teardowns"), 20000u);
  EXPECT_EQ(sum(t, "retransmissions"), lac_json.value("retransmissions", std::uint64_t{0}));
  EXPECT_EQ(t[11].value("sessions_up", 0), 20000) << t[11].dump();  // all up, before the teardown
  EXPECT_EQ(t[11].value("tunnels_up", 0), 20);
  EXPECT_EQ(t.back().value("sessions_up", -1), 0);
  // The LNS saw the same calls, second by second.
  const auto& l = lns_json["timeline"];
  EXPECT_EQ(sum(l, "established"), 20000u) << l.dump();
  EXPECT_EQ(sum(l, "teardowns"), 20000u);
  // The report pages were written, whole.
  for (const char* page : {"/lac.html", "/lns.html"}) {
    const std::string html = read_file(dir + page);
    EXPECT_NE(html.find("</html>"), std::string::npos) << page;
    EXPECT_NE(html.find("l2tpsim"), std::string::npos) << page;
  }
  EXPECT_EQ(lac_json["peer_identity"].value("host_name", ""), "l2tpsim-lns");
  EXPECT_EQ(lns_json["peer_identity"].value("host_name", ""), "l2tpsim-lac");
  if (!HasFailure()) std::filesystem::remove_all(dir);
}

// A load scenario file (no steps; load keys in its lac: block, an lns: block beside it) run by
// `l2tpsim run`: its lac: block runs as `l2tpsim lac` would, against l2tpsim's LNS started as a
// child process. 2 tunnels x 20 calls at 200 a second, each cleared 1 s after it came up and
// dialled again 0.5 s later, for 4 s; the file's fault drops each shard's first SCCRQ (resent
// after 200 ms). The
// JSON written through `run --json` is the LAC runner's: calls, redials, the timeline.
TEST(LoadProfile, LoadScenarioFileRunsTheLacRunnerWithChurnAgainstItsOwnLns) {
  LoadLock lock;
  ASSERT_TRUE(lock.held());
  ScratchDir dir("l2tpsim-load-scenario");
  const int lns_port = free_udp_port();
  const std::string lns_at = "127.0.0.3:" + std::to_string(lns_port);
  write_file(dir.path() + "/soak.yaml",
             "lns:\n"
             "  listen: " +
                 lns_at +
                 "\n"
                 "  no-ppp: true\n"
                 "  keepalive-timeout: 0\n"
                 "  duration: 60\n"
                 "lac:\n"
                 "  local-address: 127.0.0.4\n"
                 "  port: 0\n"
                 "  tunnels: 2\n"
                 "  sessions: 20\n"
                 "  setup-rate: 200\n"
                 "  session-lifetime: 1s\n"
                 "  redial-delay: 0.5\n"
                 "  retransmit-initial: 200\n"
                 "  no-ppp: true\n"
                 "  keepalive-timeout: 0\n"
                 "  duration: 4\n"
                 "faults:\n"
                 "  - name: lose-first-sccrq\n"
                 "    match: {message: SCCRQ, count: 1}\n"
                 "    drop: true\n");
  auto run = ChildProcess::start(
      {L2TPSIM_BINARY, "run", dir.path() + "/soak.yaml", "--json", dir.path() + "/lac.json", "--html",
       dir.path() + "/lac.html", "--pcap", dir.path() + "/lac.pcap"},
      dir.path() + "/run.log");
  ASSERT_TRUE(run);
  const auto status = run->wait(std::chrono::seconds(60));
  const std::string logs = "--- run.log\n" + read_file(dir.path() + "/run.log") + "--- lns.log\n" +
                           read_file(dir.path() + "/lac.pcap.lns.log");
  ASSERT_TRUE(status.has_value()) << "l2tpsim run did not end\n" << logs;
  ASSERT_EQ(*status, 0) << describe_status(*status) << "\n" << logs;

  const auto j = read_json(dir.path() + "/lac.json");
  std::cout << "load scenario: " << j.value("sessions_established", 0) << " calls established, churn "
            << j["churn"].dump() << "\n";
  // Every first call came up, and the redials after each lifetime came up as well.
  EXPECT_EQ(j.value("tunnels_established", 0), 2) << j.dump(1);
  EXPECT_EQ(j.value("sessions_failed", -1), 0) << j.dump(1);
  ASSERT_TRUE(j.contains("churn")) << j.dump(1);
  const auto& churn = j["churn"];
  EXPECT_EQ(churn.value("session_lifetime", ""), "1s");
  EXPECT_DOUBLE_EQ(churn.value("redial_delay_s", 0.0), 0.5);
  EXPECT_GE(churn.value("lifetimes_ended", 0), 40) << churn.dump();
  EXPECT_GT(churn.value("redials", 0), 0) << churn.dump();
  // The first 40 and at least a round of redials (about three rounds fit in 4 s), no more than
  // were dialled.
  EXPECT_GE(j.value("sessions_established", 0), 80) << j.dump(1);
  EXPECT_LE(j.value("sessions_established", 0), 40 + churn.value("redials", 0)) << j.dump(1);
  // The timeline: a second for each of the 4 s at least, adding up to the totals.
  ASSERT_TRUE(j.contains("timeline")) << j.dump(1);
  const auto& t = j["timeline"];
  EXPECT_GE(t.size(), 4u) << t.dump();
  EXPECT_EQ(sum(t, "established"), j.value("sessions_established", std::uint64_t{0})) << t.dump();
  EXPECT_EQ(t[0].value("tunnels_up", 0), 2) << t[0].dump();    // the dropped SCCRQs resent after 0.2 s
  EXPECT_EQ(t[0].value("established", 0), 40) << t[0].dump();  // 200 a second: all 40 in the first
  EXPECT_GE(sum(t, "setups"), sum(t, "established")) << t.dump();
  EXPECT_GT(sum(t, "teardowns"), 40u) << t.dump();  // the lifetimes' and the final teardown's
  // The file's fault: each shard's first SCCRQ dropped, and retransmitted (RFC 2661 5.8).
  const std::string log = read_file(dir.path() + "/run.log");
  const auto at = log.find("fault 'lose-first-sccrq' applied ");
  ASSERT_NE(at, std::string::npos) << logs;
  const int dropped = std::stoi(log.substr(at + std::string("fault 'lose-first-sccrq' applied ").size()));
  EXPECT_GE(dropped, 1) << log;
  EXPECT_GE(j.value("retransmissions", 0), dropped) << j.dump(1);
  // The LNS side saw the same calls; the HTML and the pcap were written.
  const std::string lns_log = read_file(dir.path() + "/lac.pcap.lns.log");
  EXPECT_NE(lns_log.find("listening on " + lns_at), std::string::npos) << lns_log;
  EXPECT_NE(read_file(dir.path() + "/lac.html").find("</html>"), std::string::npos);
  const auto decoded = run_capturing(std::string(L2TPSIM_BINARY) + " decode " + dir.path() +
                                     "/lac.pcap --brief --port " + std::to_string(lns_port));
  EXPECT_NE(decoded.out.find("ICCN"), std::string::npos) << decoded.out.substr(0, 2000);
}

// The figures of a restart kind in a summary's ppp.restarts ("lcp", "ipcp").
std::uint64_t restarts(const nlohmann::json& j, const char* what, const char* key) {
  const auto none = nlohmann::json::object();
  return j.value("ppp", none).value("restarts", none).value(what, none).value(key, std::uint64_t{0});
}

// Both sides' summaries of one flap run, and their logs.
struct FlapRun {
  nlohmann::json lac, lns;
  std::string logs, dir;
};

// `l2tpsim lac --flap 30 --flap-kind KIND` (PPP with CHAP and IPCP, 200 calls over 4 tunnels)
// against `l2tpsim lns` on loopback for 7 s. The LNS's pool has exactly 200 addresses: an LNS
// that leaked the address of a link authenticating again (LCP restart) would refuse the calls
// after it.
void run_flaps(const std::string& kind, FlapRun& r) {
  LoadLock lock;
  ASSERT_TRUE(lock.held());
  r.dir = make_temp_dir("l2tpsim-flap-" + kind);
  const std::string& dir = r.dir;
  const std::string lns_at = "127.0.0.3:" + std::to_string(free_udp_port());
  auto lns =
      ChildProcess::start({L2TPSIM_BINARY, "lns", "--listen", lns_at, "--authentication", "chap", "--user",
                           "user{n}", "--password", "flap", "--remote-address", "10.64.0.1-10.64.0.200",
                           "--keepalive-timeout", "0", "--duration", "60", "--json", dir + "/lns.json"},
                          dir + "/lns.log");
  ASSERT_TRUE(lns);
  ASSERT_TRUE(lns_listening(dir)) << read_file(dir + "/lns.log");
  auto lac = ChildProcess::start({L2TPSIM_BINARY,
                                  "lac",
                                  "--connect-to",
                                  lns_at,
                                  "--local-address",
                                  "127.0.0.4",
                                  "--port",
                                  "0",
                                  "--tunnels",
                                  "4",
                                  "--sessions",
                                  "50",
                                  "--setup-rate",
                                  "400",
                                  "--flap",
                                  "30",
                                  "--flap-kind",
                                  kind,
                                  "--allow",
                                  "chap",
                                  "--user",
                                  "user{n}",
                                  "--password",
                                  "flap",
                                  "--keepalive-timeout",
                                  "0",
                                  "--duration",
                                  "7",
                                  "--json",
                                  dir + "/lac.json",
                                  "--html",
                                  dir + "/lac.html"},
                                 dir + "/lac.log");
  ASSERT_TRUE(lac);
  const auto lac_status = lac->wait(std::chrono::seconds(60));
  lns->signal(SIGTERM);
  const auto lns_status = lns->wait(std::chrono::seconds(30));
  r.logs = "--- lac.log\n" + read_file(dir + "/lac.log") + "--- lns.log\n" + read_file(dir + "/lns.log");
  const std::string& logs = r.logs;
  ASSERT_EQ(lac_status, 0) << logs;
  ASSERT_EQ(lns_status, 0) << logs;
  r.lac = read_json(dir + "/lac.json");
  r.lns = read_json(dir + "/lns.json");
  auto& lac_json = r.lac;
  auto& lns_json = r.lns;
  ASSERT_TRUE(lac_json.contains("churn") && lac_json.contains("ppp")) << logs;
  auto& churn = lac_json["churn"];
  std::cout << kind << ": LAC churn " << churn.dump() << "\n  LAC ppp.restarts "
            << lac_json["ppp"]["restarts"].dump() << "\n  LNS ppp.restarts "
            << lns_json["ppp"]["restarts"].dump() << "\n";
}

// A run of lcp-restart or ipcp-restart: the LAC counts the flaps of that kind and its PPP
// restarts, every one back up, none failed; no call ended or was redialled (200 calls and 200
// links over the whole run, every call up until the teardown); the LNS saw each renegotiation as
// the peer's and came back up too.
void restart_in_place_run(const std::string& kind) {
  FlapRun r;
  ASSERT_NO_FATAL_FAILURE(run_flaps(kind, r));
  auto& lac_json = r.lac;  // not const: operator[] on a missing key is then null, not undefined
  auto& lns_json = r.lns;
  const auto& logs = r.logs;
  auto& churn = lac_json["churn"];
  const std::uint64_t flaps = churn.value("flaps", std::uint64_t{0});
  EXPECT_GT(flaps, 60u) << "about 30 a second for 6 s";
  EXPECT_EQ(churn.value("flap_kind", ""), kind);
  const auto& by_kind = churn["flaps_by_kind"];
  EXPECT_EQ(churn.value("redials", std::uint64_t{1}), 0u) << "an in-place restart is not redialled";
  EXPECT_EQ(lac_json.value("sessions_failed", std::uint64_t{1}), 0u) << logs;
  EXPECT_EQ(lac_json.value("sessions_established", std::uint64_t{0}), 200u) << "no call was dialled again";
  EXPECT_EQ(lac_json["ppp"].value("links", std::uint64_t{0}), 200u);
  EXPECT_EQ(lac_json["ppp"].value("up", std::uint64_t{0}), 200u);
  EXPECT_EQ(lac_json["ppp"].value("failed", std::uint64_t{1}), 0u) << logs;
  EXPECT_EQ(lac_json["ppp"].value("closed", std::uint64_t{0}), 200u)
      << "each call closed once, at the teardown";
  const auto& t = lac_json["timeline"];
  ASSERT_GE(t.size(), 7u);
  for (std::size_t s = 2; s < 7; ++s) EXPECT_EQ(t[s].value("sessions_up", 0), 200) << t[s].dump();

  const bool lcp = kind == "lcp-restart";
  const char* what = lcp ? "lcp" : "ipcp";
  const char* other = lcp ? "ipcp" : "lcp";
  EXPECT_EQ(by_kind.value(lcp ? "lcp_restart" : "ipcp_restart", std::uint64_t{0}), flaps);
  // Each flap restarted a link that was up; a few may still have been under way at the teardown.
  EXPECT_EQ(restarts(lac_json, what, "ours"), flaps);
  EXPECT_GE(restarts(lac_json, what, "up") + 3, flaps);
  EXPECT_EQ(restarts(lac_json, what, "failed"), 0u);
  EXPECT_EQ(restarts(lac_json, what, "by_peer"), 0u);
  EXPECT_EQ(restarts(lac_json, other, "ours"), 0u);
  const auto& latency = lac_json["ppp"]["restarts"][what]["latency_ms"];
  EXPECT_EQ(latency.value("count", std::uint64_t{0}), restarts(lac_json, what, "up"));
  EXPECT_GT(latency.value("p99", 0.0), 0.0);
  EXPECT_LT(latency.value("p99", 1e9), 2000.0) << "loopback: well under the 3 s restart timer";
  EXPECT_EQ(lac_json["histograms"][std::string(what) + "_restart"].value("count", std::uint64_t{0}),
            restarts(lac_json, what, "up"));
  // The timeline places each renegotiation in its second: ours at the LAC, the peer's at the LNS.
  const auto renegotiations = [](const nlohmann::json& timeline) {
    std::uint64_t n = 0;
    for (const auto& b : timeline) n += b.value("ppp_renegotiations", std::uint64_t{0});
    return n;
  };
  EXPECT_EQ(renegotiations(t), flaps);
  EXPECT_EQ(renegotiations(lns_json["timeline"]), restarts(lns_json, what, "by_peer"));

  // The LNS renegotiated each one as the peer's, kept every link, and came back up.
  EXPECT_EQ(restarts(lns_json, what, "by_peer"), flaps);
  EXPECT_GE(restarts(lns_json, what, "up") + 3, flaps);
  EXPECT_EQ(restarts(lns_json, what, "ours"), 0u);
  EXPECT_EQ(lns_json["ppp"].value("links", std::uint64_t{0}), 200u);
  EXPECT_EQ(lns_json["ppp"].value("up", std::uint64_t{0}), 200u);
  // A restart the teardown cut short is the only failure the LNS may see (the LAC cleared it).
  EXPECT_LE(lns_json["ppp"].value("failed", std::uint64_t{0}), restarts(lns_json, what, "failed"));
  EXPECT_LE(restarts(lns_json, what, "failed"), 3u);

  const std::string html = read_file(r.dir + "/lac.html");
  EXPECT_NE(html.find(lcp ? "LCP renegotiated in place" : "IPCP renegotiated in place"), std::string::npos);
  EXPECT_NE(html.find("flaps"), std::string::npos);
  EXPECT_NE(html.find("PPP renegotiated"), std::string::npos) << "the rates chart has its series";
  if (!::testing::Test::HasFailure()) std::filesystem::remove_all(r.dir);
}

TEST(LoadProfile, FlapLcpRestartRenegotiatesInPlaceAndKeepsEveryCall) {
  restart_in_place_run("lcp-restart");
}

TEST(LoadProfile, FlapIpcpRestartRenegotiatesInPlaceAndKeepsEveryCall) {
  restart_in_place_run("ipcp-restart");
}

// mix: each of the four kinds about a quarter of the flaps; the cleared calls (cdn, lcp) are
// redialled, the restarted ones are not, and nothing fails.
TEST(LoadProfile, FlapMixDrawsEveryKindAndOnlyClearedCallsAreRedialled) {
  FlapRun r;
  ASSERT_NO_FATAL_FAILURE(run_flaps("mix", r));
  auto& churn = r.lac["churn"];
  const auto& by_kind = churn["flaps_by_kind"];
  const std::uint64_t flaps = churn.value("flaps", std::uint64_t{0});
  EXPECT_GT(flaps, 100u);
  std::uint64_t sum = 0;
  for (const char* k : {"cdn", "lcp", "lcp_restart", "ipcp_restart"}) {
    const std::uint64_t n = by_kind.value(k, std::uint64_t{0});
    EXPECT_GT(n, flaps / 10) << k << ": " << churn.dump();
    sum += n;
  }
  EXPECT_EQ(sum, flaps);
  const std::uint64_t cleared =
      by_kind.value("cdn", std::uint64_t{0}) + by_kind.value("lcp", std::uint64_t{0});
  const std::uint64_t redials = churn.value("redials", std::uint64_t{0});
  EXPECT_GT(redials, 0u);
  EXPECT_LE(redials, cleared) << "only cleared calls are dialled again";
  EXPECT_EQ(r.lac.value("sessions_failed", std::uint64_t{1}), 0u) << r.logs;
  EXPECT_EQ(r.lac["ppp"].value("failed", std::uint64_t{1}), 0u) << r.logs;
  for (const char* what : {"lcp", "ipcp"}) {
    EXPECT_EQ(restarts(r.lac, what, "ours"), by_kind.value(std::string(what) + "_restart", std::uint64_t{0}));
    EXPECT_GT(restarts(r.lac, what, "up"), 0u) << what;
    EXPECT_EQ(restarts(r.lac, what, "failed"), 0u) << what;
  }
  if (!HasFailure()) std::filesystem::remove_all(r.dir);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
