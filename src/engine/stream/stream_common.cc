#include "stream_common.h"

#include <xxhash.h>

#include <algorithm>

#include "flod/core/limits.h"

namespace flod::engine::stream {
namespace {

// Names travel in the WAL with a u16 length.
constexpr size_t kMaxNameBytes = 65'535;

}  // namespace

int64_t NowMs(const Clock& clock) { return std::max<int64_t>(0, clock.NowMs()); }

std::string FormatId(StreamId id) { return std::to_string(id.ms) + "-" + std::to_string(id.seq); }

std::optional<Result> CheckStreamName(std::string_view ns, std::string_view name) {
  if (ns.size() > kMaxNamespaceBytes) {
    return Result::Error(Status::kBadRequest, "namespace is longer than 255 bytes");
  }
  if (name.empty()) return Result::Error(Status::kBadRequest, "stream name is empty");
  if (name.size() > kMaxNameBytes) {
    return Result::Error(Status::kBadRequest, "stream name is longer than 65535 bytes");
  }
  return std::nullopt;
}

std::optional<Result> CheckMemberName(std::string_view what, std::string_view value) {
  if (value.empty()) return Result::Error(Status::kBadRequest, std::string(what) + " is empty");
  if (value.size() > kMaxNameBytes) {
    return Result::Error(Status::kBadRequest, std::string(what) + " is longer than 65535 bytes");
  }
  return std::nullopt;
}

uint32_t ClampCount(uint32_t requested, const StreamConfig& config) {
  if (requested == 0) return config.default_read_count;
  return std::min(requested, config.max_read_count);
}

uint32_t PartitionOfKey(std::string_view key, uint32_t partitions) {
  return static_cast<uint32_t>(XXH3_64bits(key.data(), key.size()) % partitions);
}

StreamRecord ToRecord(const StoredRecord& record, uint32_t partition, uint32_t delivery_count,
                      bool with_content) {
  StreamRecord out;
  out.id = record.id;
  out.partition = partition;
  out.delivery_count = delivery_count;
  if (with_content) {
    out.key = record.key();
    out.payload = record.payload;
    out.headers = record.headers();
  }
  return out;
}

Result StreamNotFound(std::string_view name) {
  return Result::Error(Status::kNotFound, "no such stream '" + std::string(name) + "'");
}

Result GroupNotFound(std::string_view group) {
  return Result::Error(Status::kNotFound, "no such consumer group '" + std::string(group) + "'");
}

Result LogFailure() {
  return Result::Error(Status::kInternal, "stream change could not be applied");
}

}  // namespace flod::engine::stream
