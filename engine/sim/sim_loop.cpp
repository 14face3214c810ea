// The one stepping loop of virtual time. See sim_loop.hpp.
#include "engine/sim/sim_loop.hpp"

namespace l2tp::sim {

namespace {

// Steps of the net at one instant before the owner's timers go first anyway: a deadline that
// stays due would otherwise hold virtual time still for ever.
constexpr unsigned kMaxStepsAtOneInstant = 100'000;
// Rounds of the owner's timers at one instant before the run is declared stuck.
constexpr unsigned kMaxFiresAtOneInstant = 1'000'000;

}  // namespace

void run_loop(SimNet& net, LoopOwner& owner) {
  unsigned at_one_instant = 0, fires_at_one_instant = 0;
  Time last = net.now();
  while (!owner.done()) {
    if (owner.run_posted()) continue;
    const auto own = owner.next_own();
    const auto net_next = net.next_due();
    if (!own && !net_next) return;  // nothing will ever happen again
    // The net first when it is due no later than the owner's timers (unless it has held the
    // clock still for too long and a timer is waiting).
    if (net_next && (!own || (*net_next <= *own && at_one_instant < kMaxStepsAtOneInstant))) {
      net.run(*net_next, 1);
      at_one_instant = net.now() == last ? at_one_instant + 1 : 0;
      last = net.now();
      owner.stepped(net.now());
      continue;
    }
    at_one_instant = 0;
    net.advance_to(*own);
    fires_at_one_instant = net.now() == last ? fires_at_one_instant + 1 : 0;
    if (fires_at_one_instant > kMaxFiresAtOneInstant)
      throw SimStuck("virtual time stood still: a timer kept falling due at the same instant");
    last = net.now();
    owner.fire_due(net.now());
  }
}

}  // namespace l2tp::sim
