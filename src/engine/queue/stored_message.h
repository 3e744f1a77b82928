#pragma once
// One queued message in one heap block (fixed fields, then the payload bytes), and the
// intrusive list that threads blocks together without allocating.
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
  // The block holds a copy of `payload` (at most 4 GiB; the engine caps it far lower).
  static StoredMessage* Create(uint64_t seq, std::string_view payload);
  static void Destroy(StoredMessage* message);
  StoredMessage(const StoredMessage&) = delete;
  StoredMessage& operator=(const StoredMessage&) = delete;

  std::string_view payload() const {
    return {reinterpret_cast<const char*>(this + 1), payload_size_};
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
