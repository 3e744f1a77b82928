# Project-wide compiler settings. Every flod target links flod_options.
add_library(flod_options INTERFACE)
target_compile_options(flod_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
# Boost 1.74's asio/awaitable.hpp uses std::exchange without <utility>; GCC 12 in C++20
# mode needs it included first.
target_compile_options(flod_options INTERFACE -include utility)
target_include_directories(flod_options INTERFACE ${PROJECT_SOURCE_DIR}/include)
target_compile_definitions(flod_options INTERFACE
  FLOD_VERSION="${PROJECT_VERSION}"
  BOOST_ASIO_NO_DEPRECATED
  BOOST_BEAST_USE_STD_STRING_VIEW)

if(FLOD_SANITIZE)
  target_compile_options(flod_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
  target_link_options(flod_options INTERFACE -fsanitize=address,undefined)
endif()

find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CCACHE_PROGRAM})
endif()
