#include "reports/html_page.hpp"

#include <charconv>
#include <cstdio>

namespace l2tp::reports {

namespace {

constexpr std::string_view kStyle = R"css(
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--accent:#0b4f8a;
--pass:#1a7f37;--pass-bg:#dafbe1;--fail:#c62828;--fail-bg:#ffebe9;
--inc:#9a6700;--inc-bg:#fff3c4;--na:#59636e;--na-bg:#eaeef2}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:var(--fg);background:#fff}
main{max-width:1200px;margin:0 auto;padding:0 24px 40px}
code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12.5px}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header.top{background:#0d2538;color:#fff;padding:22px 0 18px}
header.top .wrap{max-width:1200px;margin:0 auto;padding:0 24px;display:flex;align-items:center;gap:24px}
header.top h1{margin:0;font-size:22px;font-weight:600;letter-spacing:.2px}
header.top .sub{color:#b6c6d6;font-size:13px;margin-top:2px}
.outcome{margin-left:auto;font-weight:700;font-size:15px;padding:6px 16px;border-radius:6px;letter-spacing:.5px}
.summary{display:flex;flex-wrap:wrap;gap:16px 40px;align-items:flex-end;justify-content:space-between;
padding:18px 0;border-bottom:1px solid var(--line)}
dl.meta{display:grid;grid-template-columns:repeat(5,auto);gap:4px 32px;margin:0}
dl.meta dt{color:var(--muted);font-size:11.5px;text-transform:uppercase;letter-spacing:.6px}
dl.meta dd{margin:0;font-weight:500}
.totals{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.totals .count{color:var(--muted);margin-right:4px}
.badge{display:inline-block;border-radius:999px;padding:1px 10px;font-size:12px;font-weight:600;
white-space:nowrap;border:1px solid transparent}
.badge.big{font-size:13.5px;padding:4px 14px}
.v-pass{color:var(--pass);background:var(--pass-bg);border-color:#aceebb}
.v-fail{color:var(--fail);background:var(--fail-bg);border-color:#ffcecb}
.v-inconclusive{color:var(--inc);background:var(--inc-bg);border-color:#f5e0a0}
.v-not-applicable{color:var(--na);background:var(--na-bg);border-color:#d1d9e0}
.v-warn{color:#8a4600;background:#fff1e5;border-color:#ffd8b5}
.v-not-run{color:#6e7781;background:#f6f8fa;border-color:#d1d9e0;text-decoration:line-through}
.outcome.v-warn{background:#d1631b;color:#fff}.outcome.v-not-run{background:#6e7781;color:#fff}
.alert{border:2px solid #cf222e;background:#ffebe9;color:#82071e;border-radius:8px;padding:12px 16px;margin:16px 0}
.alert h3{margin:0 0 6px;font-size:16px}.alert.note{border-color:#bf8700;background:#fff8c5;color:#6b4b00}
.clause{font-size:12.5px;color:var(--muted);margin-top:2px}
.outcome.v-pass{background:#2da44e;color:#fff}.outcome.v-fail{background:#cf222e;color:#fff}
.outcome.v-inconclusive{background:#bf8700;color:#fff}.outcome.v-not-applicable{background:#6e7781;color:#fff}
h2{font-size:17px;margin:28px 0 10px;font-weight:600}
h2 .hint{font-weight:400;color:var(--muted);font-size:13px;margin-left:8px}
.filters{display:flex;gap:14px;align-items:center;margin:0 0 10px;color:var(--muted);font-size:13px}
.filters label{cursor:pointer;user-select:none}
.filters button{margin-left:auto;font:inherit;font-size:12.5px;padding:3px 12px;border:1px solid var(--line);
background:var(--soft);border-radius:6px;cursor:pointer;color:var(--fg)}
.cases{border:1px solid var(--line);border-radius:8px;overflow:hidden}
.row{display:grid;grid-template-columns:var(--idw) 8.5rem var(--reqw) 1fr 5.5rem;gap:12px;padding:8px 14px;
align-items:baseline}
.row.head{background:var(--soft);font-size:11.5px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted);
font-weight:600;border-bottom:1px solid var(--line)}
.num{text-align:right;font-variant-numeric:tabular-nums}
details.case{border-bottom:1px solid var(--line)}details.case:last-child{border-bottom:0}
details.case>summary{cursor:pointer;list-style:none}
details.case>summary::-webkit-details-marker{display:none}
details.case>summary:hover{background:#f3f6f9}
details.case>summary .id::before{content:"\25B8";display:inline-block;width:1em;color:var(--muted);
transition:transform .1s}
details.case[open]>summary .id::before{transform:rotate(90deg)}
details.case[open]>summary{background:var(--soft)}
.id{font-weight:600;white-space:nowrap}
.body{padding:6px 20px 16px 36px;border-top:1px dashed var(--line)}
.body h4{margin:14px 0 6px;font-size:12px;text-transform:uppercase;letter-spacing:.6px;color:var(--muted)}
.reason{margin:12px 0 4px;padding:8px 12px;border-radius:6px;border-left:4px solid currentColor}
.reason b{margin-right:6px}
.facts{color:var(--muted);font-size:12.5px;margin:8px 0 0}
ul.checks,ul.violations{list-style:none;margin:0;padding:0}
ul.checks>li,ul.violations>li{display:grid;grid-template-columns:4.2rem 1fr;gap:10px;padding:5px 0;
border-top:1px solid #eef1f4}
ul.checks>li:first-child,ul.violations>li:first-child{border-top:0}
.mark{font-size:11px;font-weight:700;text-align:center;border-radius:4px;padding:1px 0;align-self:start;
margin-top:2px}
.detail{color:var(--muted)}
ul.ev{list-style:none;margin:4px 0 0;padding:0 0 0 12px;border-left:2px solid var(--line)}
ul.ev li{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12px;
color:#3d444d}
.frame{color:var(--accent);border-bottom:1px dotted var(--accent);cursor:help}
.ruletext{color:var(--muted);font-size:12.5px}
table.reqs{width:100%;border-collapse:separate;border-spacing:0;border:1px solid var(--line);border-radius:8px;
overflow:hidden}
table.reqs th{background:var(--soft);text-align:left;font-size:11.5px;text-transform:uppercase;letter-spacing:.6px;
color:var(--muted);font-weight:600;padding:8px 12px;border-bottom:1px solid var(--line)}
table.reqs td{padding:8px 12px;border-bottom:1px solid #eef1f4;vertical-align:top}
table.reqs tr:last-child td{border-bottom:0}
table.reqs td.sec,table.reqs td.rid,table.reqs td.rcases{white-space:nowrap}
.level{font-size:11px;font-weight:700;padding:1px 6px;border-radius:4px;border:1px solid var(--line);
white-space:nowrap;color:var(--muted)}
.lv-must{color:#8c1d18;border-color:#f0b7b2;background:#fff5f4}
.lv-should{color:#7a4d00;border-color:#efd595;background:#fffbea}
.lv-may{color:#0b4f8a;border-color:#b6d4ef;background:#f2f8fd}
:target{outline:2px solid #5b9bd5;outline-offset:-2px}
footer{color:var(--muted);font-size:12px;margin-top:28px;padding-top:12px;border-top:1px solid var(--line)}
@media print{header.top{background:#fff;color:var(--fg)}header.top .sub{color:var(--muted)}.filters{display:none}}
)css";

}  // namespace

std::string_view html_base_style() {
  return kStyle;
}

std::string html_fixed(double v, int decimals) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, decimals);
  return ec == std::errc() ? std::string(buf, end) : std::string("0");
}

std::string html_duration(double s) {
  if (s < 60) return html_fixed(s, 1) + " s";
  const auto total = static_cast<long long>(s + 0.5);
  char buf[48];
  if (total < 3600)
    std::snprintf(buf, sizeof buf, "%lld min %02lld s", total / 60, total % 60);
  else
    std::snprintf(buf, sizeof buf, "%lld h %02lld min", total / 3600, total / 60 % 60);
  return buf;
}

}  // namespace l2tp::reports
