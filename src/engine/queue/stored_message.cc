#include "engine/queue/stored_message.h"

#include <cstring>
#include <new>
#include <utility>

namespace flod::engine::queue {

// The payload starts right after the fixed fields; keep them at 56 bytes so that a 32-byte
// payload still fits a 96-byte malloc chunk.
static_assert(sizeof(StoredMessage) == 56);

StoredMessage* StoredMessage::Create(uint64_t seq, std::string_view payload) {
  void* block = ::operator new(sizeof(StoredMessage) + payload.size());
  auto* message = new (block) StoredMessage(seq, static_cast<uint32_t>(payload.size()));
  if (!payload.empty()) std::memcpy(reinterpret_cast<char*>(message + 1), payload.data(), payload.size());
  return message;
}

void StoredMessage::Destroy(StoredMessage* message) {
  message->~StoredMessage();
  ::operator delete(message);
}

MessageList::MessageList(MessageList&& other) noexcept
    : head_(std::exchange(other.head_, nullptr)),
      tail_(std::exchange(other.tail_, nullptr)),
      size_(std::exchange(other.size_, 0)) {}

MessageList& MessageList::operator=(MessageList&& other) noexcept {
  head_ = std::exchange(other.head_, nullptr);
  tail_ = std::exchange(other.tail_, nullptr);
  size_ = std::exchange(other.size_, 0);
  return *this;
}

void MessageList::PushBack(StoredMessage& message) {
  message.prev_ = tail_;
  message.next_ = nullptr;
  if (tail_ != nullptr) {
    tail_->next_ = &message;
  } else {
    head_ = &message;
  }
  tail_ = &message;
  ++size_;
}

void MessageList::Remove(StoredMessage& message) {
  if (message.prev_ != nullptr) {
    message.prev_->next_ = message.next_;
  } else {
    head_ = message.next_;
  }
  if (message.next_ != nullptr) {
    message.next_->prev_ = message.prev_;
  } else {
    tail_ = message.prev_;
  }
  message.prev_ = nullptr;
  message.next_ = nullptr;
  --size_;
}

}  // namespace flod::engine::queue
