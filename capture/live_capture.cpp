#include "capture/live_capture.hpp"

#include <pcap/pcap.h>
#include <poll.h>

#include <chrono>

namespace l2tp::capture {

namespace {

void on_packet(u_char* user, const pcap_pkthdr* h, const u_char* bytes) {
  auto* self = reinterpret_cast<std::pair<pcap_dumper_t*, std::atomic<std::uint64_t>*>*>(user);
  pcap_dump(reinterpret_cast<u_char*>(self->first), h, bytes);
  ++*self->second;
}

}  // namespace

Result<std::unique_ptr<LiveCapture>, std::string> LiveCapture::start(const std::string& path,
                                                                     const std::string& filter,
                                                                     const std::string& device) {
  std::unique_ptr<LiveCapture> c(new LiveCapture());
  char err[PCAP_ERRBUF_SIZE] = {};
  c->pcap_ = pcap_create(device.c_str(), err);
  if (!c->pcap_) return unexpected("cannot capture on " + device + ": " + err);
  pcap_set_snaplen(c->pcap_, 65535);
  pcap_set_timeout(c->pcap_, 100);          // the thread looks at stopping_ at least every 100 ms
  pcap_set_immediate_mode(c->pcap_, 1);     // IKE packets are few: do not hold them in the buffer
  pcap_set_buffer_size(c->pcap_, 8 << 20);  // a burst of ESP from many SAs
  if (const int rc = pcap_activate(c->pcap_); rc < 0)
    return unexpected("cannot capture on " + device + ": " + pcap_geterr(c->pcap_) +
                      (rc == PCAP_ERROR_PERM_DENIED ? " (needs root or CAP_NET_RAW)" : ""));
  bpf_program program{};
  if (pcap_compile(c->pcap_, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
    return unexpected("capture filter '" + filter + "': " + pcap_geterr(c->pcap_));
  const int set = pcap_setfilter(c->pcap_, &program);
  pcap_freecode(&program);
  if (set != 0) return unexpected("capture filter '" + filter + "': " + pcap_geterr(c->pcap_));
  if (pcap_setnonblock(c->pcap_, 1, err) != 0) return unexpected("cannot capture on " + device + ": " + err);
  c->dumper_ = pcap_dump_open(c->pcap_, path.c_str());
  if (!c->dumper_) return unexpected("cannot write " + path + ": " + pcap_geterr(c->pcap_));
  c->thread_ = std::thread([self = c.get()] { self->run(); });
  return c;
}

void LiveCapture::run() {
  std::pair<pcap_dumper_t*, std::atomic<std::uint64_t>*> user{dumper_, &written_};
  // Non-blocking, woken by poll() at least every 50 ms: a blocking pcap_dispatch on "any" in
  // immediate mode waits for the next packet however long, and after the last DELETE none comes.
  pollfd fd{pcap_get_selectable_fd(pcap_), POLLIN, 0};
  while (!stopping_.load()) {
    if (fd.fd >= 0) ::poll(&fd, 1, 50);
    if (pcap_dispatch(pcap_, -1, on_packet, reinterpret_cast<u_char*>(&user)) < 0) break;
  }
  pcap_dispatch(pcap_, -1, on_packet, reinterpret_cast<u_char*>(&user));  // what came before stop()
}

LiveCapture::Stats LiveCapture::stop() {
  if (stopped_) return final_;
  stopped_ = true;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the last DELETE's way out and back
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  pcap_stat ps{};
  if (pcap_ && pcap_stats(pcap_, &ps) == 0) final_.dropped = ps.ps_drop;
  final_.written = written_.load();
  if (dumper_) pcap_dump_close(dumper_);
  dumper_ = nullptr;
  return final_;
}

LiveCapture::~LiveCapture() {
  stop();
  if (pcap_) pcap_close(pcap_);
}

}  // namespace l2tp::capture
