#include "engine/radius/client.hpp"

#include "engine/radius/authenticators.hpp"

namespace l2tp::radius {
namespace {

std::string describe(Duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace

Client::Client(ServerConfig primary, ClientConfig cfg, Rng& rng) : cfg_(std::move(cfg)), rng_(rng) {
  servers_.push_back(std::move(primary));
  if (cfg_.secondary) servers_.push_back(*cfg_.secondary);
}

void Client::authenticate(std::uint64_t token, const ppp::auth::Credentials& c, const RequestContext& ctx,
                          Time now) {
  Job job;
  job.token = token;
  job.what = AuthJob{c, ctx};
  submit(std::move(job), now);
}

void Client::account(std::uint64_t token, const AccountingRecord& r, Time now) {
  Job job;
  job.token = token;
  job.what = r;
  submit(std::move(job), now);
}

void Client::submit(Job job, Time now) {
  job.server = active_;
  const std::uint64_t serial = next_serial_++;
  jobs_.emplace(serial, std::move(job));
  dispatch(serial, now);
  pump(now);
}

const net::Endpoint& Client::destination(const Job& job) const {
  const ServerConfig& s = servers_[job.server];
  return std::holds_alternative<AuthJob>(job.what) ? s.auth : s.acct;
}

void Client::dispatch(std::uint64_t serial, Time now) {
  Job& job = jobs_.at(serial);
  job.dest = destination(job);
  IdPool& pool = pools_[job.dest];
  if (pool.used == pool.owner.size()) {
    pool.waiting.push_back(serial);
    ++waiting_;
    stats_.queue_peak = std::max<std::uint64_t>(stats_.queue_peak, waiting_);
    return;
  }
  std::uint8_t id = pool.next;
  while (pool.owner[id]) ++id;  // wraps at 256; a free one exists
  pool.next = static_cast<std::uint8_t>(id + 1);
  pool.owner[id] = serial;
  ++pool.used;
  job.id = id;

  const ServerConfig& server = servers_[job.server];
  const bool auth = std::holds_alternative<AuthJob>(job.what);
  auto packet = auth ? build_access_request(std::get<AuthJob>(job.what).credentials,
                                            std::get<AuthJob>(job.what).context, id, server.secret, rng_)
                     : build_accounting_request(std::get<AccountingRecord>(job.what), id);
  Result<Buffer, std::string> wire = packet ? encode(*packet) : unexpected(packet.error());
  if (wire) {
    if (auto signed_ok = sign_request(*wire, server.secret); !signed_ok) wire = unexpected(signed_ok.error());
  }
  if (!wire) {
    ++stats_.build_errors;
    release(serial);
    if (auth) {
      AuthResult r;
      r.status = AuthStatus::Failed;
      r.verdict.reason = "cannot build the Access-Request: " + wire.error();
      finish_auth(serial, std::move(r));
    } else {
      finish_acct(serial, false, "cannot build the Accounting-Request: " + wire.error(), "");
    }
    return;
  }
  job.wire = std::move(*wire);
  // The Request Authenticator as sent: random for Access-Request, computed for accounting.
  std::copy(job.wire.begin() + 4, job.wire.begin() + 20, job.request_auth.begin());
  job.sends = 1;
  ++(auth ? stats_.access_requests : stats_.accounting_requests);
  out_.push_back({job.dest, job.wire});
  job.deadline = now + cfg_.timeout;
  deadlines_.insert({job.deadline, serial});
}

void Client::release(std::uint64_t serial) {
  Job& job = jobs_.at(serial);
  deadlines_.erase({job.deadline, serial});
  if (!job.id) return;
  IdPool& pool = pools_[job.dest];
  pool.owner[*job.id].reset();
  --pool.used;
  job.id.reset();
}

void Client::pump(Time now) {
  for (auto& [dest, pool] : pools_) {
    while (!pool.waiting.empty() && pool.used < pool.owner.size()) {
      const std::uint64_t serial = pool.waiting.front();
      pool.waiting.pop_front();
      --waiting_;
      dispatch(serial, now);
    }
  }
}

void Client::give_up(std::uint64_t serial, Time now) {
  Job& job = jobs_.at(serial);
  release(serial);
  if (!job.tried.empty()) job.tried += ", ";
  job.tried += job.dest.to_string();
  if (job.servers_tried < servers_.size()) {
    const std::size_t next = (job.server + 1) % servers_.size();
    if (active_ == job.server) active_ = next;  // new requests start at the one that may answer
    job.server = next;
    ++job.servers_tried;
    ++stats_.failovers;
    dispatch(serial, now);
    return;
  }
  const std::string why = "no answer from " + job.tried + " after " + std::to_string(cfg_.retries + 1) +
                          " transmissions each, " + describe(cfg_.timeout) + " apart";
  if (std::holds_alternative<AuthJob>(job.what)) {
    ++stats_.auth_timeouts;
    AuthResult r;
    r.status = AuthStatus::TimedOut;
    r.verdict.reason = why;
    finish_auth(serial, std::move(r));
  } else {
    ++stats_.acct_timeouts;
    finish_acct(serial, false, why, "");
  }
}

void Client::handle_timeout(Time now) {
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    const std::uint64_t serial = deadlines_.begin()->second;
    deadlines_.erase(deadlines_.begin());
    Job& job = jobs_.at(serial);
    if (job.sends <= cfg_.retries) {
      // The same bytes, Identifier and authenticator: a server that saw the first copy answers
      // from its duplicate cache (RFC 5080 2.2.2).
      ++job.sends;
      ++stats_.retransmissions;
      out_.push_back({job.dest, job.wire});
      job.deadline = now + cfg_.timeout;
      deadlines_.insert({job.deadline, serial});
    } else {
      give_up(serial, now);
    }
  }
  pump(now);
}

void Client::handle_datagram(const net::Endpoint& from, Bytes dgram, Time now) {
  auto p = decode(dgram);
  if (!p) {
    ++stats_.malformed;
    return;
  }
  auto pool = pools_.find(from);
  if (pool == pools_.end() || !pool->second.owner[p->identifier]) {
    ++stats_.unmatched;
    return;
  }
  const std::uint64_t serial = *pool->second.owner[p->identifier];
  Job& job = jobs_.at(serial);
  // RFC 2865 3: a response whose authenticator does not check out is silently discarded; the
  // request stays outstanding, so a forged reply cannot end it.
  if (!verify_response(dgram, job.request_auth, servers_[job.server].secret,
                       cfg_.require_message_authenticator)) {
    ++stats_.bad_authenticator;
    return;
  }
  if (const auto* a = std::get_if<AuthJob>(&job.what)) {
    if (p->code != Code::AccessAccept && p->code != Code::AccessReject && p->code != Code::AccessChallenge) {
      ++stats_.unexpected_code;
      return;
    }
    AuthResult r = interpret_access_response(*p, a->credentials.method);
    r.server = from.to_string();
    ++(p->code == Code::AccessAccept   ? stats_.accepts
       : p->code == Code::AccessReject ? stats_.rejects
                                       : stats_.challenges);
    release(serial);
    finish_auth(serial, std::move(r));
  } else {
    if (p->code != Code::AccountingResponse) {
      ++stats_.unexpected_code;
      return;
    }
    ++stats_.acct_responses;
    release(serial);
    finish_acct(serial, true, "", from.to_string());
  }
  pump(now);
}

void Client::finish_auth(std::uint64_t serial, AuthResult result) {
  events_.push_back(AuthDone{jobs_.at(serial).token, std::move(result)});
  jobs_.erase(serial);
}

void Client::finish_acct(std::uint64_t serial, bool ok, std::string error, std::string server) {
  const Job& job = jobs_.at(serial);
  events_.push_back(AcctDone{job.token, std::get<AccountingRecord>(job.what).status, ok, std::move(error),
                             std::move(server)});
  jobs_.erase(serial);
}

std::optional<Transmit> Client::poll_transmit() {
  if (out_.empty()) return std::nullopt;
  Transmit t = std::move(out_.front());
  out_.pop_front();
  return t;
}

std::optional<Time> Client::poll_timeout() const {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

std::optional<ClientEvent> Client::poll_event() {
  if (events_.empty()) return std::nullopt;
  ClientEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

}  // namespace l2tp::radius
