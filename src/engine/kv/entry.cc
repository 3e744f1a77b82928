#include "engine/kv/entry.h"

#include <algorithm>
#include <cassert>
#include <cstdlib>
#include <cstring>
#include <new>

namespace flod::engine::kv {
namespace {

constexpr size_t kHistoryBytes = sizeof(HistoryRing*);
constexpr size_t kExpiryBytes = sizeof(int64_t) + sizeof(uint32_t);

void* Allocate(size_t bytes) {
  void* block = std::malloc(bytes);
  if (block == nullptr) throw std::bad_alloc();
  return block;
}

// A block of `allocated` bytes is reused for data of `needed` bytes when that fits and would
// not leave more than half of the block idle.
bool FitsInPlace(size_t needed, size_t allocated) {
  size_t wanted = AllocationSize(needed);
  return wanted <= allocated && wanted * 2 >= allocated;
}

template <typename T>
void Store(char* at, T value) {
  std::memcpy(at, &value, sizeof(T));
}

}  // namespace

size_t AllocationSize(size_t bytes) {
  // glibc chunks are 16-byte multiples carrying an 8-byte size word, with a 32-byte minimum.
  return std::max<size_t>(24, ((bytes + 8 + 15) & ~size_t{15}) - 8);
}

// ---- PastVersion / HistoryRing ---------------------------------------------------------------

PastVersion* PastVersion::Assign(PastVersion* reuse, uint64_t version, int64_t written_ms,
                                 ValueKind kind, std::string_view value) {
  PastVersion* past = reuse;
  if (past == nullptr || !FitsInPlace(sizeof(PastVersion) + value.size(),
                                      AllocationSize(sizeof(PastVersion) + past->size_))) {
    std::free(past);
    past = new (Allocate(AllocationSize(sizeof(PastVersion) + value.size()))) PastVersion();
  }
  past->version_ = version;
  past->written_ms_ = written_ms;
  past->size_ = static_cast<uint32_t>(value.size());
  past->kind_ = kind;
  if (!value.empty()) std::memcpy(reinterpret_cast<char*>(past + 1), value.data(), value.size());
  return past;
}

HistoryRing* HistoryRing::Push(HistoryRing* ring, uint32_t max_versions, uint64_t version,
                               int64_t written_ms, ValueKind kind, std::string_view value) {
  if (ring == nullptr) {
    ring = new (Allocate(sizeof(HistoryRing) + sizeof(PastVersion*))) HistoryRing();
    ring->capacity_ = 1;
  }
  if (ring->size_ == ring->capacity_ && ring->capacity_ < max_versions) {
    // The ring only wraps once it is full at max_versions, so the slots are still in order.
    uint32_t capacity = std::min(max_versions, ring->capacity_ * 2);
    void* grown = std::realloc(ring, sizeof(HistoryRing) + capacity * sizeof(PastVersion*));
    if (grown == nullptr) throw std::bad_alloc();
    ring = static_cast<HistoryRing*>(grown);
    ring->capacity_ = capacity;
  }
  if (ring->size_ < ring->capacity_) {
    ring->items()[ring->size_++] = PastVersion::Assign(nullptr, version, written_ms, kind, value);
    return ring;
  }
  PastVersion*& slot = ring->items()[ring->oldest_];
  slot = PastVersion::Assign(slot, version, written_ms, kind, value);
  ring->oldest_ = (ring->oldest_ + 1) % ring->capacity_;
  return ring;
}

void HistoryRing::Destroy(HistoryRing* ring) {
  if (ring == nullptr) return;
  for (uint32_t i = 0; i < ring->size_; ++i) std::free(ring->items()[i]);
  std::free(ring);
}

const PastVersion& HistoryRing::FromNewest(size_t i) const {
  // Until the ring wraps oldest_ stays 0 and the newest item is the last one pushed.
  size_t newest = (oldest_ + size_ - 1) % size_;
  return *items()[(newest + size_ - i) % size_];
}

// ---- Entry -----------------------------------------------------------------------------------

size_t Entry::BlockSize(uint8_t sections, size_t key_size, size_t value_size) {
  size_t bytes = sizeof(Entry) + key_size + value_size;
  if (sections & kHistorySection) bytes += kHistoryBytes;
  if (sections & kExpirySection) bytes += kExpiryBytes;
  return bytes;
}

Entry* Entry::Create(std::string_view key, std::string_view value, ValueKind kind, uint64_t version,
                     int64_t written_ms, int64_t expire_at_ms) {
  uint8_t sections = expire_at_ms != 0 ? kExpirySection : 0;
  size_t bytes = AllocationSize(BlockSize(sections, key.size(), value.size()));
  Entry* entry = new (Allocate(bytes)) Entry();
  entry->key_size_ = static_cast<uint16_t>(key.size());
  entry->sections_ = sections;
  if (expire_at_ms != 0) {
    entry->set_expire_at_ms(expire_at_ms);
    entry->set_heap_slot(0);
  }
  std::memcpy(entry->bytes() + entry->KeyOffset(), key.data(), key.size());
  entry->value_size_ = static_cast<uint32_t>(value.size());
  entry->SetValue(value, kind, version, written_ms);
  return entry;
}

void Entry::Destroy(Entry* entry) {
  HistoryRing::Destroy(entry->history());
  std::free(entry);
}

Entry* Entry::Reshape(Entry* entry, uint8_t sections, uint32_t value_size) {
  size_t allocated =
      AllocationSize(BlockSize(entry->sections_, entry->key_size_, entry->value_size_));
  size_t needed = BlockSize(sections, entry->key_size_, value_size);
  if (sections == entry->sections_ && FitsInPlace(needed, allocated)) {
    entry->value_size_ = value_size;
    return entry;
  }
  Entry* moved = new (Allocate(AllocationSize(needed))) Entry();
  moved->version_ = entry->version_;
  moved->written_ms_ = entry->written_ms_;
  moved->value_size_ = value_size;
  moved->key_size_ = entry->key_size_;
  moved->kind_ = entry->kind_;
  moved->sections_ = sections;
  if (sections & kHistorySection) moved->set_history(entry->history());
  if (sections & kExpirySection) {
    bool had = entry->sections_ & kExpirySection;
    moved->set_expire_at_ms(had ? entry->expire_at_ms() : 0);
    moved->set_heap_slot(had ? entry->heap_slot() : 0);
  }
  std::memcpy(moved->bytes() + moved->KeyOffset(), entry->bytes() + entry->KeyOffset(),
              entry->key_size_);
  if (value_size == entry->value_size_ && value_size != 0) {
    std::memcpy(moved->bytes() + moved->KeyOffset() + moved->key_size_,
                entry->bytes() + entry->KeyOffset() + entry->key_size_, value_size);
  }
  return moved;
}

void Entry::ReleaseMoved(Entry* entry) { std::free(entry); }

void Entry::SetValue(std::string_view value, ValueKind kind, uint64_t version, int64_t written_ms) {
  assert(value.size() == value_size_);
  if (!value.empty()) std::memcpy(bytes() + KeyOffset() + key_size_, value.data(), value.size());
  kind_ = kind;
  version_ = version;
  written_ms_ = written_ms;
}

void Entry::set_history(HistoryRing* ring) { Store(bytes() + sizeof(Entry), ring); }

void Entry::set_expire_at_ms(int64_t expire_at) { Store(bytes() + ExpiryOffset(), expire_at); }

void Entry::set_heap_slot(uint32_t slot) {
  Store(bytes() + ExpiryOffset() + sizeof(int64_t), slot);
}

}  // namespace flod::engine::kv
