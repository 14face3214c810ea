#include "engine/ppp/auth/repeat_answer.hpp"

#include "engine/ppp/auth/packet.hpp"

namespace l2tp::ppp::auth {

bool RepeatAnswer::answer(Method method, Bytes reply, Bytes packet, Buffer& out) {
  const auto p = parse_packet(packet);
  if (!p || reply.size() < kPacketHeaderSize) return false;
  if (method == Method::Pap) {
    if (static_cast<PapCode>(p->code) != PapCode::AuthenticateRequest || !parse_pap_request(p->data))
      return false;
    out.assign(reply.begin(), reply.end());
    out[1] = p->id;  // P066: the repeat's own Identifier
    return true;
  }
  if (static_cast<ChapCode>(p->code) != ChapCode::Response || !parse_chap_value(p->data)) return false;
  if (p->id != reply[1]) return false;  // a Response to another Challenge
  out.assign(reply.begin(), reply.end());
  return true;
}

}  // namespace l2tp::ppp::auth
