// Known answers for the MS-CHAP primitives. MD4: the RFC 1320 A.5 test suite. SHA-1: FIPS
// 180 "abc". DES parity: RFC 2759 9.3 / RFC 2433 B.3. DES encryption: the first block of the
// RFC 2433 B.2 NtChallengeResponse, re-checked with
//   printf '\x10\x2d\xb5\xdf\x08\x5d\x30\x41' |
//     openssl enc -des-ecb -K FD0B5B5E7F6E34D9 -nopad -provider legacy -provider default
// and the classic FIPS 81-era vector (key 133457799BBCDFF1 has the 56 key bits
// 12695BC9B7B7F8, computed by dropping each octet's low bit).
#include "engine/ppp/auth/crypto.hpp"

#include <gtest/gtest.h>

#include "tests/engine/ppp/auth/auth_test_util.hpp"

namespace l2tp::ppp::auth {
namespace L2TPSIM_FILE_ID {

using test::from_hex;

template <std::size_t N>
std::array<std::uint8_t, N> arr(std::string_view hex) {
  const Buffer b = from_hex(hex);
  std::array<std::uint8_t, N> out{};
  EXPECT_EQ(b.size(), N);
  std::copy_n(b.begin(), std::min(N, b.size()), out.begin());
  return out;
}

TEST(AuthCrypto, Md4Rfc1320TestSuite) {
  EXPECT_EQ(to_hex(md4({})), "31d6cfe0d16ae931b73c59d7e0c089c0");
  EXPECT_EQ(to_hex(md4({as_bytes("a")})), "bde52cb31de33e46245e05fbdbd6fb24");
  EXPECT_EQ(to_hex(md4({as_bytes("abc")})), "a448017aaf21d8525fc10ae87aa6729d");
  EXPECT_EQ(to_hex(md4({as_bytes("message "), as_bytes("digest")})), "d9130a8164549fe818874806e1c7014b");
}

TEST(AuthCrypto, Sha1Fips180Abc) {
  EXPECT_EQ(to_hex(sha1({as_bytes("ab"), as_bytes("c")})), "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST(AuthCrypto, DesKeyParityRfc2759Section9_3) {
  EXPECT_EQ(to_hex(des_key_with_parity(arr<7>("FC 15 6A F7 ED CD 6C"))), "fd0b5b5e7f6e34d9");
  EXPECT_EQ(to_hex(des_key_with_parity(arr<7>("0E DD E3 33 7D 42 7F"))), "0e6e796737ea08fe");
}

TEST(AuthCrypto, DesEncryptKnownAnswers) {
  EXPECT_EQ(to_hex(des_encrypt(arr<8>("10 2D B5 DF 08 5D 30 41"), arr<7>("FC 15 6A F7 ED CD 6C"))),
            "4e9d3c8f9cfd385d");
  EXPECT_EQ(to_hex(des_encrypt(arr<8>("0123456789ABCDEF"), arr<7>("12695BC9B7B7F8"))), "85e813540f0ab405");
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::ppp::auth
