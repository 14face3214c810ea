// What the node made of each datagram it takes, shown as it takes it: the passive checker
// judges the node's own decoding instead of decoding every datagram a second time (one decode
// per datagram). Called synchronously from Node::handle_datagram, so a caller that numbers the
// datagrams it hands in knows which one each call is about.
#pragma once

#include <cstddef>

#include "engine/util/result.hpp"
#include "engine/wire/message.hpp"

namespace l2tp {

class InboundObserver {
 public:
  virtual ~InboundObserver() = default;
  // No L2TPv2 header could be read (too short, another version, a bad length...).
  virtual void on_undecodable(const DecodeError& e) = 0;
  // A data message's header.
  virtual void on_data(const wire::Header& h, Bytes dgram) = 0;
  // A control message as decoded (strictly; hidden AVPs revealed with the tunnel secret, an
  // empty one included), or why it could not be.
  virtual void on_control(const Result<wire::ControlMessage, DecodeError>& m, Bytes dgram) = 0;
};

}  // namespace l2tp
