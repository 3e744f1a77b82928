#pragma once
// The protocol half of a connection: turns the bytes a client sent into requests and their
// results into bytes. One Session per connection, chosen by the sniffer; runs on the
// connection's shard thread.

#include <string_view>

namespace flod::server {

class Session {
 public:
  virtual ~Session() = default;
  // Handles every complete request in `input`; returns how many bytes it consumed. Bytes of
  // an incomplete request stay in the connection's buffer for the next call.
  virtual size_t OnInput(std::string_view input) = 0;
};

}  // namespace flod::server
