#include "ipsec/charon_config.hpp"

namespace l2tp::ipsec {

std::string vici_socket_path(const CharonConfig& c) {
  return c.run_dir + "/charon.vici";
}
std::string charon_log_path(const CharonConfig& c) {
  return c.run_dir + "/charon.log";
}

std::string strongswan_conf(const CharonConfig& c) {
  // kernel-libipsec before kernel-netlink: its IPsec backend is the one charon uses, while
  // kernel-netlink still does addresses and routes. openssl brings AES, 3DES, SHA-1/2, HMAC
  // and the MODP groups.
  const std::string plugins = std::string("random nonce openssl hmac ") +
                              (c.userspace_esp ? "kernel-libipsec " : "") +
                              "kernel-netlink socket-default vici";
  const std::string level = std::to_string(c.log_level);
  return "# written by l2tpsim for its own charon; not shared with a system one\n"
         "charon {\n"
         "  load_modular = no\n"
         "  load = " +
         plugins +
         "\n"
         "  # IKE retransmits after 1, 1.5, 2.25 s, then gives up after 3.4 s more (default: 165 s)\n"
         "  retransmit_tries = 3\n"
         "  retransmit_timeout = 1.0\n"
         "  retransmit_base = 1.5\n"
         "  install_virtual_ip = no\n"
         "  # every blocking VICI initiate (eight at once) holds a worker thread while its IKE runs; with\n"
         "  # charon's default 16 none was left to read the answers\n"
         "  threads = 48\n"
         "  # a LAC opens an IKE SA per source address, many at once (default: 5 half-open per IP)\n"
         "  block_threshold = 100000\n"
         "  plugins {\n"
         "    vici {\n"
         "      socket = unix://" +
         vici_socket_path(c) +
         "\n"
         "    }\n"
         "  }\n"
         "  filelog {\n"
         "    l2tpsim {\n"
         "      path = " +
         charon_log_path(c) +
         "\n"
         "      time_format = %T\n"
         "      ike_name = yes\n"
         "      default = " +
         level +
         "\n"
         "      flush_line = yes\n"
         "    }\n"
         "  }\n"
         "  syslog {\n"
         "    daemon {\n"
         "      default = -1\n"
         "    }\n"
         "  }\n"
         "}\n";
}

}  // namespace l2tp::ipsec
