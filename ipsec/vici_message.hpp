// VICI, strongSwan charon's control protocol on its Unix socket (src/libcharon/plugins/vici/
// README.md in strongSwan): the message tree and its wire form, with no I/O. A packet is one
// octet of type, a name for the named types, then a message: a flat run of elements
// (SECTION_START name, SECTION_END, KEY_VALUE name value, LIST_START name, LIST_ITEM value,
// LIST_END) that nest into sections, keys and lists. On the socket each packet travels in a
// segment: a 32-bit big-endian length, then the packet (vici_socket.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/bytes.hpp"
#include "engine/util/result.hpp"

namespace l2tp::ipsec {

enum class ViciPacketType : std::uint8_t {
  CmdRequest = 0,       // named, with a message
  CmdResponse = 1,      // a message
  CmdUnknown = 2,       // nothing
  EventRegister = 3,    // named
  EventUnregister = 4,  // named
  EventConfirm = 5,     // nothing
  EventUnknown = 6,     // nothing
  Event = 7,            // named, with a message
};
std::string_view to_string(ViciPacketType t);

// Longest segment charon accepts or sends (its VICI_MESSAGE_SIZE_MAX, 512 KiB).
inline constexpr std::size_t kViciMaxPacket = 512 * 1024;
// Sections and lists nested deeper than this are refused (the stack is ours, the input not).
inline constexpr std::size_t kViciMaxDepth = 32;

struct ViciEntry;

// A message, or a section of one: named entries in the order they came.
struct ViciSection {
  std::vector<ViciEntry> entries;

  ViciSection& add(std::string key, std::string value);
  ViciSection& add_list(std::string key, std::vector<std::string> items);
  // A new sub-section, to be filled through the reference (valid until the next add).
  ViciSection& add_section(std::string key);

  // The first entry named `key` of that kind, or null.
  const std::string* value(std::string_view key) const;
  const std::vector<std::string>* list(std::string_view key) const;
  const ViciSection* section(std::string_view key) const;
  // value(key), or `fallback` when there is none.
  std::string value_or(std::string_view key, std::string_view fallback) const;
};

struct ViciEntry {
  enum class Kind : std::uint8_t { Value, List, Section };
  std::string key;
  Kind kind = Kind::Value;
  std::string value;               // Kind::Value (octets, not necessarily text)
  std::vector<std::string> items;  // Kind::List
  ViciSection section;             // Kind::Section
};

struct ViciPacket {
  ViciPacketType type = ViciPacketType::CmdRequest;
  std::string name;     // CmdRequest, EventRegister, EventUnregister, Event
  ViciSection message;  // CmdRequest, CmdResponse, Event
};

// Whether packets of this type carry a name, and a message.
bool vici_named(ViciPacketType t);
bool vici_has_message(ViciPacketType t);

struct ViciError {
  enum class Kind : std::uint8_t {
    Empty,              // no packet type octet
    UnknownPacketType,  // the type octet is not 0-7
    Truncated,          // a name, value or length runs past the end
    UnknownElement,     // an element type octet is not 1-6
    UnbalancedSection,  // SECTION_END without a section open, or a section left open
    ListNotClosed,      // LIST_START without LIST_END, or an element other than an item inside
    ItemOutsideList,    // LIST_ITEM or LIST_END with no list open
    TooDeep,            // more than kViciMaxDepth nested sections
    TrailingBytes,      // octets after a packet that carries no message
    TooLong,            // (encode) a name over 255 octets, a value over 65,535, a packet over the max
  };
  Kind kind;
  std::size_t offset = 0;  // where in the packet (decode)
};
std::string to_string(const ViciError& e);

// The message elements of `m` appended to `out`.
Result<void, ViciError> encode_message(const ViciSection& m, Buffer& out);
Result<ViciSection, ViciError> decode_message(Bytes data);

// A whole packet (without the segment's length prefix).
Result<Buffer, ViciError> encode_packet(const ViciPacket& p);
Result<ViciPacket, ViciError> decode_packet(Bytes data);

// A packet in its segment: the 32-bit big-endian length, then the packet.
Result<Buffer, ViciError> encode_segment(const ViciPacket& p);

}  // namespace l2tp::ipsec
