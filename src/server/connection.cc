#include "connection.h"

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include <cstring>

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

}  // namespace

Connection::Connection(boost::asio::ip::tcp::socket socket, ServerRuntime& runtime, Shard& shard,
                       uint64_t id)
    : socket_(std::move(socket)),
      runtime_(runtime),
      shard_(shard),
      id_(id),
      sniff_timer_(shard.io()) {
  boost::system::error_code ignored;
  const auto endpoint = socket_.remote_endpoint(ignored);
  peer_ = ignored ? "unknown" : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  socket_.set_option(boost::asio::ip::tcp::no_delay(true), ignored);
  socket_.non_blocking(true, ignored);
}

Connection::~Connection() = default;

std::shared_ptr<Connection> Connection::Adopt(ServerRuntime& runtime, Shard& shard,
                                              boost::asio::ip::tcp protocol, int fd,
                                              uint64_t id) {
  auto connection = std::make_shared<Connection>(
      boost::asio::ip::tcp::socket(shard.io(), protocol, fd), runtime, shard, id);
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
  boost::system::error_code error;
  const size_t bytes = socket_.read_some(boost::asio::buffer(input_.data() + input_size_, room), error);
  if (error == boost::asio::error::would_block) {
    WaitReadable();
    return;
  }
  if (error) {
    OnReadError(error);
    return;
  }
  input_size_ += bytes;
  ProcessInput();
  if (!CanRead()) return;
  if (bytes < room) {
    // Drained: data arriving from here on raises a new edge for the wait.
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
  socket_.async_wait(boost::asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](const boost::system::error_code& error) {
                       self->reading_ = false;
                       if (self->migrating_) return;  // the socket now belongs to another shard
                       if (error) {
                         self->OnReadError(error);
                         return;
                       }
                       self->Read();
                     });
}

void Connection::OnReadError(const boost::system::error_code& error) {
  if (error != boost::asio::error::eof && error != boost::asio::error::operation_aborted) {
    spdlog::debug("connection {} ({}): read failed: {}", id_, peer_, error.message());
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
  boost::system::error_code error;
  const auto protocol = socket_.local_endpoint(error).protocol();
  if (error) return;
  migrating_ = true;
  const int fd = socket_.release(error);  // cancels the pending read; OnRead ignores it
  if (error) {
    spdlog::warn("connection {} ({}): cannot move to shard {}: {}", id_, peer_, target,
                 error.message());
    migrating_ = false;
    return;
  }
  socket_closed_ = true;
  spdlog::debug("connection {} ({}): moves from shard {} to shard {}", id_, peer_, shard_.id(),
                target);
  Shard& to = runtime_.shards.at(target);
  boost::asio::post(to.io(), [&runtime = runtime_, &to, protocol, fd, id = id_,
                              session = std::move(session_), input = std::move(input_),
                              input_size = input_size_]() mutable {
    Adopt(runtime, to, protocol, fd, id)
        ->Resume(std::move(session), std::move(input), input_size);
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
    boost::system::error_code error;
    const size_t sent = socket_.write_some(boost::asio::buffer(output_), error);
    if (error && error != boost::asio::error::would_block) {
      OnWriteError(error);
      return;
    }
    if (sent < output_.size()) {
      WriteRest(sent);
      return;
    }
    output_.clear();
  }
  CloseIfDone();
  MaybeMigrate();
}

// What the socket did not take, from `sent` on, goes out asynchronously; output buffered
// meanwhile waits for the next Write.
void Connection::WriteRest(size_t sent) {
  writing_now_ = true;
  writing_.assign(output_, sent);
  output_.clear();
  boost::asio::async_write(
      socket_, boost::asio::buffer(writing_),
      [self = shared_from_this()](const boost::system::error_code& error, size_t) {
        self->writing_now_ = false;
        self->writing_.clear();
        if (error) {
          self->OnWriteError(error);
          return;
        }
        self->Write();
        self->Read();
      });
}

void Connection::OnWriteError(const boost::system::error_code& error) {
  spdlog::debug("connection {} ({}): write failed: {}", id_, peer_, error.message());
  CloseSocket();
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
  boost::system::error_code ignored;
  socket_.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  --runtime_.open_connections;
  shard_.Forget(this);
}

}  // namespace flod::server
