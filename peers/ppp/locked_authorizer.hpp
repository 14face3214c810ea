// One authorizer shared by the shards of a run (a secrets file: its address pools must hand out
// each address once across all of them). Every call takes the lock: setups and releases only,
// never a packet.
#pragma once

#include <memory>
#include <mutex>

#include "engine/driver/authorizer.hpp"

namespace l2tp::peers {

struct SharedAuthorizer {
  std::mutex mutex;
  std::unique_ptr<Authorizer> authorizer;
};

class LockedAuthorizer final : public Authorizer {
 public:
  explicit LockedAuthorizer(std::shared_ptr<SharedAuthorizer> shared) : shared_(std::move(shared)) {}
  std::optional<Decision> authorize(LinkKey key, const std::optional<ppp::auth::Credentials>& creds,
                                    std::function<void(Decision)> later) override {
    std::lock_guard lock(shared_->mutex);
    return shared_->authorizer->authorize(key, creds, std::move(later));
  }
  void link_up(LinkKey key, const std::string& user, const net::IpAddress& peer, Time now) override {
    std::lock_guard lock(shared_->mutex);
    shared_->authorizer->link_up(key, user, peer, now);
  }
  void release(LinkKey key, Time now) override {
    std::lock_guard lock(shared_->mutex);
    shared_->authorizer->release(key, now);
  }
  std::size_t pending() const override {
    std::lock_guard lock(shared_->mutex);
    return shared_->authorizer->pending();
  }
  std::string describe() const override {
    std::lock_guard lock(shared_->mutex);
    return shared_->authorizer->describe();
  }

 private:
  std::shared_ptr<SharedAuthorizer> shared_;
};

}  // namespace l2tp::peers
