# flod_add_test(<target> SOURCES ... LIBS ...): one gtest binary whose cases ctest lists
# one by one (gtest_discover_tests), so a 2-core build links few binaries.
function(flod_add_test target)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${target} ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE ${ARG_LIBS} flod_test_support GTest::gtest_main flod_options)
  gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()
