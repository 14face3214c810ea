// Reading scenario files (YAML). Every error names the file, line, column and key, and says
// what was expected, e.g.
//   lns-avp.yaml:12:7: faults[0].match.mesage: unknown key; did you mean message?
// `${name}` in any value is replaced from the file's `vars:`, then from `vars` given here (the
// command line's --var, and the suite's target, secret, user, password).
#pragma once

#include <map>
#include <string>

#include "engine/util/result.hpp"
#include "scenarios/scenario.hpp"

namespace l2tp::scenario {

struct ScenarioError {
  Where where;
  std::string message;
  std::string to_string() const;  // "file:line:col: key: message"
};

using Vars = std::map<std::string, std::string>;

// Parses `text` as the scenario file named `file` (used in errors only).
Result<Scenario, ScenarioError> parse_scenario(const std::string& text, const std::string& file,
                                               const Vars& vars = {});
// Reads and parses a file; an unreadable file is an error at line 0.
Result<Scenario, ScenarioError> load_scenario(const std::string& path, const Vars& vars = {});

// "5s", "500ms", "2.5s", "1m", or a bare number of seconds.
std::optional<Duration> parse_duration(const std::string& text);
// Hex octets, spaces and colons allowed: "c8 02 00 14", "c802:0014".
std::optional<Buffer> parse_hex(const std::string& text);

}  // namespace l2tp::scenario
