// Scenario files: a whole case read into its parts, and every way a file can be wrong, each
// reported with file, line, column, key and what was expected.
#include "scenarios/parser.hpp"

#include <gtest/gtest.h>

#include "scenarios/fault.hpp"
#include "scenarios/message_match.hpp"

namespace l2tp::scenario {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;

constexpr const char* kCase = R"(case:
  id: LNS-AVP-002
  title: Unknown M=1 AVP in ICRQ
  requirements: [R023, R051]
  dut: lns
  needs: [secret]
seed: 7
vars:
  calls: 3
lac:
  no-ppp: true
  local-address: [127.0.0.2, 127.0.0.5]
  secret: ${secret}
faults:
  - fault: unknown-mandatory-avp
    match: {message: ICRQ}
  - name: slow
    direction: in
    match: {message: SCCRP, avp: assigned-tunnel-id, skip: 1, count: 2}
    delay: 250ms
  - duplicate: {copies: 2, after: 1s}
  - add-avp: {type: 99, mandatory: true, value: "00 01", position: 1}
  - header: {ns: 5, set-flags: 0x0100}
steps:
  - open-tunnels: 1
  - expect: {event: tunnel-up, within: 5s, setup: true}
  - open-sessions: ${calls}
  - expect: {message: CDN, result: 2, error: 8, within: 4s, has-avp: [result-code, 14], requirement: R051,
             clause: "4.4.2: Error Code 8"}
  - expect-none: {event: session-up, within: 1s, requirement: R023, clause: "4.1: MUST be terminated", after-match: true}
  - wait: 1.5
  - close-tunnels: {result: 6}
  - shell: {command: "echo hi", timeout: 2s, background: true}
  - send-raw: "c8 02 00 0c"
)";

Result<Scenario, ScenarioError> parse(const std::string& text, Vars vars = {{"secret", "s3"}}) {
  return parse_scenario(text, "t.yaml", vars);
}

TEST(ScenarioParser, ReadsAWholeCase) {
  const auto s = parse(kCase);
  ASSERT_TRUE(s) << s.error().to_string();
  ASSERT_TRUE(s->case_info);
  EXPECT_EQ(s->case_info->id, "LNS-AVP-002");
  EXPECT_EQ(s->case_info->requirements, (std::vector<std::string>{"R023", "R051"}));
  EXPECT_EQ(s->case_info->dut, Role::Lns);
  EXPECT_EQ(s->case_info->needs, std::vector<std::string>{"secret"});
  EXPECT_EQ(s->seed, 7u);
  ASSERT_TRUE(s->lac);
  EXPECT_FALSE(s->lns);
  ASSERT_EQ(s->lac->options.size(), 4u);  // no-ppp, two local-address, secret
  EXPECT_EQ(s->lac->find("secret")->value, "s3");
  EXPECT_EQ(s->lac->options[1].value, "127.0.0.2");
  EXPECT_EQ(s->lac->options[2].value, "127.0.0.5");

  ASSERT_EQ(s->faults.size(), 5u);
  EXPECT_EQ(s->faults[0].action, FaultAction::AddAvp);
  EXPECT_EQ(s->faults[0].avp.type, 255);
  EXPECT_EQ(s->faults[0].match.message, "ICRQ");
  EXPECT_EQ(s->faults[1].name, "slow");
  EXPECT_EQ(s->faults[1].match.direction, Direction::In);
  EXPECT_EQ(s->faults[1].match.avp, 9);
  EXPECT_EQ(s->faults[1].match.skip, 1u);
  EXPECT_EQ(s->faults[1].match.count, 2u);
  EXPECT_EQ(s->faults[1].action, FaultAction::Delay);
  EXPECT_EQ(s->faults[1].delay, std::chrono::duration_cast<Duration>(250ms));
  EXPECT_EQ(s->faults[2].action, FaultAction::Duplicate);
  EXPECT_EQ(s->faults[2].copies, 2u);
  EXPECT_EQ(s->faults[2].delay, std::chrono::duration_cast<Duration>(1s));
  EXPECT_EQ(s->faults[3].avp.value, (Buffer{0, 1}));
  EXPECT_EQ(s->faults[3].avp.position, 1u);
  EXPECT_EQ(s->faults[4].action, FaultAction::AlterHeader);
  EXPECT_EQ(s->faults[4].header.ns, 5);
  EXPECT_EQ(s->faults[4].header.set_flags, 0x0100);

  ASSERT_EQ(s->steps.size(), 9u);
  EXPECT_EQ(std::get<OpenSessions>(s->steps[2].step).count, 3u);  // ${calls}
  const auto& e = std::get<Expect>(s->steps[3].step);
  const auto& m = std::get<MessageMatch>(e.what);
  EXPECT_EQ(m.message, "CDN");
  EXPECT_EQ(m.result, 2);
  EXPECT_EQ(m.error, 8);
  EXPECT_EQ(m.has_avps, (std::vector<std::uint16_t>{1, 14}));
  EXPECT_EQ(e.within, std::chrono::duration_cast<Duration>(4s));
  EXPECT_EQ(e.requirement, "R051");
  EXPECT_EQ(e.clause, "4.4.2: Error Code 8");
  EXPECT_TRUE(std::get<Expect>(s->steps[1].step).setup);
  EXPECT_TRUE(std::get<Expect>(s->steps[4].step).none);
  EXPECT_TRUE(std::get<Expect>(s->steps[4].step).after_match);
  EXPECT_FALSE(std::get<Expect>(s->steps[3].step).after_match);
  EXPECT_EQ(std::get<Wait>(s->steps[5].step).time, std::chrono::duration_cast<Duration>(1500ms));
  EXPECT_EQ(std::get<CloseTunnels>(s->steps[6].step).result, 6);
  EXPECT_TRUE(std::get<Shell>(s->steps[7].step).background);
  EXPECT_EQ(std::get<SendRaw>(s->steps[8].step).bytes, (Buffer{0xc8, 0x02, 0x00, 0x0c}));
  EXPECT_EQ(s->steps[3].where.line, 28);
}

// `send` is encoded when the file is read: these are the octets that go out, each AVP with the
// bytes as written (a known type's value is not re-encoded, even when it does not fit the type).
TEST(ScenarioParser, SendBuildsTheControlMessageFromItsFields) {
  const auto s = parse(R"(lac: {}
steps:
  - send:
      message: SCCRQ
      tunnel: 3
      session: 4
      ns: 5
      nr: 6
      avps:
        - {type: protocol-version, value: "01 00"}
        - {type: host-name, value: "6c 61 63", hidden: true}
        - {type: framing-capabilities, value: "00 00 00 03", mandatory: false}
        - {type: assigned-tunnel-id, value: "00 07 09"}
        - {type: 99, value: "00 01", vendor: 0, length: 7}
        - {type: firmware-revision, value: "01 00"}
        - {type: 1, vendor: 9, value: "aa"}
  - send: {message: 200}
  - send: {message: hello, tunnel: 0x0102}
  - restart: true
)");
  ASSERT_TRUE(s) << s.error().to_string();
  ASSERT_EQ(s->steps.size(), 4u);
  const auto& send = std::get<Send>(s->steps[0].step);
  EXPECT_EQ(send.what, "SCCRQ");
  const Buffer want = {
      0xc8, 0x02, 0x00, 0x4f, 0x00, 0x03, 0x00, 0x04, 0x00, 0x05, 0x00, 0x06,  // T L S, Ver 2, Length 79
      0x80, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,                          // Message Type SCCRQ, M
      0x80, 0x08, 0x00, 0x00, 0x00, 0x02, 0x01, 0x00,                          // Protocol Version, M
      0xc0, 0x09, 0x00, 0x00, 0x00, 0x07, 0x6c, 0x61, 0x63,                    // Host Name, M and H
      0x00, 0x0a, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x03,              // Framing, M cleared
      0x80, 0x09, 0x00, 0x00, 0x00, 0x09, 0x00, 0x07, 0x09,                    // Assigned Tunnel ID, 3 octets
      0x80, 0x07, 0x00, 0x00, 0x00, 0x63, 0x00, 0x01,  // type 99: M, Length 7 (true: 8)
      0x00, 0x08, 0x00, 0x00, 0x00, 0x06, 0x01, 0x00,  // Firmware Revision, M=0 by the table
      0x80, 0x07, 0x00, 0x09, 0x00, 0x01, 0xaa,        // vendor 9 type 1: unknown, M
  };
  EXPECT_EQ(send.bytes, want);
  const Buffer unknown = {0xc8, 0x02, 0x00, 0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x08, 0, 0, 0, 0, 0x00, 0xc8};
  EXPECT_EQ(std::get<Send>(s->steps[1].step).bytes, unknown);
  EXPECT_EQ(std::get<Send>(s->steps[1].step).what, "message type 200");
  const Buffer hello = {0xc8, 0x02, 0x00, 0x14, 0x01, 0x02, 0, 0, 0,    0,
                        0,    0,    0x80, 0x08, 0,    0,    0, 0, 0x00, 0x06};
  EXPECT_EQ(std::get<Send>(s->steps[2].step).bytes, hello);
  EXPECT_EQ(std::get<Send>(s->steps[2].step).what, "HELLO");
  EXPECT_TRUE(std::holds_alternative<Restart>(s->steps[3].step));
  EXPECT_EQ(s->steps[3].where.line, 19);
}

// avp-value pins an AVP's octets (hex, or text for a name); the match wants every one, by type.
TEST(ScenarioParser, AvpValueExpectationsMatchOnlyTheseOctets) {
  const auto s = parse(
      "lac: {}\nsteps:\n"
      "  - expect: {message: SCCRP, avp-value: [{type: firmware-revision, value: \"11 20\"},\n"
      "             {type: vendor-name, text: \"Cisco\"}]}\n"
      "  - expect: {message: SCCRP, avp-value: {type: 10, value: \"00 04\"}}\n");
  ASSERT_TRUE(s) << s.error().message;
  const auto& m = std::get<MessageMatch>(std::get<Expect>(s->steps[0].step).what);
  ASSERT_EQ(m.avp_values.size(), 2u);
  EXPECT_EQ(m.avp_values[0].type, 6);
  EXPECT_EQ(m.avp_values[0].value, (Buffer{0x11, 0x20}));
  EXPECT_EQ(m.avp_values[1].type, 8);
  EXPECT_EQ(m.avp_values[1].value, (Buffer{'C', 'i', 's', 'c', 'o'}));
  EXPECT_NE(m.to_string().find("with AVP 6 = 11 20"), std::string::npos) << m.to_string();
  const auto& window = std::get<MessageMatch>(std::get<Expect>(s->steps[1].step).what);
  ASSERT_EQ(window.avp_values.size(), 1u);

  WireEntry e;
  e.kind = WireEntry::Kind::Control;
  e.name = "SCCRP";
  e.avps = {2, 6, 7, 8};
  e.avp_values = {{1, 0}, {0x11, 0x20}, {'h'}, {'C', 'i', 's', 'c', 'o'}};
  EXPECT_TRUE(message_matches(m, e));
  e.avp_values[1] = {0x11, 0x21};  // another firmware
  EXPECT_FALSE(message_matches(m, e));
  e.avp_values[1] = {0x11, 0x20};
  e.avps = {2, 6, 7};  // no Vendor Name
  e.avp_values.pop_back();
  EXPECT_FALSE(message_matches(m, e));
  EXPECT_FALSE(message_matches(window, e));
}

TEST(ScenarioParser, CommandLineVariablesOverrideTheFilesDefaults) {
  const std::string text = "vars: {n: 2}\nlac: {}\nsteps:\n  - open-tunnels: ${n}\n";
  auto s = parse(text, {});
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(std::get<OpenTunnels>(s->steps[0].step).count, 2u);
  s = parse(text, {{"n", "5"}});
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_EQ(std::get<OpenTunnels>(s->steps[0].step).count, 5u);
}

TEST(ScenarioParser, ConfigurationFaultsChangeTheTesterNotTheWire) {
  const auto s = parse(
      "lac: {}\nfaults:\n  - fault: bad-ppp-password\n  - fault: wrong-tunnel-secret\n"
      "  - fault: lost-hellos\n");
  ASSERT_TRUE(s) << s.error().to_string();
  EXPECT_TRUE(s->config_faults.bad_ppp_password);
  EXPECT_TRUE(s->config_faults.wrong_tunnel_secret);
  ASSERT_EQ(s->faults.size(), 1u);
  EXPECT_EQ(s->faults[0].match.message, "HELLO");
  EXPECT_EQ(s->faults[0].action, FaultAction::Drop);
}

TEST(ScenarioParser, AFaultIsRequiredUnlessMarkedASafeguard) {
  const auto s = parse(
      "lac: {}\nfaults:\n  - drop: true\n    match: {message: control}\n"
      "  - drop: true\n    match: {message: ZLB}\n    required: false\n");
  ASSERT_TRUE(s) << s.error().to_string();
  ASSERT_EQ(s->faults.size(), 2u);
  EXPECT_TRUE(s->faults[0].required);
  EXPECT_FALSE(s->faults[1].required);
  FaultLayer layer(s->faults);
  EXPECT_TRUE(layer.stats()[0].required);
  EXPECT_FALSE(layer.stats()[1].required);
}

TEST(ScenarioParser, DurationsAndHex) {
  EXPECT_EQ(parse_duration("5s"), std::chrono::duration_cast<Duration>(5s));
  EXPECT_EQ(parse_duration("500ms"), std::chrono::duration_cast<Duration>(500ms));
  EXPECT_EQ(parse_duration("2"), std::chrono::duration_cast<Duration>(2s));
  EXPECT_EQ(parse_duration("1m"), std::chrono::duration_cast<Duration>(60s));
  EXPECT_FALSE(parse_duration("soon"));
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration(""));
  EXPECT_EQ(parse_hex("c8:02 00"), (Buffer{0xc8, 0x02, 0x00}));
  EXPECT_FALSE(parse_hex("c8 0"));
  EXPECT_FALSE(parse_hex("zz"));
}

struct Bad {
  const char* name;
  std::string text;
  int line, column;
  std::string key;
  std::string says;
};

class ScenarioParserError : public ::testing::TestWithParam<Bad> {};

TEST_P(ScenarioParserError, NamesFileLineColumnKeyAndWhatWasExpected) {
  const Bad& b = GetParam();
  const auto s = parse(b.text);
  ASSERT_FALSE(s) << b.name;
  const auto& e = s.error();
  EXPECT_EQ(e.where.file, "t.yaml");
  EXPECT_EQ(e.where.line, b.line) << e.to_string();
  EXPECT_EQ(e.where.column, b.column) << e.to_string();
  EXPECT_EQ(e.where.key, b.key) << e.to_string();
  EXPECT_NE(e.message.find(b.says), std::string::npos) << e.to_string();
  // The one-line form carries all of it.
  if (b.line > 0) {
    EXPECT_EQ(e.to_string().rfind("t.yaml:" + std::to_string(b.line) + ":" + std::to_string(b.column), 0),
              0u);
  }
}

const std::string kLac = "lac: {}\n";

INSTANTIATE_TEST_SUITE_P(
    EveryPath, ScenarioParserError,
    ::testing::Values(
        Bad{"Yaml", "lac: [1,\n", 2, 1, "", "not valid YAML"}, Bad{"Empty", "", 0, 0, "", "empty"},
        Bad{"TopKey", "lac: {}\nstep: []\n", 2, 1, "step", "did you mean steps?"},
        Bad{"NoRole", "seed: 1\n", 1, 1, "lac", "at least one role"},
        Bad{"Seed", "seed: x\n" + kLac, 1, 7, "seed", "whole number"},
        Bad{"CaseId", "case: {title: t, requirements: [R023], dut: lns}\n" + kLac, 1, 7, "case.id",
            "needs an id"},
        Bad{"CaseDut", "case: {id: a, title: t, requirements: [R023], dut: bras}\n" + kLac, 1, 52, "case.dut",
            "lns or lac"},
        Bad{"CaseRequirement", "case: {id: a, title: t, requirements: [R999x], dut: lns}\n" + kLac, 1, 40,
            "case.requirements[0]", "not in the requirement catalogue"},
        Bad{"CaseRole", "case: {id: a, title: t, requirements: [R023], dut: lac}\n" + kLac, 1, 52, "case.dut",
            "only a lns: block"},
        Bad{"CaseNeeds", "case: {id: a, title: t, requirements: [R023], dut: lns, needs: [money]}\n" + kLac,
            1, 65, "case.needs[0]", "secret, user or trigger"},
        Bad{"Var", kLac + "steps:\n  - open-tunnels: ${nope}\n", 3, 19, "steps[0].open-tunnels",
            "${nope} is not defined"},
        Bad{"FaultKey", kLac + "faults:\n  - drop: true\n    mach: {}\n", 4, 5, "faults[0].mach",
            "did you mean match?"},
        Bad{"FaultTwoActions", kLac + "faults:\n  - drop: true\n    delay: 1s\n", 3, 5, "faults[0]",
            "one action, not drop and delay"},
        Bad{"FaultNoAction", kLac + "faults:\n  - match: {message: HELLO}\n", 3, 5, "faults[0]",
            "needs one action"},
        Bad{"FaultDirection", kLac + "faults:\n  - drop: true\n    direction: sideways\n", 4, 16,
            "faults[0].direction", "out (from us) or in"},
        Bad{"FaultNamed", kLac + "faults:\n  - fault: lost-helos\n", 3, 12, "faults[0].fault",
            "did you mean lost-hellos?"},
        Bad{"FaultNamedNeedsMessage", kLac + "faults:\n  - fault: stale-ns\n", 3, 5,
            "faults[0].match.message", "needs match"},
        Bad{"FaultAvpName", kLac + "faults:\n  - remove-avp: host-nme\n", 3, 17, "faults[0].remove-avp",
            "did you mean host-name?"},
        Bad{"FaultDelay", kLac + "faults:\n  - delay: fast\n", 3, 12, "faults[0].delay", "duration"},
        Bad{"FaultHex", kLac + "faults:\n  - add-avp: {type: 99, value: xyz}\n", 3, 32,
            "faults[0].add-avp.value", "hex octets"},
        Bad{"FaultMatchCount", kLac + "faults:\n  - drop: true\n    match: {count: 0}\n", 4, 20,
            "faults[0].match.count", "from 1 to"},
        Bad{"StepKind", kLac + "steps:\n  - sleep: 1s\n", 3, 5, "steps[0].sleep", "unknown key"},
        Bad{"StepTwoKinds", kLac + "steps:\n  - {wait: 1s, open-tunnels: 1}\n", 3, 5, "steps[0]",
            "a step is one of"},
        Bad{"ExpectWhat", kLac + "steps:\n  - expect: {within: 1s}\n", 3, 13, "steps[0].expect",
            "message: NAME or event: NAME"},
        Bad{"ExpectEvent", kLac + "steps:\n  - expect: {event: tunnel-upp}\n", 3, 21, "steps[0].expect.event",
            "did you mean tunnel-up?"},
        Bad{"ExpectBoth", kLac + "steps:\n  - expect: {message: SCCRP, event: tunnel-up}\n", 3, 37,
            "steps[0].expect.event", "not both"},
        Bad{"ExpectEventField", kLac + "steps:\n  - expect: {event: tunnel-up, has-avp: 9}\n", 3, 41,
            "steps[0].expect.has-avp", "applies to a message"},
        Bad{"AvpValueBoth",
            kLac + "steps:\n  - expect: {message: SCCRP, avp-value: {type: 8, value: \"61\", text: a}}\n", 3,
            41, "steps[0].expect.avp-value", "as hex or as text"},
        Bad{"AvpValueHex",
            kLac + "steps:\n  - expect: {message: SCCRP, avp-value: [{type: 6, value: xyz}]}\n", 3, 59,
            "steps[0].expect.avp-value[0].value", "hex octets"},
        Bad{"ExpectNoneCount", kLac + "steps:\n  - expect-none: {message: CDN, count: 2}\n", 3, 18,
            "steps[0].expect-none", "no count"},
        Bad{"Within", kLac + "steps:\n  - expect: {message: CDN, within: later}\n", 3, 36,
            "steps[0].expect.within", "duration"},
        Bad{"SendMessage", kLac + "steps:\n  - send: {message: SCCRX}\n", 3, 21, "steps[0].send.message",
            "did you mean SCCRQ?"},
        Bad{"SendNoMessage", kLac + "steps:\n  - send: {tunnel: 1}\n", 3, 11, "steps[0].send.message",
            "which message"},
        Bad{"SendKey", kLac + "steps:\n  - send: {message: SCCRQ, ns: 1, avp: []}\n", 3, 35,
            "steps[0].send.avp", "did you mean avps?"},
        Bad{"SendAvpType",
            kLac + "steps:\n  - send:\n      message: SCCRQ\n      avps:\n        - {type: host-nam, value: "
                   "\"00\"}\n",
            6, 18, "steps[0].send.avps[0].type", "did you mean host-name?"},
        Bad{"SendAvpHex",
            kLac +
                "steps:\n  - send:\n      message: SCCRQ\n      avps:\n        - {type: 7, value: \"6g\"}\n",
            6, 28, "steps[0].send.avps[0].value", "hex octets"},
        Bad{"SendAvpLength",
            kLac +
                "steps:\n  - send:\n      message: SCCRQ\n      avps:\n        - {type: 7, length: 1024}\n",
            6, 29, "steps[0].send.avps[0].length", "from 0 to 1023"},
        Bad{"SendAvpsNotAList", kLac + "steps:\n  - send: {message: SCCRQ, avps: 7}\n", 3, 34,
            "steps[0].send.avps", "a list of AVPs"},
        Bad{"Restart", kLac + "steps:\n  - restart: false\n", 3, 14, "steps[0].restart", "restart: true"},
        Bad{"OpenOnLns", "lns: {}\nsteps:\n  - open-tunnels: 1\n", 3, 5, "steps[0].open-tunnels", "as a LAC"},
        Bad{"RoleShape", "lac: [a, b]\n", 1, 6, "lac", "map of l2tpsim lac options"},
        Bad{"CaseChecksNothing",
            "case: {id: a, title: t, requirements: [R023], dut: lns}\n" + kLac +
                "steps:\n  - open-tunnels: 1\n",
            4, 3, "steps", "at least one expect"},
        Bad{"CaseCheckWithoutRequirement",
            "case: {id: a, title: t, requirements: [R023], dut: lns}\n" + kLac +
                "steps:\n  - open-tunnels: 1\n  - expect: {event: tunnel-up}\n",
            5, 5, "steps[1].expect", "names the requirement it judges"},
        Bad{"CaseCheckWithoutClause",
            "case: {id: a, title: t, requirements: [R023], dut: lns}\n" + kLac +
                "steps:\n  - open-tunnels: 1\n  - expect: {event: tunnel-up, requirement: R023}\n",
            5, 5, "steps[1].expect", "quotes its clause"},
        Bad{"CaseCheckRequirementNotListed",
            "case: {id: a, title: t, requirements: [R023], dut: lns}\n" + kLac +
                "steps:\n  - open-tunnels: 1\n  - expect: {event: tunnel-up, requirement: R024, clause: x}\n",
            5, 5, "steps[1].expect", "not in case.requirements"},
        Bad{"CheckRequirementUnknown",
            "case: {id: a, title: t, requirements: [R023], dut: lns}\n" + kLac +
                "steps:\n  - open-tunnels: 1\n  - expect: {event: tunnel-up, requirement: R9999, clause: "
                "x}\n",
            5, 45, "steps[1].expect.requirement", "not in the requirement catalogue"},
        Bad{"NotAMap", "- a\n- b\n", 1, 1, "", "expected a map"}),
    [](const ::testing::TestParamInfo<Bad>& info) { return std::string(info.param.name); });

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::scenario
