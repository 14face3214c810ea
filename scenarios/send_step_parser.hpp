// The `send:` step: a control message from fields, either encoded as written (outside any control
// channel) or sent live through a tunnel's control channel (`in: tunnel|call`, `value: live`).
// See scenario.hpp (Send) and scenarios/README.md.
#pragma once

#include <string>

#include "scenarios/scenario.hpp"
#include "scenarios/yaml_reader.hpp"

namespace l2tp::scenario::detail {

Send read_send(const Reader& r, const YAML::Node& n, const std::string& key);

}  // namespace l2tp::scenario::detail
