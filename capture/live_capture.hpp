// A live capture to a pcap file (libpcap on the "any" device of this process's network namespace,
// a BPF filter, its own thread), for `--pcap-outer`: what went over the wire outside the L2TP,
// IKE and ESP, which charon sends and receives itself, so l2tpsim's sockets never see it. Started
// before the first IKE packet, stopped (after a short drain) at the end. Needs CAP_NET_RAW, as
// charon does.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "engine/util/result.hpp"

struct pcap;
struct pcap_dumper;

namespace l2tp::capture {

class LiveCapture {
 public:
  struct Stats {
    std::uint64_t written = 0;  // packets written to the file
    std::uint64_t dropped = 0;  // the kernel's buffer overflowed (pcap_stats ps_drop)
  };

  // Errors name the device, the filter or the file and what libpcap said.
  static Result<std::unique_ptr<LiveCapture>, std::string> start(const std::string& path,
                                                                 const std::string& filter,
                                                                 const std::string& device = "any");
  ~LiveCapture();
  LiveCapture(const LiveCapture&) = delete;
  LiveCapture& operator=(const LiveCapture&) = delete;

  // Drains what the kernel still holds, stops the thread and closes the file; idempotent.
  Stats stop();

 private:
  LiveCapture() = default;
  void run();

  pcap* pcap_ = nullptr;
  pcap_dumper* dumper_ = nullptr;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> written_{0};
  Stats final_;
  bool stopped_ = false;
};

}  // namespace l2tp::capture
