// ESP in captures: Wireshark's esp_sa records parsed (and refused with the field named), ESP
// sealed and opened again under every cipher and ICV we support, a wrong key reported as such,
// and `l2tpsim decode` on a capture of L2TP/IPsec built here with known keys (tunnel mode in UDP
// 4500 as charon's kernel-libipsec sends it, and transport mode in plain ESP): without --esp-sa
// it says the L2TP is encrypted; with it, the L2TP inside is decoded, and tshark, given the same
// esp_sa record, finds the same L2TP messages.
#include "capture/esp_decrypt.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "capture/esp_opener.hpp"
#include "capture/esp_sa_file.hpp"
#include "tests/capture/capture_test_util.hpp"
#include "tests/support/sample_messages.hpp"

namespace l2tp::capture {
namespace L2TPSIM_FILE_ID {

using namespace test;  // NOLINT: the capture tests' builders

constexpr const char* kCbcLine =
    R"("IPv4","192.168.231.1","192.168.231.2","0xc1a0b001","AES-CBC [RFC3602]",)"
    R"("0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",)"
    R"("HMAC-SHA-256-128 [RFC4868]","0x2021222324252627282930313233343536373839404142434445464748495051")";

EspSa sa_of(const std::string& line) {
  auto sa = parse_esp_sa(line);
  EXPECT_TRUE(sa.has_value()) << line << ": " << (sa ? "" : sa.error());
  return sa ? *sa : EspSa{};
}

TEST(EspSaFile, ReadsWiresharksRecordsAndWritesThemBack) {
  const EspSa sa = sa_of(kCbcLine);
  EXPECT_FALSE(sa.ipv6);
  EXPECT_EQ(sa.src->to_string(), "192.168.231.1");
  EXPECT_EQ(*sa.spi, 0xc1a0b001u);
  EXPECT_EQ(sa.cipher, EspCipher::AesCbc);
  EXPECT_EQ(sa.enc_key.size(), 32u);
  EXPECT_EQ(sa.auth, EspAuth::HmacSha256_128);
  EXPECT_EQ(to_esp_sa_line(sa), kCbcLine);
  const EspSa any = sa_of(R"("IPv4","*","*","*","NULL","","HMAC-SHA-1-96 [RFC2404]","secret")");
  EXPECT_FALSE(any.src || any.dst || any.spi);
  EXPECT_EQ(any.auth_key, Buffer({'s', 'e', 'c', 'r', 'e', 't'}));  // not 0x...: the text itself
  EXPECT_TRUE(any.matches(7, IpAddress::v4(1, 2, 3, 4), IpAddress::v4(5, 6, 7, 8)));
  EXPECT_FALSE(any.matches(7, v6("2001:db8::1"), v6("2001:db8::2")));
}

TEST(EspSaFile, RefusesWhatItCannotUseNamingTheField) {
  auto error_of = [](const std::string& line) {
    auto sa = parse_esp_sa(line);
    return sa ? std::string("parsed") : sa.error();
  };
  EXPECT_EQ(error_of(R"("IPv4","*","*","0x1","AES-CTR [RFC3686]","0x00","NULL","")")
                .rfind("field 5 (encryption): 'AES-CTR [RFC3686]' is not supported", 0),
            0u);
  EXPECT_EQ(error_of(R"("IPv4","*","*","0x1","AES-CBC [RFC3602]","0x0011","NULL","")"),
            "field 6 (encryption key): '0x0011' has 2 octets; AES-CBC [RFC3602] takes 16, 24 or 32 octets");
  EXPECT_NE(error_of(R"("IPv5","*","*","0x1","NULL","","NULL","")").find("field 1 (protocol)"),
            std::string::npos);
  EXPECT_NE(error_of(R"("IPv4","10.0.0.0/8","*","0x1","NULL","","NULL","")").find("no subnets"),
            std::string::npos);
  EXPECT_NE(error_of(R"("IPv4","*","*","0xzz","NULL","","NULL","")").find("field 4 (SPI)"),
            std::string::npos);
  EXPECT_NE(error_of(R"("IPv4","*","*","0x1","AES-GCM with 16 octet ICV [RFC4106]",)"
                     R"("0x000102030405060708090a0b0c0d0e0f10111213","HMAC-SHA-1-96 [RFC2404]","0x01")")
                .find("must be NULL with AES-GCM"),
            std::string::npos);
  EXPECT_NE(error_of(R"("IPv4","*","*")").find("expected 8 fields"), std::string::npos);
  EXPECT_NE(error_of(R"("IPv4","*)").find("no closing quote"), std::string::npos);
  auto missing = load_esp_sas("/nonexistent-l2tpsim/esp_sa");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().find("neither an esp_sa record"), std::string::npos);
}

struct Case {
  const char* cipher;
  std::string key;
  const char* auth;
  std::string auth_key;
};

TEST(EspDecrypt, SealedAndOpenedUnderEveryCipherAndIcv) {
  const std::string k16 = "0x000102030405060708090a0b0c0d0e0f",
                    k32 = k16 + "101112131415161718191a1b1c1d1e1f";
  const std::vector<Case> cases = {
      {"AES-CBC [RFC3602]", k16, "HMAC-SHA-1-96 [RFC2404]", "0x0102030405060708090a0b0c0d0e0f1011121314"},
      {"AES-CBC [RFC3602]", k32, "HMAC-SHA-256-128 [RFC4868]", k32},
      {"AES-CBC [RFC3602]", k32, "HMAC-SHA-512-256 [RFC4868]", k32 + k32.substr(2)},
      {"TripleDES-CBC [RFC2451]", "0x0102030405060708090a0b0c0d0e0f101112131415161718",
       "HMAC-MD5-96 [RFC2403]", k16},
      {"AES-GCM with 16 octet ICV [RFC4106]", k16 + "a0a1a2a3", "NULL", ""},
      {"AES-GCM with 8 octet ICV [RFC4106]", k32 + "a0a1a2a3", "NULL", ""},
      {"NULL", "", "HMAC-SHA-384-192 [RFC4868]", k32},
  };
  const Buffer payload = pattern(45);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.cipher + std::string(" / ") + c.auth);
    const EspSa sa = sa_of(std::string(R"("IPv4","*","*","0x1234",")") + c.cipher + "\",\"" + c.key +
                           "\",\"" + c.auth + "\",\"" + c.auth_key + "\"");
    const Buffer iv = pattern(esp_iv_length(sa), 9);
    auto sealed = esp_seal(sa, 42, iv, kEspNextUdp, payload);
    ASSERT_TRUE(sealed) << sealed.error();
    auto opened = esp_decrypt(*sealed, sa);
    ASSERT_TRUE(opened) << opened.error().detail;
    EXPECT_EQ(opened->header.spi, 0x1234u);
    EXPECT_EQ(opened->header.seq, 42u);
    EXPECT_EQ(opened->next_header, kEspNextUdp);
    EXPECT_EQ(opened->payload, payload);
    // Any changed octet fails the ICV (the encrypted part is authenticated).
    Buffer tampered = *sealed;
    tampered[tampered.size() / 2] ^= 0x40;
    auto bad = esp_decrypt(tampered, sa);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().failure, EspFailure::IcvMismatch) << bad.error().detail;
    // Every truncation is refused, never over-read.
    for (std::size_t n = 0; n < sealed->size(); ++n) EXPECT_FALSE(esp_decrypt(Bytes(*sealed).first(n), sa));
  }
}

TEST(EspDecrypt, AWrongKeyIsSaidPlainly) {
  const EspSa sa = sa_of(kCbcLine);
  EspSa wrong_auth = sa, wrong_enc = sa;
  wrong_auth.auth_key[0] ^= 1;
  wrong_enc.enc_key[0] ^= 1;
  wrong_enc.auth = EspAuth::Unchecked128;  // nothing to catch it but the trailer
  auto sealed = esp_seal(sa, 1, pattern(16, 3), kEspNextIpv4, pattern(60));
  ASSERT_TRUE(sealed);
  auto a = esp_decrypt(*sealed, wrong_auth);
  ASSERT_FALSE(a);
  EXPECT_EQ(
      a.error().detail,
      "the HMAC-SHA-256-128 [RFC4868] ICV does not verify: the authentication key is wrong or the SA is "
      "another's");
  auto e = esp_decrypt(*sealed, wrong_enc);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().failure, EspFailure::BadTrailer) << e.error().detail;
}

// An L2TP control message from 10.231.0.1:1701 to 10.231.0.2:1701.
Buffer sccrq() {
  Buffer out;
  EXPECT_TRUE(wire::encode_control(testing::sample_messages(false).front(), {}, out));
  return out;
}

const IpAddress kLacOuter = IpAddress::v4(192, 168, 231, 1), kLnsOuter = IpAddress::v4(192, 168, 231, 2);
const IpAddress kLacInner = IpAddress::v4(10, 231, 0, 1), kLnsInner = IpAddress::v4(10, 231, 0, 2);

// Frame 1: IKE on 4500 (non-ESP marker); frame 2: the SCCRQ in tunnel-mode ESP in UDP 4500;
// frame 3: the same in transport-mode ESP (IP protocol 50) under a second SA; frame 4: a
// NAT-keepalive.
Buffer l2tp_over_ipsec_capture(const EspSa& tunnel_sa, const EspSa& transport_sa) {
  const Buffer l2tp = sccrq();
  const Buffer inner = ipv4(kLacInner, kLnsInner, 17, udp(1701, 1701, l2tp));
  const Buffer tunnel_esp =
      *esp_seal(tunnel_sa, 1, pattern(esp_iv_length(tunnel_sa), 5), kEspNextIpv4, inner);
  const Buffer transport_esp =
      *esp_seal(transport_sa, 1, pattern(esp_iv_length(transport_sa), 7), kEspNextUdp, udp(1701, 1701, l2tp));
  Buffer ike = bytes_of({0, 0, 0, 0});
  const Buffer ike_body = pattern(28);
  ike.insert(ike.end(), ike_body.begin(), ike_body.end());
  return pcap_file(101, records({ipv4(kLacOuter, kLnsOuter, 17, udp(4500, 4500, ike)),
                                 ipv4(kLacOuter, kLnsOuter, 17, udp(4500, 4500, tunnel_esp)),
                                 ipv4(kLacOuter, kLnsOuter, 50, transport_esp),
                                 ipv4(kLacOuter, kLnsOuter, 17, udp(4500, 4500, bytes_of({0xff})))}));
}

TEST(EspOpener, OpensTunnelAndTransportModeAndCountsPerSpi) {
  const EspSa tunnel_sa = sa_of(kCbcLine);
  EspSa transport_sa = tunnel_sa;
  transport_sa.spi = 0xc1a0b002;
  TempFile file("esp.pcap");
  write_file(file.path(), l2tp_over_ipsec_capture(tunnel_sa, transport_sa));
  auto reader = PcapReader::open(file.path(), {}, true);
  ASSERT_TRUE(reader);
  EspOpener opener({tunnel_sa});  // the transport SA's key is not given
  std::vector<CapturedPacket> inner;
  int esp = 0;
  while (auto p = reader->next())
    if (esp_payload(*p)) {
      ++esp;
      if (auto i = opener.open(*p)) inner.push_back(*i);
    }
  EXPECT_EQ(esp, 2);  // not the IKE, not the keepalive
  ASSERT_EQ(inner.size(), 1u);
  EXPECT_EQ(inner[0].frame, 2u);
  EXPECT_EQ(inner[0].src.to_string(), "10.231.0.1:1701");
  EXPECT_EQ(inner[0].dst.to_string(), "10.231.0.2:1701");
  EXPECT_EQ(inner[0].payload, sccrq());
  ASSERT_EQ(opener.by_spi().size(), 2u);
  EXPECT_EQ(opener.by_spi().at(0xc1a0b002).no_sa, 1u);
  EXPECT_NE(
      opener.explain().find("SPI 0xc1a0b002 192.168.231.1 -> 192.168.231.2: 1 packet(s), 0 decrypted, 1 "
                            "without an SA"),
      std::string::npos)
      << opener.explain();

  EspOpener both({tunnel_sa, transport_sa});
  auto again = PcapReader::open(file.path(), {}, true);
  std::vector<CapturedPacket> opened;
  while (auto p = again->next())
    if (esp_payload(*p))
      if (auto i = both.open(*p)) opened.push_back(*i);
  ASSERT_EQ(opened.size(), 2u);
  EXPECT_EQ(opened[1].src.to_string(), "192.168.231.1:1701");  // transport mode: the outer addresses
  EXPECT_EQ(opened[1].payload, sccrq());
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

TEST(DecodeEsp, SaysTheL2tpIsEncryptedThenDecryptsItAsTsharkDoes) {
  const EspSa tunnel_sa = sa_of(kCbcLine);
  EspSa transport_sa =
      sa_of(R"("IPv4","192.168.231.1","192.168.231.2","0xc1a0b002","AES-GCM with 16 octet ICV )"
            R"([RFC4106]","0x000102030405060708090a0b0c0d0e0fa0a1a2a3","NULL","")");
  TempFile pcap("esp.pcap"), sas("esp.esp_sa");
  write_file(pcap.path(), l2tp_over_ipsec_capture(tunnel_sa, transport_sa));
  const std::string file_text =
      "# keys of the test capture\n" + to_esp_sa_line(tunnel_sa) + "\n" + to_esp_sa_line(transport_sa) + "\n";
  write_file(sas.path(), as_bytes(file_text));
  const std::string decode = std::string("'") + L2TPSIM_BINARY + "' decode " + pcap.path();

  const auto clear = run_command(decode);
  EXPECT_EQ(clear.status, 0);
  EXPECT_NE(clear.out.find("  packets 0 "), std::string::npos) << clear.out;
  EXPECT_NE(clear.out.find("ESP: 2 ESP packet(s) (SPI 0xc1a0b001, 0xc1a0b002): the L2TP inside is encrypted; "
                           "give --esp-sa to decrypt"),
            std::string::npos)
      << clear.out;

  // One SA on the command line, the other from a file: both L2TP messages decoded and checked.
  const auto opened = run_command(decode + " --esp-sa " + shell_quote(to_esp_sa_line(tunnel_sa)) +
                                  " --esp-sa " + sas.path() + " --json");
  ASSERT_EQ(opened.status, 0) << opened.out;
  const auto lines = lines_of(opened.out);
  ASSERT_EQ(lines.size(), 3u) << opened.out;
  std::vector<int> frames;
  for (std::size_t i = 0; i < 2; ++i) {
    const auto rec = nlohmann::json::parse(lines[i]);
    frames.push_back(rec["frame"].get<int>());
    EXPECT_NE(rec.dump().find("SCCRQ"), std::string::npos) << rec.dump();
  }
  EXPECT_EQ(frames, (std::vector<int>{2, 3}));
  const auto summary = nlohmann::json::parse(lines[2]);
  EXPECT_EQ(summary["summary"]["packets"], 2) << summary.dump();
  EXPECT_EQ(summary["summary"]["violations"], 0) << summary.dump();
  EXPECT_EQ(summary["esp"]["decrypted"], 2);

  // A wrong key: said, per SPI.
  EspSa wrong = tunnel_sa;
  wrong.auth_key[3] ^= 0x10;
  const auto refused = run_command(decode + " --esp-sa " + shell_quote(to_esp_sa_line(wrong)));
  EXPECT_NE(refused.out.find("1 failed the ICV check (wrong key?)"), std::string::npos) << refused.out;
  EXPECT_NE(refused.out.find("ICV does not verify: the authentication key is wrong"), std::string::npos);
  const auto bad_option = run_command(decode + " --esp-sa '\"IPv4\",\"*\"' 2>&1");
  EXPECT_NE(bad_option.status, 0);

  // tshark, given the same records, decrypts the same two frames to L2TP.
  if (!have_tshark()) return;
  std::string uat;
  for (const auto& sa : {tunnel_sa, transport_sa})
    uat += " -o " + shell_quote("uat:esp_sa:" + to_esp_sa_line(sa));
  const auto tshark =
      run_command("tshark -r " + pcap.path() +
                  " -o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE" + uat +
                  " -Y l2tp -T fields -e frame.number -e l2tp.avp.message_type");
  EXPECT_EQ(lines_of(tshark.out), (std::vector<std::string>{"2\t1", "3\t1"})) << tshark.out;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::capture
