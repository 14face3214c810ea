#include "peers/ppp/local_authorizer.hpp"

#include "engine/ppp/auth/verify.hpp"

namespace l2tp::peers {

LocalAuthorizer::LocalAuthorizer(AddressPlan plan, std::string description)
    : plan_(std::move(plan)), description_(std::move(description)) {}

HeldAddresses HeldAddresses::of(Assignment a, const AddressPlan& plan) {
  return HeldAddresses{std::move(a.user), plan.pool_name(a.local_pool), plan.pool_name(a.remote_pool),
                       net::Ipv4::of(a.local), net::Ipv4::of(a.remote)};
}

Assignment HeldAddresses::assignment() const {
  Assignment a;
  a.user = user;
  if (local_pool) a.local_pool = *local_pool;
  if (remote_pool) a.remote_pool = *remote_pool;
  a.local = local.address();
  a.remote = remote.address();
  return a;
}

void HeldMap::put(std::uint32_t key, HeldAddresses held) {
  if (const auto slot = index_.find(key)) {
    at(*slot) = std::move(held);
    return;
  }
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = used_++;
    if (slot / kChunk == chunks_.size())
      chunks_.push_back(std::make_unique<std::array<HeldAddresses, kChunk>>());
  }
  at(slot) = std::move(held);
  index_.set(key, slot);
}

std::optional<HeldAddresses> HeldMap::take(std::uint32_t key) {
  const auto slot = index_.erase(key);
  if (!slot) return std::nullopt;
  std::optional<HeldAddresses> out = std::move(at(*slot));
  at(*slot) = HeldAddresses{};  // the user's name goes now, not when the slot is reused
  free_.push_back(*slot);
  return out;
}

Decision LocalAuthorizer::assign(AddressPlan& plan, HeldMap& held, LinkKey key, const std::string& user,
                                 ppp::auth::Verdict verdict, const AssignHints& hints) {
  Decision d;
  // A link that authenticates again (its PPP renegotiated LCP in place) gives back what it held
  // first: the pool hands that address out again (a released one goes first), and nothing leaks.
  if (auto before = held.take(key.value())) plan.release(before->assignment());
  auto a = plan.assign(user, hints);
  if (!a) {
    // Authenticated, but there is no address for it: refused all the same, and said why.
    d.verdict = ppp::auth::Verdict{false, {}, {}, a.error()};
    return d;
  }
  d.verdict = std::move(verdict);
  d.local = a->local;
  d.remote = a->remote;
  d.dns1 = a->dns1;
  d.dns2 = a->dns2;
  if (a->session_timeout) d.session_timeout = *a->session_timeout;
  held.put(key.value(), HeldAddresses::of(std::move(*a), plan));
  return d;
}

std::optional<Decision> LocalAuthorizer::authorize(LinkKey key,
                                                   const std::optional<ppp::auth::Credentials>& creds,
                                                   std::function<void(Decision)>) {
  Decision d;
  d.source = "secrets";
  std::string user;
  ppp::auth::Verdict verdict{true, {}, {}, {}};
  if (creds) {
    user = creds->user;
    const auto password = plan_.users().password_of(user);
    if (!password) {
      d.verdict = ppp::auth::Verdict{false, {}, {}, "no such user: " + user};
      return d;
    }
    verdict = ppp::auth::verify_with_password(*creds, *password);
    if (!verdict.accepted) {
      if (verdict.reason.empty()) verdict.reason = "wrong password for " + user;
      d.verdict = std::move(verdict);
      return d;
    }
  }
  d = assign(plan_, held_, key, user, std::move(verdict), {});
  d.source = "secrets";
  return d;
}

void LocalAuthorizer::release(LinkKey key, Time) {
  if (const auto held = held_.take(key.value())) plan_.release(held->assignment());
}

}  // namespace l2tp::peers
