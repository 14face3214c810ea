// Starting and stopping the peers and tools a test needs. Only processes started here are
// ever signalled, and only by their PID.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace l2tp::testing {

class ChildProcess {
 public:
  // Starts argv[0] (searched in PATH) with stdout and stderr appended to `log_path`.
  static std::optional<ChildProcess> start(const std::vector<std::string>& argv, const std::string& log_path);

  ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_), log_(std::move(o.log_)) { o.pid_ = -1; }
  ChildProcess& operator=(ChildProcess&&) = delete;
  ChildProcess(const ChildProcess&) = delete;
  ~ChildProcess();  // SIGKILL if still running

  pid_t pid() const { return pid_; }
  const std::string& log_path() const { return log_; }
  void signal(int sig) const;
  // Waits for exit up to `limit`; returns the exit status (128+signal if killed), nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds limit);
  bool running();
  // Sends SIGTERM, waits up to `grace`, then SIGKILL. Returns the exit status.
  int stop(std::chrono::milliseconds grace = std::chrono::milliseconds(3000));

 private:
  ChildProcess(pid_t pid, std::string log) : pid_(pid), log_(std::move(log)) {}
  pid_t pid_ = -1;
  std::string log_;
  std::optional<int> status_;
};

// Runs a command to completion (sh -c), returning its stdout; `status` gets the exit status.
std::string run_command(const std::string& cmd, int* status = nullptr);

// A command's whole outcome, stderr kept apart from stdout.
struct CommandOutput {
  int status = -1;  // as waitpid reports it (see describe_status)
  std::string out;
  std::string err;
};
CommandOutput run_capturing(const std::string& cmd);
// "exit status 1", "killed by signal 11", ...
std::string describe_status(int wait_status);

// `text` cut at every `sep` (empty pieces kept), and its non-empty lines.
std::vector<std::string> split(const std::string& text, char sep);
std::vector<std::string> lines_of(const std::string& text);
// How often `what` occurs in `text`, not overlapping (lines of a server's log, say).
std::size_t occurrences(const std::string& text, const std::string& what);
// True when `tool` is on PATH.
bool have_tool(const std::string& tool);
// A fresh temporary directory (removed by the caller if wanted).
std::string make_temp_dir(const std::string& prefix);
// A fresh temporary directory for one test, removed when it goes out of scope unless the test
// failed (its logs and pcaps are then the evidence). Declare it before the processes using it.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& prefix) : path_(make_temp_dir(prefix)) {}
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};
std::string read_file(const std::string& path);
// The last `n` bytes of `text` (a peer's log in an error message), "..." first when cut.
std::string log_tail(const std::string& text, std::size_t n);
void write_file(const std::string& path, const std::string& content, int mode = 0644);
// A UDP port nobody on 127.0.0.0/8 is using right now, from a per-process range.
int free_udp_port();
// Polls `cond` every 20 ms until it holds or `limit` passes.
template <typename F>
bool wait_until(F cond, std::chrono::milliseconds limit);

}  // namespace l2tp::testing

#include <thread>

template <typename F>
bool l2tp::testing::wait_until(F cond, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return cond();
}
