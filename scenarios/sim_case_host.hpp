// A case in virtual time: the tester is a driver on the SimBench's net, against l2tpsim's own
// LAC or LNS on the same net. Its timers and posted work run between the net's steps (the one
// loop of virtual time, engine/sim/sim_loop), so the case acts at exactly its due times. Shell steps:
// ${trigger} makes the simulated LAC dial, and `true` (an action that does nothing, to open a new observation
// window) does nothing; any other command would need a real system, so a case with one is not applicable
// here. See case_host.hpp.
#pragma once

#include <memory>
#include <optional>

#include "engine/sim/sim_loop.hpp"
#include "scenarios/case_host.hpp"
#include "scenarios/sim_bench.hpp"

namespace l2tp::scenario {

class SimCaseHost final : public CaseHost {
 public:
  SimCaseHost(SimBench& bench, const CaseEnv& env);
  ~SimCaseHost() override;

  Time now() const override { return bench_.net().now(); }
  void post(std::function<void()> f) override { posted_.push(std::move(f)); }
  void arm(Timer timer, Time at, std::function<void()> f) override { slot(timer) = Armed{at, std::move(f)}; }
  void cancel(Timer timer) override { slot(timer).reset(); }
  void run() override;
  void finish() override { finished_ = true; }

  std::optional<std::string> start_tester(const TesterSetup& setup,
                                          std::vector<net::Endpoint>& local) override;
  void stop_tester() override;
  void act(const std::function<void(Node&, Time)>& f) override;
  const Node& node() const override { return driver_->node(); }
  void inject(const net::Endpoint& from, const net::Endpoint& to, Bytes bytes) override;
  std::unique_ptr<Authorizer> make_authorizer(const peers::RunnerConfig& cfg, Rng& rng,
                                              std::string& error) override;

  std::optional<std::string> cannot_run(const Shell& sh) const override;
  void start_shell(const Shell& sh, std::function<void(std::string)> finished) override;

 private:
  class Owner;
  struct Armed {
    Time at;
    std::function<void()> f;
  };
  std::optional<Armed>& slot(Timer t) { return t == Timer::Step ? step_ : poll_; }
  // The earliest of the case's timers, the DUT's deadline and a foreground trigger's timeout.
  std::optional<Time> next_own() const;
  // Runs what is due at now() of those.
  void fire_due();
  void tee(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes, Time at);

  SimBench& bench_;
  const CaseEnv& env_;
  boost::asio::io_context idle_io_;  // what an authorizer factory takes; nothing runs on it
  Driver* driver_ = nullptr;         // the tester's (the net owns it)
  sim::PostedWork posted_;
  std::optional<Armed> step_, poll_;
  // A trigger run in the foreground: done when the LAC's run ends, or at the shell's timeout.
  std::optional<Time> shell_deadline_;
  std::function<void(std::string)> shell_finished_;
  WireTap* tap_ = nullptr;
  std::uint64_t frames_ = 0;  // without a pcap: the frame numbers the tap sees
  bool finished_ = false;
};

}  // namespace l2tp::scenario
