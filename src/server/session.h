#pragma once
// The protocol half of a connection: turns the bytes a client sent into requests and their
// results into bytes. One Session per connection, chosen by the sniffer; runs on the
// connection's shard thread. A session follows its connection when the connection moves to
// another shard (see Connection::Migrate), so it reaches the connection only through
// connection().

#include <string_view>

namespace flod::server {

class Connection;

class Session {
 public:
  explicit Session(Connection& connection) : connection_(&connection) {}
  virtual ~Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Handles every complete request in `input`; returns how many bytes it consumed. Bytes of
  // an incomplete request stay in the connection's buffer for the next call.
  virtual size_t OnInput(std::string_view input) = 0;

  // The connection now lives on another shard; called on that shard's thread.
  void MoveTo(Connection& connection) { connection_ = &connection; }

 protected:
  Connection& connection() const { return *connection_; }

 private:
  Connection* connection_;
};

}  // namespace flod::server
