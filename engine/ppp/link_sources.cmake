target_sources(l2tp_engine PRIVATE ${CMAKE_CURRENT_LIST_DIR}/link.cpp ${CMAKE_CURRENT_LIST_DIR}/link_auth.cpp
  ${CMAKE_CURRENT_LIST_DIR}/link_reasons.cpp
  ${CMAKE_CURRENT_LIST_DIR}/proxy.cpp)
