#include "ipsec/lac_ipsec.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <ostream>
#include <thread>

#include "ipsec/charon_reason.hpp"
#include "ipsec/vici_client.hpp"
#include "ipsec/vici_requests.hpp"

namespace l2tp::ipsec {

namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kInitiateTimeout{30000};
constexpr std::chrono::milliseconds kLacRequestTimeout{10000};

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// Runs fn(i) for i in [0, n) on up to `threads` threads, each with its own VICI connection.
template <typename Fn>
void parallel(std::size_t n, unsigned threads, const std::string& socket, Fn fn) {
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    auto client = ViciClient::connect(socket);
    for (std::size_t i; (i = next++) < n;)
      fn(i, client ? client->get() : nullptr, client ? "" : client.error());
  };
  std::vector<std::thread> pool;
  const unsigned k = static_cast<unsigned>(std::min<std::size_t>(threads, n));
  for (unsigned t = 1; t < k; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

}  // namespace

Result<std::unique_ptr<LacIpsec>, std::string> LacIpsec::establish(const IpsecSettings& s,
                                                                   const std::vector<net::Endpoint>& sources,
                                                                   const net::Endpoint& lns,
                                                                   std::ostream& err) {
  std::unique_ptr<LacIpsec> self(new LacIpsec());
  self->settings_ = s;
  self->peer_ = (s.peer ? *s.peer : lns.addr).to_string();
  const auto started = Clock::now();
  auto charon = CharonProcess::start(s.charon_path, s.mode == IpsecMode::Tunnel);
  if (!charon) return unexpected("cannot start charon: " + charon.error());
  self->charon_ = std::move(charon).value();
  auto client = ViciClient::connect(self->charon_->vici_socket());
  if (!client) return unexpected(client.error());
  auto shared = (*client)->call("load-shared", load_shared_request(s.secret), kLacRequestTimeout);
  if (!shared) return unexpected(shared.error());
  if (auto f = failure_of(*shared); !f.empty()) return unexpected("charon refused the pre-shared key: " + f);
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const ConnSpec conn = lac_conn(s, i, sources[i], lns);
    auto loaded = (*client)->call("load-conn", load_conn_request(conn, s), kLacRequestTimeout);
    if (!loaded) return unexpected(loaded.error());
    if (auto f = failure_of(*loaded); !f.empty())
      return unexpected("charon refused connection " + conn.name + ": " + f);
    self->outcomes_.push_back(SourceOutcome{sources[i], conn.name, false, 0, ""});
  }
  err << "l2tpsim lac: IPsec (" << to_string(s.mode) << " mode, IKEv1 PSK) to " << self->peer_ << " for "
      << sources.size() << " source address(es), charon PID " << self->charon_->pid() << "\n"
      << std::flush;

  std::mutex log_mutex;
  parallel(self->outcomes_.size(), kParallel, self->charon_->vici_socket(),
           [&](std::size_t i, ViciClient* c, const std::string& connect_error) {
             SourceOutcome& o = self->outcomes_[i];
             const auto t0 = Clock::now();
             if (!c) {
               o.reason = connect_error;
               return;
             }
             std::vector<std::string> log;
             auto r = c->call_streamed(
                 "initiate", initiate_request(o.conn, kInitiateTimeout), "control-log",
                 [&](const ViciPacket& ev) {
                   if (ev.message.value_or("ikesa-name", o.conn) != o.conn) return;
                   if (const auto* m = ev.message.value("msg")) log.push_back(*m);
                 },
                 kInitiateTimeout + std::chrono::seconds(5));
             o.setup_ms = ms_since(t0);
             if (!r) {
               o.reason = r.error();
             } else if (auto f = failure_of(*r); !f.empty()) {
               o.reason = failure_reason(f, log, self->peer_);
             } else {
               o.up = true;
             }
             if (!o.up) {
               std::lock_guard lock(log_mutex);
               err << "l2tpsim lac: IPsec from " << o.source.addr.to_string() << " failed: " << o.reason
                   << "\n";
             }
           });
  self->phase_ms_ = ms_since(started);
  const auto up = std::count_if(self->outcomes_.begin(), self->outcomes_.end(), [](auto& o) { return o.up; });
  err << "l2tpsim lac: IPsec: " << up << " of " << self->outcomes_.size() << " CHILD SA(s) up in "
      << static_cast<long>(self->phase_ms_) << " ms\n"
      << std::flush;
  return self;
}

std::vector<std::pair<net::IpAddress, std::string>> LacIpsec::failures() const {
  std::vector<std::pair<net::IpAddress, std::string>> out;
  for (const auto& o : outcomes_)
    if (!o.up) out.emplace_back(o.source.addr, o.reason);
  return out;
}

nlohmann::json LacIpsec::report() const {
  std::vector<double> times;
  nlohmann::json failures = nlohmann::json::array(), sas = nlohmann::json::array();
  std::size_t up = 0;
  for (const auto& o : outcomes_) {
    if (o.up) {
      ++up;
      times.push_back(o.setup_ms);
    } else if (failures.size() < 1000) {
      failures.push_back({{"source", o.source.addr.to_string()}, {"phase", "ipsec"}, {"reason", o.reason}});
    }
    if (sas.size() < 1000)
      sas.push_back({{"source", o.source.addr.to_string()}, {"up", o.up}, {"setup_ms", o.setup_ms}});
  }
  std::sort(times.begin(), times.end());
  auto pct = [&](double q) {
    if (times.empty()) return 0.0;
    return times[std::min(times.size() - 1, static_cast<std::size_t>(q * static_cast<double>(times.size())))];
  };
  return {{"use_ipsec", "yes"},
          {"mode", to_string(settings_.mode)},
          {"ike_peer", peer_},
          {"ike_proposals", settings_.ike_proposals},
          {"esp_proposals", settings_.esp_proposals},
          {"sas_requested", outcomes_.size()},
          {"sas_up", up},
          {"sas_failed", outcomes_.size() - up},
          {"phase_ms", phase_ms_},
          {"setup_latency_ms",
           {{"count", times.size()},
            {"p50", pct(0.5)},
            {"p90", pct(0.9)},
            {"p99", pct(0.99)},
            {"max", times.empty() ? 0.0 : times.back()}}},
          {"failures", failures},
          {"sas", sas}};
}

void LacIpsec::close(std::ostream& err) {
  if (closed_) return;
  closed_ = true;
  std::atomic<std::size_t> deleted{0};
  parallel(outcomes_.size(), kParallel, charon_->vici_socket(),
           [&](std::size_t i, ViciClient* c, const std::string&) {
             if (!c) return;  // a failed CHILD SA may leave its IKE SA up: terminate every connection
             auto r =
                 c->call("terminate", terminate_request(outcomes_[i].conn, std::chrono::milliseconds(3000)),
                         std::chrono::milliseconds(5000));
             if (r && failure_of(*r).empty()) ++deleted;
           });
  err << "l2tpsim lac: IPsec: " << deleted.load() << " IKE SA(s) deleted; charon (PID " << charon_->pid()
      << ") stopped\n";
  charon_->stop();
}

}  // namespace l2tp::ipsec
