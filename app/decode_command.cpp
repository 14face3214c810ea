// l2tpsim decode: every L2TP packet of a capture, decoded, checked and summarised.
#include <boost/program_options.hpp>
#include <iostream>
#include <set>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "app/file_command_line.hpp"
#include "capture/esp_opener.hpp"
#include "capture/pcap_reader.hpp"
#include "reports/decode_summary.hpp"
#include "reports/packet_record.hpp"

namespace po = boost::program_options;

namespace l2tpsim::app {
namespace {

constexpr const char* kDecodeHelp =
    "usage: l2tpsim decode FILE [options]\n"
    "\n"
    "Reads a pcap or pcapng file (Ethernet, VLAN, PPPoE, Linux cooked v1/v2, raw IP, loopback;\n"
    "IPv4 and IPv6, IP fragments reassembled) and prints every L2TP packet: frame number, time,\n"
    "addresses, tunnel and session IDs, Ns/Nr, message type and AVPs (hidden AVPs revealed when\n"
    "--secret is given), PPP protocol and code for data messages; then the RFC 2661 rules each\n"
    "packet breaks, by requirement ID; then a summary. L2TPv3 (UDP or IP protocol 115) and L2F\n"
    "packets are recognised and reported as such. ESP (IP protocol 50, or in UDP 4500) is counted per\n"
    "SPI; with --esp-sa it is decrypted and the L2TP inside decoded like any other.\n"
    "\n"
    "options";

}  // namespace

int run_decode(int argc, char** argv) {
  std::string file, secret;
  std::vector<unsigned> ports;
  std::vector<std::string> esp_sa_values;
  bool json = false, brief = false, fail_on_violation = false;
  po::options_description opts(kDecodeHelp);
  opts.add_options()("help,h", "show this help")(
      "secret", po::value(&secret), "tunnel shared secret, to reveal hidden AVPs (RFC 2661 4.3)")(
      "port", po::value(&ports)->composing(), "UDP port carrying L2TP (repeatable; default 1701)")(
      "json", po::bool_switch(&json), "print one JSON object per L2TP packet, then a summary object")(
      "brief", po::bool_switch(&brief), "one line per packet, without AVPs")(
      "fail-on-violation", po::bool_switch(&fail_on_violation), "exit 1 if any rule is broken")(
      "esp-sa", po::value(&esp_sa_values)->composing()->value_name("RECORD|FILE"),
      "an ESP SA to decrypt L2TP/IPsec with, in Wireshark's esp_sa format: "
      "'\"IPv4\",\"SRC\",\"DST\",\"0xSPI\",\"AES-CBC [RFC3602]\",\"0xKEY\",\"HMAC-SHA-1-96 "
      "[RFC2404]\",\"0xKEY\"' "
      "(\"*\" for any address or SPI; AES-CBC, 3DES-CBC, AES-GCM, NULL; HMAC-SHA-1/256/384/512, HMAC-MD5), "
      "or a file of such lines (Wireshark's esp_sa file); repeatable. The ICV is checked; tunnel and "
      "transport mode, ESP in IP or in UDP 4500");
  po::variables_map vm;
  if (const auto stop = parse_file_command("decode", opts, argc, argv, file, vm)) return *stop;
  std::set<std::uint16_t> port_set;
  for (unsigned p : ports) {
    if (p == 0 || p > 65535) {
      std::cerr << "l2tpsim decode: --port " << p << " is not a UDP port (1-65535)\n";
      return 2;
    }
    port_set.insert(static_cast<std::uint16_t>(p));
  }
  if (port_set.empty()) port_set.insert(1701);

  std::vector<l2tp::capture::EspSa> sas;
  for (const auto& v : esp_sa_values) {
    auto loaded = l2tp::capture::load_esp_sas(v);
    if (!loaded) {
      std::cerr << "l2tpsim decode: --esp-sa: " << loaded.error() << "\n";
      return 2;
    }
    sas.insert(sas.end(), loaded->begin(), loaded->end());
  }
  l2tp::capture::EspOpener esp(std::move(sas));

  auto reader = l2tp::capture::PcapReader::open(file, {}, /*yield_esp=*/true);
  if (!reader) {
    std::cerr << "l2tpsim decode: " << reader.error() << "\n";
    return 2;
  }
  std::optional<l2tp::Bytes> key;
  if (vm.count("secret")) key = l2tp::as_bytes(secret);

  l2tp::reports::DecodeSummary summary;
  std::optional<std::int64_t> t0;
  while (auto pkt = reader->next()) {
    if (l2tp::capture::esp_payload(*pkt)) {
      auto inner = esp.open(*pkt);  // the L2TP inside, when an --esp-sa opens it
      if (!inner) {
        summary.add_skipped();
        continue;
      }
      pkt = std::move(inner);
    }
    const bool v3ip = pkt->transport == l2tp::capture::Transport::L2tpv3Ip;
    if (!v3ip && !port_set.count(pkt->src.port) && !port_set.count(pkt->dst.port)) {
      summary.add_skipped();
      continue;
    }
    if (!t0) t0 = pkt->time_ns;
    l2tp::reports::PacketInput in;
    in.frame = pkt->frame;
    in.time_ns = pkt->time_ns;
    in.src = pkt->src.to_string();
    in.dst = pkt->dst.to_string();
    in.src_addr = pkt->src.addr.to_string();
    in.dst_addr = pkt->dst.addr.to_string();
    in.payload = pkt->payload;
    in.truncated = pkt->truncated;
    in.l2tpv3_ip = v3ip;
    const auto rec = l2tp::reports::analyse(in, key);
    summary.add(rec);
    if (json)
      std::cout << l2tp::reports::to_json(rec).dump() << "\n";
    else
      std::cout << l2tp::reports::to_text(rec, *t0, !brief);
  }
  if (!reader->error().empty()) std::cerr << "l2tpsim decode: " << reader->error() << "\n";
  if (json) {
    auto j = summary.to_json();
    if (esp.packets() > 0) j["esp"] = esp.to_json();
    std::cout << j.dump() << "\n";
  } else {
    std::cout << summary.to_text() << esp.explain();
  }
  if (!reader->error().empty()) return 2;
  return fail_on_violation && summary.violation_count() > 0 ? 1 : 0;
}

}  // namespace l2tpsim::app
