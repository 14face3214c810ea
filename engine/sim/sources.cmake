# Drivers on a simulated network in virtual time (seeded latency, loss, duplication, reordering).
target_sources(l2tp_engine PRIVATE ${CMAKE_CURRENT_LIST_DIR}/sim_net.cpp)
