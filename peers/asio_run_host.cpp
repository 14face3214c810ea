// A Runner on the network in real time. See asio_run_host.hpp.
#include "peers/asio_run_host.hpp"

#include <boost/asio/post.hpp>
#include <csignal>

namespace l2tp::peers {

AsioRunHost::AsioRunHost(const NodeConfig& cfg, std::uint64_t seed, Duration batch_interval)
    : shard_(io_, cfg, seed),
      signals_(io_),
      timers_{boost::asio::steady_timer(io_), boost::asio::steady_timer(io_), boost::asio::steady_timer(io_),
              boost::asio::steady_timer(io_)} {
  shard_.set_batch_interval(batch_interval);
}

AsioRunHost::~AsioRunHost() = default;

void AsioRunHost::post(std::function<void()> f) {
  boost::asio::post(io_, std::move(f));
}

void AsioRunHost::arm(Timer timer, Time at, std::function<void()> f) {
  auto& t = timers_[static_cast<std::size_t>(timer)];
  t.expires_at(SteadyTime::to_steady(at));
  t.async_wait([f = std::move(f)](const boost::system::error_code& ec) {
    if (!ec) f();
  });
}

void AsioRunHost::on_signal(std::function<void(int)> f) {
  if (!signals_added_) {  // only a standalone run's: a sharded run's main thread takes them
    signals_added_ = true;
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
  }
  signals_.async_wait([f = std::move(f)](const boost::system::error_code& e, int sig) {
    if (!e) f(sig);
  });
}

void AsioRunHost::settle(const std::function<bool()>& pending, Duration limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  io_.restart();
  while (pending() && io_.run_one_until(until)) {
  }
}

void AsioRunHost::stop() {
  boost::system::error_code ec;
  signals_.cancel(ec);
  for (auto& t : timers_) t.cancel();
  shard_.stop();
  io_.stop();
}

}  // namespace l2tp::peers
