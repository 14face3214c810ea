target_sources(l2tp_engine PRIVATE ${CMAKE_CURRENT_LIST_DIR}/ipv4.cpp ${CMAKE_CURRENT_LIST_DIR}/probe.cpp)
