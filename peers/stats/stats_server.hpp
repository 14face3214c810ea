// --stats-listen ADDR:PORT: a small HTTP/1.1 server on its own thread and io_context that shows
// a running LAC or LNS and takes a few commands.
//
//   GET  /metrics                 the live counters, Prometheus text format 0.0.4
//   GET  /json                    the JSON summary --json writes at the end, as it stands now
//   POST /control/stop-setup      open no more calls (nor redials); what is up stays up
//   POST /control/teardown        the graceful teardown a first SIGINT starts; the run then ends
//   POST /control/rate?setups-per-second=N   the setup rate from now on (LAC), N > 0
//
// It never touches a shard's state: a view or a command is posted to every shard's io_context,
// runs there between datagrams (a snapshot is a copy of the shard's counters), and its answer
// is posted back. Views are shared by every request within half a second, so many scrapers
// cost a shard no more than two snapshots a second. One request per connection, at most
// kMaxConnections at once, each closed after kRequestTimeout: slow or many clients wait or are
// turned away, the run does not.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/net/address.hpp"
#include "engine/util/result.hpp"
#include "peers/runner.hpp"
#include "peers/stats/http_request.hpp"

namespace l2tp::peers {

class StatsServer {
 public:
  static constexpr std::size_t kMaxConnections = 32;
  static constexpr auto kRequestTimeout = std::chrono::seconds(5);
  static constexpr auto kViewMaxAge = std::chrono::milliseconds(500);
  // A shard that does not answer within this (its run is ending) makes the request a 503.
  static constexpr auto kShardTimeout = std::chrono::seconds(2);

  struct Shard {
    Runner* runner = nullptr;
    double rate_share = 1;  // this shard's part of the run's setup rate
  };
  // What the run's owner does for the server; both are called on the server's thread and
  // must only post to where the work belongs.
  struct Host {
    std::function<void(std::string why)> teardown;  // as a first SIGINT
    std::function<void(std::string line)> note;     // a line for stderr
  };

  // Binds `at` and starts the thread; the reason when the address cannot be bound.
  static Result<std::unique_ptr<StatsServer>, std::string> start(const net::Endpoint& at, std::string role,
                                                                 std::vector<Shard> shards,
                                                                 std::vector<std::string> options, Host host);
  ~StatsServer();
  StatsServer(const StatsServer&) = delete;
  StatsServer& operator=(const StatsServer&) = delete;

  // Ends the server and joins its thread; call it before the shards' runners go away.
  void stop();
  net::Endpoint local() const { return local_; }
  // "stats: http://ADDR:PORT/metrics and /json; control: POST ...", for the run's banner.
  std::string describe() const;

  // The response to one request (through `reply`, on the server's thread).
  void handle(const http::Request& req, std::function<void(std::string)> reply);

 private:
  friend class StatsConnection;
  StatsServer(std::string role, std::vector<Shard> shards, std::vector<std::string> options, Host host);
  void accept();
  // The merged view of every shard, fresh within kViewMaxAge; nullptr when a shard did not answer.
  struct View {
    std::chrono::steady_clock::time_point at;
    std::string metrics, json;
  };
  void with_view(std::function<void(const View*)> use);
  void view_part(std::uint64_t generation, std::size_t k, RunResult&& part);
  void view_done(bool complete);
  // Runs `command` on every shard (with its rate share) and replies with the first refusal, or
  // `done` when none refused.
  void command(std::function<std::optional<std::string>(Runner&, double share)> command, std::string done,
               std::function<void(std::string)> reply);

  std::string role_;
  std::vector<Shard> shards_;
  std::vector<std::string> options_;
  Host host_;
  net::Endpoint local_;
  // Open now (the connections count themselves; the last may go with io_'s handlers).
  std::size_t connections_ = 0;
  boost::asio::io_context io_;
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  boost::asio::steady_timer view_timer_{io_};
  std::optional<View> view_;
  std::vector<std::function<void(const View*)>> waiting_;
  std::vector<std::optional<RunResult>> parts_;
  std::size_t parts_left_ = 0;
  std::uint64_t generation_ = 0;
  bool collecting_ = false;
  std::thread thread_;
  bool stopped_ = false;
};

}  // namespace l2tp::peers
