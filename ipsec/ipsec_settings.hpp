// What --use-ipsec and its companions ask for (RouterOS names: use-ipsec, ipsec-secret), and
// what the IPsec phase leaves for the L2TP run: the source addresses whose SA failed (their
// tunnels fail in phase `ipsec`), the `ipsec` JSON block, and for `lns --use-ipsec required`
// the check that a source came through an SA.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/util/latency_histogram.hpp"

namespace l2tp::ipsec {

// RouterOS: use-ipsec=no|yes|required (the LAC knows no and yes).
enum class UseIpsec : std::uint8_t { No, Yes, Required };
// transport: what Windows, macOS and RouterOS clients do (RFC 3193), needs ESP in the kernel;
// tunnel: inner /32 addresses in an ESP tunnel, which charon's kernel-libipsec runs in userspace.
enum class IpsecMode : std::uint8_t { Transport, Tunnel };
std::string_view to_string(UseIpsec u);
std::string_view to_string(IpsecMode m);

// IKEv1 main mode with a pre-shared key, the algorithms Windows and RouterOS clients offer and
// accept (charon splits a combined proposal into every combination for IKEv1).
inline constexpr const char* kDefaultIkeProposals = "aes256-aes128-3des-sha256-sha1-modp2048-modp1024";
inline constexpr const char* kDefaultEspProposals = "aes256-aes128-3des-sha256-sha1";

struct IpsecSettings {
  UseIpsec use = UseIpsec::No;
  std::string secret;
  IpsecMode mode = IpsecMode::Transport;
  std::vector<std::string> ike_proposals{kDefaultIkeProposals};
  std::vector<std::string> esp_proposals{kDefaultEspProposals};
  // LAC: the IKE peer, when it is not the --connect-to address (tunnel mode: the LNS's outer
  // address); the local IKE address (default: what the kernel routes from).
  std::optional<net::IpAddress> peer, local;
  std::string charon_path = "/usr/lib/ipsec/charon";
  // --pcap-outer: IKE and ESP as they went over the wire (captured on the interfaces).
  std::string pcap_outer;
  bool enabled() const { return use != UseIpsec::No; }
};

struct IpsecHooks {
  IpsecSettings settings;
  // LAC: source addresses whose IKE or CHILD SA did not come up, with the reason.
  std::vector<std::pair<net::IpAddress, std::string>> failed;
  // The `ipsec` block of the JSON summary (null: no IPsec).
  nlohmann::json report;
  // LAC: each SA's setup time (initiate until the CHILD SA was up), the run's `ipsec` phase.
  LatencyHistogram setup_latency;
  // LNS, --use-ipsec required: whether L2TP from this address came through an SA (thread-safe).
  std::function<bool(const net::IpAddress&)> admits;

  const std::string* failure_for(const net::IpAddress& a) const {
    for (const auto& [addr, why] : failed)
      if (addr == a) return &why;
    return nullptr;
  }
};

}  // namespace l2tp::ipsec
