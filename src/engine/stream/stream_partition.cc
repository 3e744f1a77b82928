#include "stream_partition.h"

#include <algorithm>

namespace flod::engine::stream {

std::optional<StreamId> Successor(StreamId id) {
  if (id.seq != UINT64_MAX) return StreamId{id.ms, id.seq + 1};
  if (id.ms != UINT64_MAX) return StreamId{id.ms + 1, 0};
  return std::nullopt;
}

StreamId Predecessor(StreamId id) {
  if (id.seq != 0) return StreamId{id.ms, id.seq - 1};
  if (id.ms != 0) return StreamId{id.ms - 1, UINT64_MAX};
  return id;
}

StoredRecord::StoredRecord(StreamId record_id, std::string key, std::string record_payload,
                           StreamHeaders headers)
    : id(record_id), payload(std::move(record_payload)) {
  SetKey(std::move(key));
  SetHeaders(std::move(headers));
}

StoredRecord::StoredRecord(const StoredRecord& other)
    : id(other.id),
      payload(other.payload),
      extras_(other.extras_ ? std::make_unique<Extras>(*other.extras_) : nullptr) {}

StoredRecord& StoredRecord::operator=(const StoredRecord& other) {
  if (this != &other) *this = StoredRecord(other);
  return *this;
}

const std::string& StoredRecord::key() const {
  static const std::string kNone;
  return extras_ ? extras_->key : kNone;
}

const StreamHeaders& StoredRecord::headers() const {
  static const StreamHeaders kNone;
  return extras_ ? extras_->headers : kNone;
}

void StoredRecord::SetKey(std::string key) {
  if (key.empty() && !extras_) return;
  MutableExtras().key = std::move(key);
}

void StoredRecord::SetHeaders(StreamHeaders headers) {
  if (headers.empty() && !extras_) return;
  MutableExtras().headers = std::move(headers);
}

StoredRecord::Extras& StoredRecord::MutableExtras() {
  if (!extras_) extras_ = std::make_unique<Extras>();
  return *extras_;
}

uint64_t StoredRecord::Bytes() const {
  uint64_t total = key().size() + payload.size();
  for (const auto& [name, value] : headers()) total += name.size() + value.size();
  return total;
}

size_t Partition::LowerBound(StreamId id) const {
  auto it = std::lower_bound(records_.begin(), records_.end(), id,
                             [](const StoredRecord& r, StreamId v) { return r.id < v; });
  return static_cast<size_t>(it - records_.begin());
}

size_t Partition::UpperBound(StreamId id) const {
  auto it = std::upper_bound(records_.begin(), records_.end(), id,
                             [](StreamId v, const StoredRecord& r) { return v < r.id; });
  return static_cast<size_t>(it - records_.begin());
}

const StoredRecord* Partition::Find(StreamId id) const {
  const size_t i = LowerBound(id);
  if (i < records_.size() && records_[i].id == id) return &records_[i];
  return nullptr;
}

void Partition::Push(StoredRecord record) {
  bytes_ += record.Bytes();
  records_.push_back(std::move(record));
}

Partition::Removed Partition::RemoveFront(uint64_t count) {
  Removed removed;
  while (removed.count < count && !records_.empty()) {
    removed.bytes += records_.front().Bytes();
    ++removed.count;
    records_.pop_front();
  }
  bytes_ -= removed.bytes;
  if (records_.empty()) records_.shrink_to_fit();  // drop the block map of a drained log
  return removed;
}

MergedCursor::MergedCursor(const std::vector<Partition>& partitions, std::optional<uint32_t> only,
                           StreamId low, StreamId high, bool reverse)
    : partitions_(partitions), low_(low), high_(high), reverse_(reverse) {
  if (low > high) return;
  if (only) {
    if (*only < partitions.size()) Start(*only);
    return;
  }
  for (uint32_t p = 0; p < partitions.size(); ++p) Start(p);
}

void MergedCursor::Start(uint32_t partition) {
  const Partition& part = partitions_[partition];
  if (!reverse_) {
    PushHead(partition, part.LowerBound(low_));
    return;
  }
  const size_t end = part.UpperBound(high_);
  if (end > 0) PushHead(partition, end - 1);
}

bool MergedCursor::Before(const Head& a, const Head& b) const {
  return reverse_ ? a.id < b.id : b.id < a.id;
}

void MergedCursor::PushHead(uint32_t partition, size_t index) {
  const Partition& part = partitions_[partition];
  if (index >= part.size()) return;
  const StreamId id = part[index].id;
  if (id < low_ || high_ < id) return;
  heap_.push_back(Head{id, partition, index});
  std::push_heap(heap_.begin(), heap_.end(),
                 [this](const Head& a, const Head& b) { return Before(a, b); });
}

std::optional<MergedCursor::Item> MergedCursor::Next() {
  if (heap_.empty()) return std::nullopt;
  std::pop_heap(heap_.begin(), heap_.end(),
                [this](const Head& a, const Head& b) { return Before(a, b); });
  const Head head = heap_.back();
  heap_.pop_back();
  if (!reverse_) {
    PushHead(head.partition, head.index + 1);
  } else if (head.index > 0) {
    PushHead(head.partition, head.index - 1);
  }
  return Item{&partitions_[head.partition][head.index], head.partition};
}

}  // namespace flod::engine::stream
