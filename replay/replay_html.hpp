// The HTML report of a replay (--html): one self-contained page (inline style, no script, no
// fetch) with, per tunnel played, the captured and the live conversation as ladder diagrams
// side by side (ladder.hpp: aligned rows, differing rows in the fail colour), the differences
// below with their values and frames (each linked to its row), the peer's response times, the
// notes, and the summary (tunnel_up, sessions_up, ppp_up, matched). Built on the suite's page
// style (reports/html_page.hpp).
#pragma once

#include <string>
#include <string_view>

#include "replay/replay_report.hpp"

namespace l2tp::replay {

std::string replay_html(const ReplayReport& r, std::string_view tool_version);

}  // namespace l2tp::replay
