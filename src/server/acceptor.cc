#include "acceptor.h"

#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "connection.h"
#include "shard_set.h"

namespace flod::server {

Acceptor::Acceptor(ServerRuntime& runtime) : runtime_(runtime) {}

Acceptor::~Acceptor() { Stop(); }

std::string Acceptor::Listen(const std::string& address, uint16_t port) {
  boost::system::error_code error;
  const auto ip = boost::asio::ip::make_address(address, error);
  if (error) return "invalid bind address '" + address + "': " + error.message();
  const boost::asio::ip::tcp::endpoint endpoint(ip, port);
  acceptor_.open(endpoint.protocol(), error);
  if (!error) acceptor_.set_option(boost::asio::socket_base::reuse_address(true), error);
  if (!error) acceptor_.bind(endpoint, error);
  if (!error) acceptor_.listen(boost::asio::socket_base::max_listen_connections, error);
  if (error) {
    return "cannot listen on " + address + ":" + std::to_string(port) + ": " + error.message();
  }
  port_ = acceptor_.local_endpoint().port();
  return {};
}

void Acceptor::StartThread() {
  Accept();
  thread_ = std::thread([this] { io_.run(); });
}

// A socket is accepted onto the acceptor's own io_context and handed to its shard as a bare
// descriptor, which the shard registers on its thread: every operation on a shard's sockets,
// registration included, then happens on that shard's thread, which lets the shards' reactors
// run without per-socket locking (see Shard::io_).
void Acceptor::Accept() {
  acceptor_.async_accept([this](const boost::system::error_code& error,
                                boost::asio::ip::tcp::socket socket) {
    if (error == boost::asio::error::operation_aborted) return;
    if (error) {
      spdlog::warn("accept failed: {}", error.message());
    } else if (runtime_.open_connections.load() >= runtime_.config.max_connections) {
      spdlog::warn("refusing a connection: max_connections ({}) reached",
                   runtime_.config.max_connections);
    } else {
      HandOver(std::move(socket));
    }
    Accept();
  });
}

void Acceptor::HandOver(boost::asio::ip::tcp::socket socket) {
  boost::system::error_code error;
  const int fd = socket.release(error);
  if (error) {
    spdlog::warn("accept failed: cannot hand the connection to a shard: {}", error.message());
    return;
  }
  Shard& shard = runtime_.shards.at(next_shard_);
  next_shard_ = (next_shard_ + 1) % runtime_.shards.size();
  const uint64_t id = runtime_.next_connection_id++;
  boost::asio::post(shard.io(), [this, &shard, id, fd] {
    if (const auto connection = Connection::Adopt(runtime_, shard, fd, id)) connection->Start();
  });
}

void Acceptor::Stop() {
  if (!thread_.joinable()) return;
  boost::asio::post(io_, [this] {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
  });
  thread_.join();
}

}  // namespace flod::server
