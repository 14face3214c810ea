// What l2tpsim's HTML reports share: the page style (header band, summary grid, badges, tables),
// and number formatting. The conformance report (conformance_html.cpp) and the load report
// (load_html.cpp) are built on it, so both pages look alike.
#pragma once

#include <string>
#include <string_view>

namespace l2tp::reports {

// The CSS of every report page (inline in its <style>).
std::string_view html_base_style();
// `v` with `decimals` digits after the point ("12.50").
std::string html_fixed(double v, int decimals);
// "42.0 s", "3 min 07 s", "2 h 05 min".
std::string html_duration(double seconds);

}  // namespace l2tp::reports
