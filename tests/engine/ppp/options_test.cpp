// Option lists (RFC 1661 6) and the reply rules of 5.2-5.4 in ReplyBuilder (P022, P031, P033,
// P035, P036).
#include "engine/ppp/options.hpp"

#include <gtest/gtest.h>

namespace l2tp::ppp {
namespace L2TPSIM_FILE_ID {

TEST(PppOptions, WalksAWellFormedList) {
  const Buffer list = {1, 4, 5, 0xdc, 7, 2, 5, 6, 1, 2, 3, 4};
  auto all = parse_options(list);
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].type, 1);
  EXPECT_EQ(option_u16((*all)[0]), 1500);
  EXPECT_TRUE((*all)[1].value.empty());
  EXPECT_EQ((*all)[1].raw.size(), 2u);
  EXPECT_EQ(option_u32((*all)[2]), 0x01020304u);
  EXPECT_FALSE(option_u16((*all)[2]));
  EXPECT_TRUE(parse_options({}).has_value());
}

TEST(PppOptions, MalformedListsAreErrorsAndTheWalkStops) {
  EXPECT_FALSE(parse_options(Buffer{1}).has_value());
  EXPECT_FALSE(parse_options(Buffer{1, 0}).has_value());
  EXPECT_FALSE(parse_options(Buffer{1, 1}).has_value());
  EXPECT_FALSE(parse_options(Buffer{1, 5, 0, 0}).has_value());
  const Buffer bad = {7, 2, 1, 9, 0, 7, 2};
  OptionReader r(bad);
  auto first = r.next();
  ASSERT_TRUE(first && first->has_value());
  auto second = r.next();
  ASSERT_TRUE(second && !second->has_value());
  EXPECT_NE(second->error().find("past the list"), std::string::npos);
  EXPECT_FALSE(r.next().has_value()) << "nothing after an error";
}

TEST(PppOptions, EveryTruncationOfAListIsHandled) {
  const Buffer list = {1, 4, 5, 0xdc, 3, 5, 0xc2, 0x23, 5, 5, 6, 1, 2, 3, 4};
  for (std::size_t n = 0; n <= list.size(); ++n) {
    const Buffer cut(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(n));
    const bool whole = n == 0 || n == 4 || n == 9 || n == 15;
    EXPECT_EQ(parse_options(cut).has_value(), whole) << n;
  }
}

TEST(PppOptions, Writers) {
  Buffer out;
  write_option(out, 7);
  write_option_u8(out, 3, 1);
  write_option_u16(out, 1, 1400);
  write_option_u32(out, 5, 0xdeadbeef);
  write_option_u64(out, 1, 0x0102030405060708ULL);
  EXPECT_EQ(out, (Buffer{7,    2,    3, 3,  1, 1, 4, 0x05, 0x78, 5, 6, 0xde, 0xad,
                         0xbe, 0xef, 1, 10, 1, 2, 3, 4,    5,    6, 7, 8}));
}

TEST(PppOptions, P036_SubsequenceCheck) {
  const Buffer sent = {1, 4, 5, 0xdc, 5, 6, 1, 2, 3, 4, 7, 2};
  EXPECT_TRUE(is_option_subsequence(Buffer{5, 6, 1, 2, 3, 4}, sent));
  EXPECT_TRUE(is_option_subsequence(Buffer{1, 4, 5, 0xdc, 7, 2}, sent));
  EXPECT_TRUE(is_option_subsequence(sent, sent));
  EXPECT_FALSE(is_option_subsequence(Buffer{7, 2, 1, 4, 5, 0xdc}, sent)) << "order";
  EXPECT_FALSE(is_option_subsequence(Buffer{5, 6, 1, 2, 3, 5}, sent)) << "modified";
  EXPECT_FALSE(is_option_subsequence(Buffer{8, 2}, sent)) << "not sent";
  EXPECT_FALSE(is_option_subsequence(Buffer{7, 2, 7, 2}, sent)) << "twice";
  EXPECT_FALSE(is_option_subsequence(Buffer{7}, sent)) << "malformed";
}

Option first_of(const Buffer& b) {
  return parse_options(b)->front();
}

TEST(ReplyBuilder, NothingRefusedIsAnAck) {
  ReplyBuilder rb;
  Buffer reply = {9};
  EXPECT_EQ(rb.finish(reply, false), Code::ConfAck);
  EXPECT_TRUE(reply.empty());
}

TEST(ReplyBuilder, P031_P033_NaksInOrderThenAppended) {
  const Buffer a = {1, 4, 0, 10}, c = {5, 6, 0, 0, 0, 0};
  ReplyBuilder rb;
  rb.append_nak(3, Buffer{0xc0, 0x23});
  rb.nak_u16(first_of(a), 576);
  rb.nak_u32(first_of(c), 7);
  Buffer reply;
  EXPECT_EQ(rb.finish(reply, false), Code::ConfNak);
  EXPECT_EQ(reply, (Buffer{1, 4, 0x02, 0x40, 5, 6, 0, 0, 0, 7, 3, 4, 0xc0, 0x23}));
}

TEST(ReplyBuilder, P035_RejectsOnlyWhenAnyRejectIsUnmodified) {
  const Buffer a = {1, 4, 0, 10}, x = {0xfe, 3, 0xaa};
  ReplyBuilder rb;
  rb.nak_u16(first_of(a), 576);
  rb.reject(first_of(x));
  Buffer reply;
  EXPECT_EQ(rb.finish(reply, false), Code::ConfRej);
  EXPECT_EQ(reply, x);
}

TEST(ReplyBuilder, P022_NaksBecomeRejectsOfTheReceivedOptions) {
  const Buffer a = {1, 4, 0, 10}, m = {5, 6, 0, 0, 0, 0};
  ReplyBuilder rb;
  rb.nak_u16(first_of(a), 576);
  rb.nak_u32(first_of(m), 7, /*may_reject=*/false);
  rb.append_nak(3, Buffer{0xc0, 0x23});
  Buffer reply;
  EXPECT_EQ(rb.finish(reply, true), Code::ConfRej);
  EXPECT_EQ(reply, a) << "the option as received; the unrejectable Nak and appended option wait";
  ReplyBuilder only_append;
  only_append.append_nak(3, Buffer{0xc0, 0x23});
  EXPECT_EQ(only_append.finish(reply, true), Code::ConfAck);
  ReplyBuilder keep;
  keep.nak_u32(first_of(m), 7, false);
  EXPECT_EQ(keep.finish(reply, true), Code::ConfNak);
  EXPECT_EQ(reply, (Buffer{5, 6, 0, 0, 0, 7}));
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp
