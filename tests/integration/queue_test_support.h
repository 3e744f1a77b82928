#pragma once
// Queue calls over the Flo binary protocol as the Go SDK makes them (WIRE.md §7.2, flo-go
// queue.go), written out independently of flod's codec so the tests check it.

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "support/flo_client.h"

namespace flod::testing::queue {

// Opcodes (SDK framing, §6.6).
inline constexpr uint16_t kEnqueue = 0x170;
inline constexpr uint16_t kDequeue = 0x171;
inline constexpr uint16_t kComplete = 0x172;
inline constexpr uint16_t kExtendLease = 0x173;
inline constexpr uint16_t kFail = 0x174;
inline constexpr uint16_t kDlqList = 0x176;
inline constexpr uint16_t kDlqDelete = 0x177;
inline constexpr uint16_t kDlqRequeue = 0x178;
inline constexpr uint16_t kStats = 0x17B;
inline constexpr uint16_t kPeek = 0x17C;
inline constexpr uint16_t kTouch = 0x17D;
inline constexpr uint16_t kBatchEnqueue = 0x17E;
inline constexpr uint16_t kPurge = 0x17F;
inline constexpr uint16_t kList = 0x198;

// Option tags (§4.2).
inline constexpr uint8_t kOptLimit = 0x05;
inline constexpr uint8_t kOptPriority = 0x10;
inline constexpr uint8_t kOptDelayMs = 0x11;
inline constexpr uint8_t kOptVisibilityMs = 0x12;
inline constexpr uint8_t kOptDedupKey = 0x13;
inline constexpr uint8_t kOptMaxRetries = 0x14;
inline constexpr uint8_t kOptCount = 0x15;
inline constexpr uint8_t kOptSendToDlq = 0x16;
inline constexpr uint8_t kOptBlockMs = 0x17;

inline constexpr uint8_t kStatusOk = 0;
inline constexpr uint8_t kStatusBadRequest = 3;

struct Message {
  uint64_t seq = 0;
  std::string payload;
  // Only in the trailer layout ("js" profile).
  int64_t enqueued_at_ms = 0;
  uint32_t delivery_count = 0;
  uint8_t priority = 0;
};

inline uint32_t U32At(std::string_view data, size_t offset) {
  if (data.size() < offset + 4) throw std::runtime_error("reply too short for u32");
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(data[offset + i]);
  return v;
}

inline uint64_t U64At(std::string_view data, size_t offset) {
  if (data.size() < offset + 8) throw std::runtime_error("reply too short for u64");
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(data[offset + i]);
  return v;
}

inline void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

inline void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

// [n:u32]([seq:u64])* — the value of ack, nack, touch, DLQ requeue and DLQ delete.
inline std::string SeqList(const std::vector<uint64_t>& seqs) {
  std::string out;
  PutU32(out, static_cast<uint32_t>(seqs.size()));
  for (uint64_t seq : seqs) PutU64(out, seq);
  return out;
}

// [count:u32] then messages in layout P, or P+trailer when `trailer`; bytes must add up.
inline std::vector<Message> ParseMessages(std::string_view data, bool trailer = false) {
  const uint32_t count = U32At(data, 0);
  std::vector<Message> messages;
  size_t offset = 4;
  for (uint32_t i = 0; i < count; ++i) {
    Message m;
    m.seq = U64At(data, offset);
    const uint32_t length = U32At(data, offset + 8);
    if (data.size() < offset + 12 + length) throw std::runtime_error("message cut short");
    m.payload = std::string(data.substr(offset + 12, length));
    offset += 12 + length;
    if (trailer) {
      m.enqueued_at_ms = static_cast<int64_t>(U64At(data, offset));
      m.delivery_count = U32At(data, offset + 8);
      if (data.size() < offset + 13) throw std::runtime_error("trailer cut short");
      m.priority = static_cast<uint8_t>(data[offset + 12]);
      offset += 13;
    }
    messages.push_back(std::move(m));
  }
  if (offset != data.size()) throw std::runtime_error("bytes left after the messages");
  return messages;
}

inline std::vector<uint64_t> SeqsOf(const std::vector<Message>& messages) {
  std::vector<uint64_t> seqs;
  for (const Message& m : messages) seqs.push_back(m.seq);
  return seqs;
}

// The calls of flo-go's QueueClient, failing the test on a non-OK status.
class QueueCalls {
 public:
  QueueCalls(FloClient& client, std::string queue, std::string ns = "default")
      : client_(client), queue_(std::move(queue)), ns_(std::move(ns)) {}

  uint64_t Enqueue(std::string_view payload, const FloOptions& options = {}) {
    const FloReply reply = Call(kEnqueue, payload, options);
    return reply.status == kStatusOk ? U64At(reply.data, 0) : 0;
  }
  std::vector<Message> Dequeue(uint32_t count, std::optional<uint32_t> visibility_ms = {},
                               std::optional<uint32_t> block_ms = {}) {
    return ParseMessages(Call(kDequeue, "", DequeueOptions(count, visibility_ms, block_ms)).data);
  }
  uint32_t Ack(const std::vector<uint64_t>& seqs) { return CountOf(kComplete, seqs); }
  uint32_t Nack(const std::vector<uint64_t>& seqs, bool to_dlq = false) {
    FloOptions options;
    if (to_dlq) options.U8(kOptSendToDlq, 1);
    return CountOf(kFail, seqs, options);
  }
  uint32_t Touch(const std::vector<uint64_t>& seqs, const FloOptions& options = {}) {
    return CountOf(kTouch, seqs, options);
  }
  std::vector<Message> Peek(uint32_t count) {
    return ParseMessages(Call(kPeek, "", FloOptions().U32(kOptCount, count)).data);
  }
  std::vector<Message> DlqList(uint32_t limit = 100) {
    return ParseMessages(Call(kDlqList, "", FloOptions().U32(kOptLimit, limit)).data);
  }
  uint32_t DlqRequeue(const std::vector<uint64_t>& seqs) { return CountOf(kDlqRequeue, seqs); }
  uint32_t DlqDelete(const std::vector<uint64_t>& seqs) { return CountOf(kDlqDelete, seqs); }

  struct Stats {
    uint64_t ready, in_flight, delayed, dlq, enqueued_total, dequeued_total;
  };
  Stats GetStats() {
    const std::string data = Call(kStats, "").data;
    EXPECT_EQ(data.size(), 48u);
    return Stats{U64At(data, 0),  U64At(data, 8),  U64At(data, 16),
                 U64At(data, 24), U64At(data, 32), U64At(data, 40)};
  }

  static FloOptions DequeueOptions(uint32_t count, std::optional<uint32_t> visibility_ms,
                                   std::optional<uint32_t> block_ms) {
    FloOptions options;
    options.U32(kOptCount, count);  // the Go SDK always sends count, then the optional ones
    if (visibility_ms) options.U32(kOptVisibilityMs, *visibility_ms);
    if (block_ms) options.U32(kOptBlockMs, *block_ms);
    return options;
  }

  FloReply Call(uint16_t opcode, std::string_view value, const FloOptions& options = {}) {
    FloReply reply = client_.Call(opcode, queue_, value, options, ns_);
    EXPECT_EQ(reply.status, kStatusOk) << "opcode " << opcode << ": " << reply.data;
    return reply;
  }

 private:
  uint32_t CountOf(uint16_t opcode, const std::vector<uint64_t>& seqs,
                   const FloOptions& options = {}) {
    const FloReply reply = Call(opcode, SeqList(seqs), options);
    return reply.status == kStatusOk ? U32At(reply.data, 0) : 0;
  }

  FloClient& client_;
  std::string queue_;
  std::string ns_;
};

}  // namespace flod::testing::queue
