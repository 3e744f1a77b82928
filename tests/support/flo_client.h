#pragma once
// A small blocking client of the Flo binary protocol (SDK framing, version 1) for integration
// tests: builds request frames the way the SDKs do and reads replies, checking magic, version
// and CRC. Independent of flod's codec, so the two check each other.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace flod::testing {

// TLV options in the SDK encoding: [tag:u8][len:u8][value].
class FloOptions {
 public:
  FloOptions& U8(uint8_t tag, uint8_t value);
  FloOptions& U32(uint8_t tag, uint32_t value);
  FloOptions& U64(uint8_t tag, uint64_t value);
  FloOptions& Bytes(uint8_t tag, std::string_view value);
  FloOptions& Flag(uint8_t tag);
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

struct FloReply {
  uint64_t request_id = 0;
  uint8_t status = 0;
  std::string data;
  uint64_t U64At(size_t offset) const;
};

// A whole request frame around an arbitrary payload: 32-byte header with a valid CRC.
std::string BuildFloFrameWithPayload(uint64_t request_id, uint16_t opcode, std::string_view payload);

// A whole request frame: 32-byte header with CRC, then the payload envelope.
std::string BuildFloFrame(uint64_t request_id, uint16_t opcode, std::string_view ns,
                          std::string_view key, std::string_view value,
                          std::string_view options);

class FloClient {
 public:
  FloClient() = default;
  ~FloClient();
  FloClient(const FloClient&) = delete;
  FloClient& operator=(const FloClient&) = delete;

  bool Connect(uint16_t port);
  void Close();

  // Sends one request and waits for the reply with the same id (replies to other ids that
  // arrive first are kept for later Receive calls). Throws std::runtime_error on a broken
  // connection or a malformed reply.
  FloReply Call(uint16_t opcode, std::string_view key, std::string_view value = {},
                const FloOptions& options = {}, std::string_view ns = "default");
  // Sends without waiting; returns the request id used.
  uint64_t Send(uint16_t opcode, std::string_view key, std::string_view value = {},
                const FloOptions& options = {}, std::string_view ns = "default");
  void SendRaw(std::string_view bytes);
  // The next reply, whatever its id; nullopt when the server closed the connection or
  // nothing arrived within timeout_ms.
  std::optional<FloReply> Receive(int timeout_ms = 10'000);
  FloReply ReceiveFor(uint64_t request_id, int timeout_ms = 10'000);
  // True when the server closes the connection within timeout_ms (bytes sent before the
  // close are read and dropped).
  bool ServerClosed(int timeout_ms = 2'000);
  // Everything the server sends until it closes the connection; nullopt when it is still
  // open after timeout_ms without sending anything.
  std::optional<std::string> ReadUntilClosed(int timeout_ms = 2'000);
  // The socket, for callers that wait on several clients at once (bench/flo_load).
  int fd() const { return fd_; }

 private:
  bool ReadExactly(size_t n, std::string& out, int timeout_ms);

  int fd_ = -1;
  uint64_t next_id_ = 1;
  std::string buffered_;  // received, not yet handed out from buffered_at_ on
  size_t buffered_at_ = 0;
  std::vector<FloReply> early_;
};

}  // namespace flod::testing
