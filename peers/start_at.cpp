#include "peers/start_at.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/system_timer.hpp>
#include <cctype>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <ostream>

namespace l2tp::peers {

namespace {

using std::chrono::nanoseconds;

// Reads exactly `n` digits at `pos`.
bool digits(const std::string& s, std::size_t& pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = s[pos + i];
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  pos += n;
  return true;
}

// ".25" -> 250000000 ns (digits beyond nanoseconds are cut).
bool fraction(const std::string& s, std::size_t& pos, nanoseconds& out) {
  if (pos >= s.size() || (s[pos] != '.' && s[pos] != ',')) return true;
  ++pos;
  std::int64_t ns = 0, scale = 100'000'000;
  const std::size_t start = pos;
  for (; pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos])); ++pos, scale /= 10)
    if (scale > 0) ns += (s[pos] - '0') * scale;
  out = nanoseconds(ns);
  return pos > start;
}

std::optional<WallTime> unix_seconds(const std::string& s) {
  std::size_t pos = 0;
  std::int64_t whole = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), whole);
  if (ec != std::errc() || whole < 0) return std::nullopt;
  pos = static_cast<std::size_t>(end - s.data());
  nanoseconds frac{0};
  if (!fraction(s, pos, frac) || pos != s.size()) return std::nullopt;
  return WallTime(std::chrono::duration_cast<WallTime::duration>(std::chrono::seconds(whole) + frac));
}

}  // namespace

std::optional<WallTime> parse_start_at(const std::string& text, std::string& error) {
  const std::string example = " (e.g. 2026-12-05T21:50:00+00:00, 2026-12-05T21:50:00Z or Unix seconds)";
  if (text.find('-', 1) == std::string::npos) {
    if (auto t = unix_seconds(text)) return t;
    error = "'" + text + "' is neither Unix seconds nor an ISO 8601 time" + example;
    return std::nullopt;
  }
  std::size_t pos = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  const bool date = digits(text, pos, 4, y) && pos < text.size() && text[pos++] == '-' &&
                    digits(text, pos, 2, mo) && pos < text.size() && text[pos++] == '-' &&
                    digits(text, pos, 2, d);
  const bool time = date && pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ') &&
                    digits(text, ++pos, 2, h) && pos < text.size() && text[pos++] == ':' &&
                    digits(text, pos, 2, mi);
  if (!time) {
    error = "'" + text + "' is not an ISO 8601 date and time YYYY-MM-DDTHH:MM[:SS[.fff]]ZONE" + example;
    return std::nullopt;
  }
  nanoseconds frac{0};
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!digits(text, pos, 2, sec) || !fraction(text, pos, frac)) {
      error = "'" + text + "': bad seconds" + example;
      return std::nullopt;
    }
  }
  const std::chrono::year_month_day ymd{std::chrono::year(y), std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) {
    error = "'" + text + "' is not a valid date and time";
    return std::nullopt;
  }
  // The zone: Z, or +hh:mm / +hhmm / +hh (or -).
  std::chrono::minutes offset{0};
  if (pos >= text.size()) {
    error =
        "'" + text + "' has no time zone: add Z or +hh:mm, every agent must read the same instant" + example;
    return std::nullopt;
  }
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    const int sign = text[pos++] == '-' ? -1 : 1;
    int oh = 0, om = 0;
    bool ok = digits(text, pos, 2, oh);
    if (ok && pos < text.size()) {
      if (text[pos] == ':') ++pos;
      ok = digits(text, pos, 2, om);
    }
    if (!ok || oh > 23 || om > 59) {
      error = "'" + text + "': bad zone offset (+hh:mm)" + example;
      return std::nullopt;
    }
    offset = sign * (std::chrono::hours(oh) + std::chrono::minutes(om));
  }
  if (pos != text.size()) {
    error = "'" + text + "': unexpected '" + text.substr(pos) + "' after the time" + example;
    return std::nullopt;
  }
  const auto local = std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
                     std::chrono::seconds(sec) + frac;
  return std::chrono::time_point_cast<WallTime::duration>(local - offset);
}

std::string utc_text(WallTime t) {
  const auto ms = unix_ms(t);
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms - secs * std::int64_t{1000}));
  return buf;
}

std::int64_t unix_ms(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

StartWait wait_until_start(WallTime at, std::ostream& err, const std::string& prefix) {
  const auto now = std::chrono::system_clock::now();
  const double ahead = std::chrono::duration<double>(at - now).count();
  if (ahead <= 0) {
    err << prefix << "warning: --start-at " << utc_text(at) << " was " << -ahead
        << " s ago; starting now (report merge aligns the agents on absolute time)\n"
        << std::flush;
    return StartWait::Late;
  }
  err << prefix << "--start-at: waiting " << ahead << " s, until " << utc_text(at)
      << " (SIGINT or SIGTERM ends the wait)\n"
      << std::flush;
  boost::asio::io_context io;
  boost::asio::system_timer timer(io);
  boost::asio::signal_set signals(io, SIGINT, SIGTERM);
  StartWait outcome = StartWait::Started;
  timer.expires_at(at);
  timer.async_wait([&](const boost::system::error_code& ec) {
    if (ec) return;
    boost::system::error_code ignored;
    signals.cancel(ignored);
  });
  signals.async_wait([&](const boost::system::error_code& ec, int) {
    if (ec) return;
    outcome = StartWait::Interrupted;
    timer.cancel();
  });
  io.run();
  return outcome;
}

}  // namespace l2tp::peers
