// A small Result<T, E> shaped like std::expected (C++23), which GCC 12 only offers under
// -std=c++2b. Nothing in engine/ throws; fallible functions return one of these.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace l2tp {

template <typename E>
struct Unexpected {
  E error;
};

template <typename E>
Unexpected<std::decay_t<E>> unexpected(E&& e) {
  return {std::forward<E>(e)};
}

template <typename T, typename E>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit by design
  template <typename G>
  Result(Unexpected<G> u) : v_(std::in_place_index<1>, E(std::move(u.error))) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(v_));
  }
  const E& error() const {
    assert(!has_value());
    return std::get<1>(v_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, E> v_;
};

template <typename E>
class [[nodiscard]] Result<void, E> {
 public:
  Result() = default;
  template <typename G>
  Result(Unexpected<G> u) : err_(E(std::move(u.error))), ok_(false) {}  // NOLINT

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const E& error() const {
    assert(!ok_);
    return err_;
  }

 private:
  E err_{};
  bool ok_ = true;
};

}  // namespace l2tp

// Propagates the error of a Result-returning expression; yields nothing on success.
#define L2TP_TRY(expr)                                                                      \
  do {                                                                                      \
    auto l2tp_try_result_ = (expr);                                                         \
    if (!l2tp_try_result_.has_value()) return ::l2tp::unexpected(l2tp_try_result_.error()); \
  } while (0)
