// deploy/kubernetes/l2tpsim-agents.yaml (issue 12, item 4), parsed: an Indexed Job of N agents on
// the nodes' own networks, each taking its agent number from JOB_COMPLETION_INDEX, writing its
// summary to the shared volume, and a merge Job waiting for N summaries; N the same everywhere;
// every l2tpsim option in it one that `l2tpsim lac --help` / `report merge --help` lists.
// (kubectl --dry-run=client needs an API server to map kinds, so it is not used here.)
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

namespace l2tp::testing {
namespace L2TPSIM_FILE_ID {

const std::string kManifest = std::string(L2TPSIM_SOURCE_DIR) + "/deploy/kubernetes/l2tpsim-agents.yaml";

std::vector<YAML::Node> documents() {
  return YAML::LoadAllFromFile(kManifest);
}

const YAML::Node* find(const std::vector<YAML::Node>& docs, const std::string& kind,
                       const std::string& name) {
  for (const auto& d : docs)
    if (d["kind"].as<std::string>() == kind && d["metadata"]["name"].as<std::string>() == name) return &d;
  return nullptr;
}

// The shell script a container runs (command: [/bin/sh, -c, SCRIPT]).
std::string script_of(const YAML::Node& job) {
  const auto command = job["spec"]["template"]["spec"]["containers"][0]["command"];
  EXPECT_EQ(command.size(), 3u);
  EXPECT_EQ(command[0].as<std::string>(), "/bin/sh");
  EXPECT_EQ(command[1].as<std::string>(), "-c");
  return command[2].as<std::string>();
}

// The --options after "l2tpsim SUB" up to the end of that command (";").
std::set<std::string> options_of(const std::string& script, const std::string& sub) {
  std::set<std::string> out;
  const auto at = script.find("l2tpsim " + sub);
  EXPECT_NE(at, std::string::npos) << script;
  if (at == std::string::npos) return out;
  const std::string command = script.substr(at, script.find(';', at) - at);
  const std::regex option("(^|\\s)(--[a-z][a-z0-9-]*)");
  for (auto it = std::sregex_iterator(command.begin(), command.end(), option); it != std::sregex_iterator();
       ++it)
    out.insert((*it)[2].str());
  return out;
}

std::string claim_of(const YAML::Node& job) {
  const auto spec = job["spec"]["template"]["spec"];
  EXPECT_EQ(spec["containers"][0]["volumeMounts"][0]["mountPath"].as<std::string>(), "/results");
  return spec["volumes"][0]["persistentVolumeClaim"]["claimName"].as<std::string>();
}

TEST(KubernetesManifest, IndexedJobOfAgentsAndAMergeJobAgreeOnN) {
  const auto docs = documents();
  const YAML::Node* agents = find(docs, "Job", "l2tpsim-agents");
  const YAML::Node* merge = find(docs, "Job", "l2tpsim-merge");
  const YAML::Node* claim = find(docs, "PersistentVolumeClaim", "l2tpsim-results");
  ASSERT_TRUE(agents && merge && claim);

  const auto spec = (*agents)["spec"];
  EXPECT_EQ(spec["completionMode"].as<std::string>(), "Indexed");
  const int n = spec["completions"].as<int>();
  EXPECT_GE(n, 2);
  EXPECT_EQ(spec["parallelism"].as<int>(), n) << "every agent at once";
  EXPECT_EQ(spec["backoffLimit"].as<int>(), 0) << "an agent's slice run twice would count twice";
  const auto pod = spec["template"]["spec"];
  EXPECT_TRUE(pod["hostNetwork"].as<bool>());
  EXPECT_EQ(pod["restartPolicy"].as<std::string>(), "Never");
  EXPECT_EQ(
      pod["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]["topologyKey"]
          .as<std::string>(),
      "kubernetes.io/hostname");

  const std::string agent = script_of(*agents);
  const std::string of_n = "-of-" + std::to_string(n) + ".json";
  EXPECT_NE(agent.find("--agent-env JOB_COMPLETION_INDEX/" + std::to_string(n) + " "), std::string::npos)
      << agent;
  EXPECT_NE(agent.find("--start-at \"$START_AT\""), std::string::npos) << agent;
  EXPECT_NE(agent.find("--json \"/results/agent-$((JOB_COMPLETION_INDEX + 1))" + of_n + "\""),
            std::string::npos)
      << agent;
  const std::string merger = script_of(*merge);
  EXPECT_NE(merger.find("-ge " + std::to_string(n) + " ]"), std::string::npos) << merger;
  EXPECT_NE(merger.find("l2tpsim report merge /results/agent-*" + of_n), std::string::npos) << merger;

  EXPECT_EQ(claim_of(*agents), "l2tpsim-results");
  EXPECT_EQ(claim_of(*merge), "l2tpsim-results");
  EXPECT_EQ((*claim)["spec"]["accessModes"][0].as<std::string>(), "ReadWriteMany");

  // Every option the manifest gives is one l2tpsim has.
  const auto lac_help = run_capturing(std::string(L2TPSIM_BINARY) + " lac --help");
  ASSERT_EQ(lac_help.status, 0) << lac_help.err;
  const auto lac_options = options_of(agent, "lac");
  EXPECT_GE(lac_options.size(), 8u);
  for (const auto& o : lac_options) EXPECT_NE(lac_help.out.find("  " + o + " "), std::string::npos) << o;
  const auto merge_help = run_capturing(std::string(L2TPSIM_BINARY) + " report merge --help");
  ASSERT_EQ(merge_help.status, 0) << merge_help.err;
  for (const auto& o : options_of(merger, "report merge"))
    EXPECT_NE(merge_help.out.find("  " + o + " "), std::string::npos) << o;
}

TEST(KubernetesManifest, TheAgentsCommandLineIsAcceptedForEveryIndex) {
  // `l2tpsim lac ... --help` parses nothing; instead each index's --agent-env is read as the pod
  // would read it, against a loopback LNS address, with an impossible --tunnels to stop early.
  const auto docs = documents();
  const YAML::Node* agents = find(docs, "Job", "l2tpsim-agents");
  ASSERT_TRUE(agents);
  const int n = (*agents)["spec"]["completions"].as<int>();
  for (int i = 0; i < n; ++i) {
    const auto r = run_capturing("JOB_COMPLETION_INDEX=" + std::to_string(i) + " " + L2TPSIM_BINARY +
                                 " lac --agent-env JOB_COMPLETION_INDEX/" + std::to_string(n) +
                                 " --connect-to 127.0.0.1 --tunnels " + std::to_string(n - 1));
    EXPECT_EQ(r.status >> 8, 2) << r.err;
    EXPECT_NE(r.err.find("--agent " + std::to_string(i + 1) + "/" + std::to_string(n) + ": --tunnels"),
              std::string::npos)
        << r.err;
  }
}

}  // namespace L2TPSIM_FILE_ID
}  // namespace l2tp::testing
