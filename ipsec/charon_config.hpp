// The strongswan.conf of l2tpsim's own charon: only the plugins it needs, its VICI socket and
// log in a private run directory (nothing of /etc/strongswan.d, nothing shared with a system
// charon), IKE retransmissions short enough that a silent or refusing peer fails a run in
// seconds rather than charon's default 165 s.
#pragma once

#include <string>

namespace l2tp::ipsec {

struct CharonConfig {
  std::string run_dir;         // holds the VICI socket and the log
  bool userspace_esp = false;  // kernel-libipsec (tunnel mode on a kernel without ESP)
  int log_level = 1;           // charon's filelog level for every subsystem
};

std::string vici_socket_path(const CharonConfig& c);
std::string charon_log_path(const CharonConfig& c);
std::string strongswan_conf(const CharonConfig& c);

}  // namespace l2tp::ipsec
