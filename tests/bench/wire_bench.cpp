// Wire codec throughput: an ICRQ with 10 AVPs and a data message carrying a 64-octet PPP frame,
// decoded and encoded; plus the zero-copy path (decode_header + AvpReader) that routing uses.
// Encoders write into one reused Buffer, as the engine does, so the steady state measures the
// codec rather than the allocator.
//
//   build-rel/tests/benchmarks --benchmark_filter=Icrq
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/util/bytes.hpp"
#include "engine/wire/avp.hpp"
#include "engine/wire/header.hpp"
#include "engine/wire/message.hpp"

namespace l2tp {
namespace {

using wire::make_avp;

// ICRQ (RFC 2661 6.10): Message Type plus 9 AVPs: every one the message matrix allows, a Random
// Vector, and a non-mandatory vendor AVP a receiver must skip.
wire::ControlMessage icrq() {
  auto m = wire::make_control(MessageType::Icrq, TunnelId{4711}, SessionId{0});
  m.header.ns = Seq{3};
  m.header.nr = Seq{2};
  m.avps.push_back(make_avp(AvpType::RandomVector, avp::Octets{Buffer(16, 0x5C)}));
  m.avps.push_back(make_avp(AvpType::AssignedSessionId, std::uint16_t{19}));
  m.avps.push_back(make_avp(AvpType::CallSerialNumber, std::uint32_t{42}));
  m.avps.push_back(make_avp(AvpType::BearerType, std::uint32_t{1}));
  m.avps.push_back(make_avp(AvpType::PhysicalChannelId, std::uint32_t{3}));
  m.avps.push_back(make_avp(AvpType::CallingNumber, std::string("0123456789")));
  m.avps.push_back(make_avp(AvpType::CalledNumber, std::string("987654")));
  m.avps.push_back(make_avp(AvpType::SubAddress, std::string("5")));
  m.avps.push_back(wire::make_raw_avp(9, 1, false, Buffer{0x01, 0x02, 0x03, 0x04}));  // Cisco, ignorable
  return m;
}

Buffer encoded_icrq() {
  Buffer out;
  if (!wire::encode_control(icrq(), {}, out)) std::abort();
  return out;
}

// A data message with L and S set carrying a 64-octet PPP frame: FF 03 00 21 and a 60-octet
// IPv4 packet (UDP, 32 octets of payload).
wire::Header data_header() {
  wire::Header h;
  h.has_length = true;
  h.has_sequence = true;
  h.tunnel = TunnelId{4711};
  h.session = SessionId{33};
  h.ns = Seq{100};
  h.nr = Seq{0};
  return h;
}

Buffer ppp_frame() {
  Buffer f = {0xFF, 0x03, 0x00, 0x21,                                                  // PPP, IPv4
              0x45, 0x00, 0x00, 0x3C, 0x00, 0x01, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00,  // IPv4, 60 octets
              10,   0,    0,    1,    10,   0,    0,    2,                             //
              0x13, 0x88, 0x13, 0x89, 0x00, 0x28, 0x00, 0x00};                         // UDP, 40 octets
  while (f.size() < 64) f.push_back(static_cast<std::uint8_t>(f.size()));
  return f;
}

Buffer encoded_data() {
  Buffer out;
  if (!wire::encode_data(data_header(), ppp_frame(), out)) std::abort();
  return out;
}

void BM_DecodeIcrq(benchmark::State& state) {
  const Buffer dgram = encoded_icrq();
  for (auto _ : state) {
    auto m = wire::decode_control(dgram);
    if (!m || m->avps.size() != 10) state.SkipWithError("ICRQ did not decode");
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(dgram.size()));
}
BENCHMARK(BM_DecodeIcrq);

void BM_EncodeIcrq(benchmark::State& state) {
  const wire::ControlMessage m = icrq();
  Buffer out;
  out.reserve(256);
  for (auto _ : state) {
    out.clear();
    if (!wire::encode_control(m, {}, out)) state.SkipWithError("ICRQ did not encode");
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(out.size()));
}
BENCHMARK(BM_EncodeIcrq);

// What the endpoint does to route a datagram: header, then a walk over the AVPs without
// building an Avp (no allocation).
void BM_DecodeIcrqHeaderAndAvpsNoAlloc(benchmark::State& state) {
  const Buffer dgram = encoded_icrq();
  for (auto _ : state) {
    auto h = wire::decode_header(dgram);
    if (!h) {
      state.SkipWithError("header did not decode");
      break;
    }
    const std::size_t end = h->has_length ? h->length : dgram.size();
    wire::AvpReader reader(Bytes(dgram).subspan(h->header_size, end - h->header_size), h->header_size);
    std::uint32_t sum = 0;
    std::size_t count = 0;
    while (auto next = reader.next()) {
      if (!*next) {
        state.SkipWithError("AVP did not decode");
        break;
      }
      sum += (*next)->header.type + static_cast<std::uint32_t>((*next)->value.size());
      ++count;
    }
    if (count != 10) state.SkipWithError("expected 10 AVPs");
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(dgram.size()));
}
BENCHMARK(BM_DecodeIcrqHeaderAndAvpsNoAlloc);

void BM_DecodeData(benchmark::State& state) {
  const Buffer dgram = encoded_data();
  for (auto _ : state) {
    auto d = wire::decode_data(dgram);
    if (!d || d->ppp.size() != 64) state.SkipWithError("data message did not decode");
    benchmark::DoNotOptimize(d);
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(dgram.size()));
}
BENCHMARK(BM_DecodeData);

void BM_EncodeData(benchmark::State& state) {
  const wire::Header h = data_header();
  const Buffer ppp = ppp_frame();
  Buffer out;
  out.reserve(128);
  for (auto _ : state) {
    out.clear();
    if (!wire::encode_data(h, ppp, out)) state.SkipWithError("data message did not encode");
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(out.size()));
}
BENCHMARK(BM_EncodeData);

}  // namespace
}  // namespace l2tp
