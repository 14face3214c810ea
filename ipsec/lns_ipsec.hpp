// The LNS's IPsec side (--use-ipsec yes|required): l2tpsim's own charon as a responder with the
// pre-shared key and one connection for every peer (UDP to the listen addresses), and, for
// `required`, the question whether a source address came through an installed CHILD SA
// (charon's list-sas: the SAs' remote traffic selectors).
#pragma once

#include <chrono>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/util/result.hpp"
#include "ipsec/charon_process.hpp"
#include "ipsec/ipsec_settings.hpp"
#include "ipsec/traffic_selector.hpp"
#include "ipsec/vici_client.hpp"

namespace l2tp::ipsec {

class LnsIpsec {
 public:
  static Result<std::unique_ptr<LnsIpsec>, std::string> start(const IpsecSettings& s,
                                                              const std::vector<net::Endpoint>& listen,
                                                              std::ostream& err);
  // Whether an installed CHILD SA's remote selector covers `source` (thread-safe). The answer
  // comes from a snapshot of every SA's selectors, asked of charon again (list-sas) when a
  // source is not in it and the snapshot is older than kRefresh, or older than kMaxAge at all: one query
  // serves many peers.
  static constexpr std::chrono::milliseconds kRefresh{100};
  static constexpr std::chrono::milliseconds kMaxAge{2000};
  bool admits(const net::IpAddress& source);
  // How many CHILD SAs are installed now (for the report).
  std::size_t installed_child_sas();
  void close(std::ostream& err);

 private:
  LnsIpsec() = default;
  std::vector<std::vector<std::string>> installed_remote_selectors();
  std::unique_ptr<CharonProcess> charon_;
  std::mutex mutex_;
  std::unique_ptr<ViciClient> client_;
  std::vector<AddressPrefix> snapshot_;
  std::chrono::steady_clock::time_point taken_{};
};

}  // namespace l2tp::ipsec
