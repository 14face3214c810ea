#include "ipsec/required_filter.hpp"

#include <ostream>

namespace l2tp::ipsec {

bool RequiredFilter::admitted(const net::Endpoint& src, Time now) {
  auto& v = verdicts_[src.addr.to_string()];
  if (now >= v.until) {
    v.admitted = admits_(src.addr);
    v.until = now + (v.admitted ? kRecheckAdmitted : kRecheckRefused);
  }
  return v.admitted;
}

void RequiredFilter::take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
                          Time now) {
  if (dir == WireDirection::In && !admitted(src, now)) {
    ++refused_;
    if (verdicts_[src.addr.to_string()].refused++ == 0)
      err_ << prefix_ << "refused L2TP from " << src.to_string()
           << ": it did not come through an IPsec SA (--use-ipsec required)\n"
           << std::flush;
    return;
  }
  pass(dir, src, dst, bytes);
}

nlohmann::json RequiredFilter::report() const {
  nlohmann::json refused = nlohmann::json::array();
  std::size_t admitted = 0;
  for (const auto& [addr, v] : verdicts_) {
    if (v.refused > 0 && refused.size() < 100)
      refused.push_back({{"source", addr}, {"datagrams", v.refused}});
    if (v.admitted) ++admitted;
  }
  return {{"refused_datagrams", refused_}, {"refused_sources", refused}, {"admitted_sources", admitted}};
}

}  // namespace l2tp::ipsec
