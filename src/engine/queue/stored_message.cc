#include "engine/queue/stored_message.h"

#include <cstring>
#include <memory>
#include <new>
#include <utility>

namespace flod::engine::queue {

// Keep the fields at 56 bytes: a 32-byte payload then still fits a 96-byte malloc chunk, and
// a block with a payload of its own (the fields and that block's address) takes 64.
static_assert(sizeof(StoredMessage) == 56);

StoredMessage* StoredMessage::Create(uint64_t seq, std::string_view payload) {
  const bool inline_payload = FitsInline(payload.size());
  std::unique_ptr<char[]> own_block(inline_payload ? nullptr : new char[payload.size()]);
  void* block =
      ::operator new(sizeof(StoredMessage) + (inline_payload ? payload.size() : sizeof(char*)));
  auto* message = new (block) StoredMessage(seq, static_cast<uint32_t>(payload.size()));
  char* bytes = inline_payload ? message->after_fields() : own_block.release();
  if (!inline_payload) std::memcpy(message->after_fields(), &bytes, sizeof(bytes));
  if (!payload.empty()) std::memcpy(bytes, payload.data(), payload.size());
  return message;
}

const char* StoredMessage::OutOfLinePayload() const {
  const char* bytes = nullptr;
  std::memcpy(&bytes, after_fields(), sizeof(bytes));
  return bytes;
}

void StoredMessage::Destroy(StoredMessage* message) {
  if (!FitsInline(message->payload_size_)) delete[] message->OutOfLinePayload();
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
