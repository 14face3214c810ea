// Why a CHILD SA did not come up, in words a test engineer acts on, from what charon said:
// initiate's errmsg ("establishing CHILD_SA 'l2tp' failed" says little) and the control-log
// lines it streamed while it tried. The charon line that decided is quoted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace l2tp::ipsec {

// `peer`: the IKE peer, for the message.
std::string failure_reason(std::string_view errmsg, const std::vector<std::string>& log,
                           std::string_view peer);

}  // namespace l2tp::ipsec
