// A Runner on the network in real time (peers/run_host.hpp): a boost::asio::io_context, one
// socket Shard (peers/udp_transport.hpp) and the runner's timers and signals on it. `l2tpsim
// lac` and `lns`, and each shard of a run with --threads.
#pragma once

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "peers/run_host.hpp"

namespace l2tp::peers {

class AsioRunHost final : public RunHost {
 public:
  AsioRunHost(const NodeConfig& cfg, std::uint64_t seed, Duration batch_interval);
  ~AsioRunHost() override;

  Time now() const override { return SteadyTime::now(); }
  void post(std::function<void()> f) override;
  void arm(Timer timer, Time at, std::function<void()> f) override;
  void cancel(Timer timer) override { timers_[static_cast<std::size_t>(timer)].cancel(); }
  void on_signal(std::function<void(int)> f) override;
  void run() override { io_.run(); }
  void settle(const std::function<bool()>& pending, Duration limit) override;
  bool virtual_time() const override { return false; }
  boost::asio::io_context& io() override { return io_; }
  Shard* sockets() override { return &shard_; }

  Result<net::Endpoint, std::string> bind(const net::Endpoint& local, bool reuse_port) override {
    return shard_.bind(local, reuse_port);
  }
  const std::vector<net::Endpoint>& local_endpoints() const override { return shard_.local_endpoints(); }
  void set_filter(DatagramFilter* filter) override { shard_.set_filter(filter); }
  bool has_filter() const override { return shard_.has_filter(); }
  void set_pcap(capture::PcapWriter writer) override { shard_.set_pcap(std::move(writer)); }
  const capture::PcapWriter* pcap() const override { return shard_.pcap(); }
  void set_tap(WireTap* tap) override { shard_.set_tap(tap); }
  void on_event(EventHook hook) override { shard_.on_event(std::move(hook)); }
  void set_ppp(std::unique_ptr<PppLayer> ppp) override { shard_.set_ppp(std::move(ppp)); }
  PppLayer* ppp() override { return shard_.ppp(); }
  void act(const std::function<void(Node&, Time)>& f) override { shard_.act(f); }
  void set_deadline(std::optional<Time> at) override { shard_.set_deadline(at); }
  void on_deadline(std::function<void(Node&, Time)> hook) override { shard_.on_deadline(std::move(hook)); }
  Time align(Time t) const override { return shard_.align(t); }
  Node& node() override { return shard_.node(); }
  const Node& node() const override { return shard_.node(); }
  const TransportStats& stats() const override { return shard_.stats(); }
  std::size_t half_open() const override { return shard_.half_open(); }
  void stop() override;
  bool stopped() const override { return shard_.stopped(); }

 private:
  boost::asio::io_context io_;
  Shard shard_;
  boost::asio::signal_set signals_;
  bool signals_added_ = false;
  std::array<boost::asio::steady_timer, 4> timers_;
};

}  // namespace l2tp::peers
