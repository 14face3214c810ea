// The one loop of virtual time (engine/sim/sim_loop): posted work first, the net before an owner
// timer of the same instant, the owner acting after each step of the net, an end when nothing is
// scheduled, and SimStuck (not a spin) for a timer that keeps falling due at one instant.
#include "engine/sim/sim_loop.hpp"

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <string>
#include <vector>

#include "tests/support/sim_nodes.hpp"
#include "tests/support/test_endpoints.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

using namespace std::chrono_literals;

const Time kStart = Time(std::chrono::seconds(1'000));

// An owner with one timer and a posted queue, writing what it did into a log.
struct Owner : sim::LoopOwner {
  sim::SimNet& net;
  std::vector<std::string>& log;
  std::deque<std::function<void()>> posted;
  std::optional<Time> timer;
  std::function<void()> on_timer;
  std::function<bool()> until = [] { return false; };
  unsigned steps = 0, fired = 0;

  Owner(sim::SimNet& n, std::vector<std::string>& l) : net(n), log(l) {}
  bool done() const override { return until(); }
  bool run_posted() override {
    if (posted.empty()) return false;
    auto f = std::move(posted.front());
    posted.pop_front();
    f();
    return true;
  }
  std::optional<Time> next_own() const override { return timer; }
  void fire_due(Time now) override {
    if (!timer || *timer > now) return;
    timer.reset();
    // A timer that re-arms at once: only its first fire is logged.
    if (++fired == 1) log.push_back("timer at " + std::to_string((now - kStart) / 1ms) + " ms");
    if (on_timer) on_timer();
  }
  void stepped(Time) override { ++steps; }
};

struct Fixture {
  sim::SimNet net{7, sim::LinkConfig{}};
  std::vector<std::string> log;
  Node* lac = nullptr;
  Node* lns = nullptr;
  Fixture() {
    net.advance_to(kStart);
    lac = &net.add_node(loopback_ep(2), sim_lac_config());
    lns = &net.add_node(loopback_ep(3), sim_lns_config());
    net.on_event([this](Node& n, const NodeEvent& ev) {
      if (&n == lac && std::holds_alternative<TunnelUp>(ev.event.body))
        log.push_back("tunnel up at " + std::to_string((net.now() - kStart) / 1ms) + " ms");
    });
  }
};

TEST(SimLoop, PostedWorkRunsBeforeTheNetAndTimersInTheirOrder) {
  Fixture f;
  Owner o(f.net, f.log);
  o.posted.push_back([&] {
    f.log.push_back("posted");
    f.lac->open_tunnel(loopback_ep(2), loopback_ep(3), f.net.now());
    f.net.pump(*f.lac);
  });
  // The tunnel needs three 5 ms crossings (SCCRQ, SCCRP, SCCCN): up at 10 ms at the LAC.
  o.timer = kStart + 12ms;
  o.on_timer = [&] { o.until = [] { return true; }; };
  sim::run_loop(f.net, o);
  ASSERT_GE(f.log.size(), 3u);
  EXPECT_EQ(f.log.front(), "posted");
  EXPECT_EQ(f.log.back(), "timer at 12 ms");
  EXPECT_NE(std::find(f.log.begin(), f.log.end(), "tunnel up at 10 ms"), f.log.end());
  EXPECT_EQ(o.steps, 2u);  // told of each arrival before it: the SCCRQ at 5 ms, the SCCRP at 10
}

TEST(SimLoop, AnArrivalAtTheSameInstantAsATimerComesFirst) {
  Fixture f;
  Owner o(f.net, f.log);
  f.lac->open_tunnel(loopback_ep(2), loopback_ep(3), f.net.now());
  f.net.pump(*f.lac);
  o.timer = kStart + 10ms;  // the instant the SCCRP reaches the LAC
  o.on_timer = [&] { o.until = [] { return true; }; };
  sim::run_loop(f.net, o);
  const auto up = std::find(f.log.begin(), f.log.end(), "tunnel up at 10 ms");
  const auto timer = std::find(f.log.begin(), f.log.end(), "timer at 10 ms");
  ASSERT_NE(up, f.log.end());
  ASSERT_NE(timer, f.log.end());
  EXPECT_LT(up, timer);
}

// A net with nothing on it, and an owner.
struct Bare {
  sim::SimNet net{1, sim::LinkConfig{}};
  std::vector<std::string> log;
  Owner o{net, log};
  Bare() { net.advance_to(kStart); }
};

TEST(SimLoop, EndsWhenNothingIsScheduled) {
  Bare b;
  auto& o = b.o;
  o.timer = kStart + 3s;
  sim::run_loop(b.net, o);  // returns: after the timer nothing is left
  EXPECT_EQ(b.log, std::vector<std::string>{"timer at 3000 ms"});
  EXPECT_EQ(b.net.now(), kStart + 3s);
}

TEST(SimLoop, ATimerThatKeepsFallingDueAtOneInstantThrowsInsteadOfSpinning) {
  Bare b;
  sim::SimNet& net = b.net;
  Owner& o = b.o;
  o.timer = kStart + 1s;
  o.on_timer = [&] { o.timer = net.now(); };
  EXPECT_THROW(sim::run_loop(net, o), sim::SimStuck);
  EXPECT_EQ(net.now(), kStart + 1s);
  EXPECT_GT(o.fired, 1'000'000u);
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
