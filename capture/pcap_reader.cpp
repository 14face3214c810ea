#include "capture/pcap_reader.hpp"

#include <pcap/pcap.h>

namespace l2tp::capture {

void PcapReader::PcapCloser::operator()(pcap* p) const {
  pcap_close(p);
}

Result<PcapReader, std::string> PcapReader::open(const std::string& path, IpReassembler::Limits limits,
                                                 bool yield_esp) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<pcap, PcapCloser> handle(
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf));
  if (!handle) return unexpected("cannot read capture file '" + path + "': " + errbuf);
  const int link_type = pcap_datalink(handle.get());
  if (!link_type_supported(link_type)) {
    const char* name = pcap_datalink_val_to_name(link_type);
    return unexpected("cannot read capture file '" + path + "': unsupported link type " +
                      std::to_string(link_type) + (name ? std::string(" (") + name + ")" : std::string()));
  }
  return PcapReader(std::move(handle), FrameDecoder(link_type, limits, yield_esp), path);
}

std::optional<CapturedPacket> PcapReader::next() {
  while (!done_ && pcap_) {
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    const int rc = pcap_next_ex(pcap_.get(), &header, &data);
    if (rc != 1) {  // PCAP_ERROR_BREAK at the end; PCAP_ERROR for a damaged record
      if (rc != PCAP_ERROR_BREAK) error_ = "reading '" + path_ + "': " + pcap_geterr(pcap_.get());
      done_ = true;
      decoder_.finish();
      break;
    }
    ++frame_;
    // At nanosecond precision libpcap puts nanoseconds in tv_usec.
    const std::int64_t time_ns = static_cast<std::int64_t>(header->ts.tv_sec) * 1'000'000'000 +
                                 static_cast<std::int64_t>(header->ts.tv_usec);
    if (auto packet = decoder_.decode(frame_, time_ns, Bytes(data, header->caplen))) return packet;
  }
  return std::nullopt;
}

}  // namespace l2tp::capture
