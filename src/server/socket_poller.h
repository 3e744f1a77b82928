#pragma once
// Readiness of a shard's client sockets: one edge-triggered epoll set per shard, each socket
// registered once for as long as it lives there, the set itself watched by the shard's asio
// reactor. Asio (Boost 1.74) re-arms a socket's readiness wait with epoll_ctl every time it
// is asked, one system call per batch a client sends; here the only re-arm is the set's own,
// once per loop turn in which any socket became ready, as in Redis's event loop.
//
// Edge-triggered: a socket reports input only when new bytes arrive, and room to write only
// after a write found the socket full. So a reader must read until a read comes back short
// (or would block) before it waits, and a writer that was cut short waits for kWritable.
// Everything runs on the shard's thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>

#include <cstdint>
#include <vector>

#include <sys/epoll.h>

namespace flod::server {

class SocketPoller {
 public:
  class Client {
   public:
    virtual void OnReady(uint32_t events) = 0;

   protected:
    ~Client() = default;
  };
  static constexpr uint32_t kReadable = EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR;
  static constexpr uint32_t kWritable = EPOLLOUT | EPOLLHUP | EPOLLERR;

  explicit SocketPoller(boost::asio::io_context& io);
  SocketPoller(const SocketPoller&) = delete;
  SocketPoller& operator=(const SocketPoller&) = delete;

  // Reports `fd`'s readiness to `client` until Remove; false (errno set) if epoll refused it.
  bool Add(int fd, Client& client);
  // Before the descriptor is closed or handed on: no report reaches `client` after this,
  // not even one already collected in the turn under way.
  void Remove(int fd, Client& client);

 private:
  void Arm();
  void Dispatch();

  boost::asio::posix::stream_descriptor set_;  // owns the epoll descriptor
  std::vector<epoll_event> ready_;
  size_t ready_count_ = 0;  // entries of ready_ being dispatched now
  bool armed_ = false;
};

}  // namespace flod::server
