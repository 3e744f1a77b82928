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
}

Connection::~Connection() = default;

void Connection::Start() {
  ++runtime_.open_connections;
  Read();
}

void Connection::Read() {
  if (reading_ || read_stopped_ || socket_closed_) return;
  if (in_flight_ >= kMaxInFlightPerConnection || output_.size() >= kMaxBufferedOutput) return;
  if (input_.size() - input_size_ < kReadChunk / 4) input_.resize(input_size_ + kReadChunk);
  reading_ = true;
  socket_.async_read_some(
      boost::asio::buffer(input_.data() + input_size_, input_.size() - input_size_),
      [self = shared_from_this()](const boost::system::error_code& error, size_t bytes) {
        self->OnRead(error, bytes);
      });
}

void Connection::OnRead(const boost::system::error_code& error, size_t bytes) {
  reading_ = false;
  if (error) {
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
    return;
  }
  input_size_ += bytes;
  ProcessInput();
  Read();
}

void Connection::ProcessInput() {
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
  Write();
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

void Connection::Submit(Request&& request, std::function<void(Result&&)> on_result) {
  ++in_flight_;
  shard_.RequestStarted();
  CallPtr call = shard_.calls().Take();
  call->request = std::move(request);
  call->origin_shard = shard_.id();
  call->connection = shared_from_this();
  call->done = std::move(on_result);
  runtime_.shards.Submit(std::move(call));
}

void Connection::Finish(CallPtr call) {
  const std::shared_ptr<Connection> self = std::move(call->connection);  // outlives the call
  --in_flight_;
  shard_.RequestFinished();
  if (!socket_closed_) call->done(std::move(call->result));
  shard_.calls().Give(std::move(call));
  if (processing_ || write_posted_) return;
  // Replies that arrive together (from other shards, or released by one WAL flush) go out
  // in one write: flush after the handlers already queued in this turn have run.
  write_posted_ = true;
  boost::asio::post(shard_.io(), [self] {
    self->write_posted_ = false;
    self->Write();
    self->Read();
  });
}

void Connection::Send(std::string_view bytes) { output_.append(bytes); }

void Connection::Write() {
  if (writing_now_ || socket_closed_) return;
  if (output_.empty()) {
    CloseIfDone();
    return;
  }
  writing_now_ = true;
  writing_.swap(output_);
  output_.clear();
  boost::asio::async_write(
      socket_, boost::asio::buffer(writing_),
      [self = shared_from_this()](const boost::system::error_code& error, size_t) {
        self->writing_now_ = false;
        self->writing_.clear();
        if (error) {
          spdlog::debug("connection {} ({}): write failed: {}", self->id_, self->peer_,
                        error.message());
          self->CloseSocket();
          return;
        }
        self->Write();
        self->Read();
      });
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
