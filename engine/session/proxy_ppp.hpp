// Proxy LCP and proxy authentication (RFC 2661 4.4.5, AVPs 26 to 33): what a LAC negotiated
// with the PPP client before the call reached the LNS, carried in ICCN so the LNS may skip LCP
// and authentication or renegotiate them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/util/bytes.hpp"

namespace l2tp::session {

// Proxy Authen Type values (4.4.5).
namespace proxy_authen {
constexpr std::uint16_t kTextual = 1, kChap = 2, kPap = 3, kNone = 4, kMsChapV1 = 5;
}

struct ProxyPpp {
  // LCP Configure-Request options (the information field after Code/Identifier/Length).
  Buffer initial_received_confreq, last_sent_confreq, last_received_confreq;
  std::optional<std::uint16_t> authen_type;
  std::string authen_name;
  Buffer authen_challenge;
  std::optional<std::uint16_t> authen_id;
  Buffer authen_response;

  bool has_lcp() const { return !last_sent_confreq.empty() || !last_received_confreq.empty(); }
  bool has_auth() const { return authen_type.has_value(); }
  bool operator==(const ProxyPpp&) const = default;
};

// An optional ProxyPpp kept on the heap: a Session holds one, and most calls carry none, so
// the 170 octets of an empty std::optional<ProxyPpp> in every session shrink to a pointer.
// Reads like the optional it replaces and converts to one.
class ProxyPppBox {
 public:
  ProxyPppBox() = default;
  ProxyPppBox(std::optional<ProxyPpp> p) { *this = std::move(p); }  // NOLINT: implicit, as optional
  ProxyPppBox(const ProxyPppBox& o) : p_(o.p_ ? std::make_unique<ProxyPpp>(*o.p_) : nullptr) {}
  ProxyPppBox(ProxyPppBox&&) noexcept = default;
  ProxyPppBox& operator=(const ProxyPppBox& o) {
    p_ = o.p_ ? std::make_unique<ProxyPpp>(*o.p_) : nullptr;
    return *this;
  }
  ProxyPppBox& operator=(ProxyPppBox&&) noexcept = default;
  ProxyPppBox& operator=(std::optional<ProxyPpp> p) {
    p_ = p ? std::make_unique<ProxyPpp>(std::move(*p)) : nullptr;
    return *this;
  }

  explicit operator bool() const { return p_ != nullptr; }
  bool has_value() const { return p_ != nullptr; }
  const ProxyPpp& operator*() const { return *p_; }
  const ProxyPpp* operator->() const { return p_.get(); }
  operator std::optional<ProxyPpp>() const {  // NOLINT: implicit, so optional = box works
    return p_ ? std::optional<ProxyPpp>(*p_) : std::nullopt;
  }

 private:
  std::unique_ptr<ProxyPpp> p_;
};

}  // namespace l2tp::session
