#pragma once
// Listens on the main port (its own thread and io_context) and hands each accepted socket to
// a shard in round-robin order, as a descriptor the shard registers itself. The acceptor never
// reads a byte: sniffing happens on the shard, and a slow client cannot stall accepting.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <string>
#include <thread>

#include "runtime.h"

namespace flod::server {

class Acceptor {
 public:
  explicit Acceptor(ServerRuntime& runtime);
  ~Acceptor();

  // Binds and listens; returns an error message, empty on success.
  std::string Listen(const std::string& address, uint16_t port);
  uint16_t port() const { return port_; }
  void StartThread();
  // Any thread: stops accepting and joins the acceptor thread.
  void Stop();

 private:
  void Accept();
  void HandOver(boost::asio::ip::tcp::socket socket);

  ServerRuntime& runtime_;
  boost::asio::io_context io_{1};
  boost::asio::ip::tcp::acceptor acceptor_{io_};
  std::thread thread_;
  uint32_t next_shard_ = 0;
  uint16_t port_ = 0;
};

}  // namespace flod::server
