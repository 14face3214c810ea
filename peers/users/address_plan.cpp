#include "peers/users/address_plan.hpp"

#include <set>

#include "peers/users/routeros_values.hpp"

namespace l2tp::peers {
namespace {

const AddressRef& first_set(std::initializer_list<const AddressRef*> refs) {
  for (const AddressRef* r : refs)
    if (r && !r->empty()) return *r;
  static const AddressRef kNone;
  return kNone;
}

}  // namespace

AddressPlan::AddressPlan(UserDb db, std::string default_profile)
    : db_(std::move(db)), default_profile_(std::move(default_profile)) {
  for (const auto& p : db_.pools()) pools_.emplace(p.name, PoolAllocator(p.ranges));
}

Result<AddressPlan, std::string> AddressPlan::create(UserDb db, std::string default_profile) {
  if (!db.profile(default_profile)) {
    std::string names;
    for (const auto& p : db.profiles()) names += (names.empty() ? "" : ", ") + p.name;
    return unexpected("default-profile: no profile named " + double_quoted(default_profile) +
                      " (profiles: " + names + ")");
  }
  return AddressPlan(std::move(db), std::move(default_profile));
}

bool AddressPlan::taken(std::uint32_t a) const {
  return remote_refs_.contains(a) || local_refs_.contains(a);
}

Result<std::uint32_t, std::string> AddressPlan::take_from_pool(const std::string& pool, std::string_view key,
                                                               std::string& from) {
  std::set<std::string, std::less<>> visited;
  std::string chain;
  std::uint64_t total = 0;
  for (std::string name = pool; !name.empty() && visited.insert(name).second;) {
    const auto it = pools_.find(name);
    if (it == pools_.end()) return unexpected(std::string(key) + ": no pool named " + double_quoted(name));
    chain += (chain.empty() ? "" : " -> ") + name;
    total += it->second.size();
    if (auto a = it->second.allocate([this](std::uint32_t x) { return taken(x); })) {
      from = name;
      ++pool_use_[name];
      return *a;
    }
    name = db_.pool(name)->next_pool;
  }
  return unexpected(std::string(key) + ": pool " + chain + " is exhausted (" + std::to_string(total) +
                    " addresses, none free)");
}

Result<Assignment, std::string> AddressPlan::assign(std::string_view user, const AssignHints& hints) {
  const PppSecret* s = db_.secret(user);
  if (s && !s->usable_for_l2tp()) {
    if (s->disabled) return unexpected("user " + double_quoted(user) + " is disabled (" + s->origin + ")");
    return unexpected("user " + double_quoted(user) + " is for service " + s->service + ", not l2tp (" +
                      s->origin + ")");
  }
  // Sessions are counted per user for only-one and for users with their own secret; not for
  // the thousands of pattern or RADIUS users of a load test (a map node each, cheap sessions).
  const bool named = s != nullptr;
  if (!s) s = db_.find(user);  // a pattern user, or nullptr
  const PppProfile* def = db_.profile(default_profile_);
  const PppProfile* prof = s && !s->profile.empty() ? db_.profile(s->profile) : nullptr;
  if (!prof) prof = def;

  Assignment out;
  out.user = std::string(user);
  out.profile = prof->name;
  const bool only_one = prof->only_one.value_or(def->only_one.value_or(false));
  if (only_one && sessions_of(user) > 0)
    return unexpected("only-one: user " + double_quoted(user) + " already has a session (profile " +
                      prof->name + ")");

  const std::string chain = std::string(s ? "the secret, " : "") + "profile " + double_quoted(prof->name) +
                            " and default profile " + double_quoted(def->name);
  const AddressRef& local_ref =
      first_set({s ? &s->local_address : nullptr, &prof->local_address, &def->local_address});
  AddressRef hinted;
  hinted.address = hints.remote;
  if (!hints.remote) hinted.pool = hints.remote_pool;
  const AddressRef& remote_ref =
      first_set({&hinted, s ? &s->remote_address : nullptr, &prof->remote_address, &def->remote_address});
  if (local_ref.empty())
    return unexpected("local-address: none for user " + double_quoted(user) + " (" + chain + " set none)");
  if (remote_ref.empty())
    return unexpected("remote-address: none for user " + double_quoted(user) + " (" + chain + " set none)");

  std::uint32_t local = 0;
  if (local_ref.address) {
    local = to_u32(*local_ref.address);
    if (remote_refs_.contains(local)) {
      return unexpected("local-address: " + local_ref.address->to_string() +
                        " is the remote address of another session");
    }
  } else {
    auto a = take_from_pool(local_ref.pool, "local-address", out.local_pool);
    if (!a) return unexpected(a.error());
    local = *a;
  }
  local_refs_.set(local, local_refs_.find(local).value_or(0) + 1);

  std::uint32_t remote = 0;
  if (remote_ref.address) {
    remote = to_u32(*remote_ref.address);
    if (taken(remote)) {
      unref(local, false);
      if (!out.local_pool.empty()) --pool_use_[out.local_pool];
      return unexpected(
          "remote-address: " + remote_ref.address->to_string() + " for user " + double_quoted(user) +
          (remote == local ? " is this session's local address" : " is in use by another session"));
    }
  } else {
    const bool framed_pool = !hints.remote && !hints.remote_pool.empty();
    auto a = take_from_pool(remote_ref.pool, framed_pool ? "Framed-Pool" : "remote-address", out.remote_pool);
    if (!a) {
      unref(local, false);
      if (!out.local_pool.empty()) --pool_use_[out.local_pool];
      return unexpected(a.error());
    }
    remote = *a;
  }
  remote_refs_.set(remote, 1);

  out.local = from_u32(local);
  out.remote = from_u32(remote);
  const auto& dns = prof->dns_servers.empty() ? def->dns_servers : prof->dns_servers;
  if (!dns.empty()) out.dns1 = dns[0];
  if (dns.size() > 1) out.dns2 = dns[1];
  out.session_timeout = prof->session_timeout ? prof->session_timeout : def->session_timeout;
  out.idle_timeout = prof->idle_timeout ? prof->idle_timeout : def->idle_timeout;
  if (named || only_one) ++sessions_[out.user];
  return out;
}

void AddressPlan::unref(std::uint32_t a, bool remote) {
  auto& refs = remote ? remote_refs_ : local_refs_;
  const auto n = refs.find(a);
  if (!n) return;
  if (*n <= 1)
    refs.erase(a);
  else
    refs.set(a, *n - 1);
  if (taken(a)) return;
  for (auto& [name, pool] : pools_) pool.give_back(a);
}

void AddressPlan::release(const Assignment& a) {
  const std::uint32_t remote = to_u32(a.remote);
  if (!remote_refs_.contains(remote)) return;  // not ours, or released already
  unref(remote, true);
  unref(to_u32(a.local), false);
  for (const auto* pool : {&a.local_pool, &a.remote_pool}) {
    if (auto it = pool_use_.find(*pool); !pool->empty() && it != pool_use_.end() && it->second > 0)
      --it->second;
  }
  if (auto it = sessions_.find(a.user); it != sessions_.end() && --it->second == 0) sessions_.erase(it);
}

std::size_t AddressPlan::in_use(std::string_view pool) const {
  const auto it = pool_use_.find(pool);
  return it == pool_use_.end() ? 0 : it->second;
}

std::size_t AddressPlan::sessions_of(std::string_view user) const {
  const auto it = sessions_.find(user);
  return it == sessions_.end() ? 0 : it->second;
}

const std::string* AddressPlan::pool_name(std::string_view pool) const {
  const auto it = pools_.find(pool);
  return it == pools_.end() ? nullptr : &it->first;
}

}  // namespace l2tp::peers
