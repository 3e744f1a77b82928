#include "connection.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "flod/codec/sniffer.h"
#include "runtime.h"
#include "session_factory.h"
#include "shard.h"
#include "shard_set.h"

namespace flod::server {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
// Back-pressure: a client that pipelines faster than it reads its replies stops being read.
constexpr uint64_t kMaxInFlightPerConnection = 4096;
constexpr size_t kMaxBufferedOutput = 32u << 20;
constexpr auto kSniffTimeout = std::chrono::seconds(10);
// A connection moves to a shard after this many consecutive requests owned by it, at most
// once per kMigrationSpacing (a client alternating between shards is not chased around).
constexpr uint32_t kMigrateAfterRequests = 16;
constexpr auto kMigrationSpacing = std::chrono::seconds(1);

std::string PeerOf(int fd) {
  boost::asio::ip::tcp::endpoint endpoint;
  socklen_t length = static_cast<socklen_t>(endpoint.capacity());
  if (::getpeername(fd, endpoint.data(), &length) != 0) return "unknown";
  endpoint.resize(length);
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

std::string ErrorText(int error) { return std::generic_category().message(error); }

}  // namespace

Connection::Connection(int fd, ServerRuntime& runtime, Shard& shard, uint64_t id)
    : fd_(fd), runtime_(runtime), shard_(shard), id_(id), sniff_timer_(shard.io()) {
  peer_ = PeerOf(fd_);
  const int one = 1;
  (void)::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  const int flags = ::fcntl(fd_, F_GETFL);
  if (flags >= 0) (void)::fcntl(fd_, F_SETFL, flags | O_NONBLOCK);
}

Connection::~Connection() {
  if (fd_ >= 0) ::close(fd_);
}

std::shared_ptr<Connection> Connection::Adopt(ServerRuntime& runtime, Shard& shard, int fd,
                                              uint64_t id) {
  auto connection = std::make_shared<Connection>(fd, runtime, shard, id);
  if (!shard.poller().Add(fd, *connection)) {
    spdlog::warn("connection {} ({}): closed, cannot watch the socket: {}", id,
                 connection->peer_, ErrorText(errno));
    return nullptr;  // the destructor closes the socket
  }
  shard.Adopt(connection);
  return connection;
}

void Connection::Start() {
  ++runtime_.open_connections;
  Read();
}

bool Connection::CanRead() const {
  return !reading_ && !read_stopped_ && !socket_closed_ && !migrating_ &&
         in_flight_ < kMaxInFlightPerConnection && output_.size() < kMaxBufferedOutput;
}

// Reads what the socket holds now and waits for readiness only once it is drained. Waiting
// first and reading after (rather than asio's async_read_some, which tries a read that fails
// with EAGAIN after every request) makes one recv(2) per batch of input.
void Connection::Read() {
  if (!CanRead()) return;
  if (input_.size() - input_size_ < kReadChunk / 4) input_.resize(input_size_ + kReadChunk);
  const size_t room = input_.size() - input_size_;
  ssize_t received = 0;
  do {
    received = ::recv(fd_, input_.data() + input_size_, room, 0);
  } while (received < 0 && errno == EINTR);
  if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    WaitReadable();
    return;
  }
  if (received <= 0) {
    OnReadError(received == 0 ? 0 : errno);
    return;
  }
  const auto bytes = static_cast<size_t>(received);
  input_size_ += bytes;
  ProcessInput();
  if (!CanRead()) return;
  if (bytes < room) {
    // Drained: data arriving from here on makes the poller report the socket again.
    WaitReadable();
  } else {
    // More may be waiting; read it in a later handler so other connections get their turn.
    reading_ = true;
    boost::asio::post(shard_.io(), [self = shared_from_this()] {
      self->reading_ = false;
      self->Read();
    });
  }
}

void Connection::WaitReadable() {
  reading_ = true;
  awaiting_input_ = true;
}

void Connection::OnReady(uint32_t events) {
  const std::shared_ptr<Connection> self = shared_from_this();  // a close may drop the last
  if ((events & SocketPoller::kWritable) != 0 && writing_now_) WriteRest();
  if ((events & SocketPoller::kReadable) != 0 && awaiting_input_) {
    awaiting_input_ = false;
    reading_ = false;
    Read();
  }
}

void Connection::OnReadError(int error) {
  if (error != 0) {
    spdlog::debug("connection {} ({}): read failed: {}", id_, peer_, ErrorText(error));
  }
  // The client may have half-closed after sending its last requests: answer those, but
  // give up its parked blocking requests now, so none takes a message for nobody.
  read_stopped_ = true;
  close_requested_ = true;
  peer_gone_.store(true);
  if (in_flight_ > 0) runtime_.shards.DropAbandonedWaiters();
  CloseIfDone();
}

void Connection::ProcessInput() {
  const RequestClock::Scope one_reading(shard_.clock());
  processing_ = true;
  if (session_ || ChooseSession()) {
    if (session_) {
      const size_t consumed = session_->OnInput(std::string_view(input_.data(), input_size_));
      if (consumed > 0) {
        std::memmove(input_.data(), input_.data() + consumed, input_size_ - consumed);
        input_size_ -= consumed;
      }
    }
  }
  processing_ = false;
  if (!output_.empty() || close_requested_) PostWrite();
}

bool Connection::ChooseSession() {
  const codec::SniffResult sniffed = codec::Sniff(std::string_view(input_.data(), input_size_));
  if (sniffed.verdict == codec::SniffVerdict::kNeedMore) {
    sniff_timer_.expires_after(kSniffTimeout);
    sniff_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (error || self->session_) return;
      spdlog::info("connection {} ({}): closed, protocol not recognised within 10 s", self->id_,
                   self->peer_);
      self->CloseSocket();
    });
    return false;
  }
  sniff_timer_.cancel();
  session_ = MakeSession(sniffed, *this);
  if (!session_) {
    read_stopped_ = true;
    close_requested_ = true;
    return false;
  }
  spdlog::debug("connection {} ({}): {}", id_, peer_, codec::NameOf(sniffed.protocol));
  return true;
}

Request& Connection::NextRequest() {
  if (!next_call_) next_call_ = shard_.calls().Take();
  return next_call_->request;
}

void Connection::SubmitNext(std::function<void(Result&&)> on_result) {
  CallPtr call = std::move(next_call_);  // taken first: the result may come back in here
  ++in_flight_;
  shard_.RequestStarted();
  call->origin_shard = shard_.id();
  call->connection = shared_from_this();
  call->done = std::move(on_result);
  NoteOwner(runtime_.shards.Submit(std::move(call)));
}

void Connection::NoteOwner(std::optional<uint32_t> owner) {
  if (!owner || *owner == shard_.id()) {
    affinity_streak_ = 0;
    return;
  }
  affinity_streak_ = (*owner == affinity_shard_) ? affinity_streak_ + 1 : 1;
  affinity_shard_ = *owner;
}

// Only an idle connection moves: nothing in flight (no parked request, no reply to come),
// nothing left to write. The bytes the client sends meanwhile wait in the kernel's socket
// buffer for the new shard to read them.
void Connection::MaybeMigrate() {
  if (affinity_streak_ < kMigrateAfterRequests || in_flight_ > 0 || !output_.empty() ||
      writing_now_ || read_stopped_ || socket_closed_ || !session_ || migrating_) {
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  if (now - last_migration_ < kMigrationSpacing) return;
  last_migration_ = now;
  Migrate(affinity_shard_);
}

void Connection::Migrate(uint32_t target) {
  migrating_ = true;
  shard_.poller().Remove(fd_, *this);
  const int fd = std::exchange(fd_, -1);
  socket_closed_ = true;
  spdlog::debug("connection {} ({}): moves from shard {} to shard {}", id_, peer_, shard_.id(),
                target);
  Shard& to = runtime_.shards.at(target);
  boost::asio::post(to.io(), [&runtime = runtime_, &to, fd, id = id_,
                              session = std::move(session_), input = std::move(input_),
                              input_size = input_size_]() mutable {
    const std::shared_ptr<Connection> moved = Adopt(runtime, to, fd, id);
    if (moved == nullptr) {
      --runtime.open_connections;
      return;
    }
    moved->Resume(std::move(session), std::move(input), input_size);
  });
  shard_.Forget(this);
}

void Connection::Resume(std::unique_ptr<Session> session, std::string input, size_t input_size) {
  session_ = std::move(session);
  session_->MoveTo(*this);
  input_ = std::move(input);
  input_size_ = input_size;
  last_migration_ = std::chrono::steady_clock::now();
  if (input_size_ > 0) ProcessInput();
  Read();
}

void Connection::Finish(CallPtr call) {
  const std::shared_ptr<Connection> self = std::move(call->connection);  // outlives the call
  --in_flight_;
  shard_.RequestFinished();
  if (!socket_closed_) call->done(std::move(call->result));
  shard_.calls().Give(std::move(call));
  if (processing_) return;
  PostWrite();
}

void Connection::PostWrite() {
  if (write_posted_) return;
  write_posted_ = true;
  shard_.WantWrite(shared_from_this());
}

void Connection::WriteReplies() {
  write_posted_ = false;
  Write();
  Read();
}

void Connection::Send(std::string_view bytes) { output_.append(bytes); }

// Sends what is buffered straight away, as Redis does: the socket's buffer mostly has room,
// and then no asynchronous write is set up at all. Only what does not fit waits for the socket
// to drain.
void Connection::Write() {
  if (writing_now_ || socket_closed_) return;
  if (!output_.empty()) {
    const ssize_t sent = SendSome(output_);
    if (sent < 0) return;
    if (static_cast<size_t>(sent) < output_.size()) {
      // The rest waits for room (the poller's kWritable); output buffered meanwhile waits
      // for the next Write.
      writing_now_ = true;
      writing_.swap(output_);  // no copy; both buffers keep their room
      writing_sent_ = static_cast<size_t>(sent);
      output_.clear();
      return;
    }
    output_.clear();
  }
  CloseIfDone();
  MaybeMigrate();
}

void Connection::WriteRest() {
  const ssize_t sent = SendSome(std::string_view(writing_).substr(writing_sent_));
  if (sent < 0) return;
  writing_sent_ += static_cast<size_t>(sent);
  if (writing_sent_ < writing_.size()) return;
  writing_now_ = false;
  writing_.clear();
  Write();
  Read();
}

// The bytes the socket took, or -1 after a failure closed the socket. Fewer than `bytes`
// only once a send would block: the poller reports room to write only after that.
ssize_t Connection::SendSome(std::string_view bytes) {
  size_t total = 0;
  while (total < bytes.size()) {
    const ssize_t sent =
        ::send(fd_, bytes.data() + total, bytes.size() - total, MSG_NOSIGNAL);
    if (sent > 0) {
      total += static_cast<size_t>(sent);
    } else if (sent == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
      break;
    } else if (errno != EINTR) {
      spdlog::debug("connection {} ({}): write failed: {}", id_, peer_, ErrorText(errno));
      CloseSocket();
      return -1;
    }
  }
  return static_cast<ssize_t>(total);
}

void Connection::CloseAfterWrite() {
  read_stopped_ = true;
  close_requested_ = true;
}

void Connection::StopReading() { read_stopped_ = true; }

void Connection::CloseIfDone() {
  if (close_requested_ && in_flight_ == 0 && output_.empty() && !writing_now_) CloseSocket();
}

void Connection::Shutdown() { CloseSocket(); }

void Connection::CloseSocket() {
  if (socket_closed_) return;
  socket_closed_ = true;
  peer_gone_.store(true);
  auto self = shared_from_this();  // Forget() drops the shard's reference
  sniff_timer_.cancel();
  shard_.poller().Remove(fd_, *this);
  ::shutdown(fd_, SHUT_RDWR);
  ::close(std::exchange(fd_, -1));
  --runtime_.open_connections;
  shard_.Forget(this);
}

}  // namespace flod::server
