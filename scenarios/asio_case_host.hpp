// A case in real time: the tester is a peers::Shard (UDP sockets, Boost.Asio) against a device
// on the network; shell steps run as child processes. See case_host.hpp.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <vector>

#include "peers/udp_transport.hpp"
#include "scenarios/case_host.hpp"
#include "scenarios/case_runner.hpp"

namespace l2tp::scenario {

class AsioCaseHost final : public CaseHost {
 public:
  explicit AsioCaseHost(const CaseEnv& env);
  ~AsioCaseHost() override;

  Time now() const override;
  void post(std::function<void()> f) override;
  void arm(Timer timer, Time at, std::function<void()> f) override;
  void cancel(Timer timer) override;
  void run() override { io_.run(); }
  // With the shard stopped and the timers cancelled, io_.run() returns; a foreground command
  // still running is not waited for (the destructor ends it).
  void finish() override {
    finished_ = true;
    shell_timer_.cancel();
  }

  std::optional<std::string> start_tester(const TesterSetup& setup,
                                          std::vector<net::Endpoint>& local) override;
  void stop_tester() override;
  void act(const std::function<void(Node&, Time)>& f) override { shard_->act(f); }
  const Node& node() const override { return shard_->node(); }
  void inject(const net::Endpoint& from, const net::Endpoint& to, Bytes bytes) override {
    shard_->inject(from, to, bytes);
  }
  std::unique_ptr<Authorizer> make_authorizer(const peers::RunnerConfig& cfg, Rng& rng,
                                              std::string&) override {
    return cfg.make_authorizer(io_, rng);
  }

  std::optional<std::string> cannot_run(const Shell&) const override { return std::nullopt; }
  void start_shell(const Shell& sh, std::function<void(std::string)> finished) override;

 private:
  boost::asio::steady_timer& timer(Timer t) { return t == Timer::Step ? step_timer_ : poll_timer_; }
  // Waits for the foreground command: exited, or killed at its timeout.
  void watch_shell();
  void retire(std::unique_ptr<peers::Shard> shard);

  const CaseEnv& env_;
  boost::asio::io_context io_;
  std::unique_ptr<peers::Shard> shard_;
  // What restarts replaced, and ports given back: stopped, kept until the end (their cancelled
  // handlers still run).
  std::vector<std::unique_ptr<peers::Shard>> old_shards_;
  boost::asio::steady_timer step_timer_, poll_timer_, shell_timer_;
  pid_t shell_pid_ = -1;
  Time shell_deadline_{};
  std::function<void(std::string)> shell_finished_;
  std::vector<pid_t> background_;
  bool finished_ = false;
};

}  // namespace l2tp::scenario
