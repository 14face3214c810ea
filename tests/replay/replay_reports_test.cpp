// The reports of a replay in virtual time (the recorded l2tpsim run of recorded_run.hpp): the
// exchanges compared (each difference in exactly one), the peer's response times live and
// captured, --junit (one testsuite per tunnel, one testcase per exchange, a difference's
// values and frames in its failure, valid XML) and --html (both ladders, differing rows
// marked, no fetches, values escaped).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>

#include "replay/replay_html.hpp"
#include "replay/replay_junit.hpp"
#include "tests/replay/recorded_run.hpp"

namespace l2tp::replay {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

ReplayReport report_of(const ReplayOutcome& o) {
  ReplayReport r;
  r.tunnels = {o};
  r.capture = "recorded.pcap";
  r.played = o.played;
  r.peer = "127.0.0.3:1701";
  return r;
}

const ReplayOutcome& matched() {
  static const ReplayOutcome kOutcome = [] {
    Lns lns("pw", ppp::auth::Method::Pap);
    return replay_lac_against(lns).outcome;
  }();
  return kOutcome;
}

const ReplayOutcome& chap_demanded() {
  static const ReplayOutcome kOutcome = [] {
    Lns lns("pw", ppp::auth::Method::ChapMd5);
    return replay_lac_against(lns).outcome;
  }();
  return kOutcome;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

bool xmllint_accepts(const std::string& xml) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) return true;
  const std::string path = ::testing::TempDir() + "/replay-junit.xml";
  std::ofstream(path) << xml;
  return std::system(("xmllint --noout '" + path + "' 2>/dev/null").c_str()) == 0;
}

TEST(ReplayExchanges, EveryDifferenceBelongsToExactlyOneExchange) {
  const ReplayOutcome& ok = matched();
  ASSERT_TRUE(ok.matched()) << outcome_text(ok);
  std::vector<std::string> names;
  for (const ExchangeRow& row : ok.exchanges) {
    EXPECT_TRUE(row.differences.empty()) << row.exchange;
    names.push_back(row.exchange);
  }
  // The LNS's messages and the call's PPP, as the comparison saw them.
  for (const char* name :
       {"tunnel: SCCRP", "call 1: ICRP", "call 1: PPP authentication", "call 1: PPP IPCP", "call 1: PPP LCP"})
    EXPECT_EQ(std::count(names.begin(), names.end(), name), 1) << name;

  const ReplayOutcome& chap = chap_demanded();
  ASSERT_FALSE(chap.differences.empty());
  std::vector<int> owners(chap.differences.size(), 0);
  for (const ExchangeRow& row : chap.exchanges)
    for (const std::size_t i : row.differences) {
      ASSERT_LT(i, owners.size());
      ++owners[i];
      EXPECT_EQ(chap.differences[i].exchange, row.exchange);
    }
  for (std::size_t i = 0; i < owners.size(); ++i) EXPECT_EQ(owners[i], 1) << chap.differences[i].exchange;
}

// Round trips of the link: 5 ms each way in the recording; 200 ms each way live. The live peer
// is slower, not different: no difference, no note (under 1 s).
TEST(ReplayResponseTimes, LiveAgainstCapturedPerExchange) {
  Lns lns("pw", ppp::auth::Method::Pap);
  sim::LinkConfig slow;
  slow.latency = std::chrono::milliseconds(200);
  const ReplayOutcome o = replay_lac_against(lns, "original", recorded(), slow).outcome;
  EXPECT_TRUE(o.matched()) << outcome_text(o);
  std::map<std::string, ResponseTime> by_exchange;
  for (const ResponseTime& t : o.response_times) by_exchange[t.exchange] = t;
  for (const char* name : {"tunnel: SCCRP", "call 1: ICRP", "call 1: LCP Configure-Ack",
                           "call 1: PAP Authenticate-Ack", "call 1: IPCP Configure-Ack"}) {
    ASSERT_TRUE(by_exchange.count(name)) << name << " missing in\n" << outcome_text(o);
    const ResponseTime& t = by_exchange[name];
    EXPECT_NEAR(t.live_ms, 400, 1) << name;
    ASSERT_TRUE(t.captured_ms) << name;
    EXPECT_LT(*t.captured_ms, 20) << name;
    EXPECT_GT(t.frame_captured, 0u);
    EXPECT_GT(t.frame_live, 0u);
  }
  for (const std::string& n : o.notes) EXPECT_EQ(n.find("answered in"), std::string::npos) << n;
  const nlohmann::json j = outcome_json(o);
  ASSERT_TRUE(j.contains("response_times"));
  const auto& first = j["response_times"][0];
  EXPECT_EQ(first["exchange"], "tunnel: SCCRP");
  EXPECT_NEAR(first["live_ms"].get<double>(), 400, 1);
  EXPECT_LT(first["captured_ms"].get<double>(), 20);
  EXPECT_NE(outcome_text(o).find("tunnel: SCCRP: 400.0 ms ("), std::string::npos) << outcome_text(o);
}

TEST(ReplayResponseTimes, OnlyFarSlowerAndOverASecondEarnsANote) {
  const std::vector<ResponseTime> times{
      {"tunnel: SCCRP", 12.0, 1500.0, 2, 2},                         // 125x and over 1 s: noted
      {"call 1: ICRP", 200.0, 1500.0, 5, 6},                         // 7.5x: not
      {"call 1: PAP Authenticate-Ack", 1.0, 900.0, 9, 9},            // under 1 s: not
      {"call 1: IPCP Configure-Ack", std::nullopt, 5000.0, 0, 12}};  // nothing captured: not
  const auto notes = slow_answer_notes(times);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_EQ(notes[0],
            "tunnel: SCCRP: the live peer answered in 1.50 s, the captured one in 12.0 ms (frame 2)");
}

TEST(ReplayJunit, OneTestcasePerExchangeAndFailuresNameTheValues) {
  const ReplayOutcome& chap = chap_demanded();
  const std::string x = replay_junit(report_of(chap), "test");
  EXPECT_TRUE(xmllint_accepts(x)) << x;
  EXPECT_EQ(count(x, "<testsuite "), 1u);
  EXPECT_EQ(count(x, "<testcase "), chap.exchanges.size());
  std::size_t failing = 0;
  for (const ExchangeRow& row : chap.exchanges) failing += row.differences.empty() ? 0 : 1;
  EXPECT_EQ(count(x, "<failure "), failing);
  EXPECT_NE(x.find("failures=\"" + std::to_string(failing) + "\""), std::string::npos);
  // The method difference: kind, both values, both frames, in the failure's message.
  const Difference* method = nullptr;
  for (const Difference& d : chap.differences)
    if (d.kind == "ppp-auth-method") method = &d;
  ASSERT_NE(method, nullptr);
  const std::string message = "message=\"ppp-auth-method: captured pap (frame " +
                              std::to_string(method->frame_captured) + "), live chap (live frame " +
                              std::to_string(method->frame_live) + "); ppp-auth-result: captured success";
  EXPECT_NE(x.find(message), std::string::npos) << x;
  EXPECT_NE(x.find("<testcase classname=\"l2tpsim.lns\" name=\"call 1: PPP authentication\""),
            std::string::npos)
      << x;

  const std::string ok = replay_junit(report_of(matched()), "test");
  EXPECT_TRUE(xmllint_accepts(ok));
  EXPECT_EQ(count(ok, "<failure"), 0u);
  EXPECT_EQ(count(ok, "<testcase "), matched().exchanges.size());
  EXPECT_NE(ok.find("name=\"tunnel: SCCRP\""), std::string::npos);
}

TEST(ReplayJunit, OneTestsuitePerTunnel) {
  ReplayReport r = report_of(matched());
  r.all = true;
  ReplayOutcome second = chap_demanded();
  second.tunnel = 1;
  r.tunnels.push_back(second);
  const std::string x = replay_junit(r, "test");
  EXPECT_TRUE(xmllint_accepts(x)) << x;
  EXPECT_EQ(count(x, "<testsuite "), 2u);
  EXPECT_NE(x.find("name=\"l2tpsim replay: tunnel 1 of recorded.pcap"), std::string::npos);
  EXPECT_NE(x.find("name=\"l2tpsim replay: tunnel 2 of recorded.pcap"), std::string::npos);
  EXPECT_EQ(count(x, "<testcase "), matched().exchanges.size() + second.exchanges.size());
}

TEST(ReplayHtml, BothLaddersDifferencesMarkedNoFetchesEscaped) {
  ReplayOutcome chap = chap_demanded();
  // A peer's text with markup in it must come out as text.
  chap.differences.push_back(
      Difference{"tunnel: SCCRP", "avp-value", "Host Name: \"<b>&x\"", "<script>", 0, 0});
  const std::string h = replay_html(report_of(chap), "test");
  EXPECT_EQ(h.find("http://"), std::string::npos);
  EXPECT_EQ(h.find("https://"), std::string::npos);
  EXPECT_EQ(h.find("<script"), std::string::npos);
  EXPECT_EQ(h.find("<b>&x"), std::string::npos);
  EXPECT_NE(h.find("&lt;b&gt;&amp;x"), std::string::npos);
  EXPECT_NE(h.find("&lt;script&gt;"), std::string::npos);
  // One ladder row per aligned step, each with its captured and its live cell.
  EXPECT_EQ(count(h, "<div class=\"lrow"), chap.ladder.size() + 1);  // + the head
  EXPECT_EQ(count(h, "<span>captured</span>"), 1u);
  EXPECT_EQ(count(h, "<span>live</span>"), 1u);
  std::size_t differing = 0;
  for (const LadderRow& row : chap.ladder) differing += row.differs ? 1 : 0;
  EXPECT_GT(differing, 0u);
  EXPECT_EQ(count(h, "<div class=\"lrow diff\""), differing);
  // The captured ladder has the LNS's SCCRP; the live one its CDN, which the capture lacks.
  EXPECT_NE(h.find(">SCCRP</span>"), std::string::npos);
  bool extra_cdn = false;
  for (const LadderRow& row : chap.ladder)
    if (row.live && !row.captured && !row.live->from_us && row.live->label.rfind("CDN", 0) == 0)
      extra_cdn = row.differs;
  EXPECT_TRUE(extra_cdn);
  // The list below: every difference with its values; the summary.
  EXPECT_EQ(count(h, "<tr class=\"diff\">"), chap.differences.size());
  for (const char* field :
       {"<dt>tunnel_up</dt>", "<dt>sessions_up</dt>", "<dt>ppp_up</dt>", "<dt>matched</dt>"})
    EXPECT_NE(h.find(field), std::string::npos) << field;
  EXPECT_NE(h.find("DIFFERED"), std::string::npos);
  // Well-formed enough for an XML parser's HTML mode to find nothing unclosed.
  EXPECT_EQ(count(h, "<section"), count(h, "</section>"));
  EXPECT_EQ(count(h, "<table"), count(h, "</table>"));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::replay
