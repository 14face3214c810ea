#include "tests/support/child_process.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace l2tp::testing {

std::optional<ChildProcess> ChildProcess::start(const std::vector<std::string>& argv,
                                                const std::string& log_path) {
  if (argv.empty()) return std::nullopt;
  const pid_t pid = fork();
  if (pid < 0) return std::nullopt;
  if (pid == 0) {
    const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    const int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    std::perror("execvp");
    _exit(127);
  }
  return ChildProcess(pid, log_path);
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && running()) {
    ::kill(pid_, SIGKILL);
    (void)wait(std::chrono::milliseconds(2000));
  }
}

void ChildProcess::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
}

std::optional<int> ChildProcess::wait(std::chrono::milliseconds limit) {
  if (status_) return status_;
  if (pid_ <= 0) return std::nullopt;
  const auto end = std::chrono::steady_clock::now() + limit;
  while (true) {
    int st = 0;
    const pid_t r = waitpid(pid_, &st, WNOHANG);
    if (r == pid_) {
      status_ = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      return status_;
    }
    if (std::chrono::steady_clock::now() >= end) return std::nullopt;
    usleep(10000);
  }
}

bool ChildProcess::running() {
  return !wait(std::chrono::milliseconds(0)).has_value();
}

int ChildProcess::stop(std::chrono::milliseconds grace) {
  if (auto st = wait(std::chrono::milliseconds(0))) return *st;
  signal(SIGTERM);
  if (auto st = wait(grace)) return *st;
  signal(SIGKILL);
  return wait(std::chrono::milliseconds(5000)).value_or(-1);
}

std::string run_command(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) {
    if (status) *status = -1;
    return out;
  }
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = pclose(p);
  if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

CommandOutput run_capturing(const std::string& cmd) {
  CommandOutput result;
  char err_path[] = "/tmp/l2tpsim-stderr-XXXXXX";
  const int fd = mkstemp(err_path);
  if (fd < 0) return result;
  close(fd);
  if (FILE* p = popen((cmd + " 2>'" + err_path + "'").c_str(), "r")) {
    char buf[8192];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) result.out.append(buf, n);
    result.status = pclose(p);
  }
  result.err = read_file(err_path);
  unlink(err_path);
  return result;
}

std::string describe_status(int status) {
  if (status == -1) return "could not be started";
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(sep, start);
    out.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  for (auto& line : split(text, '\n'))
    if (!line.empty()) out.push_back(std::move(line));
  return out;
}

std::size_t occurrences(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  if (what.empty()) return n;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

bool have_tool(const std::string& tool) {
  int st = 0;
  run_command("command -v " + tool + " >/dev/null 2>&1", &st);
  return st == 0;
}

std::string make_temp_dir(const std::string& prefix) {
  std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
  if (!mkdtemp(tmpl.data())) return "/tmp";
  return tmpl;
}

ScratchDir::~ScratchDir() {
  if (path_ == "/tmp" || ::testing::Test::HasFailure()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string log_tail(const std::string& text, std::size_t n) {
  return text.size() <= n ? text : "..." + text.substr(text.size() - n);
}

void write_file(const std::string& path, const std::string& content, int mode) {
  std::ofstream(path) << content;
  chmod(path.c_str(), static_cast<mode_t>(mode));
}

int free_udp_port() {
  // Bind port 0 on loopback and take what the kernel chose; the race with later users is
  // acceptable for tests that bind it again at once.
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace l2tp::testing
