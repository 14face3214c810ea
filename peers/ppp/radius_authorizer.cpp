#include "peers/ppp/radius_authorizer.hpp"

#include <cstdio>

#include "peers/ppp/local_authorizer.hpp"
#include "peers/udp_transport.hpp"

namespace l2tp::peers {

namespace {

// RFC 2865 5.8: 255.255.255.255 lets the user pick, 255.255.255.254 asks the NAS to pick;
// neither is an address to give the peer, so both leave the choice to the address plan.
bool is_real_framed_ip(const net::IpAddress& a) {
  return a.v6 || !(a.bytes[0] == 255 && a.bytes[1] == 255 && a.bytes[2] == 255 && a.bytes[3] >= 254);
}

std::string hex8(std::uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%08llX", static_cast<unsigned long long>(v & 0xffffffffULL));
  return buf;
}

}  // namespace

RadiusAuthorizer::RadiusAuthorizer(boost::asio::io_context& io, Rng& rng, AddressPlan plan,
                                   RadiusAuthorizerConfig cfg, std::string plan_description)
    : io_(io),
      cfg_(std::move(cfg)),
      client_(io, cfg_.server, rng, cfg_.client),
      plan_(std::move(plan)),
      plan_description_(std::move(plan_description)) {
  open_error_ = client_.open();
  // Acct-Session-Id must not repeat across runs either (RFC 2866 5.5; servers key records on
  // it), so it starts with the wall-clock second of this run, as NASes commonly do.
  const auto wall =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  session_prefix_ = hex8(static_cast<std::uint64_t>(wall.count()));
  client_.on_accounting([this](const radius::AcctDone& d) {
    if (d.ok) {
      ++stats_.acct_answered;
    } else {
      ++stats_.acct_failed;
      stats_.last_acct_error = std::string(radius::to_string(d.status)) + ": " + d.error;
    }
  });
}

RadiusAuthorizer::~RadiusAuthorizer() {
  *alive_ = false;
}

std::string RadiusAuthorizer::describe() const {
  std::string s = "RADIUS " + cfg_.server.auth.to_string();
  if (open_error_) return s + " UNUSABLE (" + *open_error_ + "): every peer is refused";
  if (cfg_.accounting) {
    s += ", accounting " + cfg_.server.acct.to_string();
    if (cfg_.interim) s += " (interim every " + std::to_string(cfg_.interim->count()) + " s)";
  } else {
    s += ", no accounting";
  }
  return s + "; addresses from " + (plan_description_.empty() ? "the default profile" : plan_description_);
}

std::optional<Decision> RadiusAuthorizer::authorize(LinkKey key,
                                                    const std::optional<ppp::auth::Credentials>& creds,
                                                    std::function<void(Decision)> later) {
  if (!creds) {
    // No PPP authentication was negotiated (--authentication none): nothing to ask a server.
    ++stats_.local;
    Decision d = LocalAuthorizer::assign(plan_, held_, key, "", ppp::auth::Verdict{true, {}, {}, {}}, {});
    d.source = "local";
    return d;
  }
  if (open_error_) {
    ++stats_.failed;
    Decision d;
    d.source = "radius";
    d.verdict = ppp::auth::Verdict{false, {}, {}, "RADIUS client unusable: " + *open_error_};
    return d;
  }
  const std::uint64_t serial = next_serial_++;
  asking_[key.value()] = serial;
  radius::RequestContext ctx;
  ctx.nas_identifier = cfg_.nas_identifier;
  ctx.nas_port = key.value();  // tunnel << 16 | session: one port per link
  Immediate immediate{serial, std::nullopt};
  immediate_ = &immediate;
  client_.authenticate(serial, *creds, ctx,
                       [this, key, serial, user = creds->user, later = std::move(later),
                        alive = std::weak_ptr<bool>(alive_)](const radius::AuthResult& r) {
                         if (auto a = alive.lock(); !a || !*a) return;
                         auto it = asking_.find(key.value());
                         if (it == asking_.end() || it->second != serial) {
                           ++stats_.stale;  // the link ended meanwhile; its key may be reused
                           return;
                         }
                         asking_.erase(it);
                         Decision d = decide(key, user, r);
                         if (immediate_ && immediate_->serial == serial) {
                           immediate_->decision = std::move(d);
                           return;
                         }
                         if (later) later(std::move(d));
                       });
  immediate_ = nullptr;
  return std::move(immediate.decision);
}

Decision RadiusAuthorizer::decide(LinkKey key, const std::string& user, const radius::AuthResult& r) {
  const std::string server = r.server.empty() ? cfg_.server.auth.to_string() : r.server;
  if (r.status != radius::AuthStatus::Accepted) {
    Decision d;
    d.source = "radius";
    d.verdict = r.verdict;
    d.verdict.accepted = false;
    switch (r.status) {
      case radius::AuthStatus::Rejected:
        ++stats_.rejected;
        d.verdict.reason = "RADIUS " + server + " refused " + user + ": " + r.verdict.reason;
        break;
      case radius::AuthStatus::TimedOut:
        ++stats_.timed_out;
        d.verdict.reason = "RADIUS timeout: " + r.verdict.reason;
        break;
      default:
        ++stats_.failed;
        d.verdict.reason = "RADIUS " + std::string(radius::to_string(r.status)) + ": " + r.verdict.reason;
        break;
    }
    return d;
  }
  ++stats_.accepted;
  AssignHints hints;
  if (r.framed_ip && is_real_framed_ip(*r.framed_ip)) hints.remote = r.framed_ip;
  Decision d = LocalAuthorizer::assign(plan_, held_, key, user, r.verdict, hints);
  d.source = "radius";
  if (!d.verdict.accepted) {
    // The server said yes, but the plan has no address (or the Framed-IP-Address is in use).
    d.verdict.reason = "RADIUS " + server + " accepted " + user + ", but: " + d.verdict.reason;
    return d;
  }
  if (r.session_timeout) d.session_timeout = std::chrono::duration_cast<Duration>(*r.session_timeout);
  granted_[key.value()] = Granted{r.classes, r.session_timeout, r.interim_interval};
  return d;
}

radius::AccountingRecord RadiusAuthorizer::record(LinkKey key, const Accounted& a, radius::AcctStatus status,
                                                  Time now) const {
  radius::AccountingRecord r;
  r.status = status;
  r.session_id = a.session_id;
  r.user = a.user;
  r.framed_ip = a.framed_ip;
  r.classes = a.granted.classes;
  r.context.nas_identifier = cfg_.nas_identifier;
  r.context.nas_port = key.value();
  if (status != radius::AcctStatus::Start)
    r.session_time = std::chrono::duration_cast<std::chrono::seconds>(now - a.started);
  if (status == radius::AcctStatus::Stop) {
    // The layer does not say why a link ended: a link that outlived its Session-Timeout ended
    // for it; anything else counts as the user's side hanging up.
    const bool expired = a.granted.session_timeout && r.session_time >= *a.granted.session_timeout;
    r.terminate_cause =
        expired ? radius::TerminateCause::SessionTimeout : radius::TerminateCause::UserRequest;
  }
  return r;
}

void RadiusAuthorizer::send(const radius::AccountingRecord& r) {
  ++stats_.acct_sent;
  client_.account(next_serial_++, r);
}

void RadiusAuthorizer::link_up(LinkKey key, const std::string& user, const net::IpAddress& peer, Time now) {
  Granted granted;
  if (auto g = granted_.find(key.value()); g != granted_.end()) {
    granted = std::move(g->second);
    granted_.erase(g);
  }
  if (!cfg_.accounting || open_error_) return;
  Accounted a;
  a.serial = next_serial_++;
  a.session_id = session_prefix_ + hex8(a.serial);
  a.user = user;
  a.framed_ip = peer;
  a.started = now;
  a.granted = std::move(granted);
  a.interim_timer = std::make_unique<boost::asio::steady_timer>(io_);
  auto [it, fresh] = accounted_.insert_or_assign(key.value(), std::move(a));
  (void)fresh;
  send(record(key, it->second, radius::AcctStatus::Start, now));
  arm_interim(key.value(), it->second.serial);
}

void RadiusAuthorizer::arm_interim(std::uint32_t key, std::uint64_t serial) {
  auto it = accounted_.find(key);
  if (it == accounted_.end() || it->second.serial != serial) return;
  const auto period = it->second.granted.interim ? it->second.granted.interim : cfg_.interim;
  if (!period || period->count() <= 0) return;
  it->second.interim_timer->expires_after(*period);
  it->second.interim_timer->async_wait(
      [this, key, serial, alive = std::weak_ptr<bool>(alive_)](const boost::system::error_code& ec) {
        if (auto a = alive.lock(); !a || !*a || ec) return;
        auto found = accounted_.find(key);
        if (found == accounted_.end() || found->second.serial != serial) return;  // ended, or a new link
        send(record(LinkKey{static_cast<std::uint16_t>(key >> 16), static_cast<std::uint16_t>(key)},
                    found->second, radius::AcctStatus::InterimUpdate, SteadyTime::now()));
        arm_interim(key, serial);
      });
}

void RadiusAuthorizer::release(LinkKey key, Time now) {
  asking_.erase(key.value());  // an answer still on its way is stale now
  granted_.erase(key.value());
  if (const auto held = held_.take(key.value())) plan_.release(held->assignment());
  if (auto it = accounted_.find(key.value()); it != accounted_.end()) {
    it->second.interim_timer->cancel();
    send(record(key, it->second, radius::AcctStatus::Stop, now));
    accounted_.erase(it);
  }
}

}  // namespace l2tp::peers
