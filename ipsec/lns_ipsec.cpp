#include "ipsec/lns_ipsec.hpp"

#include <ostream>

#include "ipsec/traffic_selector.hpp"
#include "ipsec/vici_requests.hpp"

namespace l2tp::ipsec {

namespace {
constexpr std::chrono::milliseconds kLnsRequestTimeout{5000};
}  // namespace

Result<std::unique_ptr<LnsIpsec>, std::string> LnsIpsec::start(const IpsecSettings& s,
                                                               const std::vector<net::Endpoint>& listen,
                                                               std::ostream& err) {
  std::unique_ptr<LnsIpsec> self(new LnsIpsec());
  auto charon = CharonProcess::start(s.charon_path, s.mode == IpsecMode::Tunnel);
  if (!charon) return unexpected("cannot start charon: " + charon.error());
  self->charon_ = std::move(charon).value();
  auto client = ViciClient::connect(self->charon_->vici_socket());
  if (!client) return unexpected(client.error());
  self->client_ = std::move(client).value();
  auto shared = self->client_->call("load-shared", load_shared_request(s.secret), kLnsRequestTimeout);
  if (!shared) return unexpected(shared.error());
  if (auto f = failure_of(*shared); !f.empty()) return unexpected("charon refused the pre-shared key: " + f);
  const ConnSpec conn = lns_conn(s, listen);
  auto loaded = self->client_->call("load-conn", load_conn_request(conn, s), kLnsRequestTimeout);
  if (!loaded) return unexpected(loaded.error());
  if (auto f = failure_of(*loaded); !f.empty())
    return unexpected("charon refused the responder connection: " + f);
  err << "l2tpsim lns: IPsec responder (" << to_string(s.mode)
      << " mode, IKEv1 PSK, use-ipsec=" << to_string(s.use) << "), charon PID " << self->charon_->pid()
      << "\n"
      << std::flush;
  return self;
}

std::vector<std::vector<std::string>> LnsIpsec::installed_remote_selectors() {
  std::vector<std::vector<std::string>> out;
  auto r = client_->call_streamed(
      "list-sas", {}, "list-sa",
      [&](const ViciPacket& ev) {
        for (const auto& ike : ev.message.entries) {
          if (ike.kind != ViciEntry::Kind::Section) continue;
          const auto* children = ike.section.section("child-sas");
          if (!children) continue;
          for (const auto& child : children->entries) {
            if (child.kind != ViciEntry::Kind::Section || child.section.value_or("state", "") != "INSTALLED")
              continue;
            if (const auto* ts = child.section.list("remote-ts")) out.push_back(*ts);
          }
        }
      },
      kLnsRequestTimeout);
  (void)r;  // no answer: no SA known, so nothing is admitted
  return out;
}

bool LnsIpsec::admits(const net::IpAddress& source) {
  std::lock_guard lock(mutex_);
  auto covered = [&] {
    for (const auto& p : snapshot_)
      if (p.covers(source)) return true;
    return false;
  };
  const auto now = std::chrono::steady_clock::now();
  // A snapshot older than kMaxAge is not trusted even for a hit (the SA may be gone).
  if (now - taken_ < kMaxAge && covered()) return true;
  if (now - taken_ < kRefresh) return false;
  taken_ = now;
  snapshot_.clear();
  for (const auto& selectors : installed_remote_selectors())
    for (const auto& ts : selectors)
      if (auto p = selector_prefix(ts)) snapshot_.push_back(*p);
  return covered();
}

std::size_t LnsIpsec::installed_child_sas() {
  return installed_remote_selectors().size();
}

void LnsIpsec::close(std::ostream& err) {
  if (!charon_) return;
  err << "l2tpsim lns: IPsec: charon (PID " << charon_->pid() << ") stopped\n";
  client_.reset();
  charon_->stop();
  charon_.reset();
}

}  // namespace l2tp::ipsec
