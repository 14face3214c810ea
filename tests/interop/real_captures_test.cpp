// Our decoder against tshark on the public captures in tests/data/captures (see its README.md).
// `l2tpsim decode --json` runs as a separate process, so a crash shows up as a failed exit status
// rather than taking the test binary down. For every frame tshark decodes as L2TPv2, the T bit,
// tunnel, session, Ns, Nr and message type must agree (and, where present, the AVP vendor, type
// and length lists and the PPP protocol and code). Agreement figures are printed and recorded as
// test properties.
//
// tshark is required: a missing tshark fails the test (the project never skips).
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

#ifndef L2TPSIM_TEST_DATA_DIR
#error "L2TPSIM_TEST_DATA_DIR must be defined (the tests/data directory)"
#endif
#ifndef L2TPSIM_BINARY
#error "L2TPSIM_BINARY must be defined (the path of the l2tpsim executable)"
#endif

namespace l2tp {
namespace L2TPSIM_FILE_ID {

using testing::lines_of;
using testing::split;

using nlohmann::json;

// --- running commands -----------------------------------------------------------------------

std::string capture_path(const std::string& name) {
  return std::string(L2TPSIM_TEST_DATA_DIR) + "/captures/" + name;
}

// --- tshark's view --------------------------------------------------------------------------

// tshark 4.0 field names: `l2tp.type` is the T bit; the Message Type AVP's value is
// `l2tp.avp.message_type`; PAP and CHAP carry their code in their own fields.
const std::vector<std::string> kFields = {"frame.number",
                                          "frame.protocols",
                                          "l2tp.version",
                                          "l2tp.type",
                                          "l2tp.tunnel",
                                          "l2tp.session",
                                          "l2tp.Ns",
                                          "l2tp.Nr",
                                          "l2tp.avp.message_type",
                                          "l2tp.avp.vendor_id",
                                          "l2tp.avp.type",
                                          "l2tp.avp.length",
                                          "l2tp.avp.hidden",
                                          "ppp.protocol",
                                          "ppp.code",
                                          "pap.code",
                                          "chap.code",
                                          "ip.proto"};

using TsharkRow = std::map<std::string, std::vector<std::string>>;

struct TsharkResult {
  bool ok = false;
  std::string error;
  std::map<std::uint64_t, TsharkRow> rows;  // every frame, by frame number
};

TsharkResult run_tshark(const std::string& pcap) {
  std::string cmd = "tshark -n -r '" + pcap + "' -T fields -E separator=/t -E occurrence=a -E aggregator=,";
  for (const auto& f : kFields) cmd += " -e " + f;
  const auto out = testing::run_capturing(cmd);
  TsharkResult r;
  if (out.status != 0) {
    r.error = "tshark " + testing::describe_status(out.status) + ": " + out.err;
    return r;
  }
  for (const auto& line : lines_of(out.out)) {
    const auto cols = split(line, '\t');
    TsharkRow row;
    for (std::size_t i = 0; i < kFields.size() && i < cols.size(); ++i)
      row[kFields[i]] = cols[i].empty() ? std::vector<std::string>{} : split(cols[i], ',');
    if (row["frame.number"].size() != 1) continue;
    r.rows[std::stoull(row["frame.number"][0])] = std::move(row);
  }
  r.ok = true;
  return r;
}

std::vector<unsigned long> numbers(const TsharkRow& row, const std::string& field) {
  std::vector<unsigned long> out;
  auto it = row.find(field);
  if (it == row.end()) return out;
  for (const auto& s : it->second) {
    if (s == "True")
      out.push_back(1);
    else if (s == "False")
      out.push_back(0);
    else
      out.push_back(std::stoul(s, nullptr, 0));  // decimal, or 0x.. for BASE_HEX fields
  }
  return out;
}

std::optional<unsigned long> first(const TsharkRow& row, const std::string& field) {
  const auto all = numbers(row, field);
  if (all.empty()) return std::nullopt;
  return all.front();
}

// The PPP layer after L2TP is the last one (the PPPoE capture has PPP outside too).
std::optional<unsigned long> last(const TsharkRow& row, const std::string& field) {
  const auto all = numbers(row, field);
  if (all.empty()) return std::nullopt;
  return all.back();
}

bool has_protocol(const TsharkRow& row, const std::string& name) {
  const auto it = row.find("frame.protocols");
  if (it == row.end() || it->second.empty()) return false;
  for (const auto& p : split(it->second.front(), ':'))
    if (p == name) return true;
  return false;
}

bool has_l2tp(const TsharkRow& row) {
  return has_protocol(row, "l2tp");
}

// --- our view -------------------------------------------------------------------------------

struct OursResult {
  bool ok = false;
  std::string error;
  std::map<std::uint64_t, json> packets;  // by frame number
  json summary;
};

OursResult run_ours(const std::string& pcap) {
  const auto out =
      testing::run_capturing(std::string("'") + L2TPSIM_BINARY + "' decode '" + pcap + "' --json");
  OursResult r;
  // Exit 0, or 1 never (no --fail-on-violation); anything else is a crash or a refusal.
  if (out.status != 0) {
    r.error = "l2tpsim decode " + testing::describe_status(out.status) + ": " + out.err;
    return r;
  }
  for (const auto& line : lines_of(out.out)) {
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      r.error = "not JSON: " + line;
      return r;
    }
    if (j.contains("summary"))
      r.summary = j["summary"];
    else {
      const auto frame = j.at("frame").get<std::uint64_t>();
      r.packets[frame] = std::move(j);
    }
  }
  r.ok = !r.summary.is_null();
  if (!r.ok) r.error = "no summary line";
  return r;
}

std::optional<unsigned long> field(const json& j, const char* name) {
  if (!j.contains(name)) return std::nullopt;
  return j[name].get<unsigned long>();
}

std::string show(const std::optional<unsigned long>& v) {
  return v ? std::to_string(*v) : "absent";
}
std::string show(const std::vector<unsigned long>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
  return s + "]";
}

// --- comparing ------------------------------------------------------------------------------

struct Agreement {
  std::size_t tshark_v2 = 0;  // frames tshark decodes as L2TPv2
  std::size_t compared = 0;   // of those, frames we decoded as L2TPv2 too
  std::size_t agree = 0;      // of those, frames on which every compared field agrees
  std::string mismatches;     // one line per differing field
  std::set<std::uint64_t> tshark_l2tp_frames;
};

// Compares every frame tshark decodes as L2TPv2 and we decode as L2TPv2.
Agreement compare(const TsharkResult& theirs, const OursResult& ours) {
  Agreement a;
  for (const auto& row : theirs.rows) {
    const std::uint64_t frame = row.first;  // not a structured binding: the lambda below uses it
    const TsharkRow& t = row.second;
    if (has_l2tp(t)) a.tshark_l2tp_frames.insert(frame);
    if (first(t, "l2tp.version") != 2u) continue;
    ++a.tshark_v2;
    const auto it = ours.packets.find(frame);
    if (it == ours.packets.end()) {
      a.mismatches += "\n  frame " + std::to_string(frame) + ": tshark decodes L2TPv2, we report nothing";
      continue;
    }
    const json& o = it->second;
    if (o.value("kind", "") != "L2TPv2") continue;
    ++a.compared;
    std::string d;
    auto same = [&](const std::string& name, const auto& tv, const auto& ov) {
      if (tv != ov)
        d +=
            "\n  frame " + std::to_string(frame) + " " + name + ": tshark " + show(tv) + ", ours " + show(ov);
    };
    const bool control = o.value("control", false);
    same("l2tp.type", first(t, "l2tp.type"), std::optional<unsigned long>(control ? 1 : 0));
    same("l2tp.tunnel", first(t, "l2tp.tunnel"), field(o, "tunnel"));
    same("l2tp.session", first(t, "l2tp.session"), field(o, "session"));
    same("l2tp.Ns", first(t, "l2tp.Ns"), field(o, "ns"));
    same("l2tp.Nr", first(t, "l2tp.Nr"), field(o, "nr"));
    same("l2tp.avp.message_type", first(t, "l2tp.avp.message_type"), field(o, "msg_type"));
    if (control) {
      // tshark names no vendor or type for hidden AVPs (these captures have none).
      std::vector<unsigned long> vendors, types, lengths;
      for (const auto& avp : o.value("avps", json::array())) {
        if (!avp.value("h", false)) {
          vendors.push_back(avp.at("vendor").get<unsigned long>());
          types.push_back(avp.at("type").get<unsigned long>());
        }
        lengths.push_back(avp.at("length").get<unsigned long>());
      }
      same("l2tp.avp.vendor_id", numbers(t, "l2tp.avp.vendor_id"), vendors);
      same("l2tp.avp.type", numbers(t, "l2tp.avp.type"), types);
      same("l2tp.avp.length", numbers(t, "l2tp.avp.length"), lengths);
    } else {
      const json ppp = o.value("ppp", json::object());
      same("ppp.protocol", last(t, "ppp.protocol"), field(ppp, "protocol"));
      // The first code: an LCP Protocol-Reject carries the rejected packet, whose code tshark
      // dissects too (jnetpcap frame 74: LCP code 8 rejecting a CCP Configure-Request, code 1).
      std::optional<unsigned long> code = first(t, "ppp.code");
      if (!code) code = first(t, "pap.code");
      if (!code) code = first(t, "chap.code");
      same("ppp/pap/chap code", code, field(ppp, "code"));
    }
    if (d.empty()) ++a.agree;
    a.mismatches += d;
  }
  return a;
}

class RealCaptures : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::have_tool("tshark"))
        << "tshark is not installed, but this test cross-checks our decoder with it. "
           "Install it (apt-get install tshark); the test never skips.";
  }

  // Runs both decoders on one capture; fails the test if either does not complete.
  void decode_both(const std::string& file) {
    const std::string path = capture_path(file);
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    theirs_ = run_tshark(path);
    ASSERT_TRUE(theirs_.ok) << file << ": " << theirs_.error;
    ours_ = run_ours(path);
    ASSERT_TRUE(ours_.ok) << file << ": " << ours_.error;
    agreement_ = compare(theirs_, ours_);
  }

  void report(const std::string& name) {
    std::cout << name << ": " << agreement_.agree << "/" << agreement_.tshark_v2
              << " L2TPv2 packets agree with tshark (" << agreement_.compared << " decoded by both)\n";
    RecordProperty("tshark_l2tpv2", static_cast<int>(agreement_.tshark_v2));
    RecordProperty("compared", static_cast<int>(agreement_.compared));
    RecordProperty("agree", static_cast<int>(agreement_.agree));
  }

  // The frames we report are exactly those tshark puts an L2TP layer in.
  void expect_same_frames() {
    std::set<std::uint64_t> ours;
    for (const auto& [frame, j] : ours_.packets) ours.insert(frame);
    EXPECT_EQ(ours, agreement_.tshark_l2tp_frames);
  }

  // Every L2TPv2 frame decoded by both, and they agree on all of it.
  void expect_full_agreement(std::size_t expected_frames) {
    EXPECT_EQ(agreement_.tshark_v2, expected_frames);
    EXPECT_EQ(agreement_.compared, agreement_.tshark_v2);
    EXPECT_EQ(agreement_.agree, agreement_.compared) << agreement_.mismatches;
    EXPECT_TRUE(agreement_.mismatches.empty()) << agreement_.mismatches;
  }

  TsharkResult theirs_;
  OursResult ours_;
  Agreement agreement_;
};

TEST_F(RealCaptures, JnetpcapWindowsLacCiscoLnsAgrees) {
  ASSERT_NO_FATAL_FAILURE(decode_both("jnetpcap-legacy_test-l2tp.pcap"));
  report("jnetpcap");
  expect_same_frames();
  expect_full_agreement(168);
  EXPECT_EQ(
      ours_.summary.value("control", 0) + ours_.summary.value("data", 0) + ours_.summary.value("zlb", 0),
      168);
}

TEST_F(RealCaptures, PacketnetLcpEchoWithOffsetAndPriorityAgrees) {
  ASSERT_NO_FATAL_FAILURE(decode_both("packetnet_l2tp.pcap"));
  report("packetnet");
  expect_same_frames();
  expect_full_agreement(1);
}

TEST_F(RealCaptures, Xdp2L2tpInsidePppoeAgrees) {
  ASSERT_NO_FATAL_FAILURE(decode_both("xdp2_l7_l2tp.pcap"));
  report("xdp2_l7 (PPPoE)");
  expect_same_frames();
  expect_full_agreement(4);
}

// A fuzzed reproducer (CVE-2017-13006): every L2TP frame is cut far below its claimed length and
// has flags 0xF002 (T, L and reserved bits set, S clear). tshark decodes the header anyway
// (tunnel 560, session 2056, no Ns/Nr) and then the AVPs until the data ends. Our decode_header
// refuses a control message without the S bit (R007, a structural error), so we report these
// frames as "undecodable" with the error and, being truncated, no violations: there are no
// header fields decoded by both to compare. What both do see is the frame set, the T bit and
// the version.
TEST_F(RealCaptures, FuzzedTcpdumpCaptureIsSurvivedAndMarkedTruncated) {
  ASSERT_NO_FATAL_FAILURE(decode_both("tcpdump_l2tp-avp-overflow.pcap"));
  report("tcpdump avp-overflow");
  expect_same_frames();
  EXPECT_EQ(agreement_.tshark_v2, 16u);
  EXPECT_EQ(ours_.packets.size(), 16u);
  EXPECT_EQ(agreement_.agree, agreement_.compared) << agreement_.mismatches;
  std::size_t same_t_and_version = 0;
  for (const auto& [frame, o] : ours_.packets) {
    SCOPED_TRACE("frame " + std::to_string(frame) + ": " + o.dump());
    EXPECT_TRUE(o.value("truncated", false));
    EXPECT_TRUE(o.value("violations", json::array()).empty()) << "truncation is not the peer's fault";
    const TsharkRow& t = theirs_.rows.at(frame);
    const bool same =
        first(t, "l2tp.version") == field(o, "version") &&
        first(t, "l2tp.type") == std::optional<unsigned long>(o.value("control", false) ? 1 : 0);
    EXPECT_TRUE(same) << "tshark: version " << show(first(t, "l2tp.version")) << " T "
                      << show(first(t, "l2tp.type"));
    same_t_and_version += same;
    if (o.value("kind", "") != "L2TPv2") {
      EXPECT_TRUE(o.contains("error")) << "undecodable without an error";
    }
  }
  std::cout << "tcpdump avp-overflow: T bit and version agree on " << same_t_and_version << "/"
            << ours_.packets.size() << "; header fields decoded by both: " << agreement_.compared << "\n";
  RecordProperty("t_and_version_agree", static_cast<int>(same_t_and_version));
}

// L2TPv3 over IP (protocol 115): recognised as L2TPv3, never decoded as v2.
TEST_F(RealCaptures, Xdp2L2tpv3OverIpIsReportedAsL2tpv3) {
  ASSERT_NO_FATAL_FAILURE(decode_both("xdp2_l2tp.pcap"));
  expect_same_frames();
  EXPECT_EQ(agreement_.tshark_v2, 0u);
  std::size_t tshark_v3_ip = 0;
  for (const auto& [frame, t] : theirs_.rows) tshark_v3_ip += has_l2tp(t) && first(t, "ip.proto") != 17u;
  std::size_t v3 = 0;
  for (const auto& [frame, o] : ours_.packets) {
    EXPECT_EQ(o.value("kind", ""), "L2TPv3") << "frame " << frame << ": " << o.dump();
    v3 += o.value("kind", "") == "L2TPv3";
  }
  EXPECT_EQ(v3, agreement_.tshark_l2tp_frames.size());
  EXPECT_EQ(v3, tshark_v3_ip) << "tshark's L2TP frames over IP protocol 115";
  EXPECT_EQ(v3, 25u);
  std::cout << "xdp2 L2TPv3/IP: " << v3 << "/" << agreement_.tshark_l2tp_frames.size()
            << " L2TP frames reported as L2TPv3\n";
  RecordProperty("l2tpv3", static_cast<int>(v3));
}

// L2TP/IPsec with NAT-T: ESP and IKE only, nothing either decoder can call L2TP.
TEST_F(RealCaptures, FlowcontainerIpsecHasNoL2tp) {
  ASSERT_NO_FATAL_FAILURE(decode_both("flowcontainer_l2tp.pcap"));
  EXPECT_TRUE(agreement_.tshark_l2tp_frames.empty());
  EXPECT_TRUE(ours_.packets.empty());
  EXPECT_EQ(ours_.summary.value("packets", -1), 0);
  std::size_t udp = 0;
  for (const auto& [frame, t] : theirs_.rows) udp += has_protocol(t, "udp");
  EXPECT_EQ(ours_.summary.value("skipped_non_l2tp", std::size_t{0}), udp) << "every UDP datagram is skipped";
  std::cout << "flowcontainer (IPsec): " << theirs_.rows.size() << " frames, " << udp << " UDP, "
            << ours_.packets.size() << " L2TP packets\n";
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp
