// The LNS role: listens on one or more addresses and accepts every tunnel and incoming call
// the configuration allows (secret, --max-tunnels, --max-sessions); the counters say what
// came up, what failed and why. With --use-ipsec required, L2TP that did not come through an
// IPsec SA is refused before the node sees it (ipsec/required_filter.hpp).
#include <memory>
#include <ostream>

#include "ipsec/required_filter.hpp"
#include "peers/runner.hpp"
#include "peers/sharded_run.hpp"

namespace l2tp::peers {

namespace {

class LnsRunner final : public Runner {
 public:
  LnsRunner(const RunnerConfig& cfg, std::ostream& out, std::ostream& err,
            std::unique_ptr<RunHost> host = nullptr)
      : Runner(cfg, "lns", out, err, std::move(host)) {}

 protected:
  std::optional<std::string> bind_sockets() override {
    for (const auto& local : cfg_.local) {
      auto bound = host_.bind(local, cfg_.reuse_port);
      if (!bound) return "--listen: " + bound.error();
    }
    if (cfg_.ipsec.admits) {
      ipsec_filter_ = std::make_unique<ipsec::RequiredFilter>(cfg_.ipsec.admits, err_, "l2tpsim lns: ");
      host_.set_filter(ipsec_filter_.get());
    }
    return std::nullopt;
  }

  void start(Node&, Time) override {
    if (!standalone()) return;  // the sharded run says it once
    err_ << "l2tpsim lns: listening on";
    for (const auto& l : host_.local_endpoints()) err_ << " " << l.to_string();
    if (authorizer_) err_ << "; PPP peers judged by " << authorizer_->describe();
    err_ << "\n" << std::flush;
  }

  void extend_json(nlohmann::json& j) const override {
    nlohmann::json listen = nlohmann::json::array();
    for (const auto& l : host_.local_endpoints()) listen.push_back(l.to_string());
    j["listen"] = std::move(listen);
    if (!cfg_.ipsec.report.is_null()) {
      j["ipsec"] = cfg_.ipsec.report;
      if (ipsec_filter_) j["ipsec"].update(ipsec_filter_->report());
    }
  }

 private:
  std::unique_ptr<ipsec::RequiredFilter> ipsec_filter_;
};

}  // namespace

int run_lns(const RunnerConfig& cfg, std::ostream& out, std::ostream& err) {
  return run_role<LnsRunner>(cfg, "lns", out, err);
}

std::unique_ptr<Runner> make_lns_runner(const RunnerConfig& cfg, std::ostream& out, std::ostream& err,
                                        std::unique_ptr<RunHost> host) {
  return std::make_unique<LnsRunner>(cfg, out, err, std::move(host));
}

}  // namespace l2tp::peers
