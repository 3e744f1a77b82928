#include "support/flo_client.h"

#include "support/le_bytes.h"
#include "support/loopback.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/crc.hpp>
#include <cstring>
#include <stdexcept>

namespace flod::testing {
namespace {

uint64_t GetLe(std::string_view in, size_t offset, size_t bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < bytes; ++i) {
    value |= static_cast<uint64_t>(static_cast<uint8_t>(in[offset + i])) << (8 * i);
  }
  return value;
}

uint32_t FrameCrc(std::string_view header, std::string_view payload) {
  boost::crc_32_type crc;
  crc.process_bytes(header.data(), 16);
  crc.process_bytes(header.data() + 20, 12);
  crc.process_bytes(payload.data(), payload.size());
  return crc.checksum();
}

}  // namespace

FloOptions& FloOptions::U8(uint8_t tag, uint8_t value) {
  bytes_.push_back(static_cast<char>(tag));
  bytes_.push_back(1);
  bytes_.push_back(static_cast<char>(value));
  return *this;
}
FloOptions& FloOptions::U32(uint8_t tag, uint32_t value) {
  bytes_.push_back(static_cast<char>(tag));
  bytes_.push_back(4);
  PutLe(bytes_, value, 4);
  return *this;
}
FloOptions& FloOptions::U64(uint8_t tag, uint64_t value) {
  bytes_.push_back(static_cast<char>(tag));
  bytes_.push_back(8);
  PutLe(bytes_, value, 8);
  return *this;
}
FloOptions& FloOptions::Bytes(uint8_t tag, std::string_view value) {
  bytes_.push_back(static_cast<char>(tag));
  bytes_.push_back(static_cast<char>(value.size()));
  bytes_.append(value);
  return *this;
}
FloOptions& FloOptions::Flag(uint8_t tag) {
  bytes_.push_back(static_cast<char>(tag));
  bytes_.push_back(0);
  return *this;
}

uint64_t FloReply::U64At(size_t offset) const {
  if (data.size() < offset + 8) throw std::runtime_error("reply too short for u64");
  return GetLe(data, offset, 8);
}

std::string BuildFloFrame(uint64_t request_id, uint16_t opcode, std::string_view ns,
                          std::string_view key, std::string_view value,
                          std::string_view options) {
  std::string payload;
  PutLe(payload, ns.size(), 2);
  payload.append(ns);
  PutLe(payload, key.size(), 2);
  payload.append(key);
  PutLe(payload, value.size(), 4);
  payload.append(value);
  PutLe(payload, options.size(), 2);
  payload.append(options);
  return BuildFloFrameWithPayload(request_id, opcode, payload);
}

std::string BuildFloFrameWithPayload(uint64_t request_id, uint16_t opcode, std::string_view payload) {
  std::string frame("FLO\0", 4);
  PutLe(frame, payload.size(), 4);
  PutLe(frame, request_id, 8);
  PutLe(frame, 0, 4);  // CRC, filled below
  PutLe(frame, opcode, 2);
  frame.push_back(1);  // version
  frame.push_back(0);  // flags
  PutLe(frame, 0, 8);  // reserved
  const uint32_t crc = FrameCrc(frame, payload);
  std::memcpy(frame.data() + 16, &crc, 4);
  return frame.append(payload);
}

FloClient::~FloClient() { Close(); }

bool FloClient::Connect(uint16_t port) {
  fd_ = ConnectLoopback(port);
  if (fd_ < 0) return false;
  int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return true;
}

void FloClient::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

void FloClient::SendRaw(std::string_view bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw std::runtime_error("send failed");
    sent += static_cast<size_t>(n);
  }
}

uint64_t FloClient::Send(uint16_t opcode, std::string_view key, std::string_view value,
                         const FloOptions& options, std::string_view ns) {
  const uint64_t id = next_id_++;
  SendRaw(BuildFloFrame(id, opcode, ns, key, value, options.bytes()));
  return id;
}

// Reads in large chunks and serves from a buffer: a pipelining caller gets many replies per
// recv(2) instead of two system calls per reply.
bool FloClient::ReadExactly(size_t n, std::string& out, int timeout_ms) {
  while (buffered_.size() - buffered_at_ < n) {
    if (buffered_at_ > 0) {
      buffered_.erase(0, buffered_at_);
      buffered_at_ = 0;
    }
    pollfd pfd{fd_, POLLIN, 0};
    if (poll(&pfd, 1, timeout_ms) <= 0) return false;
    char chunk[64 * 1024];
    const ssize_t r = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (r <= 0) return false;
    buffered_.append(chunk, static_cast<size_t>(r));
  }
  out.assign(buffered_, buffered_at_, n);
  buffered_at_ += n;
  return true;
}

std::optional<FloReply> FloClient::Receive(int timeout_ms) {
  if (!early_.empty()) {
    FloReply reply = std::move(early_.front());
    early_.erase(early_.begin());
    return reply;
  }
  std::string header;
  if (!ReadExactly(32, header, timeout_ms)) return std::nullopt;
  if (header.compare(0, 4, std::string_view("FLO\0", 4)) != 0) {
    throw std::runtime_error("reply with bad magic");
  }
  if (header[20] != 1) throw std::runtime_error("reply with version != 1");
  FloReply reply;
  reply.request_id = GetLe(header, 8, 8);
  reply.status = static_cast<uint8_t>(header[21]);
  const size_t length = GetLe(header, 4, 4);
  if (length > 0 && !ReadExactly(length, reply.data, timeout_ms)) {
    throw std::runtime_error("reply body cut short");
  }
  if (FrameCrc(header, reply.data) != GetLe(header, 16, 4)) {
    throw std::runtime_error("reply with bad CRC");
  }
  return reply;
}

FloReply FloClient::ReceiveFor(uint64_t request_id, int timeout_ms) {
  for (size_t i = 0; i < early_.size(); ++i) {
    if (early_[i].request_id == request_id) {
      FloReply reply = std::move(early_[i]);
      early_.erase(early_.begin() + static_cast<long>(i));
      return reply;
    }
  }
  while (true) {
    std::string header;
    std::optional<FloReply> reply;
    {
      std::vector<FloReply> saved = std::move(early_);
      early_.clear();
      reply = Receive(timeout_ms);
      early_ = std::move(saved);
    }
    if (!reply) throw std::runtime_error("no reply for request " + std::to_string(request_id));
    if (reply->request_id == request_id) return *reply;
    early_.push_back(std::move(*reply));
  }
}

FloReply FloClient::Call(uint16_t opcode, std::string_view key, std::string_view value,
                         const FloOptions& options, std::string_view ns) {
  return ReceiveFor(Send(opcode, key, value, options, ns));
}

bool FloClient::ServerClosed(int timeout_ms) {
  return ReadUntilClosed(timeout_ms).has_value();
}

std::optional<std::string> FloClient::ReadUntilClosed(int timeout_ms) {
  std::string received = buffered_.substr(buffered_at_);
  buffered_.clear();
  buffered_at_ = 0;
  char buffer[4096];
  while (true) {
    pollfd pfd{fd_, POLLIN, 0};
    if (poll(&pfd, 1, timeout_ms) <= 0) return std::nullopt;
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) return received;
    received.append(buffer, static_cast<size_t>(n));
  }
}

}  // namespace flod::testing
