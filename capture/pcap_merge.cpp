#include "capture/pcap_merge.hpp"

#include <optional>

#include "capture/pcap_reader.hpp"
#include "capture/pcap_writer.hpp"

namespace l2tp::capture {

Result<FrameMap, std::string> merge_pcaps(const std::vector<std::string>& inputs, const std::string& output) {
  std::vector<PcapReader> readers;
  std::vector<std::optional<CapturedPacket>> heads;
  for (const auto& path : inputs) {
    auto r = PcapReader::open(path);
    if (!r) return unexpected(r.error());
    readers.push_back(std::move(*r));
    heads.push_back(readers.back().next());
  }
  auto writer = PcapWriter::open(output);
  if (!writer) return unexpected(writer.error());
  FrameMap map(inputs.size());
  // A few shards: a linear pick of the earliest head is cheaper than a heap.
  for (;;) {
    std::optional<std::size_t> pick;
    for (std::size_t i = 0; i < heads.size(); ++i)
      if (heads[i] && (!pick || heads[i]->time_ns < heads[*pick]->time_ns)) pick = i;
    if (!pick) break;
    const CapturedPacket& p = *heads[*pick];
    writer->write(p.time_ns, p.src, p.dst, p.payload);
    map[*pick].push_back(writer->stats().written);
    heads[*pick] = readers[*pick].next();
  }
  for (std::size_t i = 0; i < readers.size(); ++i)
    if (!readers[i].error().empty()) return unexpected(inputs[i] + ": " + readers[i].error());
  writer->flush();
  return map;
}

}  // namespace l2tp::capture
