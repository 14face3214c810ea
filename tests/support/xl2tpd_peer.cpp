#include "tests/support/xl2tpd_peer.hpp"

#include <fcntl.h>
#include <unistd.h>

namespace l2tp::testing {

std::optional<Xl2tpdPeer> Xl2tpdPeer::start(const Xl2tpdOptions& opt, const std::string& dir,
                                            std::string& error) {
  if (!have_tool("xl2tpd") || !have_tool("unshare")) {
    error = "xl2tpd or unshare is not installed (apt-get install xl2tpd util-linux)";
    return std::nullopt;
  }
  const std::string yes_no_challenge = opt.challenge ? "yes" : "no";
  const std::string hostname = opt.hostname.empty() ? "" : "hostname = " + opt.hostname + "\n";
  std::string conf = "[global]\nlisten-addr = " + opt.listen_addr +
                     "\nport = 1701\naccess control = no\nauth file = " + dir + "/l2tp-secrets\n\n";
  conf += "[lns default]\nip range = 10.99.0.10-10.99.0.250\nlocal ip = 10.99.0.1\nchallenge = " +
          yes_no_challenge + "\nhidden bit = " + (opt.hidden ? "yes" : "no") +
          "\nlength bit = yes\nrequire authentication = no\npppoptfile = " + dir + "/options\n" + hostname +
          "\n";
  if (!opt.lac_to.empty()) {
    conf += "[lac peer]\nlns = " + opt.lac_to + "\nname = MT-User\nchallenge = " + yes_no_challenge +
            "\nhidden bit = " + (opt.hidden ? "yes" : "no") +
            "\nlength bit = yes\nrequire authentication = no\n" + "pppoptfile = " + dir +
            "/options\nautodial = no\nredial = no\n" + hostname;
  }
  write_file(dir + "/xl2tpd.conf", conf);
  write_file(dir + "/l2tp-secrets", opt.secret.empty() ? "" : "* * " + opt.secret + "\n", 0600);
  write_file(dir + "/options", "");
  write_file(dir + "/pppd-standin",
             "#!/bin/sh\n# Stand-in for pppd: hold the pty open, swallow PPP.\nexec cat >/dev/null\n", 0755);
  const std::string inner = "mount --bind " + dir + "/pppd-standin /usr/sbin/pppd && exec xl2tpd -D -c " +
                            dir + "/xl2tpd.conf -s " + dir + "/l2tp-secrets -p " + dir + "/xl2tpd.pid -C " +
                            dir + "/control";
  std::vector<std::string> argv{"unshare", "-m", "--propagation", "private", "sh", "-c", inner};
  if (!opt.netns.empty()) argv.insert(argv.begin(), {"ip", "netns", "exec", opt.netns});
  auto p = ChildProcess::start(argv, dir + "/xl2tpd.log");
  if (!p) {
    error = "could not start xl2tpd";
    return std::nullopt;
  }
  const std::string log = dir + "/xl2tpd.log";
  if (!wait_until([&] { return read_file(log).find("Listening on IP address") != std::string::npos; },
                  std::chrono::seconds(5))) {
    error = "xl2tpd did not start listening; its log:\n" + read_file(log);
    return std::nullopt;
  }
  return Xl2tpdPeer(std::move(*p), dir);
}

bool Xl2tpdPeer::control(const std::string& line) {
  const int fd = open((dir_ + "/control").c_str(), O_WRONLY | O_NONBLOCK);
  if (fd < 0) return false;
  const std::string l = line + "\n";
  const bool ok = write(fd, l.data(), l.size()) == static_cast<ssize_t>(l.size());
  close(fd);
  return ok;
}

bool Xl2tpdPeer::dial() {
  return control("c peer");
}
bool Xl2tpdPeer::hang_up() {
  return control("d peer");
}

}  // namespace l2tp::testing
