#include <string>

#include "engine/util/bytes.hpp"

namespace l2tp {

std::string to_hex(Bytes b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(b.size() * 2);
  for (auto c : b) {
    s += kDigits[c >> 4];
    s += kDigits[c & 0xF];
  }
  return s;
}

}  // namespace l2tp
