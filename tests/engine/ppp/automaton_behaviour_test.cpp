// The RFC 1661 section 4 automaton, behaviour around the table (automaton_test.cpp):
// identifiers (P018, P028, P030, P036), timers and counters (P013, P019-P022), Code-Reject
// (P039, P040), Length handling (P024), convergence guards (NegotiationFailed,
// ConfigureTimeout) and two automata negotiating with each other.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/ppp/automaton.hpp"
#include "engine/ppp/frame.hpp"
#include "tests/engine/ppp/automaton_harness.hpp"

namespace l2tp::ppp {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;
using S = State;
using E = Event;

using automaton_testing::FakePolicy;
using automaton_testing::Harness;
using automaton_testing::reach;
using automaton_testing::Sent;

TEST(Automaton, P004_OpensOnlyAfterAckSentAndReceived) {
  Harness h;
  reach(h, S::ReqSent, false);
  h.ack_last_request();
  EXPECT_EQ(h.a.state(), S::AckRcvd);
  EXPECT_FALSE(h.a.opened());
  h.peer_request(Code::ConfAck);
  EXPECT_TRUE(h.a.opened());
  EXPECT_EQ(h.events, std::vector<LayerEvent>{LayerEvent::Up});
  EXPECT_EQ(h.policy.ups.size(), 1u);
}

TEST(Automaton, P019_P021_RestartTimerAndMaxConfigure) {
  AutomatonConfig cfg;
  cfg.restart = 2s;
  cfg.max_configure = 4;
  Harness h(cfg);
  h.open();
  h.up();
  ASSERT_EQ(h.sent.size(), 1u);
  const std::uint8_t id = h.sent[0].id;
  EXPECT_EQ(h.a.poll_timeout(), Time{} + 2s);
  for (int i = 1; i < 4; ++i) {
    h.fire();
    EXPECT_EQ(h.now, Time{} + 2s * i);
    ASSERT_EQ(h.sent.size(), static_cast<std::size_t>(i + 1));
    EXPECT_EQ(h.sent.back().code, Code::ConfReq);
    EXPECT_EQ(h.sent.back().id, id) << "P028: a retransmission keeps its identifier";
    EXPECT_EQ(h.sent.back().data, h.sent[0].data);
  }
  EXPECT_EQ(h.a.state(), S::ReqSent);
  h.fire();  // the 4th request went unanswered: TO-
  EXPECT_EQ(h.sent.size(), 4u);
  EXPECT_EQ(h.a.state(), S::Stopped);
  EXPECT_EQ(h.a.stop_info().why, Stop::ConfigureTimeout);
  EXPECT_NE(h.a.stop_info().detail.find("4 Configure-Requests"), std::string::npos) << h.a.stop_info().detail;
  EXPECT_EQ(h.events.back(), LayerEvent::Finished);
  EXPECT_FALSE(h.a.poll_timeout().has_value());
  EXPECT_EQ(h.a.counters().conf_req_sent, 4u);
}

TEST(Automaton, P020_MaxTerminate) {
  Harness h;
  reach(h, S::Opened, false);
  h.close("admin");
  EXPECT_EQ(h.codes(), std::vector<Code>{Code::TermReq});
  EXPECT_EQ(std::string(h.sent[0].data.begin(), h.sent[0].data.end()), "admin");
  const std::uint8_t id = h.sent[0].id;
  h.fire();
  ASSERT_EQ(h.codes(), (std::vector<Code>{Code::TermReq, Code::TermReq}));
  EXPECT_EQ(h.sent[1].id, id);
  h.fire();  // 2 sent, none acknowledged
  EXPECT_EQ(h.sent.size(), 2u);
  EXPECT_EQ(h.a.state(), S::Closed);
  EXPECT_EQ(h.a.stop_info().why, Stop::ClosedByUs);
  EXPECT_EQ(h.a.stop_info().detail, "admin");
  EXPECT_EQ(h.events, (std::vector<LayerEvent>{LayerEvent::Down, LayerEvent::Finished}));
}

TEST(Automaton, P013_TerminateAckThenOneRestartIntervalBeforeFinished) {
  Harness h;
  reach(h, S::Opened, false);
  const std::uint8_t text[] = {'b', 'y', 'e'};
  h.feed(Code::TermReq, 0x5a, text);
  ASSERT_EQ(h.codes(), std::vector<Code>{Code::TermAck});
  EXPECT_EQ(h.sent[0].id, 0x5a) << "P037";
  EXPECT_EQ(h.a.state(), S::Stopping);
  EXPECT_EQ(h.events, std::vector<LayerEvent>{LayerEvent::Down});
  EXPECT_EQ(h.a.stop_info().why, Stop::TerminatedByPeer);
  EXPECT_NE(h.a.stop_info().detail.find("\"bye\""), std::string::npos);
  // Finished (the link may drop the session) only after the Restart interval.
  h.a.handle_timeout(h.now + 2999ms);
  h.drain();
  EXPECT_EQ(h.a.state(), S::Stopping);
  h.fire();
  EXPECT_EQ(h.now, Time{} + 3s);
  EXPECT_EQ(h.a.state(), S::Stopped);
  EXPECT_EQ(h.events.back(), LayerEvent::Finished);
  EXPECT_EQ(h.policy.finishes, std::vector<Time>{Time{} + 3s});
}

TEST(Automaton, P017_AcceptsNewConfigureRequestAfterTermination) {
  Harness h;
  reach(h, S::Stopped, false);
  h.peer_request(Code::ConfAck);
  EXPECT_EQ(h.a.state(), S::AckSent);
  EXPECT_EQ(h.codes(), (std::vector<Code>{Code::ConfReq, Code::ConfAck}));
  EXPECT_EQ(h.a.stop_info().why, Stop::None) << "a new negotiation clears the old cause";
}

TEST(Automaton, P016_RenegotiatesFromOpened) {
  Harness h;
  reach(h, S::Opened, false);
  const int resets = h.policy.resets;
  h.peer_request(Code::ConfAck, 0x10);
  EXPECT_EQ(h.a.state(), S::AckSent);
  EXPECT_EQ(h.policy.resets, resets + 1) << "a fresh negotiation starts from the configuration";
  EXPECT_EQ(h.codes(), (std::vector<Code>{Code::ConfReq, Code::ConfAck}));
  EXPECT_EQ(h.events, std::vector<LayerEvent>{LayerEvent::Down});
  h.ack_last_request();
  EXPECT_TRUE(h.a.opened());
}

// RFC 1661 4.3, Open (implementation option): an Open in Opened is a Down followed at once by an
// Up: tld, then a fresh Configure-Request (new Identifier, full restart count) in Req-Sent.
// Nothing stopped, so no stop cause is kept; outside Opened restart() does nothing.
TEST(Automaton, RestartInOpenedIsDownThenUpWithAFreshRequest) {
  Harness h;
  reach(h, S::Opened, false);
  const std::uint8_t before = h.last_request->id;
  const int resets = h.policy.resets;
  h.clear();
  EXPECT_TRUE(h.a.restart(h.now));
  h.drain();
  EXPECT_EQ(h.a.state(), S::ReqSent);
  EXPECT_EQ(h.events, std::vector<LayerEvent>{LayerEvent::Down});
  ASSERT_EQ(h.codes(), std::vector<Code>{Code::ConfReq});
  EXPECT_NE(h.last_request->id, before);
  EXPECT_EQ(h.policy.resets, resets + 1) << "a fresh negotiation starts from the configuration";
  EXPECT_EQ(h.a.restart_count(), AutomatonConfig{}.max_configure - 1);
  EXPECT_EQ(h.a.stop_info().why, Stop::None);
  EXPECT_EQ(h.a.poll_timeout(), h.now + AutomatonConfig{}.restart);
  h.ack_last_request();
  h.peer_request(Code::ConfAck);
  EXPECT_TRUE(h.a.opened());
  EXPECT_EQ(h.events.back(), LayerEvent::Up);
  for (S s : {S::Initial, S::Starting, S::Closed, S::Stopped, S::ReqSent, S::AckRcvd, S::AckSent}) {
    SCOPED_TRACE(to_string(s));
    Harness g;
    reach(g, s, false);
    g.clear();
    EXPECT_FALSE(g.a.restart(g.now));
    g.drain();
    EXPECT_TRUE(g.sent.empty());
    EXPECT_TRUE(g.events.empty());
    EXPECT_EQ(g.a.state(), s);
  }
}

TEST(Automaton, P028_NewIdentifierForEveryNewRequest) {
  Harness h;
  reach(h, S::ReqSent, false);
  const std::uint8_t first = h.last_request->id;
  h.nak_last_request();
  ASSERT_EQ(h.codes(), std::vector<Code>{Code::ConfReq});
  EXPECT_NE(h.last_request->id, first);
  const std::uint8_t second = h.last_request->id;
  h.ack_last_request();
  EXPECT_EQ(h.a.state(), S::AckRcvd);
  h.clear();
  h.fire();  // TO+ in Ack-Rcvd: a reply was received, so a new identifier
  ASSERT_EQ(h.codes(), std::vector<Code>{Code::ConfReq});
  EXPECT_NE(h.last_request->id, second);
}

TEST(Automaton, P018_P030_InvalidAcksAreDiscarded) {
  Harness h;
  reach(h, S::ReqSent, false);
  const Sent req = *h.last_request;
  h.feed(Code::ConfAck, static_cast<std::uint8_t>(req.id + 1), req.data);  // wrong id
  Buffer altered = req.data;
  altered.back() ^= 1;
  h.feed(Code::ConfAck, req.id, altered);  // options not as sent
  Buffer longer = req.data;
  longer.push_back(0);
  h.feed(Code::ConfAck, req.id, longer);
  EXPECT_EQ(h.a.state(), S::ReqSent);
  EXPECT_TRUE(h.sent.empty());
  EXPECT_EQ(h.a.counters().discarded, 3u);
  EXPECT_EQ(h.policy.acks, 0);
  h.fire();  // still retransmitting
  EXPECT_EQ(h.codes(), std::vector<Code>{Code::ConfReq});
  h.ack_last_request();
  EXPECT_EQ(h.a.state(), S::AckRcvd);
  h.ack_last_request();  // a duplicate of a valid Ack: out of sequence now
  EXPECT_EQ(h.a.state(), S::AckRcvd);
  EXPECT_EQ(h.policy.acks, 1);
}

TEST(Automaton, P034_NakWithWrongIdentifierIsDiscarded) {
  Harness h;
  reach(h, S::ReqSent, false);
  const std::uint8_t opts[] = {1, 4, 0x05, 0x78};
  h.feed(Code::ConfNak, static_cast<std::uint8_t>(h.last_request->id ^ 0x80), opts);
  EXPECT_EQ(h.policy.naks, 0);
  EXPECT_TRUE(h.sent.empty());
  const std::uint8_t bad[] = {1, 9, 0};  // a Nak whose options cannot be walked
  h.feed(Code::ConfNak, h.last_request->id, bad);
  EXPECT_EQ(h.policy.naks, 0);
  h.feed(Code::ConfNak, h.last_request->id, opts);
  EXPECT_EQ(h.policy.naks, 1);
  EXPECT_EQ(h.a.counters().naks_received, 1u);
}

TEST(Automaton, P036_RejectMustQuoteASubsetOfTheRequest) {
  Harness h;
  h.policy.options = {1, 4, 0x05, 0xdc, 5, 6, 1, 2, 3, 4};
  reach(h, S::ReqSent, false);
  const std::uint8_t id = h.last_request->id;
  const std::uint8_t not_sent[] = {7, 2};
  h.feed(Code::ConfRej, id, not_sent);
  const std::uint8_t modified[] = {5, 6, 1, 2, 3, 5};
  h.feed(Code::ConfRej, id, modified);
  const std::uint8_t reordered[] = {5, 6, 1, 2, 3, 4, 1, 4, 0x05, 0xdc};
  h.feed(Code::ConfRej, id, reordered);
  h.feed(Code::ConfRej, id, {});
  EXPECT_EQ(h.policy.rejects, 0);
  EXPECT_EQ(h.a.counters().discarded, 4u);
  const std::uint8_t subset[] = {5, 6, 1, 2, 3, 4};
  h.feed(Code::ConfRej, id, subset);
  EXPECT_EQ(h.policy.rejects, 1);
  EXPECT_EQ(h.a.counters().rejects_received, 1u);
  EXPECT_EQ(h.codes(), std::vector<Code>{Code::ConfReq});
}

TEST(Automaton, P022_NaksTurnIntoRejectsAfterMaxFailure) {
  AutomatonConfig cfg;
  cfg.max_failure = 3;
  Harness h(cfg);
  reach(h, S::ReqSent, false);
  for (int i = 0; i < 3; ++i) {
    h.peer_request(Code::ConfNak, static_cast<std::uint8_t>(i));
    EXPECT_FALSE(h.policy.last_reject_instead_of_nak) << i;
    EXPECT_EQ(h.sent.back().code, Code::ConfNak);
  }
  h.peer_request(Code::ConfNak, 3);
  EXPECT_TRUE(h.policy.last_reject_instead_of_nak);
  EXPECT_EQ(h.sent.back().code, Code::ConfRej);
  EXPECT_EQ(h.a.counters().naks_sent, 3u);
  EXPECT_EQ(h.a.counters().rejects_sent, 1u);
  h.peer_request(Code::ConfAck, 4);  // the peer gave in
  EXPECT_EQ(h.sent.back().code, Code::ConfAck);
  h.peer_request(Code::ConfNak, 5);  // the count starts again after an Ack
  EXPECT_FALSE(h.policy.last_reject_instead_of_nak);
}

TEST(Automaton, P022_CopiesOfARefusedRequestAreAnsweredButNotCounted) {
  AutomatonConfig cfg;
  cfg.max_failure = 3;
  Harness h(cfg);
  reach(h, S::ReqSent, false);
  // The same request (Identifier and options) ten times: duplicated on the way, or resent
  // because our Nak was lost. Each gets its Nak; none brings Max-Failure nearer.
  for (int i = 0; i < 10; ++i) {
    h.peer_request(Code::ConfNak, 7);
    EXPECT_EQ(h.sent.back().code, Code::ConfNak) << i;
  }
  EXPECT_EQ(h.a.state(), S::ReqSent);
  // New requests still count: two more Naks make three, and the next is a Reject.
  for (int i = 0; i < 2; ++i) h.peer_request(Code::ConfNak, static_cast<std::uint8_t>(8 + i));
  EXPECT_EQ(h.sent.back().code, Code::ConfNak);
  h.peer_request(Code::ConfNak, 10);
  EXPECT_EQ(h.sent.back().code, Code::ConfRej);
}

TEST(Automaton, PeerThatKeepsRequestingWhatWeRefuseEndsInNegotiationFailed) {
  Harness h;  // max_failure 5: 5 Naks, then Rejects, then give up after 10 refusals
  reach(h, S::ReqSent, false);
  for (int i = 0; i < 10; ++i) h.peer_request(Code::ConfNak, static_cast<std::uint8_t>(i));
  EXPECT_EQ(h.a.state(), S::ReqSent);
  h.clear();
  h.peer_request(Code::ConfNak, 10);
  EXPECT_EQ(h.a.state(), S::Closing);
  EXPECT_EQ(h.codes(), std::vector<Code>{Code::TermReq});
  EXPECT_EQ(h.a.stop_info().why, Stop::NegotiationFailed);
  EXPECT_NE(h.a.stop_info().detail.find("option 3"), std::string::npos) << h.a.stop_info().detail;
}

TEST(Automaton, NakLoopPeerEndsInNegotiationFailedNamingTheOption) {
  Harness h;
  reach(h, S::ReqSent, false);
  for (int i = 0; i < 5; ++i) {
    h.nak_last_request();
    ASSERT_EQ(h.a.state(), S::ReqSent);
  }
  h.clear();
  h.nak_last_request();  // the 6th in a row
  EXPECT_EQ(h.a.state(), S::Closing);
  EXPECT_EQ(h.codes(), std::vector<Code>{Code::TermReq});
  EXPECT_EQ(h.a.stop_info().why, Stop::NegotiationFailed);
  EXPECT_NE(h.a.stop_info().detail.find("MRU"), std::string::npos) << h.a.stop_info().detail;
  EXPECT_NE(h.a.stop_info().detail.find("6 Configure-Requests"), std::string::npos) << h.a.stop_info().detail;
  // And it ends: the Terminate-Requests run out and the layer finishes.
  h.fire();
  h.fire();
  EXPECT_EQ(h.a.state(), S::Closed);
  EXPECT_EQ(h.events.back(), LayerEvent::Finished);
  EXPECT_FALSE(h.a.poll_timeout().has_value());
}

TEST(Automaton, AnAckBetweenNaksResetsTheLoopCount) {
  Harness h;
  reach(h, S::ReqSent, false);
  for (int i = 0; i < 4; ++i) h.nak_last_request();
  h.ack_last_request();
  h.peer_request(Code::ConfNak);  // Ack-Rcvd -> Ack-Rcvd, our request stands
  h.fire();                       // TO+: a new request
  for (int i = 0; i < 5; ++i) h.nak_last_request();
  EXPECT_EQ(h.a.state(), S::ReqSent);
  EXPECT_EQ(h.a.stop_info().why, Stop::None);
}

TEST(Automaton, PolicyFailureClosesWithItsStopInfo) {
  Harness h;
  reach(h, S::Opened, false);
  h.policy.fail_on_judge = StopInfo{Stop::LoopedBack, "looped"};
  h.peer_request(Code::ConfNak);
  EXPECT_EQ(h.a.state(), S::Closing);
  EXPECT_EQ(h.a.stop_info().why, Stop::LoopedBack);
  EXPECT_EQ(h.a.stop_info().detail, "looped");
  EXPECT_EQ(h.codes(), std::vector<Code>{Code::TermReq}) << "no reply to the request that failed";

  Harness n;
  reach(n, S::ReqSent, false);
  n.policy.fail_on_nak = StopInfo{Stop::NegotiationFailed, "no common auth"};
  n.nak_last_request();
  EXPECT_EQ(n.a.state(), S::Closing);
  EXPECT_EQ(n.a.stop_info().detail, "no common auth");
}

TEST(Automaton, P039_UnknownCodeIsCodeRejectedWithNewIdTruncatedToPeerMru) {
  Harness h;
  reach(h, S::Opened, false);
  h.a.set_peer_mru(20);
  Buffer data(40, 0xab);
  Buffer packet;
  write_packet(packet, static_cast<Code>(0x20), 0x61, data);
  packet.push_back(0xee);  // padding: not part of the rejected packet
  h.feed_raw(packet);
  ASSERT_EQ(h.codes(), std::vector<Code>{Code::CodeRej});
  EXPECT_NE(h.sent[0].id, 0x61);
  EXPECT_EQ(h.sent[0].data.size(), 16u) << "4 header + 16 data = the peer's MRU of 20";
  EXPECT_TRUE(std::equal(h.sent[0].data.begin(), h.sent[0].data.end(), packet.begin()));
  h.feed_raw(packet);
  EXPECT_NE(h.sent[1].id, h.sent[0].id) << "a new identifier each time";
  EXPECT_TRUE(h.a.opened());
  EXPECT_EQ(h.a.counters().code_rejects_sent, 2u);
}

TEST(Automaton, P090_NcpCodesOutsideOneToSevenAreCodeRejected) {
  Harness h;
  reach(h, S::Opened, false);
  const std::uint8_t magic[] = {0, 0, 0, 0};
  h.feed(Code::DiscardReq, 7, magic);  // 11: not known by this (IPCP-like) policy
  EXPECT_EQ(h.codes(), std::vector<Code>{Code::CodeRej});
}

TEST(Automaton, P040_CodeRejectOfConfigureRequestStopsTheProtocol) {
  Harness h;
  reach(h, S::Opened, false);
  const std::uint8_t rejected[] = {1, 2, 0, 4};
  h.feed(Code::CodeRej, 9, rejected);
  EXPECT_EQ(h.a.state(), S::Stopping);
  EXPECT_EQ(h.a.stop_info().why, Stop::CodeRejected);
  EXPECT_NE(h.a.stop_info().detail.find("Configure-Request"), std::string::npos);
  EXPECT_EQ(h.codes(), std::vector<Code>{Code::TermReq});
  EXPECT_EQ(h.a.counters().code_rejects_received, 1u);
}

TEST(Automaton, P042_ProtocolRejectedStopsTheProtocol) {
  Harness h;
  reach(h, S::Opened, false);
  h.a.protocol_rejected(h.now);
  h.drain();
  EXPECT_EQ(h.a.state(), S::Stopping);
  EXPECT_EQ(h.a.stop_info().why, Stop::ProtocolRejected);
  EXPECT_NE(h.a.stop_info().detail.find("IPCP"), std::string::npos);
  Harness r;
  reach(r, S::ReqSent, false);
  r.a.protocol_rejected(r.now);
  r.drain();
  EXPECT_EQ(r.a.state(), S::Stopped);
  EXPECT_TRUE(r.sent.empty()) << "P042: nothing more of the protocol is sent";
  EXPECT_FALSE(r.a.poll_timeout().has_value());
}

TEST(Automaton, P043_ProtocolRejectOutsideOpenedIsIgnored) {
  Harness h;
  reach(h, S::ReqSent, false);
  const std::uint8_t data[] = {0x80, 0x21};
  h.feed(Code::ProtoRej, 3, data);
  EXPECT_EQ(h.a.state(), S::ReqSent);
  EXPECT_TRUE(h.sent.empty());
}

TEST(Automaton, P045_RxrOutsideOpenedIsNotAnswered) {
  Harness h;
  reach(h, S::AckSent, false);
  const std::uint8_t magic[] = {0, 0, 0, 0};
  h.feed(Code::EchoReq, 3, magic);
  EXPECT_TRUE(h.sent.empty());
  EXPECT_EQ(h.a.state(), S::AckSent);
}

TEST(Automaton, P024_PaddingIgnoredAndBadLengthDiscarded) {
  Harness h;
  reach(h, S::ReqSent, false);
  h.policy.verdict = Code::ConfAck;
  Buffer padded;
  const std::uint8_t opts[] = {3, 6, 10, 0, 0, 1};
  write_packet(padded, Code::ConfReq, 0x20, opts);
  padded.insert(padded.end(), {0, 0, 0, 0});
  h.feed_raw(padded);
  ASSERT_EQ(h.codes(), std::vector<Code>{Code::ConfAck});
  EXPECT_EQ(h.sent[0].data, Buffer(std::begin(opts), std::end(opts))) << "P029: the options, not the padding";
  h.clear();
  Buffer too_long = padded;
  too_long[3] = 40;  // Length past the packet
  h.feed_raw(too_long);
  Buffer too_short = padded;
  too_short[3] = 3;
  h.feed_raw(too_short);
  const std::uint8_t stub[] = {1, 2, 0};
  h.feed_raw(stub);
  EXPECT_TRUE(h.sent.empty());
  EXPECT_EQ(h.a.counters().discarded, 3u);
  EXPECT_EQ(h.a.state(), S::AckSent);
}

TEST(Automaton, ConfigureRequestWithUnwalkableOptionsIsDiscarded) {
  Harness h;
  reach(h, S::ReqSent, false);
  const std::uint8_t bad[] = {1, 1, 5};  // option Length 1
  h.feed(Code::ConfReq, 1, bad);
  const std::uint8_t past[] = {1, 9, 5};  // runs past the packet
  h.feed(Code::ConfReq, 2, past);
  EXPECT_TRUE(h.sent.empty());
  EXPECT_EQ(h.a.counters().discarded, 2u);
  EXPECT_EQ(h.a.counters().conf_req_received, 2u);
}

TEST(Automaton, DownRecordsLowerDown) {
  Harness h;
  reach(h, S::Opened, false);
  h.down();
  EXPECT_EQ(h.a.state(), S::Starting);
  EXPECT_EQ(h.a.stop_info().why, Stop::LowerDown);
  EXPECT_EQ(h.events, std::vector<LayerEvent>{LayerEvent::Down});
  EXPECT_FALSE(h.a.poll_timeout().has_value());
  h.up();  // and back: a fresh negotiation
  EXPECT_EQ(h.a.state(), S::ReqSent);
  EXPECT_EQ(h.a.stop_info().why, Stop::None);
}

TEST(Automaton, EarlyTimeoutDoesNothing) {
  Harness h;
  reach(h, S::ReqSent, false);
  h.a.handle_timeout(h.now + 1s);
  h.drain();
  EXPECT_TRUE(h.sent.empty());
  EXPECT_EQ(h.a.restart_count(), 9u);
}

TEST(Automaton, SendTakesFreshIdentifiersUnlessGivenOne) {
  Harness h;
  const std::uint8_t a = h.a.send(Code::EchoReq, {});
  const std::uint8_t b = h.a.send(Code::EchoReq, {});
  EXPECT_NE(a, b);
  EXPECT_EQ(h.a.send(Code::EchoRep, {}, 0x33), 0x33);
  h.a.send_with_id(Code::EchoRep, {}, 0);
  h.drain();
  ASSERT_EQ(h.sent.size(), 4u);
  EXPECT_EQ(h.sent[2].id, 0x33);
  EXPECT_EQ(h.sent[3].id, 0);
}

// Two automata with simple policies, packets carried between them in virtual time.
TEST(Automaton, TwoAutomataReachOpened) {
  Harness x, y;
  x.open();
  y.open();
  x.up();
  y.up();
  for (int round = 0; round < 10 && !(x.a.opened() && y.a.opened()); ++round) {
    Buffer b;
    std::vector<Buffer> xs, ys;
    for (const auto& s : x.sent) write_packet(xs.emplace_back(), s.code, s.id, s.data);
    for (const auto& s : y.sent) write_packet(ys.emplace_back(), s.code, s.id, s.data);
    x.clear();
    y.clear();
    for (const auto& p : xs) y.feed_raw(p);
    for (const auto& p : ys) x.feed_raw(p);
  }
  EXPECT_TRUE(x.a.opened());
  EXPECT_TRUE(y.a.opened());
}

TEST(Automaton, NamesForLogs) {
  EXPECT_STREQ(to_string(S::AckRcvd), "Ack-Rcvd");
  EXPECT_STREQ(to_string(E::RXJm), "RXJ-");
  EXPECT_STREQ(to_string(Stop::NegotiationFailed), "negotiation failed");
  EXPECT_STREQ(to_string(LayerEvent::Finished), "this-layer-finished");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp