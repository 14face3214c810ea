# Drivers on a simulated network in virtual time (seeded latency, loss, duplication, reordering),
# and the one loop that steps it with its owner's timers.
target_sources(l2tp_engine PRIVATE ${CMAKE_CURRENT_LIST_DIR}/sim_net.cpp ${CMAKE_CURRENT_LIST_DIR}/sim_loop.cpp)
