// Reads pcap and pcapng files (through libpcap) and yields the UDP datagrams and IP protocol 115
// packets in them, in file order, with Wireshark's frame numbers. See FrameDecoder for what is
// understood and ReaderStats for how everything else is counted.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "capture/frame_decoder.hpp"
#include "capture/packet.hpp"
#include "engine/util/result.hpp"

struct pcap;

namespace l2tp::capture {

class PcapReader {
 public:
  // Fails, naming the path and the reason, if the file cannot be opened, is neither pcap nor
  // pcapng, or has a link type FrameDecoder does not know.
  // yield_esp: ESP packets too (FrameDecoder), for `decode`'s ESP handling.
  static Result<PcapReader, std::string> open(const std::string& path, IpReassembler::Limits limits = {},
                                              bool yield_esp = false);

  PcapReader(PcapReader&&) noexcept = default;
  PcapReader& operator=(PcapReader&&) noexcept = default;
  PcapReader(const PcapReader&) = delete;
  PcapReader& operator=(const PcapReader&) = delete;
  ~PcapReader() = default;

  // The next UDP datagram or protocol-115 packet; std::nullopt at the end of the file or when a
  // damaged record stops reading (then error() says why).
  std::optional<CapturedPacket> next();

  const ReaderStats& stats() const { return decoder_.stats(); }
  int link_type() const { return decoder_.link_type(); }
  const std::string& error() const { return error_; }

 private:
  struct PcapCloser {
    void operator()(pcap* p) const;
  };

  PcapReader(std::unique_ptr<pcap, PcapCloser> handle, FrameDecoder decoder, std::string path)
      : pcap_(std::move(handle)), decoder_(std::move(decoder)), path_(std::move(path)) {}

  std::unique_ptr<pcap, PcapCloser> pcap_;
  FrameDecoder decoder_;
  std::string path_;
  std::string error_;
  std::uint64_t frame_ = 0;
  bool done_ = false;
};

}  // namespace l2tp::capture
