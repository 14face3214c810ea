#include "peers/stats/stats_server.hpp"

#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "peers/stats/run_metrics.hpp"
#include "peers/udp_transport.hpp"
#include "reports/prometheus_text.hpp"

namespace l2tp::peers {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// One client: reads one request (bounded in size and time), writes one response, closes.
class StatsConnection : public std::enable_shared_from_this<StatsConnection> {
 public:
  StatsConnection(StatsServer& server, tcp::socket socket)
      : server_(server), socket_(std::move(socket)), deadline_(socket_.get_executor()) {
    ++server_.connections_;
  }
  ~StatsConnection() { --server_.connections_; }

  void start() {
    deadline_.expires_after(StatsServer::kRequestTimeout);
    deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->close();
    });
    read();
  }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(buf_),
                            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                              if (ec) return self->close();
                              self->in_.append(self->buf_.data(), n);
                              self->parsed();
                            });
  }

  void parsed() {
    auto req = http::parse_request(in_);
    if (req) {
      server_.handle(*req,
                     [self = shared_from_this()](std::string response) { self->write(std::move(response)); });
      return;
    }
    switch (req.error()) {
      case http::ParseError::NeedMore:
        return read();
      case http::ParseError::TooLarge:
        return write(http::text_response(
            413, "a request may have at most " + std::to_string(http::kMaxRequest) + " octets"));
      case http::ParseError::BadMethod:
        return write(http::text_response(405, "only GET and POST", {"Allow: GET, POST"}));
      case http::ParseError::Unsupported:
        return write(http::text_response(501, "chunked request bodies are not supported"));
      case http::ParseError::Malformed:
        return write(http::text_response(400, "not an HTTP/1.1 request"));
    }
  }

  void write(std::string response) {
    if (writing_ || !socket_.is_open()) return;
    writing_ = true;
    out_ = std::move(response);
    asio::async_write(
        socket_, asio::buffer(out_),
        [self = shared_from_this()](const boost::system::error_code&, std::size_t) { self->close(); });
  }

  void close() {
    boost::system::error_code ignored;
    deadline_.cancel();
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  StatsServer& server_;
  tcp::socket socket_;
  asio::steady_timer deadline_;
  std::array<char, 1024> buf_{};
  std::string in_, out_;
  bool writing_ = false;
};

namespace {

// "0.5", "2000": a rate of calls per second, > 0 and at most 1e9 (as --setup-rate).
std::optional<double> parse_rate(const std::string& text) {
  if (text.empty() || text.size() > 32) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(v) || v <= 0 || v > 1e9) return std::nullopt;
  return v;
}

std::string number(double v) {
  std::ostringstream o;
  o << v;
  return o.str();
}

}  // namespace

StatsServer::StatsServer(std::string role, std::vector<Shard> shards, std::vector<std::string> options,
                         Host host)
    : role_(std::move(role)),
      shards_(std::move(shards)),
      options_(std::move(options)),
      host_(std::move(host)) {}

Result<std::unique_ptr<StatsServer>, std::string> StatsServer::start(const net::Endpoint& at,
                                                                     std::string role,
                                                                     std::vector<Shard> shards,
                                                                     std::vector<std::string> options,
                                                                     Host host) {
  std::unique_ptr<StatsServer> s(
      new StatsServer(std::move(role), std::move(shards), std::move(options), std::move(host)));
  const tcp::endpoint ep(to_asio(at.addr), at.port);
  boost::system::error_code ec;
  s->acceptor_.open(ep.protocol(), ec);
  if (!ec) s->acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) s->acceptor_.bind(ep, ec);
  if (!ec) s->acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return unexpected("cannot listen on TCP " + at.to_string() + ": " + ec.message());
  const auto bound = s->acceptor_.local_endpoint();
  s->local_ = net::Endpoint{from_asio(bound.address()), bound.port()};
  s->accept();
  s->thread_ = std::thread([server = s.get()] { server->io_.run(); });
  return s;
}

StatsServer::~StatsServer() {
  stop();
}

void StatsServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  io_.stop();
  if (thread_.joinable()) thread_.join();
  // The connections' sockets and timers go with io_'s handlers; the requests waiting for a
  // view go now, while the io_context they belong to is still whole.
  waiting_.clear();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

std::string StatsServer::describe() const {
  const std::string base = "http://" + local_.to_string();
  return "stats: " + base + "/metrics (Prometheus) and " + base +
         "/json; control: POST /control/stop-setup, /control/teardown, /control/rate?setups-per-second=N";
}

void StatsServer::accept() {
  acceptor_.async_accept([this](const boost::system::error_code& ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (!ec) {
      if (connections_ >= kMaxConnections) {
        // Turned away at once: a crowd of clients must not hold the run's snapshots up.
        boost::system::error_code ignored;
        socket.close(ignored);
      } else {
        std::make_shared<StatsConnection>(*this, std::move(socket))->start();
      }
    }
    accept();
  });
}

void StatsServer::handle(const http::Request& req, std::function<void(std::string)> reply) {
  using http::Method;
  const bool get = req.method == Method::Get;
  const auto only = [&](Method allowed) {
    reply(http::text_response(
        405, std::string("use ") + (allowed == Method::Get ? "GET" : "POST") + " for " + req.path,
        {std::string("Allow: ") + (allowed == Method::Get ? "GET" : "POST")}));
  };
  if (req.path == "/metrics" || req.path == "/json") {
    if (!get) return only(Method::Get);
    const bool metrics = req.path == "/metrics";
    with_view([metrics, reply = std::move(reply)](const View* v) {
      if (!v)
        reply(http::text_response(503, "the run's shards did not answer in time: the run is ending"));
      else if (metrics)
        reply(http::response(200, reports::prometheus::kContentType, v->metrics));
      else
        reply(http::response(200, "application/json", v->json));
    });
    return;
  }
  if (req.path == "/") {
    if (!get) return only(Method::Get);
    return reply(http::text_response(200, "l2tpsim " + role_ + "\n" + describe()));
  }
  if (!req.path.starts_with("/control/")) return reply(http::text_response(404, "no " + req.path + " here"));
  const std::string action = req.path.substr(9);
  if (action != "stop-setup" && action != "teardown" && action != "rate")
    return reply(http::text_response(
        404, "no control " + req.path + " (stop-setup, teardown, rate?setups-per-second=N)"));
  if (get) return only(Method::Post);

  if (action == "teardown") {
    host_.teardown("POST /control/teardown");
    view_.reset();
    return reply(http::text_response(200, "tearing down (CDN, StopCCN); the run ends when it is done"));
  }
  if (role_ != "lac")
    return reply(http::text_response(409, "an " + role_ + " run opens no calls: no setup to stop or pace"));
  if (action == "stop-setup") {
    command(
        [](Runner& r, double) -> std::optional<std::string> {
          if (r.control_stop_setup()) return std::nullopt;
          return std::string("setup is already stopped, or the teardown began");
        },
        "setup stopped: no new calls or redials; what is up stays up", std::move(reply));
    host_.note("POST /control/stop-setup: no new calls from now on");
    return;
  }
  // rate
  const auto given = req.param("setups-per-second");
  if (!given)
    return reply(
        http::text_response(400, "POST /control/rate needs ?setups-per-second=N (calls per second, > 0)"));
  const auto rate = parse_rate(*given);
  if (!rate)
    return reply(http::text_response(
        400,
        "setups-per-second: '" + *given + "' is not a rate (calls per second, greater than 0, at most 1e9)"));
  command([rate = *rate](Runner& r, double share) { return r.control_setup_rate(rate * share); },
          "setup rate now " + number(*rate) + " calls/s", std::move(reply));
  host_.note("POST /control/rate: " + number(*rate) + " calls/s from now on");
}

void StatsServer::command(std::function<std::optional<std::string>(Runner&, double)> cmd, std::string done,
                          std::function<void(std::string)> reply) {
  // Shared by the shards' answers and the deadline; the reply goes once.
  struct Pending {
    std::function<void(std::string)> reply;
    std::string done;
    std::size_t left = 0;
    std::optional<std::string> refused;
    asio::steady_timer timer;
    bool answered = false;
    explicit Pending(asio::io_context& io) : timer(io) {}
    void answer(std::string response) {
      if (answered) return;
      answered = true;
      timer.cancel();
      reply(std::move(response));
    }
  };
  auto p = std::make_shared<Pending>(io_);
  p->reply = std::move(reply);
  p->done = std::move(done);
  p->left = shards_.size();
  view_.reset();  // the next view shows the change
  for (const Shard& s : shards_) {
    asio::post(s.runner->io(), [this, p, cmd, shard = s] {
      auto refused = cmd(*shard.runner, shard.rate_share);
      asio::post(io_, [p, refused = std::move(refused)] {
        if (refused && !p->refused) p->refused = refused;
        if (--p->left == 0)
          p->answer(p->refused ? http::text_response(409, *p->refused) : http::text_response(200, p->done));
      });
    });
  }
  p->timer.expires_after(kShardTimeout);
  p->timer.async_wait([p](const boost::system::error_code& ec) {
    if (!ec)
      p->answer(http::text_response(503, "the run's shards did not answer in time: the run is ending"));
  });
}

void StatsServer::with_view(std::function<void(const View*)> use) {
  if (view_ && std::chrono::steady_clock::now() - view_->at < kViewMaxAge) return use(&*view_);
  waiting_.push_back(std::move(use));
  if (collecting_) return;
  collecting_ = true;
  const std::uint64_t generation = ++generation_;
  parts_.assign(shards_.size(), std::nullopt);
  parts_left_ = shards_.size();
  for (std::size_t k = 0; k < shards_.size(); ++k) {
    Runner* runner = shards_[k].runner;
    asio::post(runner->io(), [this, runner, k, generation] {
      RunResult part = runner->live_result();  // a copy, on the shard's own thread
      asio::post(io_, [this, k, generation, part = std::move(part)]() mutable {
        view_part(generation, k, std::move(part));
      });
    });
  }
  view_timer_.expires_after(kShardTimeout);
  view_timer_.async_wait([this, generation](const boost::system::error_code& ec) {
    if (!ec && collecting_ && generation == generation_) view_done(false);
  });
}

void StatsServer::view_part(std::uint64_t generation, std::size_t k, RunResult&& part) {
  if (!collecting_ || generation != generation_) return;  // late: that view was given up
  parts_[k] = std::move(part);
  if (--parts_left_ == 0) view_done(true);
}

void StatsServer::view_done(bool complete) {
  collecting_ = false;
  view_timer_.cancel();
  if (complete) {
    RunResult all = std::move(*parts_[0]);
    for (std::size_t k = 1; k < parts_.size(); ++k) all.merge(std::move(*parts_[k]));
    if (parts_.size() > 1) all.extra["threads"] = parts_.size();  // as the final summary says
    view_ = View{std::chrono::steady_clock::now(), reports::prometheus::render(run_metrics(all)),
                 summary_json(all, options_).dump(2) + "\n"};
  }
  parts_.clear();
  auto waiting = std::move(waiting_);
  waiting_.clear();
  for (auto& use : waiting) use(complete ? &*view_ : nullptr);
}

}  // namespace l2tp::peers
