// --emit-scenario: the Windows LAC of the Cisco capture (tunnel 2, PAP user markw) as a scenario
// the parser reads back with the steps in capture order; messages the engine never sends of
// itself (HELLO, SLI) become live send steps with the captured AVPs. The LNS side of the same
// tunnel: an LNS tester that triggers the LAC under test and expects the Windows LAC's messages.
#include "replay/scenario_emitter.hpp"

#include <gtest/gtest.h>

#include "scenarios/parser.hpp"

namespace l2tp::replay {
namespace L2TPSIM_FILE_ID {

using namespace l2tp::scenario;

const capture::Conversations& windows_capture() {
  static const auto read = capture::read_conversations(std::string(L2TPSIM_TEST_DATA_DIR) +
                                                       "/captures/jnetpcap-legacy_test-l2tp.pcap");
  EXPECT_TRUE(read) << (read ? "" : read.error());
  return read->conversations;
}

std::string emit(const capture::Conversations& conv, double scale = 0) {
  auto script = make_script(conv, 1, capture::PeerRole::Lac, {});
  EXPECT_TRUE(script) << (script ? "" : script.error());
  auto yaml = emit_scenario(conv, *script, EmitOptions{"win.pcap", scale});
  EXPECT_TRUE(yaml) << (yaml ? "" : yaml.error());
  return yaml ? *yaml : std::string();
}

Scenario parse(const std::string& yaml, const Vars& vars = {}) {
  auto s = parse_scenario(yaml, "emitted.yaml", vars);
  EXPECT_TRUE(s) << (s ? "" : s.error().to_string()) << "\n" << yaml;
  return s ? *s : Scenario{};
}

// The steps in order: "open-tunnels", "expect SCCRP", "expect tunnel-up", "close-sessions 3", ...
std::vector<std::string> kinds(const Scenario& s) {
  std::vector<std::string> out;
  for (const StepAt& st : s.steps) {
    std::visit(
        [&](const auto& v) {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, OpenTunnels>) out.push_back("open-tunnels");
          if constexpr (std::is_same_v<T, OpenSessions>) out.push_back("open-sessions");
          if constexpr (std::is_same_v<T, Wait>) out.push_back("wait");
          if constexpr (std::is_same_v<T, CloseSessions>)
            out.push_back("close-sessions " + std::to_string(v.result));
          if constexpr (std::is_same_v<T, CloseTunnels>)
            out.push_back("close-tunnels " + std::to_string(v.result));
          if constexpr (std::is_same_v<T, Send>) out.push_back("send " + v.what);
          if constexpr (std::is_same_v<T, Expect>) {
            if (const auto* m = std::get_if<MessageMatch>(&v.what))
              out.push_back("expect " + m->message);
            else
              out.push_back(std::string("expect ") + to_string(std::get<EventMatch>(v.what).kind));
          }
        },
        st.step);
  }
  return out;
}

TEST(ScenarioEmitter, WindowsLacBecomesAScenarioThatParsesWithItsStepsInCaptureOrder) {
  const std::string yaml = emit(windows_capture());
  const Scenario s = parse(yaml);
  ASSERT_TRUE(s.lac);
  EXPECT_FALSE(s.lns);
  auto opt = [&](const char* n) { return s.lac->find(n) ? s.lac->find(n)->value : std::string("(none)"); };
  EXPECT_EQ(opt("host-name"), "albatross.dev.hsd.com.au");
  EXPECT_EQ(opt("vendor-name"), "Microsoft");
  EXPECT_EQ(opt("user"), "markw");
  EXPECT_EQ(opt("password"), "qwerty");  // the captured PAP password, unless --password
  EXPECT_EQ(parse(yaml, {{"password", "pw"}}).lac->find("password")->value, "pw");
  EXPECT_EQ(opt("connect-to"), "(none)");  // from l2tpsim run --target
  EXPECT_EQ(opt("secret"), "(none)");      // from --secret

  EXPECT_EQ(kinds(s),
            (std::vector<std::string>{"open-tunnels", "expect SCCRP", "expect tunnel-up", "open-sessions",
                                      "expect ICRP", "expect session-up", "expect data", "expect ppp-up",
                                      "close-sessions 3", "close-tunnels 6"}))
      << yaml;
  // The expectations: SCCRP with the AVPs Cisco sent (not the live ones), then the tunnel, the
  // ICRP, the call, the PAP Authenticate-Ack and PPP up; our CDN and StopCCN with their codes.
  const auto& sccrp = std::get<MessageMatch>(std::get<Expect>(s.steps[1].step).what);
  EXPECT_EQ(sccrp.message, "SCCRP");
  auto has = [&](AvpType t) {
    return std::find(sccrp.has_avps.begin(), sccrp.has_avps.end(), static_cast<std::uint16_t>(t)) !=
           sccrp.has_avps.end();
  };
  EXPECT_TRUE(has(AvpType::HostName));  // the site's name: present, any value
  // The make and configuration: their values pinned, as Cisco sent them.
  auto value = [&](AvpType t) {
    for (const auto& v : sccrp.avp_values)
      if (v.type == static_cast<std::uint16_t>(t)) return std::string(v.value.begin(), v.value.end());
    return std::string("(none)");
  };
  EXPECT_EQ(value(AvpType::VendorName), "Cisco Systems, Inc.");
  EXPECT_EQ(value(AvpType::ProtocolVersion), std::string("\x01\x00", 2));
  EXPECT_EQ(value(AvpType::FirmwareRevision), std::string("\x11\x20", 2));
  EXPECT_EQ(value(AvpType::ReceiveWindowSize), std::string("\x01\x2c", 2));
  EXPECT_EQ(value(AvpType::FramingCapabilities), std::string(4, '\0'));
  EXPECT_FALSE(has(AvpType::VendorName)) << "a pinned value is not asked for twice";
  EXPECT_EQ(value(AvpType::HostName), "(none)");
  EXPECT_FALSE(has(AvpType::AssignedTunnelId));   // live
  EXPECT_FALSE(has(AvpType::Challenge));          // live
  EXPECT_FALSE(has(AvpType::ChallengeResponse));  // live
  EXPECT_EQ(std::get<EventMatch>(std::get<Expect>(s.steps[2].step).what).kind, EventKind::TunnelUp);
  EXPECT_TRUE(std::holds_alternative<OpenSessions>(s.steps[3].step));
  EXPECT_EQ(std::get<MessageMatch>(std::get<Expect>(s.steps[4].step).what).message, "ICRP");
  EXPECT_EQ(std::get<EventMatch>(std::get<Expect>(s.steps[5].step).what).kind, EventKind::SessionUp);
  const auto& pap = std::get<MessageMatch>(std::get<Expect>(s.steps[6].step).what);
  EXPECT_EQ(pap.message, "data");
  EXPECT_EQ(pap.ppp_protocol, 0xc023);
  EXPECT_EQ(pap.ppp_code, 2);  // Authenticate-Ack
  EXPECT_EQ(std::get<EventMatch>(std::get<Expect>(s.steps[7].step).what).kind, EventKind::PppUp);
  EXPECT_EQ(std::get<CloseSessions>(s.steps[8].step).result, 3);
  EXPECT_EQ(std::get<CloseTunnels>(s.steps[9].step).result, 6);
}

TEST(ScenarioEmitter, WaitsFollowTheCapturedGapsScaled) {
  const Scenario s = parse(emit(windows_capture(), 0.01));
  std::vector<Duration> waits;
  for (const StepAt& st : s.steps)
    if (const auto* w = std::get_if<Wait>(&st.step)) waits.push_back(w->time);
  // The call lasted 58 s in the capture: its CDN comes about 0.58 s after the ICCN at x0.01.
  ASSERT_FALSE(waits.empty());
  const double longest = to_seconds(*std::max_element(waits.begin(), waits.end()));
  EXPECT_GT(longest, 0.5);
  EXPECT_LT(longest, 0.7);
}

// Messages the engine sends only on its own cause, added to the captured side: a HELLO in the
// tunnel and an SLI in the call, after the ICCN.
TEST(ScenarioEmitter, MessagesTheEngineDoesNotSendOfItselfBecomeLiveSends) {
  capture::Conversations conv = windows_capture();
  capture::Tunnel& t = conv.tunnels.at(1);
  const std::uint8_t lac = *t.side_of(capture::PeerRole::Lac);
  std::size_t iccn_at = 0;
  for (std::size_t i = 0; i < t.control_order.size(); ++i)
    if (t.at(t.control_order[i]).is(MessageType::Iccn)) iccn_at = i;
  ASSERT_GT(iccn_at, 0u);
  const capture::ControlRecord& iccn = t.at(t.control_order[iccn_at]);
  capture::ControlRecord hello = iccn;
  hello.message = wire::make_control(MessageType::Hello, TunnelId{3257}, SessionId{});
  hello.frame = 10001;
  hello.session.reset();
  capture::ControlRecord sli = iccn;
  sli.message = wire::make_control(MessageType::Sli, TunnelId{3257}, SessionId{25});
  sli.message.avps.push_back(wire::make_raw_avp(0, static_cast<std::uint16_t>(AvpType::Accm), true,
                                                Buffer{0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0}));
  sli.frame = 10002;
  auto& list = t.sides[lac].control;
  list.push_back(hello);
  list.push_back(sli);
  t.control_order.insert(
      t.control_order.begin() + static_cast<std::ptrdiff_t>(iccn_at) + 1,
      {capture::MessageRef{lac, list.size() - 2}, capture::MessageRef{lac, list.size() - 1}});

  const std::string yaml = emit(conv);
  const Scenario s = parse(yaml);
  std::vector<const Send*> sends;
  for (const StepAt& st : s.steps)
    if (const auto* v = std::get_if<Send>(&st.step)) sends.push_back(v);
  ASSERT_EQ(sends.size(), 2u) << yaml;
  EXPECT_EQ(sends[0]->what, "HELLO");
  EXPECT_EQ(sends[0]->in, SendIn::Tunnel);
  EXPECT_EQ(sends[1]->what, "SLI");
  EXPECT_EQ(sends[1]->in, SendIn::Call);
  EXPECT_TRUE(sends[1]->peer_session);  // the live peer's Session ID, not the captured 25
  ASSERT_EQ(sends[1]->message.avps.size(), 2u);
  EXPECT_TRUE(sends[1]->message.avps[1].is(AvpType::Accm));
  EXPECT_EQ(sends[1]->message.avps[1].mandatory, true);
}

// The Cisco LNS of the same tunnel: l2tpsim's LNS with the captured SCCRP's names and window,
// PAP demanded of the captured user at the captured address, the LAC under test triggered
// first, and the Windows LAC's messages as the expectations.
TEST(ScenarioEmitter, LnsSideWaitsForTheTriggeredLacAndExpectsItsMessages) {
  auto script = make_script(windows_capture(), 1, capture::PeerRole::Lns, {});
  ASSERT_TRUE(script);
  const auto yaml = emit_scenario(windows_capture(), *script, EmitOptions{"win.pcap", 0});
  ASSERT_TRUE(yaml) << yaml.error();
  const Scenario s = parse(*yaml, {{"trigger", "true"}});
  EXPECT_FALSE(s.lac);
  ASSERT_TRUE(s.lns);
  auto value = [&](const char* key) {
    const auto* o = s.lns->find(key);
    return o ? o->value : std::string("(none)");
  };
  EXPECT_EQ(value("host-name"), "lac@test2.hsd.com.au");
  EXPECT_EQ(value("vendor-name"), "Cisco Systems, Inc.");
  EXPECT_EQ(value("window"), "300");
  EXPECT_EQ(value("authentication"), "pap");
  EXPECT_EQ(value("user"), "markw");
  EXPECT_EQ(value("password"), "qwerty");  // the captured PAP password, the default of ${password}
  EXPECT_EQ(value("remote-address"), "172.16.10.2");
  EXPECT_EQ(value("local-address"), "(none)");  // Cisco asked for 0.0.0.0: l2tpsim's own then
  ASSERT_FALSE(s.steps.empty());
  ASSERT_TRUE(std::holds_alternative<Shell>(s.steps[0].step));
  EXPECT_EQ(std::get<Shell>(s.steps[0].step).command, "true");
  EXPECT_TRUE(std::get<Shell>(s.steps[0].step).background);
  const std::vector<std::string> expected = {
      "expect SCCRQ",      "expect SCCCN", "expect tunnel-up", "expect ICRQ", "expect ICCN",
      "expect session-up", "expect data",  "expect ppp-up",    "expect CDN",  "expect StopCCN"};
  std::vector<std::string> got = kinds(s);
  EXPECT_EQ(got, expected) << *yaml;
  const auto& sccrq = std::get<Expect>(s.steps[1].step);
  EXPECT_TRUE(sccrq.setup);  // no dial: inconclusive, as in the conformance cases
}

TEST(ScenarioEmitter, RefusesSidesATesterCannotPlay) {
  // The LNS side of a tunnel the LNS dialled, the LAC side of one it did not.
  auto lns = make_script(windows_capture(), 1, capture::PeerRole::Lns, {});
  ASSERT_TRUE(lns);
  lns->initiator = true;
  const auto a = emit_scenario(windows_capture(), *lns, {});
  ASSERT_FALSE(a);
  EXPECT_NE(a.error().find("waits for the LAC under test to dial"), std::string::npos);
  auto lac = make_script(windows_capture(), 1, capture::PeerRole::Lac, {});
  ASSERT_TRUE(lac);
  lac->initiator = false;
  const auto b = emit_scenario(windows_capture(), *lac, {});
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().find("a scenario's LAC opens its tunnels"), std::string::npos);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::replay
