# RADIUS (RFC 2865/2866/2869/3579, MS-CHAP attributes of RFC 2548): codec, authenticators,
# request builders and the sans-I/O client.
target_sources(l2tp_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/types.cpp
  ${CMAKE_CURRENT_LIST_DIR}/packet.cpp
  ${CMAKE_CURRENT_LIST_DIR}/authenticators.cpp
  ${CMAKE_CURRENT_LIST_DIR}/context.cpp
  ${CMAKE_CURRENT_LIST_DIR}/access.cpp
  ${CMAKE_CURRENT_LIST_DIR}/accounting.cpp
  ${CMAKE_CURRENT_LIST_DIR}/client.cpp
)
