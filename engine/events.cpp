#include "engine/events.hpp"

namespace l2tp {

std::string ResultInfo::to_string() const {
  std::string s = "result " + std::to_string(result);
  if (error) s += " error " + std::to_string(*error);
  if (!message.empty()) s += " \"" + message + "\"";
  return s;
}

}  // namespace l2tp
