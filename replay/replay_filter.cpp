#include "replay/replay_filter.hpp"

#include <algorithm>

namespace l2tp::replay {

ReplayFilter::ReplayFilter(const ReplayScript& script, std::string secret, ShapeOptions options, Rng& rng)
    : script_(script), secret_(std::move(secret)), options_(options), rng_(rng), checker_(secret_) {
  options_.have_secret = !secret_.empty();
}

void ReplayFilter::note(const std::string& n) {
  if (std::find(notes_.begin(), notes_.end(), n) == notes_.end()) notes_.push_back(n);
}

Buffer ReplayFilter::shape(Bytes bytes) {
  const Bytes key(reinterpret_cast<const std::uint8_t*>(secret_.data()), secret_.size());
  auto live = wire::decode_control(bytes, key.empty() ? std::nullopt : std::optional<Bytes>(key));
  if (!live || live->is_zlb() || !live->known_type()) return Buffer(bytes.begin(), bytes.end());
  const MessageType type = *live->known_type();
  const auto ns_key = std::make_pair(live->header.tunnel.value, live->header.ns.value);

  Shaped shaped;
  if (auto it = by_ns_.find(ns_key); it != by_ns_.end() && it->second.message.known_type() == type) {
    shaped = it->second;  // a retransmission: the same AVPs, the live header (Nr may have moved)
    shaped.message.header = live->header;
  } else {
    const ScriptMessage* tmpl = nullptr;
    if (auto p = pinned_.find(ns_key); p != pinned_.end() && p->second->type == type) {
      tmpl = p->second;
      pinned_.erase(p);
    } else {
      tmpl = script_.find(type, sent_[type]++);
    }
    if (!tmpl) {
      note(std::string(to_string(type)) +
           " sent as the engine built it: the capture has none from this side");
      return Buffer(bytes.begin(), bytes.end());
    }
    // A StopCCN or CDN of the engine's own making (an error, a refusal) keeps its own Result
    // Code: the captured one only replaces the hang-up the player asked for.
    if (type == MessageType::StopCcn || type == MessageType::Cdn) {
      const auto* lr = live->find(AvpType::ResultCode);
      const auto* cr = tmpl->message.find(AvpType::ResultCode);
      const auto* lv = lr ? lr->get<avp::ResultCode>() : nullptr;
      const auto* cv = cr ? cr->get<avp::ResultCode>() : nullptr;
      if (!lv || !cv || lv->result != cv->result) {
        note(std::string(to_string(type)) +
             " sent as the engine built it: its Result Code is not the captured one");
        return Buffer(bytes.begin(), bytes.end());
      }
    }
    shaped = shape_message(tmpl->message, *live, options_, rng_);
    for (const std::string& n : shaped.notes)
      note(std::string(to_string(type)) + " (captured frame " + std::to_string(tmpl->frame) + "): " + n);
    by_ns_[ns_key] = shaped;
  }
  auto out = encode_shaped(shaped, key, rng_);
  if (!out) {
    note(std::string(to_string(type)) + " sent as the engine built it: " + out.error());
    return Buffer(bytes.begin(), bytes.end());
  }
  ++shaped_;
  return std::move(*out);
}

void ReplayFilter::take(WireDirection dir, const net::Endpoint& src, const net::Endpoint& dst, Bytes bytes,
                        Time now) {
  Buffer b = dir == WireDirection::Out && !bytes.empty() && (bytes[0] & 0x80)
                 ? shape(bytes)
                 : Buffer(bytes.begin(), bytes.end());
  transcript_.push_back(LiveDatagram{dir, src, dst, b, now, frames_ ? *frames_ : transcript_.size() + 1});
  if (dir == WireDirection::In) checker_.observe(b, transcript_.back().frame, now);
  held_.push(dir, src, dst, std::move(b));
}

bool ReplayFilter::poll(Time, WireDirection& dir, net::Endpoint& src, net::Endpoint& dst, Buffer& out) {
  return held_.pop(dir, src, dst, out);
}

}  // namespace l2tp::replay
