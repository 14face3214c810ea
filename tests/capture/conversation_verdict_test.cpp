// Roles, what a capture misses, and whether a side can be played (capture/conversation_verdict).
#include <gtest/gtest.h>

#include "capture/conversation.hpp"
#include "conversation_test_util.hpp"

namespace l2tp::capture {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: test helpers

const Endpoint kLac = at(1);
const Endpoint kLns = at(2);

void setup(Traffic& w) {
  w.control(kLac, kLns, MessageType::Sccrq, 0, 0, 0, 0, {assigned_tunnel(5)});
  w.control(kLns, kLac, MessageType::Sccrp, 5, 0, 0, 1, {assigned_tunnel(9)});
  w.control(kLac, kLns, MessageType::Scccn, 9, 0, 1, 1);
}

TEST(ConversationVerdict, TunnelWithoutCallsGuessesTheInitiatorIsTheLac) {
  Traffic w;
  setup(w);
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  const Tunnel& t = c.tunnels[0];
  EXPECT_EQ(t.sides[0].role, PeerRole::Lac);
  EXPECT_TRUE(t.role_guessed);
  EXPECT_TRUE(has_note(t.notes, "roles guessed")) << all_notes(t.notes);
  EXPECT_TRUE(has_note(t.notes, "no StopCCN captured")) << all_notes(t.notes);
  EXPECT_TRUE(t.replayable);
}

// Only what the LAC sent: its side can be played (SCCRQ and SCCCN are there), the LNS's not.
TEST(ConversationVerdict, OneDirectionOnlyLeavesTheOtherSideUnplayable) {
  Traffic w;
  w.control(kLac, kLns, MessageType::Sccrq, 0, 0, 0, 0, {assigned_tunnel(5)});
  w.control(kLac, kLns, MessageType::Scccn, 9, 0, 1, 1);
  w.control(kLac, kLns, MessageType::Icrq, 9, 0, 2, 1, {assigned_session(3)});
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u) << "the SCCCN to the LNS's unseen end is tied by address";
  const Tunnel& t = c.tunnels[0];
  EXPECT_EQ(t.sides[0].role, PeerRole::Lac);
  EXPECT_TRUE(t.sides[0].playable) << t.sides[0].not_playable;
  EXPECT_FALSE(t.sides[1].playable);
  EXPECT_EQ(t.sides[1].not_playable, "no SCCRP captured");
  EXPECT_TRUE(t.replayable);
  EXPECT_TRUE(has_note(t.notes, "one direction only: nothing from " + kLns.to_string()))
      << all_notes(t.notes);
  EXPECT_TRUE(has_note(t.notes, "no SCCRP captured")) << all_notes(t.notes);
}

TEST(ConversationVerdict, TruncatedSccrqMakesTheInitiatorUnplayable) {
  Traffic w;
  setup(w);
  CapturedPacket& sccrq = w.packets[0];
  sccrq.payload.resize(sccrq.payload.size() - 3);
  sccrq.truncated = true;
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  const Tunnel& t = c.tunnels[0];
  EXPECT_EQ(t.truncated, 1u);
  EXPECT_FALSE(t.sides[0].playable);
  EXPECT_EQ(t.sides[0].not_playable, "its SCCRQ was not captured whole");
  EXPECT_TRUE(t.sides[1].playable);
  EXPECT_EQ(c.counts.truncated, 1u);
  ASSERT_FALSE(t.sides[0].control.empty());
  EXPECT_TRUE(t.sides[0].control[0].truncated);
  EXPECT_TRUE(t.sides[0].control[0].is(MessageType::Sccrq));
}

TEST(ConversationVerdict, MidTunnelCaptureIsNotReplayable) {
  Traffic w;
  w.control(kLac, kLns, MessageType::Hello, 9, 0, 7, 3);
  w.zlb(kLns, kLac, 5, 3, 8);
  w.control(kLac, kLns, MessageType::StopCcn, 9, 0, 8, 3, {assigned_tunnel(5), result(2, 4)});
  w.zlb(kLns, kLac, 5, 3, 9);
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  const Tunnel& t = c.tunnels[0];
  EXPECT_FALSE(t.replayable);
  EXPECT_EQ(
      t.not_replayable,
      "starts mid-tunnel: no SCCRQ captured (playing a side needs the tunnel's SCCRQ, SCCRP and SCCCN)");
  EXPECT_EQ(t.sides[0].role, PeerRole::Unknown);
  EXPECT_TRUE(has_note(t.notes, "roles unknown")) << all_notes(t.notes);
  ASSERT_TRUE(t.stop && t.stop->result);
  EXPECT_EQ(t.stop->result->error, std::optional<std::uint16_t>(4));
}

TEST(ConversationVerdict, RolesComeFromTheCallMessages) {
  Traffic w;
  setup(w);
  w.control(kLac, kLns, MessageType::Icrq, 9, 0, 2, 1, {assigned_session(3)});
  w.control(kLns, kLac, MessageType::Icrp, 5, 3, 1, 3, {assigned_session(7)});
  const Conversations c = w.extract();
  ASSERT_EQ(c.tunnels.size(), 1u);
  EXPECT_FALSE(c.tunnels[0].role_guessed);
  EXPECT_EQ(c.tunnels[0].side_of(PeerRole::Lac), std::optional<std::uint8_t>(0));
  EXPECT_EQ(c.tunnels[0].side_of(PeerRole::Lns), std::optional<std::uint8_t>(1));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::capture
