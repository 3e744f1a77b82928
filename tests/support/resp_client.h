#pragma once
// A minimal blocking RESP2 client for integration tests: sends one command, returns its whole
// raw reply.

#include <cstdint>
#include <string>
#include <vector>

namespace flod::testing {

class RespClient {
 public:
  RespClient() = default;
  ~RespClient();
  RespClient(const RespClient&) = delete;
  RespClient& operator=(const RespClient&) = delete;

  bool Connect(uint16_t port);
  // The raw reply (empty or cut short if none came within 5 s).
  std::string Call(const std::vector<std::string>& args);

 private:
  int fd_ = -1;
};

}  // namespace flod::testing
