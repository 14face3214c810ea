#include "engine/ppp/auth/chap_md5.hpp"

namespace l2tp::ppp::auth {

crypto::Md5Digest chap_md5_response(std::uint8_t id, std::string_view secret, Bytes challenge) {
  const std::uint8_t id_octet[1] = {id};
  return crypto::md5({Bytes(id_octet), as_bytes(secret), challenge});
}

}  // namespace l2tp::ppp::auth
