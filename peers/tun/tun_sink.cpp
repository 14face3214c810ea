#include "peers/tun/tun_sink.hpp"

#include <linux/if.h>

#include <ostream>
#include <string_view>

namespace l2tp::peers {

namespace {

constexpr std::string_view kPlaceholders[] = {"{n}", "{tunnel}", "{session}"};

std::string session_text(LinkKey key) {
  return "session " + std::to_string(key.tunnel) + "/" + std::to_string(key.session);
}

}  // namespace

std::string expand_tun_name(const std::string& pattern, std::uint64_t n, LinkKey key) {
  return expand_user(pattern, n, key.tunnel, key.session);
}

bool tun_pattern_has_placeholder(const std::string& pattern) {
  for (auto p : kPlaceholders)
    if (pattern.find(p) != std::string::npos) return true;
  return false;
}

Result<void, std::string> check_tun_pattern(const std::string& pattern) {
  if (pattern.empty()) return unexpected(std::string("the interface name must not be empty"));
  // The shortest name the pattern can give: each placeholder is at least one digit.
  std::string shortest;
  for (std::size_t i = 0; i < pattern.size();) {
    bool placeholder = false;
    for (auto p : kPlaceholders) {
      if (pattern.compare(i, p.size(), p) == 0) {
        shortest += '1';
        i += p.size();
        placeholder = true;
        break;
      }
    }
    if (!placeholder) shortest += pattern[i++];
  }
  if (shortest.find_first_of("{}") != std::string::npos)
    return unexpected("'" + pattern + "': the placeholders are {n}, {tunnel} and {session}");
  // '%d' would make the kernel pick the number; {n} says which link it is.
  if (shortest.find_first_of("%/: \t\n") != std::string::npos)
    return unexpected("'" + pattern + "': an interface name cannot contain '%', '/', ':' or white space");
  if (shortest == "." || shortest == "..") return unexpected("'" + pattern + "' is not an interface name");
  if (shortest.size() >= IFNAMSIZ)
    return unexpected("'" + pattern + "' gives names longer than " + std::to_string(IFNAMSIZ - 1) +
                      " characters, the kernel's limit");
  return {};
}

TunSink::TunSink(boost::asio::io_context& io, std::string pattern, Deliver deliver, std::ostream& err,
                 std::string prefix)
    : io_(io),
      pattern_(std::move(pattern)),
      fixed_name_(!tun_pattern_has_placeholder(pattern_)),
      deliver_(std::move(deliver)),
      err_(err),
      prefix_(std::move(prefix)) {}

TunSink::~TunSink() {
  // A read in progress holds its device until its handler runs; closing now makes the
  // interfaces go at once and turns that read into a no-op.
  for (auto& [k, dev] : devices_) dev->close();
}

void TunSink::link_up(LinkKey key, const ppp::LinkUp& up) {
  const std::uint64_t n = ++links_up_;
  if (!up.ipv4) {
    err_ << prefix_ << "--tun: " << session_text(key)
         << ": IPCP was not negotiated, so there is no IPv4 address for an interface\n";
    return;
  }
  if (fixed_name_ && !devices_.empty()) {
    if (!told_fixed_)
      err_ << prefix_ << "--tun " << pattern_ << ": the interface is taken by one session at a time; "
           << "use {n} in the name to give every session its own\n";
    told_fixed_ = true;
    return;
  }
  const std::string name = expand_tun_name(pattern_, n, key);
  auto fail = [&](const std::string& why) {
    err_ << prefix_ << "--tun: " << session_text(key) << ": " << why
         << "; the session goes on without an interface\n";
  };
  auto dev = TunDevice::open(io_, name);
  if (!dev) return fail(dev.error());
  if (auto r = (*dev)->configure(up.local_ip, up.peer_ip, up.mtu); !r) {
    (*dev)->close();
    return fail(r.error());
  }
  (*dev)->start([this, key](Bytes packet) { deliver_(key, packet); });
  err_ << prefix_ << session_text(key) << " on " << (*dev)->name() << ": " << up.local_ip.to_string()
       << " peer " << up.peer_ip.to_string() << ", mtu " << up.mtu << "\n";
  devices_[key.value()] = std::move(*dev);
}

void TunSink::packet(LinkKey key, Bytes ip_packet) {
  if (auto it = devices_.find(key.value()); it != devices_.end()) it->second->write(ip_packet);
}

void TunSink::link_down(LinkKey key) {
  auto it = devices_.find(key.value());
  if (it == devices_.end()) return;
  it->second->close();
  devices_.erase(it);
}

const TunDevice* TunSink::device(LinkKey key) const {
  auto it = devices_.find(key.value());
  return it == devices_.end() ? nullptr : it->second.get();
}

}  // namespace l2tp::peers
