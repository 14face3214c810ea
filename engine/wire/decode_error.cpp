#include "engine/wire/decode_error.hpp"

namespace l2tp {

std::string_view to_string(DecodeErrorKind k) {
  switch (k) {
    case DecodeErrorKind::Truncated:
      return "truncated header";
    case DecodeErrorKind::UnsupportedVersion:
      return "unsupported version";
    case DecodeErrorKind::L2f:
      return "L2F packet (version 1)";
    case DecodeErrorKind::L2tpv3:
      return "L2TPv3 packet (version 3)";
    case DecodeErrorKind::LengthBelowHeader:
      return "Length field smaller than the header";
    case DecodeErrorKind::LengthBeyondDatagram:
      return "Length field larger than the datagram";
    case DecodeErrorKind::OffsetBeyondEnd:
      return "Offset Size past the end of the message";
    case DecodeErrorKind::ControlWithoutLength:
      return "control message without L bit";
    case DecodeErrorKind::ControlWithoutSequence:
      return "control message without S bit";
    case DecodeErrorKind::NotControl:
      return "data message where a control message was expected";
    case DecodeErrorKind::AvpLengthBelowSix:
      return "AVP Length below 6";
    case DecodeErrorKind::AvpBeyondMessage:
      return "AVP runs past the end of the message";
  }
  return "unknown decode error";
}

std::string describe(const DecodeError& e) {
  std::string s(to_string(e.kind));
  s += " at offset " + std::to_string(e.offset);
  if (e.avp_type) s += " (AVP type " + std::to_string(*e.avp_type) + ")";
  s += " [";
  s += to_string(e.rule);
  s += "]";
  return s;
}

}  // namespace l2tp
