// A case on UDP sockets in real time. See asio_case_host.hpp.
#include "scenarios/asio_case_host.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/post.hpp>

namespace l2tp::scenario {

namespace {

constexpr auto kShellPoll = std::chrono::milliseconds(50);

}  // namespace

AsioCaseHost::AsioCaseHost(const CaseEnv& env)
    : env_(env), step_timer_(io_), poll_timer_(io_), shell_timer_(io_) {}

AsioCaseHost::~AsioCaseHost() {
  // The whole process group: `sh -c` may have forked the command rather than exec'd it.
  if (shell_pid_ > 0) background_.push_back(shell_pid_);
  for (pid_t p : background_) {
    ::kill(-p, SIGTERM);
    ::waitpid(p, nullptr, 0);
  }
}

Time AsioCaseHost::now() const {
  return peers::SteadyTime::now();
}

void AsioCaseHost::post(std::function<void()> f) {
  boost::asio::post(io_, std::move(f));
}

void AsioCaseHost::arm(Timer t, Time at, std::function<void()> f) {
  auto& tm = timer(t);
  tm.expires_at(peers::SteadyTime::to_steady(at));
  tm.async_wait([f = std::move(f)](const boost::system::error_code& ec) {
    if (!ec) f();
  });
}

void AsioCaseHost::cancel(Timer t) {
  timer(t).cancel();
}

void AsioCaseHost::retire(std::unique_ptr<peers::Shard> shard) {
  shard->stop();
  old_shards_.push_back(std::move(shard));
}

std::optional<std::string> AsioCaseHost::start_tester(const TesterSetup& setup,
                                                      std::vector<net::Endpoint>& local) {
  if (shard_) retire(std::move(shard_));
  // A port of the kernel's choosing that an earlier case used (or in the traceroute range) is
  // given back and another taken.
  const auto requested = local;
  for (int attempt = 0;; ++attempt) {
    shard_ = std::make_unique<peers::Shard>(io_, setup.node, setup.seed);
    local = requested;
    bool reused = false;
    for (std::size_t i = 0; i < local.size(); ++i) {
      auto bound = shard_->bind(local[i]);
      if (!bound) {
        shard_->stop();
        return bound.error();
      }
      if (requested[i].port == 0 && env_.used_ports && env_.used_ports->count(bound->port)) reused = true;
      // tshark flags UDP to 33434-33534 as "Possible traceroute" (an expert note on a clean
      // frame): a port there is given back too, so the suite's pcap dissects without one.
      if (requested[i].port == 0 && bound->port >= 33434 && bound->port <= 33534) reused = true;
      local[i] = *bound;
    }
    if (!reused || attempt == 8 || setup.restart) break;
    retire(std::move(shard_));
  }
  if (env_.used_ports)
    for (const auto& l : local) env_.used_ports->insert(l.port);
  if (env_.pcap) shard_->share_pcap(env_.pcap);
  shard_->set_tap(setup.tap);
  if (setup.filter) shard_->set_filter(setup.filter);
  if (setup.make_ppp) shard_->set_ppp(setup.make_ppp());
  shard_->on_event(setup.on_event);
  return std::nullopt;
}

void AsioCaseHost::stop_tester() {
  if (shard_) shard_->stop();
}

void AsioCaseHost::start_shell(const Shell& sh, std::function<void(std::string)> finished) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    ::execl("/bin/sh", "sh", "-c", sh.command.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  if (pid < 0) {
    post([finished = std::move(finished)] { finished("shell: fork failed"); });
    return;
  }
  if (sh.background) {
    background_.push_back(pid);
    post([finished = std::move(finished)] { finished(""); });
    return;
  }
  shell_pid_ = pid;
  shell_deadline_ = now() + sh.timeout;
  shell_finished_ = std::move(finished);
  watch_shell();
}

void AsioCaseHost::watch_shell() {
  shell_timer_.expires_after(kShellPoll);
  shell_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || shell_pid_ <= 0 || finished_) return;
    int status = 0;
    const pid_t r = ::waitpid(shell_pid_, &status, WNOHANG);
    if (r != shell_pid_ && now() < shell_deadline_) return watch_shell();
    std::string note;
    if (r != shell_pid_) {
      ::kill(-shell_pid_, SIGKILL);
      ::waitpid(shell_pid_, nullptr, 0);
      note = "shell command timed out";
    }
    shell_pid_ = -1;
    auto finished = std::move(shell_finished_);
    finished(note);
  });
}

}  // namespace l2tp::scenario
