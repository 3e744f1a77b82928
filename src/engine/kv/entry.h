#pragma once
// The stored form of a key. Entry is one heap block: a 24-byte header, the optional sections
// the key needs, then the key and value bytes inline, so a key costs one allocation sized to
// its data. HistoryRing holds the previous versions of a key (allocated at its second version
// only), each a PastVersion block of header and value bytes.
//
// Entry block layout (offsets in bytes):
//   0 version u64 | 8 written_ms i64 | 16 value size u32 | 20 key size u16 | 22 kind u8 |
//   23 sections u8
//   24 [HistoryRing* 8]                          when sections has kHistorySection
//      [expire_at_ms i64 8, heap slot u32 4]     when sections has kExpirySection
//      key bytes, then value bytes
// Blocks are requested at the size that fills the allocator's chunk (16k + 8 bytes for glibc),
// so a value that changes within that slack is rewritten in place.
//
// Entries are created, reshaped and destroyed only by KvStore; readers get const pointers that
// stay valid until the next mutation of the store. Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <utility>

#include "flod/core/result.h"

namespace flod::engine::kv {

// Bytes to request for a block of `bytes`: rounded up to the end of its allocator chunk.
size_t AllocationSize(size_t bytes);

// One previous version of a key.
class PastVersion {
 public:
  PastVersion(const PastVersion&) = delete;
  PastVersion& operator=(const PastVersion&) = delete;

  uint64_t version() const { return version_; }
  int64_t written_ms() const { return written_ms_; }
  ValueKind kind() const { return kind_; }
  std::string_view value() const;

 private:
  friend class HistoryRing;
  PastVersion() = default;
  // `reuse` (may be nullptr) becomes the new version when its block is the right size, else
  // it is freed and a new block is allocated.
  static PastVersion* Assign(PastVersion* reuse, uint64_t version, int64_t written_ms,
                             ValueKind kind, std::string_view value);

  uint64_t version_ = 0;
  int64_t written_ms_ = 0;
  uint32_t size_ = 0;
  ValueKind kind_ = ValueKind::kBytes;
};

// Previous versions of a key, newest overwriting the oldest once `max_versions` are kept. Its
// slot array grows by doubling up to that bound, so a key written twice pays for one slot.
class HistoryRing {
 public:
  HistoryRing(const HistoryRing&) = delete;
  HistoryRing& operator=(const HistoryRing&) = delete;

  // Adds a version as the newest. `ring` may be nullptr (a new ring is made); returns the ring,
  // which may have moved. max_versions must be > 0.
  static HistoryRing* Push(HistoryRing* ring, uint32_t max_versions, uint64_t version,
                           int64_t written_ms, ValueKind kind, std::string_view value);
  // Frees the ring and every version in it; nullptr is ignored.
  static void Destroy(HistoryRing* ring);

  size_t size() const { return size_; }
  // i = 0 is the newest previous version; i < size().
  const PastVersion& FromNewest(size_t i) const;

 private:
  HistoryRing() = default;
  PastVersion** items() { return reinterpret_cast<PastVersion**>(this + 1); }
  PastVersion* const* items() const { return reinterpret_cast<PastVersion* const*>(this + 1); }

  uint32_t capacity_ = 0;
  uint32_t size_ = 0;
  uint32_t oldest_ = 0;  // slot overwritten next once the ring is full at max_versions
  uint32_t unused_ = 0;
};

inline constexpr uint8_t kHistorySection = 1;
inline constexpr uint8_t kExpirySection = 2;

class Entry {
 public:
  Entry(const Entry&) = delete;
  Entry& operator=(const Entry&) = delete;

  // A new block; it has the expiry section when expire_at_ms != 0 (heap slot 0 until set).
  // Keys are at most 65 535 bytes and values under 4 GiB (flod/core/limits.h is stricter).
  // Keys are at most 65 535 bytes and values under 4 GiB (flod/core/limits.h is stricter).
  static Entry* Create(std::string_view key, std::string_view value, ValueKind kind,
                       uint64_t version, int64_t written_ms, int64_t expire_at_ms);
  // Frees the block and its history.
  static void Destroy(Entry* entry);
  // `entry` laid out with `sections` and a value of value_size bytes: the same block when it
  // fits, else a new one carrying the header, the sections both layouts share, the key, and
  // the value bytes when value_size is unchanged (otherwise unspecified until SetValue). New
  // sections start zeroed. A new block takes over the history; the old block stays readable
  // until the caller has re-pointed every index at the new one and released it.
  static Entry* Reshape(Entry* entry, uint8_t sections, uint32_t value_size);
  // Frees a block that Reshape replaced (its history belongs to the new block).
  static void ReleaseMoved(Entry* entry);
  // Bytes of a block's data (header, sections, key, value) before rounding.
  static size_t BlockSize(uint8_t sections, size_t key_size, size_t value_size);

  std::string_view key() const;
  std::string_view value() const;
  uint64_t version() const { return version_; }
  int64_t written_ms() const { return written_ms_; }
  ValueKind kind() const { return kind_; }
  uint8_t sections() const { return sections_; }
  int64_t expire_at_ms() const;  // 0 = no expiry
  // An entry is expired once now_ms >= expire_at_ms (a 100 ms TTL lives exactly 100 ms).
  bool IsLive(int64_t now_ms) const;
  const HistoryRing* history() const;  // nullptr without the history section
  HistoryRing* history();
  uint32_t heap_slot() const;  // requires the expiry section

  // `value` must have the size given to Reshape (or Create).
  void SetValue(std::string_view value, ValueKind kind, uint64_t version, int64_t written_ms);
  void set_history(HistoryRing* ring);       // requires the history section
  void set_expire_at_ms(int64_t expire_at);  // requires the expiry section
  void set_heap_slot(uint32_t slot);         // requires the expiry section

 private:
  Entry() = default;
  size_t ExpiryOffset() const;
  size_t KeyOffset() const;
  char* bytes() { return reinterpret_cast<char*>(this); }
  const char* bytes() const { return reinterpret_cast<const char*>(this); }

  uint64_t version_ = 0;
  int64_t written_ms_ = 0;
  uint32_t value_size_ = 0;
  uint16_t key_size_ = 0;
  ValueKind kind_ = ValueKind::kBytes;
  uint8_t sections_ = 0;
};

static_assert(sizeof(Entry) == 24, "the entry header is part of the documented block layout");
static_assert(sizeof(HistoryRing) == 16);

// ---- Inline reads: lookups, scans and every engine read go through these ---------------------

inline std::string_view PastVersion::value() const {
  return std::string_view(reinterpret_cast<const char*>(this + 1), size_);
}

inline size_t Entry::ExpiryOffset() const {
  return sizeof(Entry) + ((sections_ & kHistorySection) ? sizeof(HistoryRing*) : 0);
}

inline size_t Entry::KeyOffset() const {
  return ExpiryOffset() + ((sections_ & kExpirySection) ? sizeof(int64_t) + sizeof(uint32_t) : 0);
}

inline std::string_view Entry::key() const {
  return std::string_view(bytes() + KeyOffset(), key_size_);
}

inline std::string_view Entry::value() const {
  return std::string_view(bytes() + KeyOffset() + key_size_, value_size_);
}

inline int64_t Entry::expire_at_ms() const {
  if (!(sections_ & kExpirySection)) return 0;
  int64_t at;
  std::memcpy(&at, bytes() + ExpiryOffset(), sizeof(at));
  return at;
}

inline bool Entry::IsLive(int64_t now_ms) const {
  int64_t at = expire_at_ms();
  return at == 0 || now_ms < at;
}

inline const HistoryRing* Entry::history() const {
  if (!(sections_ & kHistorySection)) return nullptr;
  HistoryRing* ring;
  std::memcpy(&ring, bytes() + sizeof(Entry), sizeof(ring));
  return ring;
}

inline HistoryRing* Entry::history() {
  return const_cast<HistoryRing*>(std::as_const(*this).history());
}

inline uint32_t Entry::heap_slot() const {
  uint32_t slot;
  std::memcpy(&slot, bytes() + ExpiryOffset() + sizeof(int64_t), sizeof(slot));
  return slot;
}

}  // namespace flod::engine::kv
