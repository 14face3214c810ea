# PPP authentication: PAP, CHAP-MD5, MS-CHAPv1, MS-CHAPv2 in both roles.
target_sources(l2tp_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/auth.cpp
  ${CMAKE_CURRENT_LIST_DIR}/crypto.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chap_md5.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mschap.cpp
  ${CMAKE_CURRENT_LIST_DIR}/mschap_message.cpp
  ${CMAKE_CURRENT_LIST_DIR}/packet.cpp
  ${CMAKE_CURRENT_LIST_DIR}/verify.cpp
  ${CMAKE_CURRENT_LIST_DIR}/client.cpp
  ${CMAKE_CURRENT_LIST_DIR}/authenticator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/repeat_answer.cpp
)
