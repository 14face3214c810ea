// Conversation extraction, step one: every L2TPv2 datagram is decoded once, kept, and placed in
// a tunnel by its tunnel ends (see conversation.hpp); finish() pairs directions nothing else
// paired, assembles each tunnel (conversation_tunnel.cpp) and judges it (conversation_verdict.cpp).
#include "capture/conversation.hpp"

#include <algorithm>
#include <map>
#include <unordered_set>

#include "capture/conversation_decode.hpp"
#include "capture/conversation_internal.hpp"
#include "capture/id_groups.hpp"
#include "capture/pcap_reader.hpp"

namespace l2tp::capture {

using detail::Datagram;
using detail::TunnelEnd;

std::string_view to_string(PeerRole r) {
  switch (r) {
    case PeerRole::Lac:
      return "LAC";
    case PeerRole::Lns:
      return "LNS";
    case PeerRole::Unknown:
      break;
  }
  return "unknown";
}

std::string ControlRecord::type_name() const {
  if (zlb) return "ZLB";
  const auto t = message_type();
  if (!t) return "(no Message Type)";
  if (is_known_message_type(*t)) return std::string(to_string(static_cast<MessageType>(*t)));
  return "type " + std::to_string(*t);
}

Bytes ControlRecord::avp_bytes(std::size_t i) const {
  if (i >= message.avps.size()) return {};
  const wire::Avp& a = message.avps[i];
  if (a.offset >= bytes.size()) return {};
  return Bytes(bytes).subspan(a.offset, std::min<std::size_t>(a.wire_length, bytes.size() - a.offset));
}

std::optional<std::uint8_t> Tunnel::side_of(PeerRole r) const {
  for (std::uint8_t s = 0; s < 2; ++s)
    if (sides[s].role == r) return s;
  return std::nullopt;
}

namespace detail {

Buffer content_key(const Datagram& d) {
  Buffer key = d.bytes;
  if (d.header.has_sequence) {
    const std::size_t nr_at = d.header.has_length ? 10 : 8;
    if (key.size() >= nr_at + 2) key[nr_at] = key[nr_at + 1] = 0;
  }
  return key;
}

std::string frame_list(const std::vector<std::uint64_t>& frames) {
  constexpr std::size_t kShown = 8;
  std::string out = frames.size() == 1 ? "frame " : "frames ";
  for (std::size_t i = 0; i < frames.size() && i < kShown; ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(frames[i]);
  }
  if (frames.size() > kShown) out += " and " + std::to_string(frames.size() - kShown) + " more";
  return out;
}

}  // namespace detail

namespace {

constexpr std::uint16_t kIkePort = 500;
constexpr std::uint16_t kNatTPort = 4500;

// What step one knows of a group (valid for the group's representative).
struct GroupState {
  std::vector<TunnelEnd> ends;
  bool has_sccrq = false;
  bool stopped = false;
  Buffer sccrq_content;
  std::optional<std::pair<std::string, std::string>> awaiting;  // its key in `awaiting_sccrp`
  detail::GroupFacts facts;
};

bool is_type(const Datagram& d, MessageType t) {
  return d.control && d.message.message_type() == static_cast<std::uint16_t>(t);
}

std::string message_name(const Datagram& d) {
  const auto t = d.message.known_type();
  return t ? std::string(to_string(*t)) : std::string("control message");
}

}  // namespace

struct ConversationBuilder::Impl {
  ConversationOptions options;
  std::vector<Datagram> datagrams;
  IdGroups<TunnelEnd, detail::TunnelEndHash> groups;
  std::vector<GroupState> state;
  std::unordered_set<Endpoint> learned;  // endpoints seen carrying L2TPv2
  ConversationCounts counts;
  std::vector<std::uint64_t> v3_frames, not_l2tp_frames, unattributed_frames, truncated_frames,
      hidden_id_frames;
  std::optional<std::int64_t> first_ns;
  // Tunnels whose SCCRQ went out and whose SCCRP was not seen yet, by (SCCRQ source, address it
  // went to): the first message the initiator sends there to an unknown end is theirs (the
  // SCCRP was not captured).
  std::map<std::pair<std::string, std::string>, std::size_t> awaiting_sccrp;

  std::size_t new_group() {
    state.emplace_back();
    return groups.create();
  }
  void bind(const TunnelEnd& e, std::size_t g) {
    groups.bind(e, g);
    auto& ends = state[g].ends;
    if (std::find(ends.begin(), ends.end(), e) == ends.end()) ends.push_back(e);
  }
  std::size_t merge(std::size_t a, std::size_t b) {
    const std::size_t root = groups.merge(a, b);
    const std::size_t other = root == a ? b : a;
    GroupState& r = state[root];
    GroupState& o = state[other];
    for (const auto& e : o.ends)
      if (std::find(r.ends.begin(), r.ends.end(), e) == r.ends.end()) r.ends.push_back(e);
    r.has_sccrq = r.has_sccrq || o.has_sccrq;
    r.stopped = r.stopped || o.stopped;
    if (r.sccrq_content.empty()) r.sccrq_content = std::move(o.sccrq_content);
    if (!r.facts.sccrq_target) r.facts.sccrq_target = o.facts.sccrq_target;
    for (auto& n : o.facts.notes) r.facts.notes.push_back(std::move(n));
    o.facts.notes.clear();
    return root;
  }
  std::size_t distinct_ends(std::size_t a, std::size_t b) const {
    std::vector<TunnelEnd> all = state[a].ends;
    for (const auto& e : state[b].ends)
      if (std::find(all.begin(), all.end(), e) == all.end()) all.push_back(e);
    return all.size();
  }

  // Which tunnel a datagram belongs to (see conversation.hpp for the rules).
  std::size_t place(const Datagram& d) {
    if (is_type(d, MessageType::Sccrq) && !d.from && !d.to) {
      // Its Assigned Tunnel ID was cut off or unreadable: the SCCRP to its sender finds it.
      const std::size_t g = new_group();
      state[g].has_sccrq = true;
      state[g].facts.sccrq_target = d.dst;
      state[g].awaiting = std::pair{d.src.to_string(), d.dst.addr.to_string()};
      awaiting_sccrp[*state[g].awaiting] = g;
      state[g].facts.notes.push_back("frame " + std::to_string(d.frame) +
                                     ": the SCCRQ's Assigned Tunnel ID could not be read; tied to the SCCRP "
                                     "sent back to its sender");
      return g;
    }
    if (is_type(d, MessageType::Sccrq) && d.from) {
      const Buffer content = detail::content_key(d);
      if (auto g = groups.lookup(*d.from);
          g && state[*g].has_sccrq && !state[*g].stopped && state[*g].sccrq_content == content)
        return *g;  // a retransmitted SCCRQ
      const std::size_t g = new_group();
      bind(*d.from, g);
      state[g].has_sccrq = true;
      state[g].sccrq_content = content;
      state[g].facts.sccrq_target = d.dst;
      state[g].awaiting = std::pair{d.src.to_string(), d.dst.addr.to_string()};
      awaiting_sccrp[*state[g].awaiting] = g;
      return g;
    }
    if (is_type(d, MessageType::Sccrp) && d.from && d.to) {
      // The SCCRP names the responder's end afresh (an old tunnel may have used the same ID).
      auto g = groups.lookup(*d.to);
      if (!g) {
        if (auto it = awaiting_sccrp.find({d.dst.to_string(), d.src.addr.to_string()});
            it != awaiting_sccrp.end() && state[groups.find(it->second)].ends.empty())
          g = groups.find(it->second);
        else
          g = new_group();
        bind(*d.to, *g);
      }
      bind(*d.from, *g);
      if (auto& key = state[*g].awaiting) {
        if (auto it = awaiting_sccrp.find(*key); it != awaiting_sccrp.end() && it->second == *g)
          awaiting_sccrp.erase(it);
        key.reset();
      }
      // A LAC that keeps sending to where its SCCRQ went (not following 8.1) still lands here.
      if (const auto& target = state[*g].facts.sccrq_target; target && *target != d.src)
        bind(TunnelEnd{*target, d.from->id}, *g);
      return *g;
    }
    auto by_to = d.to ? groups.lookup(*d.to) : std::nullopt;
    const auto by_from = d.from ? groups.lookup(*d.from) : std::nullopt;
    if (d.to && !by_to && !d.from) {
      const auto key = std::pair{d.src.to_string(), d.dst.addr.to_string()};
      if (auto it = awaiting_sccrp.find(key); it != awaiting_sccrp.end()) {
        const std::size_t g = groups.find(it->second);
        awaiting_sccrp.erase(it);
        state[g].awaiting.reset();
        bind(*d.to, g);
        state[g].facts.notes.push_back("no SCCRP captured: the responder's Tunnel ID " +
                                       std::to_string(d.to->id) + " is taken from frame " +
                                       std::to_string(d.frame) + ", the initiator's first message to it");
        by_to = g;
      }
    }
    std::size_t g = 0;
    if (by_to && by_from && *by_to != *by_from) {
      if (distinct_ends(*by_to, *by_from) <= 2) {
        g = merge(*by_to, *by_from);
        state[g].facts.notes.push_back("the two directions are paired by the Assigned Tunnel ID of the " +
                                       message_name(d) + " in frame " + std::to_string(d.frame));
      } else {
        g = *by_to;
        state[g].facts.notes.push_back("frame " + std::to_string(d.frame) + ": the " + message_name(d) +
                                       " gives Assigned Tunnel ID " + std::to_string(d.from->id) +
                                       ", which another tunnel uses; kept with the tunnel it was sent to");
      }
    } else {
      g = by_to ? *by_to : by_from ? *by_from : new_group();
    }
    if (d.to && !by_to) bind(*d.to, g);
    if (d.from && !by_from) bind(*d.from, g);
    if (is_type(d, MessageType::StopCcn)) state[g].stopped = true;
    return g;
  }

  void add(const CapturedPacket& p) {
    ++counts.packets;
    if (!first_ns) first_ns = p.time_ns;
    if (p.transport == Transport::L2tpv3Ip) {
      ++counts.l2tpv3;
      v3_frames.push_back(p.frame);
      return;
    }
    const bool port = options.ports.count(p.src.port) || options.ports.count(p.dst.port);
    if (!port && !learned.count(p.src) && !learned.count(p.dst)) {
      ++counts.other_udp;
      const auto ipsec = [](std::uint16_t x) { return x == kIkePort || x == kNatTPort; };
      if (ipsec(p.src.port) || ipsec(p.dst.port)) ++counts.ipsec;
      return;
    }
    const DecodedPayload dec = decode_payload(
        p.payload, options.secret.empty() ? std::nullopt
                                          : std::optional<Bytes>(Bytes(
                                                reinterpret_cast<const std::uint8_t*>(options.secret.data()),
                                                options.secret.size())));
    if (dec.kind == PayloadKind::V3) {
      ++counts.l2tpv3;
      v3_frames.push_back(p.frame);
      return;
    }
    if (p.truncated) {
      ++counts.truncated;
      truncated_frames.push_back(p.frame);
    }
    if (dec.kind == PayloadKind::NotL2tp) {
      ++counts.not_l2tp;
      not_l2tp_frames.push_back(p.frame);
      return;
    }
    ++counts.l2tpv2;
    Datagram d;
    d.frame = p.frame;
    d.time_ns = p.time_ns;
    d.src = p.src;
    d.dst = p.dst;
    d.bytes.assign(dec.message_bytes.begin(), dec.message_bytes.end());
    d.truncated = p.truncated;
    d.wire_length = p.wire_length;
    d.control = dec.kind == PayloadKind::Control;
    d.header = dec.header;
    d.error = dec.error;
    if (d.control) {
      d.message = dec.message;
      if (auto id = assigned_id(d.message, AvpType::AssignedTunnelId); id && *id != 0) {
        d.from = TunnelEnd{p.src, *id};
      } else if (d.message.find(AvpType::AssignedTunnelId) != nullptr && !id) {
        hidden_id_frames.push_back(p.frame);
      }
    } else if (!dec.ppp.empty()) {
      d.ppp_offset = static_cast<std::size_t>(dec.ppp.data() - dec.message_bytes.data());
      d.ppp_size = dec.ppp.size();
    }
    if (d.header.tunnel.value != 0) d.to = TunnelEnd{p.dst, d.header.tunnel.value};
    if (!d.to && !d.from && !is_type(d, MessageType::Sccrq)) {
      ++counts.unattributed;
      unattributed_frames.push_back(p.frame);
      return;
    }
    d.group = place(d);
    learned.insert(p.src);
    learned.insert(p.dst);
    datagrams.push_back(std::move(d));
  }

  // Tunnels seen in one direction only, each the only one from X to Y while another is the only
  // one from Y to X: the two directions of one tunnel whose pairing AVPs were not captured.
  void pair_halves(std::vector<std::vector<const Datagram*>>& by_group) {
    std::map<std::pair<std::string, std::string>, std::vector<std::size_t>> halves;
    for (std::size_t g = 0; g < by_group.size(); ++g) {
      const auto& ds = by_group[g];
      if (ds.empty() || state[g].ends.size() != 1) continue;
      const bool one_way = std::all_of(ds.begin(), ds.end(), [&](const Datagram* d) {
        return !d->from && d->src == ds.front()->src && d->dst == ds.front()->dst;
      });
      if (one_way) halves[{ds.front()->src.to_string(), ds.front()->dst.to_string()}].push_back(g);
    }
    for (auto& [key, gs] : halves) {
      if (key.first == key.second) continue;  // a host talking to itself: not two directions
      auto back = halves.find({key.second, key.first});
      if (back == halves.end() || gs.size() != 1 || back->second.size() != 1 || gs[0] > back->second[0])
        continue;
      const std::size_t a = gs[0], b = back->second[0];
      const std::size_t root = merge(a, b);
      const std::size_t other = root == a ? b : a;
      auto& into = by_group[root];
      into.insert(into.end(), by_group[other].begin(), by_group[other].end());
      by_group[other].clear();
      std::sort(into.begin(), into.end(),
                [](const Datagram* x, const Datagram* y) { return x->frame < y->frame; });
      state[root].facts.notes.push_back(
          "the two directions are paired by their addresses only: no Assigned Tunnel ID in the capture ties "
          "them");
    }
  }

  void capture_notes(Conversations& out) const {
    auto& notes = out.notes;
    using detail::frame_list;
    if (counts.l2tpv3)
      notes.push_back(std::to_string(counts.l2tpv3) + " L2TPv3 packets (" + frame_list(v3_frames) +
                      "): L2TPv3 (RFC 3931) is counted, not extracted");
    if (counts.not_l2tp)
      notes.push_back(std::to_string(counts.not_l2tp) +
                      " datagrams on an L2TP port are neither L2TPv2 nor L2TPv3 (" +
                      frame_list(not_l2tp_frames) + ")");
    if (counts.unattributed)
      notes.push_back(std::to_string(counts.unattributed) +
                      " L2TPv2 datagrams belong to no tunnel: Tunnel ID 0 and no Assigned Tunnel ID (" +
                      frame_list(unattributed_frames) + ")");
    if (counts.truncated)
      notes.push_back(std::to_string(counts.truncated) + " L2TP datagrams were cut short by the capture (" +
                      frame_list(truncated_frames) + ")");
    if (!hidden_id_frames.empty())
      notes.push_back("an Assigned Tunnel ID could not be read (hidden, or malformed) in " +
                      frame_list(hidden_id_frames) + ", so its sender's end is unknown");
    if (counts.ipsec)
      notes.push_back(std::to_string(counts.ipsec) +
                      " UDP datagrams are IPsec (IKE on port 500, ESP in UDP on port 4500): L2TP inside ESP "
                      "is encrypted and cannot be read");
    if (counts.l2tpv2 == 0) notes.push_back("no L2TPv2 datagram in this capture");
  }

  Conversations finish() {
    Conversations out;
    out.counts = counts;
    out.first_ns = first_ns.value_or(0);
    std::vector<std::vector<const Datagram*>> by_group(groups.size());
    for (const Datagram& d : datagrams) by_group[groups.find(d.group)].push_back(&d);
    pair_halves(by_group);
    for (std::size_t g = 0; g < by_group.size(); ++g) {
      if (by_group[g].empty()) continue;
      Tunnel t = detail::assemble_tunnel(by_group[g], std::move(state[g].facts));
      detail::judge_tunnel(t);
      out.tunnels.push_back(std::move(t));
    }
    std::sort(out.tunnels.begin(), out.tunnels.end(),
              [](const Tunnel& a, const Tunnel& b) { return a.first_frame < b.first_frame; });
    detail::borrow_roles(out.tunnels);
    capture_notes(out);
    return out;
  }
};

ConversationBuilder::ConversationBuilder(ConversationOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
}
ConversationBuilder::~ConversationBuilder() = default;
ConversationBuilder::ConversationBuilder(ConversationBuilder&&) noexcept = default;
ConversationBuilder& ConversationBuilder::operator=(ConversationBuilder&&) noexcept = default;

void ConversationBuilder::add(const CapturedPacket& p) {
  impl_->add(p);
}

Conversations ConversationBuilder::finish() {
  return impl_->finish();
}

Result<CaptureConversations, std::string> read_conversations(const std::string& path,
                                                             const ConversationOptions& options) {
  auto reader = PcapReader::open(path);
  if (!reader) return unexpected(reader.error());
  ConversationBuilder builder(options);
  while (auto p = reader->next()) builder.add(*p);
  CaptureConversations out;
  out.conversations = builder.finish();
  out.read_error = reader->error();
  return out;
}

}  // namespace l2tp::capture
