// libFuzzer target for ESP in captures (capture/esp_*): Wireshark esp_sa records, ESP packets
// opened under fixed SAs of every cipher (the input as a captured ESP packet, in IP and in UDP
// 4500), and the input sealed under an SA and opened again (so the fuzzer reaches what lies
// behind a valid ICV: the trailer and the inner packet, which goes through FrameDecoder and
// EspOpener like a capture's). Invariants: what was sealed opens to the same octets; one changed
// octet never opens. Any broken invariant traps, so libFuzzer records the input.
//
// Seeds: tests/fuzz/esp_corpus. Run: tests/fuzz/run_fuzz.sh BUILD_DIR SECONDS esp_fuzz.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "capture/esp_decrypt.hpp"
#include "capture/esp_opener.hpp"
#include "capture/esp_sa_file.hpp"

#define L2TP_FUZZ_CHECK(cond)                                                               \
  do {                                                                                      \
    if (!(cond)) {                                                                          \
      std::fprintf(stderr, "esp_fuzz: invariant broken at line %d: %s\n", __LINE__, #cond); \
      __builtin_trap();                                                                     \
    }                                                                                       \
  } while (0)

namespace {

using namespace l2tp::capture;

const std::vector<EspSa>& fixed_sas() {
  static const std::vector<EspSa> sas = [] {
    std::vector<EspSa> out;
    for (
        const char* line : {
            R"("IPv4","*","*","*","AES-CBC [RFC3602]","0x000102030405060708090a0b0c0d0e0f",)"
            R"("HMAC-SHA-1-96 [RFC2404]","0x0102030405060708090a0b0c0d0e0f1011121314")",
            R"("IPv4","*","*","*","AES-GCM with 16 octet ICV [RFC4106]",)"
            R"("0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1fa0a1a2a3","NULL","")",
            R"("IPv4","*","*","*","TripleDES-CBC [RFC2451]","0x0102030405060708090a0b0c0d0e0f101112131415161718",)"
            R"("HMAC-MD5-96 [RFC2403]","0x00112233")",
            R"("IPv4","*","*","*","NULL","","ANY 96 bit authentication [no checking]","")",
            R"("IPv4","*","*","*","AES-CBC [RFC3602]","0x000102030405060708090a0b0c0d0e0f",)"
            R"("ANY 128 bit authentication [no checking]","")",
        }) {
      auto sa = parse_esp_sa(line);
      L2TP_FUZZ_CHECK(sa.has_value());
      sa->spi = 0x1000 + static_cast<std::uint32_t>(out.size());
      out.push_back(*sa);
    }
    return out;
  }();
  return sas;
}

CapturedPacket packet(l2tp::Bytes payload, bool in_udp) {
  CapturedPacket p;
  p.frame = 1;
  p.transport = in_udp ? Transport::Udp : Transport::Esp;
  p.src = Endpoint{IpAddress::v4(192, 0, 2, 1), static_cast<std::uint16_t>(in_udp ? 4500 : 0)};
  p.dst = Endpoint{IpAddress::v4(192, 0, 2, 2), static_cast<std::uint16_t>(in_udp ? 4500 : 0)};
  p.payload.assign(payload.begin(), payload.end());
  p.wire_length = static_cast<std::uint32_t>(payload.size());
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const l2tp::Bytes in(data, size);
  const auto& sas = fixed_sas();

  // The input as an esp_sa record.
  (void)parse_esp_sa(std::string(reinterpret_cast<const char*>(data), size));

  // The input as a captured ESP packet, under every SA (a matching SPI or not).
  EspOpener opener(sas);
  for (const auto& sa : sas) (void)esp_decrypt(in, sa);
  for (bool udp : {false, true}) {
    auto inner = opener.open(packet(in, udp));
    if (inner) L2TP_FUZZ_CHECK(inner->transport == Transport::Udp);
  }

  // The input sealed (first octet: which SA and Next Header; the rest the payload) and opened.
  if (size < 1) return 0;
  const EspSa& sa = sas[data[0] % sas.size()];
  const std::uint8_t next = (data[0] & 0x80) ? kEspNextUdp : kEspNextIpv4;
  const l2tp::Bytes payload = in.subspan(1);
  const l2tp::Buffer iv(esp_iv_length(sa), 0x5a);
  auto sealed = esp_seal(sa, 7, iv, next, payload);
  L2TP_FUZZ_CHECK(sealed.has_value());
  auto opened = esp_decrypt(*sealed, sa);
  L2TP_FUZZ_CHECK(opened.has_value());
  L2TP_FUZZ_CHECK(opened->next_header == next);
  L2TP_FUZZ_CHECK(opened->payload.size() == payload.size());
  L2TP_FUZZ_CHECK(std::equal(payload.begin(), payload.end(), opened->payload.begin()));
  for (bool udp : {false, true}) {
    auto inner = opener.open(packet(*sealed, udp));
    if (inner) L2TP_FUZZ_CHECK(inner->transport == Transport::Udp && inner->frame == 1);
  }
  const bool checked = sa.auth != EspAuth::Unchecked96 && sa.auth != EspAuth::Unchecked128;
  if (checked) {
    l2tp::Buffer tampered = *sealed;
    tampered[size % tampered.size()] ^= 0x01;
    L2TP_FUZZ_CHECK(!esp_decrypt(tampered, sa).has_value());
  }
  (void)opener.explain();
  (void)opener.to_json().dump();
  return 0;
}
