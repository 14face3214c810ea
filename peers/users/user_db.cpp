#include "peers/users/user_db.hpp"

#include <fstream>
#include <sstream>

namespace l2tp::peers {
namespace {

template <typename T>
void put(std::vector<T>& items, std::map<std::string, std::size_t, std::less<>>& index, T item) {
  if (auto it = index.find(item.name); it != index.end()) {
    items[it->second] = std::move(item);
    return;
  }
  index.emplace(item.name, items.size());
  items.push_back(std::move(item));
}

template <typename T>
const T* get(const std::vector<T>& items, const std::map<std::string, std::size_t, std::less<>>& index,
             std::string_view name) {
  const auto it = index.find(name);
  return it == index.end() ? nullptr : &items[it->second];
}

}  // namespace

UserDb::UserDb() {
  // RouterOS ships these two; a file may redefine them (add name=default ...) or change them
  // (set *0 ...).
  for (const char* name : {"default", "default-encryption"}) {
    PppProfile p;
    p.name = name;
    put_profile(std::move(p));
  }
}

Result<UserDb, std::string> UserDb::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return unexpected(path + ": cannot open the secrets file");
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return unexpected(path + ": cannot read the secrets file");
  return parse(ss.str(), path);
}

Result<void, std::string> UserDb::add_pattern(std::string name_pattern, std::string password) {
  auto p = NamePattern::parse(name_pattern);
  if (!p) return unexpected(p.error());
  PppSecret s;
  s.name = std::move(name_pattern);
  s.password = std::move(password);
  s.profile.clear();
  patterns_.push_back(Pattern{std::move(*p), std::move(s)});
  return {};
}

const PppSecret* UserDb::find(std::string_view user) const {
  if (const PppSecret* s = secret(user)) return s->usable_for_l2tp() ? s : nullptr;
  for (const auto& p : patterns_)
    if (p.pattern.matches(user)) return &p.secret;
  return nullptr;
}

std::optional<std::string> UserDb::password_of(std::string_view user) const {
  if (const PppSecret* s = find(user)) return s->password;
  return std::nullopt;
}

const PppSecret* UserDb::secret(std::string_view name) const {
  return get(secrets_, secret_index_, name);
}
const PppProfile* UserDb::profile(std::string_view name) const {
  return get(profiles_, profile_index_, name);
}
const IpPool* UserDb::pool(std::string_view name) const {
  return get(pools_, pool_index_, name);
}

PppProfile* UserDb::mutable_profile(std::string_view name) {
  const auto it = profile_index_.find(name);
  return it == profile_index_.end() ? nullptr : &profiles_[it->second];
}

void UserDb::put_secret(PppSecret s) {
  put(secrets_, secret_index_, std::move(s));
}
void UserDb::put_profile(PppProfile p) {
  put(profiles_, profile_index_, std::move(p));
}
void UserDb::put_pool(IpPool p) {
  put(pools_, pool_index_, std::move(p));
}

}  // namespace l2tp::peers
