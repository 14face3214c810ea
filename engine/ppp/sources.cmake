# engine/ppp: frames, the RFC 1661 automaton, LCP and the NCPs (IPCP, IPv6CP, BCP).
target_sources(l2tp_engine PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/frame.cpp
  ${CMAKE_CURRENT_LIST_DIR}/options.cpp
  ${CMAKE_CURRENT_LIST_DIR}/answer_policy.cpp
  ${CMAKE_CURRENT_LIST_DIR}/automaton_table.cpp
  ${CMAKE_CURRENT_LIST_DIR}/automaton.cpp
  ${CMAKE_CURRENT_LIST_DIR}/lcp.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ipcp.cpp
  ${CMAKE_CURRENT_LIST_DIR}/ipv6cp.cpp
  ${CMAKE_CURRENT_LIST_DIR}/bcp.cpp
)
