#pragma once
// Record storage of one stream partition and a cursor that walks several partitions as one
// log ordered by id. Internal to the stream engine.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "flod/core/stream_id.h"
#include "flod/engine/stream/stream_engine.h"

namespace flod::engine::stream {

inline constexpr StreamId kMaxId{UINT64_MAX, UINT64_MAX};

// The smallest id greater than `id`; nullopt for kMaxId.
std::optional<StreamId> Successor(StreamId id);
// The greatest id smaller than `id`; 0-0 stays 0-0.
StreamId Predecessor(StreamId id);

// One record as a partition keeps it. Most records carry neither a partition key nor headers
// (XADD sets neither), so those two live behind one pointer that is null without them: such a
// record takes 56 bytes (the id, the payload's string, the pointer) where the four fields side
// by side took 104, plus 24 more of the deque's blocks that 104-byte elements left unused.
class StoredRecord {
 public:
  StoredRecord() = default;
  StoredRecord(StreamId record_id, std::string key, std::string record_payload,
               StreamHeaders headers);
  StoredRecord(const StoredRecord& other);
  StoredRecord& operator=(const StoredRecord& other);
  StoredRecord(StoredRecord&&) noexcept = default;
  StoredRecord& operator=(StoredRecord&&) noexcept = default;

  const std::string& key() const;  // partition key, empty when none
  const StreamHeaders& headers() const;
  void SetKey(std::string key);
  void SetHeaders(StreamHeaders headers);
  uint64_t Bytes() const;

  StreamId id;
  std::string payload;

 private:
  struct Extras {
    std::string key;
    StreamHeaders headers;
  };
  Extras& MutableExtras();

  std::unique_ptr<Extras> extras_;  // null while the key and headers were never set non-empty
};

// Records in id order. A deque frees its blocks as the front is popped, so trimming returns
// memory instead of leaving a hole at the start of one big array.
class Partition {
 public:
  bool empty() const { return records_.empty(); }
  size_t size() const { return records_.size(); }
  uint64_t bytes() const { return bytes_; }
  const StoredRecord& operator[](size_t i) const { return records_[i]; }
  const StoredRecord& front() const { return records_.front(); }
  const StoredRecord& back() const { return records_.back(); }

  size_t LowerBound(StreamId id) const;  // first index with id >= `id`
  size_t UpperBound(StreamId id) const;  // first index with id > `id`
  const StoredRecord* Find(StreamId id) const;

  // The caller guarantees record.id > back().id.
  void Push(StoredRecord record);
  struct Removed {
    uint64_t count = 0;
    uint64_t bytes = 0;
  };
  Removed RemoveFront(uint64_t count);  // the caller guarantees count <= size()

 private:
  std::deque<StoredRecord> records_;
  uint64_t bytes_ = 0;
};

// Walks the records with low <= id <= high of every partition (or only one) in id order,
// oldest first or, with `reverse`, newest first. Partitions must outlive the cursor and stay
// unchanged while it is used.
class MergedCursor {
 public:
  struct Item {
    const StoredRecord* record;
    uint32_t partition;
  };

  MergedCursor(const std::vector<Partition>& partitions, std::optional<uint32_t> only, StreamId low,
               StreamId high, bool reverse = false);
  std::optional<Item> Next();

 private:
  struct Head {
    StreamId id;
    uint32_t partition;
    size_t index;
  };
  bool Before(const Head& a, const Head& b) const;  // heap order: b comes out first
  void PushHead(uint32_t partition, size_t index);
  void Start(uint32_t partition);

  const std::vector<Partition>& partitions_;
  StreamId low_;
  StreamId high_;
  bool reverse_;
  std::vector<Head> heap_;
};

}  // namespace flod::engine::stream
