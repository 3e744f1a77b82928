#include "socket_poller.h"

#include <cerrno>
#include <system_error>

namespace flod::server {
namespace {

constexpr size_t kMaxReadyPerTurn = 256;

int CreateEpoll() {
  const int fd = ::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
  return fd;
}

}  // namespace

SocketPoller::SocketPoller(boost::asio::io_context& io)
    : set_(io, CreateEpoll()), ready_(kMaxReadyPerTurn) {}

bool SocketPoller::Add(int fd, Client& client) {
  epoll_event event{};
  event.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  event.data.ptr = &client;
  if (::epoll_ctl(set_.native_handle(), EPOLL_CTL_ADD, fd, &event) != 0) return false;
  Arm();
  return true;
}

void SocketPoller::Remove(int fd, Client& client) {
  (void)::epoll_ctl(set_.native_handle(), EPOLL_CTL_DEL, fd, nullptr);
  for (size_t i = 0; i < ready_count_; ++i) {
    if (ready_[i].data.ptr == &client) ready_[i].data.ptr = nullptr;
  }
}

void SocketPoller::Arm() {
  if (armed_) return;
  armed_ = true;
  set_.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                  [this](const boost::system::error_code& error) {
                    armed_ = false;
                    if (error) return;  // the shard is stopping
                    Dispatch();
                  });
}

// Collects what is ready without blocking, then reports it. More than kMaxReadyPerTurn
// ready sockets leave the set readable, so the wait armed again at the end fires at once.
void SocketPoller::Dispatch() {
  const int count = ::epoll_wait(set_.native_handle(), ready_.data(),
                                 static_cast<int>(ready_.size()), 0);
  ready_count_ = count > 0 ? static_cast<size_t>(count) : 0;
  for (size_t i = 0; i < ready_count_; ++i) {
    auto* client = static_cast<Client*>(ready_[i].data.ptr);
    if (client != nullptr) client->OnReady(ready_[i].events);
  }
  ready_count_ = 0;
  Arm();
}

}  // namespace flod::server
