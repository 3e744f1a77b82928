#pragma once
// TCP on 127.0.0.1 for integration tests.

#include <cstdint>

namespace flod::testing {

// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
uint16_t FreePort();

// A socket connected to 127.0.0.1:port (the caller closes it); -1 when the connect fails.
int ConnectLoopback(uint16_t port);

}  // namespace flod::testing
