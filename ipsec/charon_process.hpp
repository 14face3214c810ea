// l2tpsim's own charon: started as a child in a private mount namespace (a tmpfs on /run, so
// its pid file and any socket of a system charon are neither seen nor touched), with the
// strongswan.conf of charon_config.hpp in a private run directory (STRONGSWAN_CONF), its own
// process group (a terminal's SIGINT reaches l2tpsim, which deletes the SAs first) and
// PR_SET_PDEATHSIG (it dies with l2tpsim). Stopped by the PID it was started with. Needs root
// (CAP_SYS_ADMIN for the mount namespace). It runs in l2tpsim's network namespace.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include "engine/util/result.hpp"
#include "ipsec/charon_config.hpp"

namespace l2tp::ipsec {

class CharonProcess {
 public:
  // Writes the configuration into a fresh run directory, starts charon and waits (up to 10 s)
  // until its VICI socket answers. An error says what failed, with charon's last output.
  static Result<std::unique_ptr<CharonProcess>, std::string> start(const std::string& charon_path,
                                                                   bool userspace_esp);
  ~CharonProcess();
  CharonProcess(const CharonProcess&) = delete;
  CharonProcess& operator=(const CharonProcess&) = delete;

  const std::string& vici_socket() const { return socket_; }
  const std::string& run_dir() const { return cfg_.run_dir; }
  pid_t pid() const { return pid_; }
  // SIGTERM (charon deletes what SAs are left), up to 3 s, then SIGKILL; removes the run
  // directory unless keep_files (L2TPSIM_KEEP_CHARON=1 keeps it for a look at charon.log).
  void stop();
  // The last `lines` lines of charon's log and output, for an error message.
  std::string log_tail(std::size_t lines) const;

 private:
  CharonProcess() = default;
  CharonConfig cfg_;
  std::string socket_;
  pid_t pid_ = -1;
  bool keep_files_ = false;
};

}  // namespace l2tp::ipsec
