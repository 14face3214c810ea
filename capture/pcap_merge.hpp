// Merges the captures a sharded run's shards wrote, each in time order, into one file in time
// order (ties: the earlier input first). Returns, for every input, the merged frame number of
// each of its frames, so evidence noted against a shard's capture can be renumbered.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/util/result.hpp"

namespace l2tp::capture {

using FrameMap = std::vector<std::vector<std::uint64_t>>;  // [input][frame - 1] -> merged frame

Result<FrameMap, std::string> merge_pcaps(const std::vector<std::string>& inputs, const std::string& output);

}  // namespace l2tp::capture
