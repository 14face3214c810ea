# The one driver: a Node with the PPP links over its sessions, and their drain loop.
target_sources(l2tp_engine PRIVATE ${CMAKE_CURRENT_LIST_DIR}/driver.cpp ${CMAKE_CURRENT_LIST_DIR}/ppp_layer.cpp
                                   ${CMAKE_CURRENT_LIST_DIR}/filter_series.cpp
                                   ${CMAKE_CURRENT_LIST_DIR}/shard_routing.cpp)
