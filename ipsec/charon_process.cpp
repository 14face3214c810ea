#include "ipsec/charon_process.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <thread>

#include "ipsec/vici_client.hpp"

namespace l2tp::ipsec {

namespace {

// In the child, after fork: only async-signal-safe calls until exec; a failure is written to
// the output file and ends the child with status 127.
[[noreturn]] void child_fail(int fd, const char* what) {
  const char* why = std::strerror(errno);
  (void)!::write(fd, what, std::strlen(what));
  (void)!::write(fd, ": ", 2);
  (void)!::write(fd, why, std::strlen(why));
  (void)!::write(fd, "\n", 1);
  ::_exit(127);
}

bool exited(pid_t pid, int& status) {
  return ::waitpid(pid, &status, WNOHANG) == pid;
}

}  // namespace

Result<std::unique_ptr<CharonProcess>, std::string> CharonProcess::start(const std::string& charon_path,
                                                                         bool userspace_esp) {
  if (::access(charon_path.c_str(), X_OK) != 0)
    return unexpected("no charon at " + charon_path +
                      " (install strongswan-charon, strongswan-swanctl and libcharon-extra-plugins)");
  std::string dir_template = (std::filesystem::temp_directory_path() / "l2tpsim-charon-XXXXXX").string();
  if (!::mkdtemp(dir_template.data()))
    return unexpected("cannot make a run directory for charon: " + std::string(std::strerror(errno)));
  std::unique_ptr<CharonProcess> p(new CharonProcess());
  p->cfg_.run_dir = dir_template;
  p->cfg_.userspace_esp = userspace_esp;
  p->socket_ = vici_socket_path(p->cfg_);
  const char* keep = std::getenv("L2TPSIM_KEEP_CHARON");
  p->keep_files_ = keep && std::string(keep) == "1";
  const std::string conf = p->cfg_.run_dir + "/strongswan.conf";
  std::ofstream(conf) << strongswan_conf(p->cfg_);
  const std::string out_path = p->cfg_.run_dir + "/charon.out";
  const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out < 0) return unexpected("cannot write " + out_path + ": " + std::strerror(errno));
  const std::string env_conf = "STRONGSWAN_CONF=" + conf;
  const pid_t parent = ::getpid();

  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out);
    return unexpected("fork: " + std::string(std::strerror(errno)));
  }
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(1);  // l2tpsim died before the prctl
    ::setpgid(0, 0);
    ::dup2(out, STDOUT_FILENO);
    ::dup2(out, STDERR_FILENO);
    if (::unshare(CLONE_NEWNS) != 0)
      child_fail(STDERR_FILENO, "unshare(CLONE_NEWNS) (l2tpsim needs root for --use-ipsec)");
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
      child_fail(STDERR_FILENO, "mount --make-rprivate /");
    if (::mount("tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") != 0)
      child_fail(STDERR_FILENO, "mount tmpfs on /run");
    ::putenv(const_cast<char*>(env_conf.c_str()));
    char* const argv[] = {const_cast<char*>(charon_path.c_str()), nullptr};
    ::execv(charon_path.c_str(), argv);
    child_fail(STDERR_FILENO, "exec charon");
  }
  ::close(out);
  p->pid_ = pid;

  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  std::string last_error;
  for (;;) {
    int status = 0;
    if (exited(pid, status)) {
      p->pid_ = -1;
      return unexpected("charon exited at once (status " +
                        std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) +
                        "): " + p->log_tail(6));
    }
    if (auto c = ViciClient::connect(p->socket_)) {
      auto v = (*c)->call("version", {}, std::chrono::milliseconds(2000));
      if (v) return p;
      last_error = v.error();
    } else {
      last_error = c.error();
    }
    if (std::chrono::steady_clock::now() > deadline)
      return unexpected("charon's VICI socket did not answer within 10 s (" + last_error +
                        "): " + p->log_tail(6));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

CharonProcess::~CharonProcess() {
  stop();
}

void CharonProcess::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!exited(pid_, status)) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
  }
  if (!keep_files_ && !cfg_.run_dir.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(cfg_.run_dir, ec);
    cfg_.run_dir.clear();
  }
}

std::string CharonProcess::log_tail(std::size_t lines) const {
  std::deque<std::string> last;
  for (const char* name : {"/charon.out", "/charon.log"}) {
    std::ifstream in(cfg_.run_dir + name);
    for (std::string line; std::getline(in, line);) {
      if (line.find("failed to load") != std::string::npos) continue;  // plugins charon was not built with
      last.push_back(line);
      if (last.size() > lines) last.pop_front();
    }
  }
  std::string out;
  for (const auto& l : last) out += (out.empty() ? "" : " | ") + l;
  return out.empty() ? "(charon said nothing)" : out;
}

}  // namespace l2tp::ipsec
