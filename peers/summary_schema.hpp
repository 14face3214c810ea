// The version of the JSON summary's layout (`summary_schema` in every lac/lns --json), so that
// `l2tpsim report merge` can tell summaries it reads right from ones of another layout. Raise it
// when a key changes meaning or form (not when one is added).
#pragma once

namespace l2tp::peers {

inline constexpr int kSummarySchema = 1;

}  // namespace l2tp::peers
