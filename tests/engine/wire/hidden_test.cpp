// Known answers for hidden AVPs (RFC 2661 4.3) and the tunnel Challenge Response (4.4.3).
// The expected octets were worked out from the RFC text with independent tools, not with our
// encoder: for the Assigned Tunnel ID case,
//   b1 = MD5(00 09 | "secret" | 00 01 .. 0f)      (2-octet attribute type, secret, RV; R035)
//   c1 = (00 02 12 34) XOR b1[0..3]               (subformat: length 2, value 0x1234; R036)
// computed with `printf '\x00\x09secret\x00\x01...\x0f' | openssl dgst -md5` and a hand XOR
// (and re-checked with Python's hashlib). The Vendor Name case spans two chunks:
// b2 = MD5("secret" | c1) over the full 16-octet first ciphertext chunk.
#include "engine/wire/hidden.hpp"

#include <gtest/gtest.h>

#include "engine/util/bytes.hpp"

namespace l2tp::wire {
namespace L2TPSIM_FILE_ID {

Buffer from_hex(std::string_view hex) {
  Buffer out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

const Buffer kRv = from_hex("000102030405060708090a0b0c0d0e0f");
const std::string kSecret = "secret";

TEST(Hidden, R035_KnownAnswerShortValue) {
  Buffer out;
  const Buffer value = from_hex("1234");
  hide_value(9, value, as_bytes(kSecret), kRv, {}, out);
  EXPECT_EQ(to_hex(out), "be6a0ff3");
}

TEST(Hidden, R035_KnownAnswerMultiChunkWithPadding) {
  Buffer out;
  const std::string value = "abcdefghijklmnopqrstuvwxyz";
  const Buffer pad = from_hex("eeeeee");
  hide_value(8, as_bytes(value), as_bytes(kSecret), kRv, pad, out);
  EXPECT_EQ(to_hex(out), "8ffc280a02da28ca4d0255dcd3b5440d22212f117e814cf65de193bc455f54");
  EXPECT_EQ(out.size(), 2 + value.size() + 3);  // R036: not extended to a multiple of 16
}

TEST(Hidden, R038_UnhideKnownAnswer) {
  const Buffer hidden = from_hex("8ffc280a02da28ca4d0255dcd3b5440d22212f117e814cf65de193bc455f54");
  const Revealed r = unhide_value(8, hidden, as_bytes(kSecret), kRv);
  EXPECT_TRUE(r.length_ok);
  EXPECT_EQ(std::string(as_string_view(r.value)), "abcdefghijklmnopqrstuvwxyz");
  EXPECT_EQ(r.padding, 3);
}

TEST(Hidden, RoundTripsEveryLengthAcrossChunkBoundaries) {
  for (std::size_t len = 0; len <= 70; ++len) {
    Buffer value(len);
    for (std::size_t i = 0; i < len; ++i) value[i] = static_cast<std::uint8_t>(i * 7 + 1);
    for (std::size_t pad = 0; pad <= 17; pad += 17) {
      Buffer out;
      hide_value(30, value, as_bytes(kSecret), kRv, Buffer(pad, 0x42), out);
      ASSERT_EQ(out.size(), 2 + len + pad);
      const Revealed r = unhide_value(30, out, as_bytes(kSecret), kRv);
      ASSERT_TRUE(r.length_ok) << len;
      EXPECT_EQ(r.value, value) << len;
      EXPECT_EQ(r.padding, pad);
    }
  }
}

TEST(Hidden, AttributeTypeIsPartOfTheKey) {
  Buffer a, b;
  const Buffer value = from_hex("1234");
  hide_value(9, value, as_bytes(kSecret), kRv, {}, a);
  hide_value(14, value, as_bytes(kSecret), kRv, {}, b);
  EXPECT_NE(a, b);
}

TEST(Hidden, R033_WrongSecretOrBadLengthIsDetectedOrGarbled) {
  Buffer out;
  const std::string value = "MT-User";
  hide_value(30, as_bytes(value), as_bytes(kSecret), kRv, {}, out, std::uint16_t{200});
  const Revealed r = unhide_value(30, out, as_bytes(kSecret), kRv);
  EXPECT_FALSE(r.length_ok);  // original-length field claims more than there is
}

TEST(Hidden, UnhideOfOneOctetReportsBadSubformat) {
  const Buffer one = from_hex("aa");
  EXPECT_FALSE(unhide_value(9, one, as_bytes(kSecret), kRv).length_ok);
  EXPECT_FALSE(unhide_value(9, {}, as_bytes(kSecret), kRv).length_ok);
}

// R086: response = MD5(ID | secret | challenge), ID 2 in SCCRP and 3 in SCCCN. Expected values
// from `printf '\x02secret\x01\x02...\x10' | openssl dgst -md5`.
TEST(ChallengeResponse, R086_KnownAnswers) {
  const Buffer challenge = from_hex("0102030405060708090a0b0c0d0e0f10");
  EXPECT_EQ(to_hex(challenge_response(2, as_bytes(kSecret), challenge)), "4b70dce87d3df35da19cdda9873ac3e8");
  EXPECT_EQ(to_hex(challenge_response(3, as_bytes(kSecret), challenge)), "d3776537e116356a60d5b181d29ec9f9");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::wire
