// Conversation extraction, step two: one tunnel from its datagrams. Its tunnel ends are split
// into two sides (a message from end A to end B puts them on opposite sides), each datagram is
// given to the side that sent it, retransmissions are recognised (same Ns, same octets but Nr),
// and the call messages and PPP frames go to the sessions (conversation_sessions.cpp).
#include <algorithm>
#include <unordered_map>

#include "capture/conversation_decode.hpp"
#include "capture/conversation_internal.hpp"

namespace l2tp::capture::detail {
namespace {

constexpr std::size_t kErrorsNoted = 5;

class Assembler {
 public:
  Assembler(const std::vector<const Datagram*>& ds, GroupFacts facts) : ds_(ds) {
    t_.notes = std::move(facts.notes);
    sccrq_target_ = facts.sccrq_target;
  }

  Tunnel run() {
    color_sides();
    describe_sides();
    t_.first_frame = ds_.front()->frame;
    t_.first_ns = ds_.front()->time_ns;
    t_.last_frame = ds_.back()->frame;
    t_.last_ns = ds_.back()->time_ns;
    for (const Datagram* d : ds_) {
      const std::uint8_t s = sender_of(*d);
      note_damage(*d);
      if (d->control)
        add_control(*d, s);
      else
        add_data(*d, s);
    }
    sessions_.build(t_);
    finish_notes();
    return std::move(t_);
  }

 private:
  // --- sides ---

  int color(const TunnelEnd& e) const {
    auto it = std::find_if(colors_.begin(), colors_.end(), [&](const auto& c) { return c.first == e; });
    return it == colors_.end() ? -1 : it->second;
  }
  void set_color(const TunnelEnd& e, int c) {
    if (color(e) < 0) colors_.emplace_back(e, c);
  }
  int color_of_endpoint(const Endpoint& ep) const {
    for (const auto& [e, c] : colors_)
      if (e.ep == ep) return c;
    return -1;
  }
  // A message from one end to another puts them on opposite sides.
  void propagate() {
    for (bool changed = true; changed;) {
      changed = false;
      for (const Datagram* d : ds_) {
        if (!d->from || !d->to) continue;
        const int f = color(*d->from), to = color(*d->to);
        if (f >= 0 && to < 0) {
          set_color(*d->to, 1 - f);
          changed = true;
        } else if (to >= 0 && f < 0) {
          set_color(*d->from, 1 - to);
          changed = true;
        } else if (f >= 0 && f == to && !conflict_noted_) {
          conflict_noted_ = true;
          t_.notes.push_back(
              "frame " + std::to_string(d->frame) +
              ": sender and receiver tunnel ends look like the same side; sides may be mixed up");
        }
      }
    }
  }
  // Side 0 sent the first datagram (the SCCRQ when it was captured).
  void color_sides() {
    const Datagram& first = *ds_.front();
    if (first.from) {
      set_color(*first.from, 0);
    } else if (first.to) {
      set_color(*first.to, 1);
    } else {
      // An SCCRQ whose Assigned Tunnel ID could not be read: the first end known elsewhere is
      // its sender's when it sits at the SCCRQ's source address.
      for (const Datagram* d : ds_) {
        if (const auto& e = d->from ? d->from : d->to) {
          set_color(*e, e->ep == first.src ? 0 : 1);
          break;
        }
      }
    }
    propagate();
    // Ends no message ties to the others (directions paired by address): by their addresses.
    for (const Datagram* d : ds_) {
      if (d->to && color(*d->to) < 0) {
        const int by_sender = color_of_endpoint(d->src);
        const int by_place = color_of_endpoint(d->to->ep);
        set_color(*d->to, by_sender >= 0 ? 1 - by_sender : by_place >= 0 ? by_place : 1);
        propagate();
      }
      if (d->from && color(*d->from) < 0) {
        const int by_place = color_of_endpoint(d->from->ep);
        const int by_receiver = color_of_endpoint(d->dst);
        set_color(*d->from, by_place >= 0 ? by_place : by_receiver >= 0 ? 1 - by_receiver : 0);
        propagate();
      }
    }
  }
  std::uint8_t sender_of(const Datagram& d) const {
    if (d.from && color(*d.from) >= 0) return static_cast<std::uint8_t>(color(*d.from));
    if (d.to && color(*d.to) >= 0) return static_cast<std::uint8_t>(1 - color(*d.to));
    // No end of its own (an SCCRQ without a readable Assigned Tunnel ID): by its addresses.
    if (const int by_src = color_of_endpoint(d.src); by_src >= 0) return static_cast<std::uint8_t>(by_src);
    if (const int by_dst = color_of_endpoint(d.dst); by_dst >= 0)
      return static_cast<std::uint8_t>(1 - by_dst);
    return 0;
  }
  void describe_sides() {
    std::array<std::vector<TunnelEnd>, 2> ends;
    for (const auto& [e, c] : colors_) ends[static_cast<std::size_t>(c)].push_back(e);
    for (std::uint8_t s = 0; s < 2; ++s) {
      TunnelSide& side = t_.sides[s];
      if (!ends[s].empty()) {
        side.endpoint = ends[s].front().ep;
        side.endpoint_known = true;
        side.tunnel_id = TunnelId{ends[s].front().id};
        side.tunnel_id_known = true;
      }
      if (ends[s].size() > 1) {
        std::string list;
        for (const auto& e : ends[s])
          list += (list.empty() ? "" : ", ") + e.ep.to_string() + " ID " + std::to_string(e.id);
        t_.notes.push_back("side " + std::to_string(s) + " used more than one tunnel end: " + list);
      }
    }
    // A side without an end of its own (one direction captured): its address from the datagrams.
    for (const Datagram* d : ds_) {
      if (t_.sides[0].endpoint_known && t_.sides[1].endpoint_known) break;
      const std::uint8_t s = sender_of(*d);
      for (auto [side, ep] : {std::pair{s, d->src}, std::pair{static_cast<std::uint8_t>(1 - s), d->dst}}) {
        if (!t_.sides[side].endpoint_known) {
          t_.sides[side].endpoint = ep;
          t_.sides[side].endpoint_known = true;
        }
      }
    }
    if (sccrq_target_ && t_.sides[1].endpoint_known && *sccrq_target_ != t_.sides[1].endpoint &&
        color(TunnelEnd{t_.sides[1].endpoint, t_.sides[1].tunnel_id.value}) == 1 && first_is_sccrq()) {
      t_.sccrq_target = sccrq_target_;
      t_.notes.push_back("the SCCRQ went to " + sccrq_target_->to_string() + " and the SCCRP came from " +
                         t_.sides[1].endpoint.to_string() + ": the tunnel moved there (RFC 2661 8.1)");
    }
  }
  bool first_is_sccrq() const {
    return ds_.front()->control && ds_.front()->message.known_type() == MessageType::Sccrq;
  }

  // --- datagrams ---

  void note_damage(const Datagram& d) {
    if (d.truncated) {
      ++t_.truncated;
      truncated_frames_.push_back(d.frame);
    }
    if (d.error && errors_noted_++ < kErrorsNoted)
      t_.notes.push_back("frame " + std::to_string(d.frame) + ": " + describe(*d.error));
  }

  void add_control(const Datagram& d, std::uint8_t s) {
    TunnelSide& side = t_.sides[s];
    ControlRecord r;
    r.frame = d.frame;
    r.time_ns = d.time_ns;
    r.src = d.src;
    r.dst = d.dst;
    r.bytes = d.bytes;
    r.message = d.message;
    r.error = d.error;
    r.truncated = d.truncated;
    r.zlb = d.message.avps.empty() && !d.error && !d.truncated;
    if (!r.zlb && d.header.has_sequence) r.retransmission = seen_before(d, s);
    const auto type = d.message.known_type();
    if (!r.retransmission && type) note_type(*type, r, d, s);
    if (type && is_session_message(*type) &&
        !sessions_.add_call({s, side.control.size()}, d.message, *type, r.retransmission))
      no_session_frames_.push_back(d.frame);
    if (r.zlb)
      ++side.counts.zlbs;
    else if (r.retransmission)
      ++side.counts.retransmissions;
    else
      ++side.counts.control;
    t_.control_order.push_back({s, side.control.size()});
    side.control.push_back(std::move(r));
  }

  // RFC 2661 5.8: a retransmission repeats Ns; only Nr may have moved on. Ns wraps, so only an
  // Ns not after the highest one this side has sent can be a repeat.
  bool seen_before(const Datagram& d, std::uint8_t s) {
    auto& seq = seq_[s];
    const Seq ns = d.header.ns;
    Buffer key = content_key(d);
    auto it = seq.by_ns.find(ns.value);
    const bool not_after = seq.highest && !Seq::before(*seq.highest, ns);
    if (it != seq.by_ns.end() && not_after) {
      if (it->second == key) return true;
      t_.notes.push_back("frame " + std::to_string(d.frame) + ": Ns " + std::to_string(ns.value) +
                         " used again with other content");
    }
    seq.by_ns[ns.value] = std::move(key);
    if (!seq.highest || Seq::before(*seq.highest, ns)) seq.highest = ns;
    return false;
  }

  void note_type(MessageType type, const ControlRecord& r, const Datagram& d, std::uint8_t s) {
    TunnelSide& side = t_.sides[s];
    switch (type) {
      case MessageType::Sccrq:
      case MessageType::Sccrp:
        (type == MessageType::Sccrq ? t_.has_sccrq : t_.has_sccrp) = true;
        if (side.host_name.empty()) side.host_name = text_avp(d.message, AvpType::HostName);
        if (side.vendor_name.empty()) side.vendor_name = text_avp(d.message, AvpType::VendorName);
        break;
      case MessageType::Scccn:
        t_.has_scccn = true;
        break;
      case MessageType::StopCcn:
        if (!t_.stop)
          t_.stop = ending_of(r, s);
        else
          t_.notes.push_back("frame " + std::to_string(r.frame) + ": another StopCCN");
        break;
      default:
        break;
    }
  }

  void add_data(const Datagram& d, std::uint8_t s) {
    PppRecord p;
    p.frame = d.frame;
    p.time_ns = d.time_ns;
    p.side = s;
    p.header = d.header;
    const Bytes ppp =
        Bytes(d.bytes).subspan(std::min(d.ppp_offset, d.bytes.size()),
                               std::min(d.ppp_size, d.bytes.size() - std::min(d.ppp_offset, d.bytes.size())));
    p.ppp.assign(ppp.begin(), ppp.end());
    p.truncated = d.truncated;
    p.protocol = ppp_protocol(ppp);
    ++t_.sides[s].counts.data;
    if (d.header.session.value == 0) {
      no_session_frames_.push_back(d.frame);
      return;
    }
    sessions_.add_data(std::move(p), d.header.session.value);
  }

  void finish_notes() {
    if (errors_noted_ > kErrorsNoted)
      t_.notes.push_back(std::to_string(errors_noted_ - kErrorsNoted) +
                         " more datagrams could not be fully decoded");
    if (!truncated_frames_.empty())
      t_.notes.push_back(std::to_string(truncated_frames_.size()) + " datagrams cut short by the capture (" +
                         frame_list(truncated_frames_) + ")");
    if (!no_session_frames_.empty())
      t_.notes.push_back(std::to_string(no_session_frames_.size()) +
                         " call or data messages name no session (" + frame_list(no_session_frames_) + ")");
  }

  struct SeqState {
    std::unordered_map<std::uint16_t, Buffer> by_ns;
    std::optional<Seq> highest;
  };

  const std::vector<const Datagram*>& ds_;
  Tunnel t_;
  std::optional<Endpoint> sccrq_target_;
  std::vector<std::pair<TunnelEnd, int>> colors_;
  bool conflict_noted_ = false;
  std::array<SeqState, 2> seq_;
  SessionGrouper sessions_;
  std::vector<std::uint64_t> truncated_frames_, no_session_frames_;
  std::size_t errors_noted_ = 0;
};

}  // namespace

Tunnel assemble_tunnel(const std::vector<const Datagram*>& datagrams, GroupFacts facts) {
  return Assembler(datagrams, std::move(facts)).run();
}

}  // namespace l2tp::capture::detail
