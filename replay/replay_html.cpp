#include "replay/replay_html.hpp"

#include "engine/wire/rules.hpp"
#include "reports/conformance_report.hpp"
#include "reports/html_page.hpp"

namespace l2tp::replay {
namespace {

using reports::escape_markup;

constexpr std::string_view kLadderStyle = R"css(
.ladders{border:1px solid var(--line);border-radius:8px;overflow:hidden}
.lrow{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);border-bottom:1px solid #eef1f4}
.lrow:last-child{border-bottom:0}
.lrow.head{background:var(--soft);font-size:11.5px;text-transform:uppercase;letter-spacing:.6px;
color:var(--muted);font-weight:600;border-bottom:1px solid var(--line)}
.cell{display:grid;grid-template-columns:5.5rem 4.5rem minmax(0,1fr) 3.5rem;align-items:center;min-height:34px;
padding:0 10px}
.cell+.cell{border-left:3px double var(--line)}
.cell.empty{background:repeating-linear-gradient(135deg,#fafbfc 0 6px,#f1f3f5 6px 12px)}
.lrow.head .cell{min-height:0;padding:8px 10px}
.lrow.head .lanes{flex-direction:row;justify-content:space-between;align-items:center;padding:0 8px}
.t,.fr{font-size:12px;color:var(--muted);font-variant-numeric:tabular-nums}
.fr{text-align:right}.grp{font-size:12px;color:var(--muted)}
.lanes{align-self:stretch;border-left:2px solid #8c959f;border-right:2px solid #8c959f;display:flex;
flex-direction:column;justify-content:center;padding:3px 0}
.lanes .label{font-size:12.5px;text-align:center;line-height:1.2;padding:0 12px;white-space:nowrap;overflow:hidden;
text-overflow:ellipsis}
.arrow{position:relative;height:2px;background:#3d444d;margin:3px 0 2px}
.arrow::after{content:"";position:absolute;top:-5px;border:6px solid transparent}
.to-peer .arrow::after{right:-1px;border-left:9px solid #3d444d;border-right:0}
.to-us .arrow::after{left:-1px;border-right:9px solid #3d444d;border-left:0}
.lrow.diff .cell:not(.empty){background:var(--fail-bg)}
.lrow.diff .label{color:var(--fail);font-weight:600}
.lrow.diff .arrow{background:var(--fail)}
.lrow.diff .to-peer .arrow::after{border-left-color:var(--fail)}
.lrow.diff .to-us .arrow::after{border-right-color:var(--fail)}
.lrow.ours .label{color:#3d444d}
.legend{display:flex;gap:18px;color:var(--muted);font-size:12.5px;margin:8px 0 0}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;vertical-align:-1px;margin-right:5px;
border:1px solid var(--line)}
table.reqs td.val{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12px;
word-break:break-word}
table.reqs th.num{text-align:right}
ul.notes{margin:6px 0 0;padding-left:20px;color:var(--muted)}
)css";

std::string esc(std::string_view s) {
  return escape_markup(s);
}

std::string yes_no(bool b) {
  return b ? "yes" : "no";
}

std::string ms_text(double ms) {
  if (ms < 0) return "-" + format_ms(-ms);
  return format_ms(ms);
}

std::string step_cell(const std::optional<LadderStep>& s) {
  if (!s) return "<div class=\"cell empty\"></div>";
  std::string x = "<div class=\"cell " + std::string(s->from_us ? "to-peer" : "to-us") + "\">";
  x += "<span class=\"t\">" + esc(ms_text(s->t_ms)) + "</span>";
  x += "<span class=\"grp\">" + esc(s->group) + "</span>";
  x += "<div class=\"lanes\"><span class=\"label\" title=\"" + escape_markup(s->label, true) + "\">" +
       esc(s->label) + "</span><div class=\"arrow\"></div></div>";
  x += "<span class=\"fr\">#" + std::to_string(s->frame) + "</span></div>";
  return x;
}

// The ladder row a difference points at (by its frames), for the link from the list.
std::optional<std::size_t> row_of(const std::vector<LadderRow>& rows, const Difference& d) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const LadderRow& r = rows[i];
    if ((d.frame_captured && r.captured && r.captured->frame == d.frame_captured) ||
        (d.frame_live && r.live && r.live->frame == d.frame_live))
      return i;
  }
  return std::nullopt;
}

// The passive checker's findings on the live peer: rule, level (a MUST-level one as a failure,
// the others as warnings), the live frame, what it saw.
std::string findings_section(const PeerFindings& f) {
  std::string x =
      "<h2>Violations by the live peer <span class=\"hint\">the passive checker, RFC 2661; not "
      "differences</span></h2>\n";
  if (f.total == 0) return x + "<p>None seen.</p>\n";
  x += "<table class=\"reqs\"><tr><th>Requirement</th><th>Level</th><th>Live frame</th><th>What</th></tr>\n";
  for (const PeerFinding& v : f.kept)
    x += "<tr><td class=\"mono\">" + esc(v.rule) + "</td><td><span class=\"badge " +
         (is_mandatory_level(v.level) ? "v-fail" : "v-warn") + "\">" + esc(v.level.empty() ? "?" : v.level) +
         "</span></td><td class=\"mono\">" + std::to_string(v.frame_live) + "</td><td>" + esc(v.detail) +
         "</td></tr>\n";
  x += "</table>\n";
  if (f.total > f.kept.size())
    x += "<p>" + std::to_string(f.total - f.kept.size()) + " more not listed.</p>\n";
  return x;
}

std::string tunnel_section(const ReplayOutcome& o, const ReplayReport& r) {
  const std::string id = "t" + std::to_string(o.tunnel + 1);
  const std::string peer = o.played == "LAC" ? "LNS" : "LAC";
  std::string x = "<section id=\"" + id + "\"><h2>Tunnel " + std::to_string(o.tunnel + 1) +
                  " <span class=\"badge " + (o.matched() ? "v-pass\">matched" : "v-fail\">differed") +
                  "</span><span class=\"hint\">" + esc(o.played) + " side played against " + esc(r.peer) +
                  "; tunnel " + (o.tunnel_up ? "up" : "NOT up") + ", calls up " +
                  std::to_string(o.sessions_up) + " of " + std::to_string(o.captured_sessions) + ", PPP up " +
                  std::to_string(o.ppp_up) + ", " + std::to_string(o.differences.size()) +
                  " difference(s)</span></h2>\n";
  x += "<div class=\"ladders\">\n";
  const std::string lanes = "<div class=\"lanes\"><span>us (" + esc(o.played) + ")</span><span>peer (" +
                            peer + ")</span></div><span class=\"fr\">frame</span>";
  x += "<div class=\"lrow head\"><div class=\"cell\"><span>captured</span><span></span>" + lanes +
       "</div><div class=\"cell\"><span>live</span><span></span>" + lanes + "</div></div>\n";
  for (std::size_t i = 0; i < o.ladder.size(); ++i) {
    const LadderRow& row = o.ladder[i];
    x += "<div class=\"lrow" + std::string(row.differs ? " diff" : "") + "\" id=\"" + id + "-r" +
         std::to_string(i + 1) + "\">" + step_cell(row.captured) + step_cell(row.live) + "</div>\n";
  }
  if (o.ladder.empty())
    x += "<div class=\"lrow\"><div class=\"cell empty\"></div><div class=\"cell empty\"></div></div>\n";
  x += "</div>\n<div class=\"legend\"><span><span class=\"swatch\" "
       "style=\"background:var(--fail-bg)\"></span>a "
       "difference names this message</span><span><span class=\"swatch\" "
       "style=\"background:#f1f3f5\"></span>no "
       "counterpart in the other conversation</span><span>times: since the tunnel's first "
       "message</span></div>\n";

  x += "<h2>Differences <span class=\"hint\">the live peer against the captured one</span></h2>\n";
  if (o.differences.empty()) {
    x += "<p>None: the live peer answered as the captured one did.</p>\n";
  } else {
    x += "<table class=\"reqs diffs\"><tr><th>Exchange</th><th>Kind</th><th>Captured</th><th>Live</th>"
         "<th>Frames</th></tr>\n";
    for (const Difference& d : o.differences) {
      const auto row = row_of(o.ladder, d);
      std::string exchange = esc(d.exchange);
      if (row) exchange = "<a href=\"#" + id + "-r" + std::to_string(*row + 1) + "\">" + exchange + "</a>";
      x += "<tr class=\"diff\"><td>" + exchange + "</td><td><span class=\"badge v-fail\">" + esc(d.kind) +
           "</span></td><td class=\"val\">" + (d.captured.empty() ? "(nothing)" : esc(d.captured)) +
           "</td><td class=\"val\">" + (d.live.empty() ? "(nothing)" : esc(d.live)) +
           "</td><td class=\"mono\">" + (d.frame_captured ? std::to_string(d.frame_captured) : "-") + " / " +
           (d.frame_live ? std::to_string(d.frame_live) : "-") + "</td></tr>\n";
    }
    x += "</table>\n";
  }
  x += findings_section(o.findings);
  if (!o.response_times.empty()) {
    x += "<h2>Response times <span class=\"hint\">from our message to the peer's answer; reported, not "
         "judged</span></h2>\n<table class=\"reqs\"><tr><th>Exchange</th><th class=\"num\">Captured</th>"
         "<th class=\"num\">Live</th><th class=\"num\">Frames</th></tr>\n";
    for (const ResponseTime& t : o.response_times)
      x += "<tr><td>" + esc(t.exchange) + "</td><td class=\"num\">" +
           (t.captured_ms ? esc(format_ms(*t.captured_ms)) : "-") + "</td><td class=\"num\">" +
           esc(format_ms(t.live_ms)) + "</td><td class=\"num mono\">" +
           (t.frame_captured ? std::to_string(t.frame_captured) : "-") + " / " +
           std::to_string(t.frame_live) + "</td></tr>\n";
    x += "</table>\n";
  }
  if (!o.notes.empty()) {
    x += "<h2>Notes</h2><ul class=\"notes\">\n";
    for (const std::string& n : o.notes) x += "<li>" + esc(n) + "</li>\n";
    x += "</ul>\n";
  }
  x += "</section>\n";
  return x;
}

}  // namespace

std::string replay_html(const ReplayReport& r, std::string_view tool_version) {
  const bool matched = r.matched();
  std::string x =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>l2tpsim replay: " +
      esc(r.capture) + "</title>\n<style>" + std::string(reports::html_base_style()) +
      std::string(kLadderStyle) + "</style></head>\n<body>\n";
  x += "<header class=\"top\"><div class=\"wrap\"><div><h1>l2tpsim replay</h1><div class=\"sub\">" +
       esc(r.capture) + ": the " + esc(r.played) + " side of " + std::to_string(r.tunnels.size()) +
       " tunnel(s) against " + esc(r.peer) + "</div></div><div class=\"outcome " +
       (matched ? "v-pass\">MATCHED" : "v-fail\">DIFFERED") + "</div></div></header>\n<main>\n";
  x += "<div class=\"summary\"><dl class=\"meta\"><dt>tunnel_up</dt><dt>sessions_up</dt><dt>ppp_up</dt>"
       "<dt>matched</dt><dt>differences</dt><dt>peer violations</dt><dd>" +
       yes_no(r.tunnel_up()) + "</dd><dd>" + std::to_string(r.sessions_up()) + " of " +
       std::to_string(r.captured_sessions()) + " captured</dd><dd>" + std::to_string(r.ppp_up()) +
       "</dd><dd>" + yes_no(matched) + "</dd><dd>" + std::to_string(r.differences()) + "</dd><dd>" +
       std::to_string(r.peer_violations()) + "</dd></dl></div>\n";
  if (!r.simulated.empty()) x += "<p><b>Simulated:</b> " + esc(r.simulated) + "</p>\n";
  for (const ReplayOutcome& o : r.tunnels) x += tunnel_section(o, r);
  x += "<footer>l2tpsim " + esc(tool_version) + (r.pcap.empty() ? "" : "; live pcap: " + esc(r.pcap)) +
       "</footer>\n</main>\n</body></html>\n";
  return x;
}

}  // namespace l2tp::replay
