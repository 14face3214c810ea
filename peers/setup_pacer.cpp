#include "peers/setup_pacer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/util/duration_text.hpp"

namespace l2tp::peers {

namespace {

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

}  // namespace

RateProfile::RateProfile(std::vector<Point> points) : points_(std::move(points)) {
  unpaced_ = points_.empty() ||
             std::all_of(points_.begin(), points_.end(), [](const Point& p) { return p.rate <= 0; });
}

RateProfile RateProfile::constant(double rate) {
  return rate > 0 ? RateProfile({{0, rate}}) : RateProfile();
}

std::optional<RateProfile> RateProfile::parse(const std::string& text, std::string& error) {
  std::vector<Point> points;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    start = comma + 1;
    const auto colon = item.find(':');
    if (colon == std::string::npos) {
      error = "'" + item + "' is not TIME:RATE (e.g. 0:100,60s:2000)";
      return std::nullopt;
    }
    const auto at = parse_duration_text(item.substr(0, colon), 1e9);
    if (!at) {
      error = "'" + item.substr(0, colon) + "' is not a time (seconds: 90, 90s, 2m, 1h)";
      return std::nullopt;
    }
    std::size_t used = 0;
    double rate = -1;
    try {
      rate = std::stod(item.substr(colon + 1), &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size() - colon - 1 || !std::isfinite(rate) || rate < 0 || rate > 1e9) {
      error = "'" + item.substr(colon + 1) + "' is not a rate (calls per second, 0 to 1e9)";
      return std::nullopt;
    }
    if (!points.empty() && to_seconds(*at) <= points.back().at_s) {
      error = "times must increase (" + item + " after " + number(points.back().at_s) + "s)";
      return std::nullopt;
    }
    points.push_back({to_seconds(*at), rate});
  }
  return RateProfile(std::move(points));
}

double RateProfile::rate_at(double t) const {
  if (points_.empty()) return 0;
  if (t <= points_.front().at_s) return points_.front().rate;
  for (std::size_t i = 1; i < points_.size(); ++i) {
    const Point& a = points_[i - 1];
    const Point& b = points_[i];
    if (t < b.at_s) return a.rate + (b.rate - a.rate) * (t - a.at_s) / (b.at_s - a.at_s);
  }
  return points_.back().rate;
}

double RateProfile::calls_by(double t) const {
  if (points_.empty() || t <= 0) return 0;
  // Before the first point its rate holds; between points the trapezoid; after, the last rate.
  double calls = points_.front().rate * std::min(t, points_.front().at_s);
  for (std::size_t i = 1; i < points_.size() && t > points_[i - 1].at_s; ++i) {
    const Point& a = points_[i - 1];
    const double end = std::min(t, points_[i].at_s);
    calls += (a.rate + rate_at(end)) / 2 * (end - a.at_s);
  }
  if (t > points_.back().at_s) calls += points_.back().rate * (t - points_.back().at_s);
  return calls;
}

RateProfile RateProfile::scaled(double f) const {
  std::vector<Point> p = points_;
  for (auto& x : p) x.rate *= f;
  return RateProfile(std::move(p));
}

std::string RateProfile::to_string() const {
  std::string s;
  for (const auto& p : points_) s += (s.empty() ? "" : ",") + number(p.at_s) + "s:" + number(p.rate);
  return s;
}

SetupPacer::SetupPacer(RateProfile profile, std::uint64_t max_outstanding, Time start)
    : profile_(std::move(profile)), max_outstanding_(max_outstanding), start_(start) {}

std::uint64_t SetupPacer::take(Time now, std::uint64_t wanted, std::uint64_t outstanding) {
  std::uint64_t room = wanted;
  if (max_outstanding_ > 0)
    room = std::min(room, outstanding >= max_outstanding_ ? 0 : max_outstanding_ - outstanding);
  if (profile_.unpaced()) {
    taken_ += room;
    return room;
  }
  // Slot k (0-based) is due once the profile has scheduled k calls: the first at once.
  const double scheduled = profile_.calls_by(std::max(0.0, to_seconds(now - start_)));
  const auto due = static_cast<std::uint64_t>(std::floor(scheduled)) + 1;
  const std::uint64_t available = due > used_ ? due - used_ : 0;
  const std::uint64_t n = std::min(available, room);
  // What is not taken now is forgone: no burst to catch up after a pause or under the cap.
  used_ = std::max(used_, due);
  taken_ += n;
  return n;
}

void SetupPacer::set_rate(double rate, Time now) {
  profile_ = RateProfile::constant(rate);
  start_ = now;
  used_ = 1;  // the slot at `now` counts as taken: no call at once, whatever went before
}

Duration SetupPacer::interval(Time now) const {
  const double rate = profile_.rate_at(std::max(0.0, to_seconds(now - start_)));
  const double s = rate > 0 ? std::clamp(1.0 / rate, 0.002, 0.1) : (profile_.unpaced() ? 0.002 : 0.1);
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s));
}

}  // namespace l2tp::peers
