#pragma once
// One queued message in a heap block of its fixed fields (a small payload follows them there,
// a larger one has a block of its own), and the intrusive list that threads messages together
// without allocating.
//
// Ownership: MessageQueue creates blocks with StoredMessage::Create, owns them through its
// SeqIndex and frees them with StoredMessage::Destroy. Indexes hold non-owning pointers.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/queue/queue_changes.h"

namespace flod::engine::queue {

class StoredMessage {
 public:
  // Keeps a copy of `payload` (at most 4 GiB; the engine caps it far lower). One above
  // kInlinePayloadMax bytes goes to a block of its own: a dequeue, ack or lease change writes
  // only the fields, and after a snapshot's fork every page it writes is copied, so the
  // fields must not share pages with large payloads. Small ones stay inline, saving a block.
  static StoredMessage* Create(uint64_t seq, std::string_view payload);
  static void Destroy(StoredMessage* message);
  StoredMessage(const StoredMessage&) = delete;
  StoredMessage& operator=(const StoredMessage&) = delete;

  static constexpr uint32_t kInlinePayloadMax = 64;

  static constexpr bool FitsInline(size_t payload_bytes) {
    return payload_bytes <= kInlinePayloadMax;
  }

  std::string_view payload() const {
    const char* bytes = FitsInline(payload_size_) ? after_fields() : OutOfLinePayload();
    return {bytes, payload_size_};
  }

  const uint64_t seq;
  int64_t enqueued_at_ms = 0;
  int64_t due_ms = 0;  // delayed: visible_at; leased: lease until; DLQ: moved_at
  uint32_t delivery_count = 0;
  uint32_t max_retries = 0;
  uint8_t priority = 0;
  MessageState state = MessageState::kReady;
  // Which container of its state's index holds it (the index's business; see there).
  uint8_t slot = 0;

 private:
  friend class MessageList;
  StoredMessage(uint64_t seq, uint32_t payload_size) : seq(seq), payload_size_(payload_size) {}
  ~StoredMessage() = default;

  // The bytes after the fields: the payload itself, or the address of its own block.
  char* after_fields() const {
    return reinterpret_cast<char*>(const_cast<StoredMessage*>(this) + 1);
  }
  const char* OutOfLinePayload() const;

  uint32_t payload_size_;
  // Links of the MessageList the message is on, if any.
  StoredMessage* prev_ = nullptr;
  StoredMessage* next_ = nullptr;
};

// A doubly linked list through StoredMessage's links: O(1) append and removal anywhere. A
// message is on at most one list at a time. Does not own the messages.
class MessageList {
 public:
  MessageList() = default;
  MessageList(MessageList&& other) noexcept;
  MessageList& operator=(MessageList&& other) noexcept;
  MessageList(const MessageList&) = delete;
  MessageList& operator=(const MessageList&) = delete;

  bool empty() const { return head_ == nullptr; }
  size_t size() const { return size_; }
  StoredMessage* front() const { return head_; }
  StoredMessage* back() const { return tail_; }
  static StoredMessage* Next(const StoredMessage& message) { return message.next_; }

  void PushBack(StoredMessage& message);
  // `message` must be on this list.
  void Remove(StoredMessage& message);

 private:
  StoredMessage* head_ = nullptr;
  StoredMessage* tail_ = nullptr;
  size_t size_ = 0;
};

}  // namespace flod::engine::queue
