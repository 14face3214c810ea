// The load report (`l2tpsim lac|lns --html FILE`): one self-contained page drawn from a run's JSON
// summary, with charts as inline SVG (no script, no fetch): sessions and tunnels up over time,
// setup and teardown rates, latency histograms and percentiles per phase, failures per second by
// phase and by Result/Error Code, control retransmissions; the run's options and the peer's
// identity (Host Name, Vendor Name, Firmware Revision of its SCCRP or SCCRQ). Percentiles are
// read from the merged histograms, never averaged.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace l2tp::reports {

std::string load_report_html(const nlohmann::json& summary, std::string_view tool_version);

}  // namespace l2tp::reports
