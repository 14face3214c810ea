#include "peers/session_churn.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/util/duration_text.hpp"

namespace l2tp::peers {

namespace {

// A uniform double in [0, 1).
double unit(Rng& rng) {
  return static_cast<double>(rng.next_u64() >> 11) * 0x1.0p-53;
}

}  // namespace

std::optional<LifetimeDist> LifetimeDist::parse(const std::string& text, std::string& error) {
  const auto dash = text.find('-');
  const auto low = parse_duration_text(text.substr(0, dash), 1e7);
  const auto high = dash == std::string::npos ? low : parse_duration_text(text.substr(dash + 1), 1e7);
  if (!low || !high) {
    error = "'" + text + "' is not a duration (30s) or a range of them (10s-60s)";
    return std::nullopt;
  }
  if (*high < *low || high->count() == 0) {
    error = "'" + text + "': the upper bound must be above 0 and not below the lower";
    return std::nullopt;
  }
  return LifetimeDist{*low, *high};
}

Duration LifetimeDist::draw(Rng& rng) const {
  if (high <= low) return low;
  const auto span = static_cast<double>((high - low).count());
  return low + Duration(static_cast<Duration::rep>(unit(rng) * span));
}

std::string LifetimeDist::to_string() const {
  auto s = [](Duration d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%gs", to_seconds(d));
    return std::string(buf);
  };
  return low == high ? s(low) : s(low) + "-" + s(high);
}

std::optional<FlapKind> parse_flap_kind(const std::string& s) {
  for (const FlapKind k :
       {FlapKind::Cdn, FlapKind::Lcp, FlapKind::LcpRestart, FlapKind::IpcpRestart, FlapKind::Mix})
    if (s == to_string(k)) return k;
  return std::nullopt;
}

const char* to_string(FlapKind k) {
  switch (k) {
    case FlapKind::Cdn:
      return "cdn";
    case FlapKind::Lcp:
      return "lcp";
    case FlapKind::LcpRestart:
      return "lcp-restart";
    case FlapKind::IpcpRestart:
      return "ipcp-restart";
    case FlapKind::Mix:
      return "mix";
  }
  return "mix";
}

const char* SessionChurn::name(Flap f) {
  switch (f) {
    case Flap::Cdn:
      return "cdn";
    case Flap::Lcp:
      return "lcp";
    case Flap::LcpRestart:
      return "lcp_restart";
    case Flap::IpcpRestart:
      return "ipcp_restart";
  }
  return "?";
}

SessionChurn::SessionChurn(const ChurnConfig& cfg, std::uint64_t seed, Time start)
    : cfg_(cfg), rng_(seed ^ 0xC4C4C4C4C4C4C4C4ULL) {
  schedule_flap(start);
}

void SessionChurn::schedule_flap(Time from) {
  if (cfg_.flap_rate <= 0 || stopped_) {
    next_flap_.reset();
    return;
  }
  // Exponential gaps: flaps independent of one another, `flap_rate` a second on average.
  const double gap = -std::log(1.0 - unit(rng_)) / cfg_.flap_rate;
  next_flap_ = from + std::chrono::duration_cast<Duration>(std::chrono::duration<double>(gap));
}

void SessionChurn::up(Key key, Time now) {
  if (stopped_) return;
  if (!up_index_.contains(key)) {
    up_index_.set(key, static_cast<std::uint32_t>(up_.size()));
    up_.push_back(key);
  }
  if (cfg_.lifetime) lifetimes_.schedule(key, now + cfg_.lifetime->draw(rng_));
}

void SessionChurn::remove_up(Key key) {
  const auto at = up_index_.erase(key);
  if (!at) return;
  // The last one takes the place of the one leaving.
  const Key last = up_.back();
  up_[*at] = last;
  up_.pop_back();
  if (last != key) up_index_.set(last, *at);
}

void SessionChurn::ended(Key key, Time now) {
  lifetimes_.cancel(key);
  remove_up(key);
  if (cfg_.redial && !stopped_) redials_.push_back(now + cfg_.redial_delay);
}

void SessionChurn::stop() {
  stopped_ = true;
  lifetimes_.clear();
  up_.clear();
  up_index_.clear();
  redials_.clear();
  next_flap_.reset();
}

std::optional<SessionChurn::Key> SessionChurn::pop_expired(Time now) {
  if (auto t = lifetimes_.pop_due(now)) {
    ++expired_;
    return t->key;
  }
  return std::nullopt;
}

std::optional<std::pair<SessionChurn::Key, SessionChurn::Flap>> SessionChurn::pop_flap(
    Time now, bool ppp, const std::function<bool(Key)>& eligible) {
  if (!next_flap_ || *next_flap_ > now) return std::nullopt;
  schedule_flap(*next_flap_);
  std::optional<Key> pick;
  constexpr int kDraws = 8;
  for (int i = 0; i < kDraws && !up_.empty() && !pick; ++i) {
    const Key k = up_[static_cast<std::size_t>(unit(rng_) * static_cast<double>(up_.size()))];
    if (!eligible || eligible(k)) pick = k;
  }
  if (!pick) return std::nullopt;  // nothing up to flap: this one passes
  const Key key = *pick;
  Flap how = Flap::Cdn;
  if (ppp) {
    switch (cfg_.flap_kind) {
      case FlapKind::Cdn:
        break;
      case FlapKind::Lcp:
        how = Flap::Lcp;
        break;
      case FlapKind::LcpRestart:
        how = Flap::LcpRestart;
        break;
      case FlapKind::IpcpRestart:
        how = Flap::IpcpRestart;
        break;
      case FlapKind::Mix:
        how = static_cast<Flap>(rng_.next_u64() % kFlaps);  // each kind a quarter of the flaps
        break;
    }
  }
  if (!in_place(how)) {
    lifetimes_.cancel(key);
    remove_up(key);  // clearing it now: not picked twice
  }
  ++flaps_;
  ++flaps_by_kind_[static_cast<std::size_t>(how)];
  return std::pair{key, how};
}

std::uint64_t SessionChurn::redials_due(Time now) const {
  const auto end = std::upper_bound(redials_.begin(), redials_.end(), now);
  return static_cast<std::uint64_t>(end - redials_.begin());
}

void SessionChurn::take_redials(std::uint64_t n) {
  for (; n > 0 && !redials_.empty(); --n) redials_.pop_front();
}

std::optional<Time> SessionChurn::next_due() const {
  std::optional<Time> t = lifetimes_.next();
  auto earliest = [&](std::optional<Time> o) {
    if (o && (!t || *o < *t)) t = o;
  };
  earliest(next_flap_);
  if (!redials_.empty()) earliest(redials_.front());
  return t;
}

}  // namespace l2tp::peers
