// Cross-checks our codec against Wireshark's L2TP dissector. One pcap holds every sample control
// message (plain, then with hidden AVPs), a ZLB, and data messages with every combination of the
// L, S, O and P header bits carrying PPP frames with and without the FF03 address/control field.
// tshark and our decoder (PcapReader + reports::analyse) read it back and must agree packet by
// packet; tshark must find nothing malformed and raise no expert info.
//
// tshark is required: a missing tshark fails the test (the project never skips).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "capture/packet.hpp"
#include "capture/pcap_reader.hpp"
#include "capture/pcap_writer.hpp"
#include "engine/util/bytes.hpp"
#include "engine/util/rng.hpp"
#include "engine/wire/header.hpp"
#include "engine/wire/message.hpp"
#include "reports/packet_record.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/sample_messages.hpp"

namespace l2tp {
namespace L2TPSIM_FILE_ID {

using testing::lines_of;
using testing::split;

// --- running tshark -------------------------------------------------------------------------

// A directory of its own under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "l2tpsim-tshark-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  bool ok() const { return !path_.empty(); }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// One frame as `tshark -T fields -E occurrence=a -E aggregator=,` prints it: each field is the
// list of its occurrences.
using TsharkRow = std::map<std::string, std::vector<std::string>>;

// The fields this test reads. The names are tshark 4.0's: `l2tp.type` is the T bit (not the
// message type), the Message Type AVP's value is `l2tp.avp.message_type`.
const std::vector<std::string> kFields = {
    "frame.number",  "l2tp.type",       "l2tp.length_bit",    "l2tp.seq_bit",          "l2tp.offset_bit",
    "l2tp.priority", "l2tp.version",    "l2tp.length",        "l2tp.tunnel",           "l2tp.session",
    "l2tp.Ns",       "l2tp.Nr",         "l2tp.offset",        "l2tp.avp.message_type", "l2tp.avp.vendor_id",
    "l2tp.avp.type", "l2tp.avp.length", "l2tp.avp.mandatory", "l2tp.avp.hidden",       "ppp.address",
    "ppp.protocol",  "ppp.code"};

std::string tshark_fields_command(const std::string& pcap) {
  std::string cmd = "tshark -n -r '" + pcap + "' -T fields -E separator=/t -E occurrence=a -E aggregator=,";
  for (const auto& f : kFields) cmd += " -e " + f;
  return cmd;
}

// Parses tshark's field output into one row per frame, keyed by frame number.
std::map<std::uint64_t, TsharkRow> parse_fields(const std::string& out) {
  std::map<std::uint64_t, TsharkRow> rows;
  for (const auto& line : lines_of(out)) {
    const auto cols = split(line, '\t');
    TsharkRow row;
    for (std::size_t i = 0; i < kFields.size() && i < cols.size(); ++i)
      row[kFields[i]] = cols[i].empty() ? std::vector<std::string>{} : split(cols[i], ',');
    if (row["frame.number"].size() != 1) continue;
    rows[std::stoull(row["frame.number"][0])] = std::move(row);
  }
  return rows;
}

// Integer fields: decimal, or 0x-prefixed hex for BASE_HEX fields such as ppp.protocol. Booleans
// print as 1/0 (or True/False in some versions).
unsigned long to_number(const std::string& s) {
  if (s == "True") return 1;
  if (s == "False") return 0;
  return std::stoul(s, nullptr, 0);
}

std::vector<unsigned long> numbers(const TsharkRow& row, const std::string& field) {
  std::vector<unsigned long> out;
  auto it = row.find(field);
  if (it == row.end()) return out;
  for (const auto& s : it->second) out.push_back(to_number(s));
  return out;
}

std::optional<unsigned long> number(const TsharkRow& row, const std::string& field) {
  const auto all = numbers(row, field);
  if (all.empty()) return std::nullopt;
  return all.front();
}

template <typename T>
std::optional<unsigned long> widen(const std::optional<T>& v) {
  if (!v) return std::nullopt;
  return static_cast<unsigned long>(*v);
}

// Collects the fields on which tshark and we disagree, for one frame.
class Diffs {
 public:
  template <typename A, typename B>
  void same(const std::string& field, const A& theirs, const B& ours) {
    if (theirs == ours) return;
    text_ += "\n    " + field + ": tshark/expected " + show(theirs) + ", ours " + show(ours);
  }
  bool empty() const { return text_.empty(); }
  const std::string& text() const { return text_; }

 private:
  static std::string show(const std::string& s) { return "\"" + s + "\""; }
  static std::string show(bool b) { return b ? "true" : "false"; }
  static std::string show(std::size_t v) { return std::to_string(v); }
  static std::string show(const std::optional<unsigned long>& v) { return v ? std::to_string(*v) : "absent"; }
  static std::string show(const std::vector<unsigned long>& v) {
    std::string s = "[";
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
    return s + "]";
  }
  std::string text_;
};

std::optional<unsigned long> flag(bool b) {
  return b ? 1ul : 0ul;
}

// --- building the capture -------------------------------------------------------------------

// What one frame of the capture holds, for failure messages.
struct Written {
  std::string what;
  bool control = false;
};

capture::Endpoint v4_endpoint(std::uint8_t last) {
  return {capture::IpAddress::v4(127, 0, 0, last), 1701};
}

capture::Endpoint v6_loopback() {
  capture::Endpoint e;
  e.addr.v6 = true;
  e.addr.bytes[15] = 1;  // ::1
  e.port = 1701;
  return e;
}

std::uint16_t internet_checksum(Bytes b) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < b.size(); i += 2) sum += static_cast<std::uint32_t>((b[i] << 8) | b[i + 1]);
  if (b.size() % 2) sum += static_cast<std::uint32_t>(b.back() << 8);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

// A 64-octet IPv4 packet (ICMP Echo Request, 36 octets of data) with correct checksums.
Buffer ipv4_packet() {
  Buffer ip = {0x45, 0x00, 0x00, 0x40, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01,
               0x00, 0x00, 10,   0,    0,    1,    10,   0,    0,    2};
  Buffer icmp = {0x08, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x07};
  for (std::uint8_t i = 0; i < 36; ++i) icmp.push_back(static_cast<std::uint8_t>('a' + i % 26));
  const std::uint16_t icmp_sum = internet_checksum(icmp);
  icmp[2] = static_cast<std::uint8_t>(icmp_sum >> 8);
  icmp[3] = static_cast<std::uint8_t>(icmp_sum);
  const std::uint16_t ip_sum = internet_checksum(ip);
  ip[10] = static_cast<std::uint8_t>(ip_sum >> 8);
  ip[11] = static_cast<std::uint8_t>(ip_sum);
  ip.insert(ip.end(), icmp.begin(), icmp.end());
  return ip;
}

struct PppFrame {
  std::string name;
  Buffer bytes;  // without FF03
};

std::vector<PppFrame> ppp_frames() {
  Buffer ip = {0x00, 0x21};
  const Buffer packet = ipv4_packet();
  ip.insert(ip.end(), packet.begin(), packet.end());
  return {
      {"LCP Echo-Request", {0xC0, 0x21, 0x09, 0x11, 0x00, 0x08, 0x12, 0x34, 0x56, 0x78}},
      {"IPCP Configure-Request", {0x80, 0x21, 0x01, 0x22, 0x00, 0x0A, 0x03, 0x06, 0x0A, 0x00, 0x00, 0x01}},
      {"IPv4 ICMP Echo", ip},
  };
}

// Writes the capture and returns what each frame (1-based, in order) holds.
std::vector<Written> write_capture(const std::string& path) {
  auto writer = capture::PcapWriter::open(path);
  EXPECT_TRUE(writer.has_value()) << (writer ? "" : writer.error());
  if (!writer) return {};
  std::vector<Written> written;
  std::int64_t t = 1'700'000'000'000'000'000;
  const auto lac = v4_endpoint(1), lns = v4_endpoint(2), v6 = v6_loopback();
  auto put = [&](Bytes payload, std::string what, bool control) {
    // Every fifth frame goes over IPv6; the rest alternate direction over IPv4.
    const std::size_t i = written.size();
    if (i % 5 == 4)
      writer->write(t, v6, v6, payload);
    else if (i % 2 == 0)
      writer->write(t, lac, lns, payload);
    else
      writer->write(t, lns, lac, payload);
    t += 1'000'000;
    written.push_back({std::move(what), control});
  };

  Buffer buf;
  for (const bool hidden : {false, true}) {
    SeededRng rng(2661);
    wire::EncodeOptions opt;
    opt.secret = as_bytes(testing::kTestSecret);
    opt.rng = &rng;
    opt.hidden_padding = 5;
    for (const auto& m : testing::sample_messages(hidden)) {
      buf.clear();
      const auto ok = wire::encode_control(m, opt, buf);
      EXPECT_TRUE(ok.has_value()) << "encode " << to_string(*m.known_type());
      put(buf, std::string(to_string(*m.known_type())) + (hidden ? " (hidden AVPs)" : ""), true);
    }
  }
  buf.clear();
  EXPECT_TRUE(wire::encode_control(wire::make_zlb(TunnelId{4711}, Seq{14}, Seq{7}), {}, buf).has_value());
  put(buf, "ZLB", true);

  // Data messages: L, S, P each on or off; O off, or on with Offset Size 0 or 3.
  std::uint16_t seq = 100;
  for (int flags = 0; flags < 8; ++flags) {
    for (const int offset : {-1, 0, 3}) {
      for (const auto& frame : ppp_frames()) {
        for (const bool address_control : {true, false}) {
          wire::Header h;
          h.has_length = flags & 1;
          h.has_sequence = flags & 2;
          h.priority = flags & 4;
          h.has_offset = offset >= 0;
          h.offset_size = static_cast<std::uint16_t>(offset >= 0 ? offset : 0);
          h.tunnel = TunnelId{4711};
          h.session = SessionId{static_cast<std::uint16_t>(33 + flags)};
          h.ns = Seq{seq};
          h.nr = Seq{static_cast<std::uint16_t>(seq / 3)};
          ++seq;
          Buffer ppp;
          if (address_control) ppp = {0xFF, 0x03};
          ppp.insert(ppp.end(), frame.bytes.begin(), frame.bytes.end());
          buf.clear();
          EXPECT_TRUE(wire::encode_data(h, ppp, buf).has_value());
          std::string what = "data [";
          what += h.has_length ? "L" : "-";
          what += h.has_sequence ? "S" : "-";
          what += h.has_offset ? "O" + std::to_string(offset) : "-";
          what += h.priority ? "P" : "-";
          what += "] " + frame.name + (address_control ? " with FF03" : " without FF03");
          put(buf, what, false);
        }
      }
    }
  }
  writer->flush();
  EXPECT_EQ(writer->stats().written, written.size());
  return written;
}

// Our own reading of the capture, one record per frame.
std::map<std::uint64_t, reports::PacketRecord> decode_ours(const std::string& path) {
  std::map<std::uint64_t, reports::PacketRecord> out;
  auto reader = capture::PcapReader::open(path);
  EXPECT_TRUE(reader.has_value()) << (reader ? "" : reader.error());
  if (!reader) return out;
  while (auto pkt = reader->next()) {
    reports::PacketInput in;
    in.frame = pkt->frame;
    in.time_ns = pkt->time_ns;
    in.src = pkt->src.to_string();
    in.dst = pkt->dst.to_string();
    in.src_addr = pkt->src.addr.to_string();
    in.dst_addr = pkt->dst.addr.to_string();
    in.payload = pkt->payload;
    in.truncated = pkt->truncated;
    in.l2tpv3_ip = pkt->transport == capture::Transport::L2tpv3Ip;
    out[pkt->frame] = reports::analyse(in, as_bytes(testing::kTestSecret));
  }
  EXPECT_TRUE(reader->error().empty()) << reader->error();
  return out;
}

// --- the test -------------------------------------------------------------------------------

class TsharkCrosscheck : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::have_tool("tshark"))
        << "tshark is not installed, but this test cross-checks our decoder with it. "
           "Install it (apt-get install tshark); the test never skips.";
    ASSERT_TRUE(dir_.ok()) << "cannot create a temporary directory";
    pcap_ = dir_.file("crosscheck.pcap");
    written_ = write_capture(pcap_);
    ASSERT_FALSE(written_.empty());
    // To look at the capture in Wireshark: L2TPSIM_KEEP_PCAP=/some/file.pcap interop_tests
    if (const char* keep = std::getenv("L2TPSIM_KEEP_PCAP")) {
      std::error_code ec;
      std::filesystem::copy_file(pcap_, keep, std::filesystem::copy_options::overwrite_existing, ec);
      EXPECT_FALSE(ec) << "cannot copy the capture to " << keep << ": " << ec.message();
    }
  }

  testing::CommandOutput tshark(const std::string& args) {
    return testing::run_capturing("tshark -n -r '" + pcap_ + "' " + args);
  }

  TempDir dir_;
  std::string pcap_;
  std::vector<Written> written_;
};

TEST_F(TsharkCrosscheck, EveryFieldAgreesPacketByPacket) {
  const auto out = testing::run_capturing(tshark_fields_command(pcap_));
  ASSERT_EQ(out.status, 0) << "tshark failed: " << out.err;
  const auto theirs = parse_fields(out.out);
  const auto ours = decode_ours(pcap_);
  ASSERT_EQ(theirs.size(), written_.size());
  ASSERT_EQ(ours.size(), written_.size());

  std::size_t agree = 0;
  for (std::size_t i = 0; i < written_.size(); ++i) {
    const std::uint64_t frame = i + 1;
    ASSERT_TRUE(theirs.count(frame)) << "tshark has no frame " << frame;
    ASSERT_TRUE(ours.count(frame)) << "we have no frame " << frame;
    const TsharkRow& t = theirs.at(frame);
    const reports::PacketRecord& r = ours.at(frame);
    Diffs d;

    // Our own decode: the message we wrote, valid, nothing to complain about.
    d.same("kind", std::string(to_string(r.kind)), std::string("L2TPv2"));
    d.same("decode error", r.error.value_or(""), std::string());
    d.same("violations", r.violations.size(), std::size_t{0});
    d.same("control (as written)", r.control, written_[i].control);

    d.same("l2tp.version", number(t, "l2tp.version"), widen(std::optional<int>(2)));
    d.same("l2tp.type", number(t, "l2tp.type"), flag(r.control));
    d.same("l2tp.length_bit", number(t, "l2tp.length_bit"), flag(r.flag_l));
    d.same("l2tp.seq_bit", number(t, "l2tp.seq_bit"), flag(r.flag_s));
    d.same("l2tp.offset_bit", number(t, "l2tp.offset_bit"), flag(r.flag_o));
    d.same("l2tp.priority", number(t, "l2tp.priority"), flag(r.flag_p));
    d.same("l2tp.length", number(t, "l2tp.length"), widen(r.length));
    d.same("l2tp.tunnel", number(t, "l2tp.tunnel"), widen(std::optional(r.tunnel)));
    d.same("l2tp.session", number(t, "l2tp.session"), widen(std::optional(r.session)));
    d.same("l2tp.Ns", number(t, "l2tp.Ns"), widen(r.ns));
    d.same("l2tp.Nr", number(t, "l2tp.Nr"), widen(r.nr));
    d.same("l2tp.offset", number(t, "l2tp.offset"), widen(r.offset_size));

    if (r.control) {
      d.same("l2tp.avp.message_type", number(t, "l2tp.avp.message_type"), widen(r.msg_type));
      // tshark 4.0 cannot reveal hidden AVPs (its shared-secret preference is for L2TPv3
      // digests): for an AVP with the H bit it adds M, H and Length but no Vendor ID or Attribute
      // Type field (the tree label still names the type). So vendor and type lists compare the
      // AVPs without H; M, H and Length compare every AVP, position by position.
      std::vector<unsigned long> vendors, types, lengths, mandatory, hidden;
      for (const auto& a : r.avps) {
        if (!a.h) {
          vendors.push_back(a.vendor);
          types.push_back(a.type);
        }
        lengths.push_back(a.length);
        mandatory.push_back(a.m);
        hidden.push_back(a.h);
        if (a.h) d.same("hidden state of " + a.name, a.hidden, std::string("revealed"));
      }
      d.same("l2tp.avp.vendor_id", numbers(t, "l2tp.avp.vendor_id"), vendors);
      d.same("l2tp.avp.type", numbers(t, "l2tp.avp.type"), types);
      d.same("l2tp.avp.length", numbers(t, "l2tp.avp.length"), lengths);
      d.same("l2tp.avp.mandatory", numbers(t, "l2tp.avp.mandatory"), mandatory);
      d.same("l2tp.avp.hidden", numbers(t, "l2tp.avp.hidden"), hidden);
      d.same("ppp.protocol", numbers(t, "ppp.protocol"), std::vector<unsigned long>{});
    } else {
      d.same("ppp summary valid", r.ppp && r.ppp->valid, true);
      d.same("l2tp.avp.type", numbers(t, "l2tp.avp.type"), std::vector<unsigned long>{});
      if (r.ppp) {
        d.same("ppp.protocol", number(t, "ppp.protocol"), widen(std::optional(r.ppp->protocol)));
        d.same("ppp.address present", number(t, "ppp.address").has_value(), r.ppp->address_control);
        d.same("ppp.code", number(t, "ppp.code"), widen(r.ppp->code));
      }
    }
    if (d.empty())
      ++agree;
    else
      ADD_FAILURE() << "frame " << frame << " (" << written_[i].what << "):" << d.text();
  }
  std::cout << "tshark crosscheck: " << agree << "/" << written_.size() << " packets agree\n";
  RecordProperty("packets", static_cast<int>(written_.size()));
  RecordProperty("agree", static_cast<int>(agree));
  EXPECT_EQ(agree, written_.size());
}

TEST_F(TsharkCrosscheck, NothingMalformed) {
  const auto out = tshark("-V");
  ASSERT_EQ(out.status, 0) << "tshark failed: " << out.err;
  ASSERT_FALSE(out.out.empty());
  std::vector<std::string> malformed;
  for (const auto& line : lines_of(out.out))
    if (line.find("Malformed") != std::string::npos) malformed.push_back(line);
  EXPECT_TRUE(malformed.empty()) << malformed.size() << " lines, first: " << malformed.front();
}

TEST_F(TsharkCrosscheck, NoExpertInfo) {
  const auto out = tshark(
      "-Y _ws.expert -T fields -E separator=/t -E occurrence=a -E aggregator=/s -e frame.number "
      "-e _ws.expert.severity -e _ws.expert.group -e _ws.expert.message");
  ASSERT_EQ(out.status, 0) << "tshark failed: " << out.err;
  const auto lines = lines_of(out.out);
  std::string shown;
  for (const auto& line : lines) {
    const auto frame = std::stoull(split(line, '\t')[0]);
    shown +=
        "\n  " + line + "   <- " + (frame >= 1 && frame <= written_.size() ? written_[frame - 1].what : "?");
  }
  EXPECT_TRUE(lines.empty()) << lines.size() << " frames with expert info:" << shown;
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
