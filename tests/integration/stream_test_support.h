#pragma once
// Stream and consumer-group calls over the Flo binary protocol as the Go SDK makes them
// (WIRE.md §7.3, flo-go stream.go) and flod's own layouts for the calls no SDK makes
// (docs/protocol-flo.md), written out independently of flod's codec so the tests check it.
// Every helper throws std::runtime_error on a reply it does not expect.

#include <compare>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/flo_client.h"
#include "support/flo_wire.h"
#include "support/le_bytes.h"

namespace flod::testing::stream {

struct Id {
  uint64_t ms = 0;
  uint64_t seq = 0;
  auto operator<=>(const Id&) const = default;
  std::string Text() const { return std::to_string(ms) + "-" + std::to_string(seq); }
};

struct Record {
  Id id;
  uint32_t partition = 0;
  std::string key;  // the partition key, empty when none
  std::string payload;
};

struct Info {
  Id first;
  Id last;
  uint64_t count = 0;
  uint64_t bytes = 0;
  uint32_t partitions = 0;
};

struct PendingEntry {
  Id id;
  std::string consumer;
  uint64_t idle_ms = 0;
  uint32_t deliveries = 0;
};

struct Pending {
  uint64_t total = 0;
  Id min;
  Id max;
  std::vector<std::pair<std::string, uint64_t>> per_consumer;
  std::vector<PendingEntry> entries;
};

struct ConsumerInfo {
  std::string name;
  uint64_t pending = 0;
  uint64_t idle_ms = 0;
};

struct GroupInfo {
  std::string name;
  uint64_t pending = 0;
  Id last_delivered;
  uint64_t dead_letters = 0;
  uint32_t ack_timeout_ms = 0;
  uint32_t max_deliver = 0;
  std::vector<ConsumerInfo> consumers;
};

// ---- Little-endian bytes ------------------------------------------------------------------

class Cursor {
 public:
  explicit Cursor(std::string_view data) : data_(data) {}
  uint64_t Le(int bytes) {
    Need(static_cast<size_t>(bytes));
    uint64_t value = 0;
    for (int i = bytes - 1; i >= 0; --i)
      value = (value << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += static_cast<size_t>(bytes);
    return value;
  }
  std::string Bytes(size_t n) {
    Need(n);
    std::string out(data_.substr(pos_, n));
    pos_ += n;
    return out;
  }
  std::string Str16() { return Bytes(Le(2)); }
  std::string Str32() { return Bytes(Le(4)); }
  Id IdTsFirst() {
    const uint64_t ms = Le(8);
    return Id{ms, Le(8)};
  }
  bool done() const { return pos_ == data_.size(); }

 private:
  void Need(size_t n) const {
    if (data_.size() - pos_ < n) throw std::runtime_error("reply shorter than its layout");
  }
  std::string_view data_;
  size_t pos_ = 0;
};

// ---- Values ---------------------------------------------------------------------------------

inline std::string GroupValue(std::string_view group, std::string_view consumer) {
  return Str16(group) + Str16(consumer);
}

// Ack / nack / touch value: group+consumer, [n:u32]([timestamp_ms:u64][sequence:u64])*.
inline std::string IdsValue(std::string_view group, std::string_view consumer,
                            const std::vector<Id>& ids) {
  std::string out = GroupValue(group, consumer);
  PutLe(out, ids.size(), 4);
  for (const Id& id : ids) {
    PutLe(out, id.ms, 8);
    PutLe(out, id.seq, 8);
  }
  return out;
}

// StreamID option value: 16 bytes, big-endian (§4.1).
inline std::string BigEndianId(Id id) {
  std::string out;
  for (uint64_t part : {id.ms, id.seq}) {
    for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>(part >> shift));
  }
  return out;
}

// flod's batch append value: [n:u32]([len:u32][payload][h:u16]([len:u16][k][len:u16][v])*)*.
inline std::string BatchValue(const std::vector<std::string>& payloads) {
  std::string out;
  PutLe(out, payloads.size(), 4);
  for (const std::string& payload : payloads) {
    PutLe(out, payload.size(), 4);
    out += payload;
    PutLe(out, 0, 2);
  }
  return out;
}

// ---- Replies --------------------------------------------------------------------------------

inline FloReply Expect(FloReply reply, uint8_t status, std::string_view what) {
  if (reply.status != status) {
    throw std::runtime_error(std::string(what) + ": status " + std::to_string(reply.status) + " (" +
                             reply.data + ")");
  }
  return reply;
}

// §7.3.2; empty data = no records.
inline std::vector<Record> ParseRecords(Cursor& in, uint32_t count) {
  std::vector<Record> records;
  for (uint32_t i = 0; i < count; ++i) {
    Record record;
    record.id.seq = in.Le(8);
    record.id.ms = in.Le(8);
    in.Le(1);  // tier
    record.partition = static_cast<uint32_t>(in.Le(4));
    if (in.Le(1) != 0) record.key = in.Str32();
    record.payload = in.Str32();
    if (in.Le(4) != 0) throw std::runtime_error("record with headers");
    records.push_back(std::move(record));
  }
  return records;
}

inline std::vector<Record> ParseRecords(std::string_view data) {
  if (data.empty()) return {};
  Cursor in(data);
  const auto count = static_cast<uint32_t>(in.Le(4));
  std::vector<Record> records = ParseRecords(in, count);
  if (!in.done()) throw std::runtime_error("bytes after the records");
  return records;
}

inline Id ParseAppend(std::string_view data) {
  Cursor in(data);
  const uint64_t seq = in.Le(8);
  return Id{in.Le(8), seq};
}

inline Info ParseInfo(std::string_view data) {
  if (data.size() != 52) throw std::runtime_error("stream_info reply is not 52 bytes");
  Cursor in(data);
  Info info;
  info.first = in.IdTsFirst();
  info.last = in.IdTsFirst();
  info.count = in.Le(8);
  info.bytes = in.Le(8);
  info.partitions = static_cast<uint32_t>(in.Le(4));
  return info;
}

inline Pending ParsePending(std::string_view data) {
  Cursor in(data);
  Pending pending;
  pending.total = in.Le(8);
  pending.min = in.IdTsFirst();
  pending.max = in.IdTsFirst();
  for (uint64_t n = in.Le(4); n > 0; --n) {
    std::string name = in.Str16();
    pending.per_consumer.emplace_back(std::move(name), in.Le(8));
  }
  for (uint64_t n = in.Le(4); n > 0; --n) {
    PendingEntry entry;
    entry.id = in.IdTsFirst();
    entry.consumer = in.Str16();
    entry.idle_ms = in.Le(8);
    entry.deliveries = static_cast<uint32_t>(in.Le(4));
    pending.entries.push_back(std::move(entry));
  }
  return pending;
}

inline std::vector<GroupInfo> ParseGroupInfo(std::string_view data) {
  Cursor in(data);
  std::vector<GroupInfo> groups;
  for (uint64_t n = in.Le(4); n > 0; --n) {
    GroupInfo group;
    group.name = in.Str16();
    group.pending = in.Le(8);
    group.last_delivered = in.IdTsFirst();
    group.dead_letters = in.Le(8);
    group.ack_timeout_ms = static_cast<uint32_t>(in.Le(4));
    group.max_deliver = static_cast<uint32_t>(in.Le(4));
    for (uint64_t c = in.Le(4); c > 0; --c) {
      ConsumerInfo consumer;
      consumer.name = in.Str16();
      consumer.pending = in.Le(8);
      consumer.idle_ms = in.Le(8);
      group.consumers.push_back(std::move(consumer));
    }
    groups.push_back(std::move(group));
  }
  return groups;
}

inline uint32_t ParseCount(std::string_view data) {
  Cursor in(data);
  return static_cast<uint32_t>(in.Le(4));
}

// ---- Calls ----------------------------------------------------------------------------------

inline Id Append(FloClient& client, std::string_view stream, std::string_view payload,
                 const FloOptions& options = {}, std::string_view ns = "default") {
  return ParseAppend(Expect(client.Call(wire::kStreamAppend, stream, payload, options, ns),
                            wire::kOk, "stream_append")
                         .data);
}

inline std::vector<Record> Read(FloClient& client, std::string_view stream,
                                const FloOptions& options = {}) {
  return ParseRecords(
      Expect(client.Call(wire::kStreamRead, stream, {}, options), wire::kOk, "stream_read").data);
}

inline std::vector<Record> ReadFrom(FloClient& client, std::string_view stream, Id start,
                                    uint32_t count = 1000) {
  return Read(
      client, stream,
      FloOptions().Bytes(wire::kOptStreamStart, BigEndianId(start)).U32(wire::kOptCount, count));
}

inline Info StreamInfo(FloClient& client, std::string_view stream) {
  return ParseInfo(Expect(client.Call(wire::kStreamInfo, stream), wire::kOk, "stream_info").data);
}

inline void CreateGroup(FloClient& client, std::string_view stream, std::string_view group,
                        FloOptions options = {}) {
  Expect(client.Call(wire::kStreamGroupCreate, stream, Str16(group), options), wire::kOk,
         "stream_group_create");
}

inline std::vector<Record> GroupRead(FloClient& client, std::string_view stream,
                                     std::string_view group, std::string_view consumer,
                                     uint32_t count, uint32_t block_ms = 0) {
  FloOptions options;
  options.U32(wire::kOptCount, count);
  if (block_ms > 0) options.U32(wire::kOptBlockMs, block_ms);
  return ParseRecords(
      Expect(client.Call(wire::kStreamGroupRead, stream, GroupValue(group, consumer), options),
             wire::kOk, "stream_group_read")
          .data);
}

inline uint32_t Ack(FloClient& client, std::string_view stream, std::string_view group,
                    const std::vector<Id>& ids) {
  return ParseCount(Expect(client.Call(wire::kStreamGroupAck, stream, IdsValue(group, "", ids)),
                           wire::kOk, "stream_group_ack")
                        .data);
}

inline Pending GroupPending(FloClient& client, std::string_view stream, std::string_view group,
                            const FloOptions& options = FloOptions().U32(wire::kOptCount, 1000)) {
  return ParsePending(Expect(client.Call(wire::kStreamGroupPending, stream, Str16(group), options),
                             wire::kOk, "stream_group_pending")
                          .data);
}

inline GroupInfo DescribeGroup(FloClient& client, std::string_view stream, std::string_view group) {
  std::vector<GroupInfo> groups =
      ParseGroupInfo(Expect(client.Call(wire::kStreamGroupInfo, stream, Str16(group)), wire::kOk,
                            "stream_group_info")
                         .data);
  if (groups.size() != 1) throw std::runtime_error("stream_group_info did not answer one group");
  return groups.front();
}

inline std::vector<Id> IdsOf(const std::vector<Record>& records) {
  std::vector<Id> ids;
  ids.reserve(records.size());
  for (const Record& record : records) ids.push_back(record.id);
  return ids;
}

}  // namespace flod::testing::stream
