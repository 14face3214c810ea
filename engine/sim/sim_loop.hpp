// The one stepping loop of virtual time: a SimNet and the owner of work and timers beside it
// (a load run's hosts: peers/sim_run; a conformance case: scenarios/sim_case_host; a replay:
// replay/sim_replay). Posted work runs first; then whichever is first of the net's next
// arrival or driver deadline and the owner's own timers; time jumps to it. Ties go to the net,
// so what arrives at an instant is seen before a timer of that instant acts.
#pragma once

#include <deque>
#include <functional>
#include <optional>
#include <stdexcept>

#include "engine/sim/sim_net.hpp"

namespace l2tp::sim {

// Thrown by run_loop when virtual time cannot move on: a timer that re-arms at the instant it
// fires (a bug in l2tpsim; the run ends with this message instead of spinning for ever).
struct SimStuck : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class LoopOwner {
 public:
  virtual ~LoopOwner() = default;
  // The loop returns once this is true (checked before each step).
  virtual bool done() const = 0;
  // Runs the next piece of posted work, if any is waiting; false when none was.
  virtual bool run_posted() = 0;
  // The earliest of the owner's own timers; nullopt when none is armed.
  virtual std::optional<Time> next_own() const = 0;
  // Runs the owner's timers due at `now`.
  virtual void fire_due(Time now) = 0;
  // After each step of the net (an arrival or a driver deadline served): an owner that acts on
  // what the net did (a replayer) does so here.
  virtual void stepped(Time) {}
};

// Runs until owner.done(), or until neither the net nor the owner has anything scheduled.
void run_loop(SimNet& net, LoopOwner& owner);

// Work posted to run before the next step, in order: what an owner's run_posted() serves.
class PostedWork {
 public:
  void push(std::function<void()> f) { queue_.push_back(std::move(f)); }
  bool empty() const { return queue_.empty(); }
  // Runs the first piece (which may post more); false when none was waiting.
  bool run_next() {
    if (queue_.empty()) return false;
    auto f = std::move(queue_.front());
    queue_.pop_front();
    f();
    return true;
  }

 private:
  std::deque<std::function<void()>> queue_;
};

}  // namespace l2tp::sim
