// A pcap as l2tpsim's own decoder sees it (`l2tpsim decode --json`, itself cross-checked
// against tshark), and tshark's verdict that nothing in it is malformed: what interop tests
// judge a run by.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace l2tp::testing {

struct WireMessage {
  std::string src, dst;  // "addr:port"
  std::string name;      // "SCCRQ", ..., "ZLB", "data"
  nlohmann::json j;      // the whole decoded packet
};

// Decodes `pcap` with the l2tpsim binary at `binary`; `port` (if non-zero) is the UDP port
// carrying L2TP besides 1701. Adds a test failure if the decoder fails or a packet is
// undecodable.
std::vector<WireMessage> decode_pcap(const std::string& binary, const std::string& pcap, int port = 0,
                                     const std::string& secret = "");

// Adds test failures unless tshark dissects `pcap` with no malformed packet and no expert info.
void expect_clean_in_tshark(const std::string& pcap, int port = 0);
// For a replay that played captured IP packets inside its calls: as expect_clean_in_tshark, but
// frames carrying an inner IP packet keep their applications' own expert notes (TCP analysis,
// HTTP chat: the captured packets' payloads have them in the capture too); every IPv4, TCP,
// UDP and ICMP checksum in them must verify instead.
void expect_clean_in_tshark_replayed(const std::string& pcap, int port = 0);

// For captures with injected faults (a conformance run): the frames tshark finds malformed or
// flags with expert info must all come from `tester` (an IP address), i.e. be ones we broke on
// purpose; everything the device sent must dissect cleanly. Returns the flagged frames.
std::string expect_only_tester_frames_flagged(const std::string& pcap, int port, const std::string& tester);

}  // namespace l2tp::testing
