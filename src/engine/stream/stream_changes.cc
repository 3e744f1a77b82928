#include "stream_changes.h"

#include "engine/compact_name.h"
#include "flod/core/bytes.h"

namespace flod::engine::stream {
namespace {

// Every list count is checked against the bytes left before anything is reserved, so a
// corrupt count cannot make the decoder allocate more than the record could hold.
bool FitsCount(const ByteReader& in, uint32_t count, size_t min_item_bytes) {
  return static_cast<uint64_t>(count) * min_item_bytes <= in.remaining();
}

void PutId(ByteWriter& out, StreamId id) {
  out.U64(id.ms);
  out.U64(id.seq);
}

bool GetId(ByteReader& in, StreamId& id) { return in.ReadU64(id.ms) && in.ReadU64(id.seq); }

bool GetStr16(ByteReader& in, std::string& out) {
  std::string_view view;
  if (!in.ReadStr16(view)) return false;
  out.assign(view);
  return true;
}

bool GetStr32(ByteReader& in, std::string& out) {
  std::string_view view;
  if (!in.ReadStr32(view)) return false;
  out.assign(view);
  return true;
}

void PutIds(ByteWriter& out, const std::vector<StreamId>& ids) {
  out.U32(static_cast<uint32_t>(ids.size()));
  for (StreamId id : ids) PutId(out, id);
}

bool GetIds(ByteReader& in, std::vector<StreamId>& ids) {
  uint32_t count = 0;
  if (!in.ReadU32(count) || !FitsCount(in, count, 16)) return false;
  ids.resize(count);
  for (StreamId& id : ids) {
    if (!GetId(in, id)) return false;
  }
  return true;
}

void PutStreamName(ByteWriter& out, const std::string& ns, const std::string& name) {
  out.Str16(ns);
  out.Str16(name);
}

bool GetStreamName(ByteReader& in, std::string& ns, std::string& name) {
  return GetStr16(in, ns) && GetStr16(in, name);
}

void PutGroupName(ByteWriter& out, const std::string& ns, const std::string& name,
                  const std::string& group) {
  PutStreamName(out, ns, name);
  out.Str16(group);
}

bool GetGroupName(ByteReader& in, std::string& ns, std::string& name, std::string& group) {
  return GetStreamName(in, ns, name) && GetStr16(in, group);
}

bool GetRecord(ByteReader& in, StoredRecord& record) {
  uint32_t header_count = 0;
  std::string key;
  if (!GetId(in, record.id) || !GetStr32(in, key) || !GetStr32(in, record.payload) ||
      !in.ReadU32(header_count) || !FitsCount(in, header_count, 8)) {
    return false;
  }
  StreamHeaders headers(header_count);
  for (auto& [name, value] : headers) {
    if (!GetStr32(in, name) || !GetStr32(in, value)) return false;
  }
  record.SetKey(std::move(key));
  record.SetHeaders(std::move(headers));
  return true;
}

}  // namespace

std::string Encode(const CreateChange& change) {
  std::string payload;
  ByteWriter out(payload);
  PutStreamName(out, change.ns, change.name);
  out.U32(change.partitions);
  out.U64(change.retention.max_count);
  out.U64(change.retention.max_age_ms);
  out.U64(change.retention.max_bytes);
  return payload;
}

bool Decode(std::string_view payload, CreateChange& out) {
  ByteReader in(payload);
  return GetStreamName(in, out.ns, out.name) && in.ReadU32(out.partitions) &&
         in.ReadU64(out.retention.max_count) && in.ReadU64(out.retention.max_age_ms) &&
         in.ReadU64(out.retention.max_bytes) && in.empty();
}

std::string Encode(const DeleteChange& change) {
  std::string payload;
  ByteWriter out(payload);
  PutStreamName(out, change.ns, change.name);
  return payload;
}

bool Decode(std::string_view payload, DeleteChange& out) {
  ByteReader in(payload);
  return GetStreamName(in, out.ns, out.name) && in.empty();
}

namespace {

// The compact append (0x0311): varints, the default namespace left out, a record's key and
// headers only when it has them.
constexpr uint8_t kRecordKey = 0x01;
constexpr uint8_t kRecordHeaders = 0x02;
constexpr size_t kMinCompactRecordBytes = 4;  // flags, ms, seq, empty payload
constexpr size_t kMinCompactHeaderBytes = 2;  // two empty strings

void PutCompactRecord(ByteWriter& out, const StoredRecord& record) {
  uint8_t flags = 0;
  const std::string& key = record.key();
  const StreamHeaders& headers = record.headers();
  if (!key.empty()) flags |= kRecordKey;
  if (!headers.empty()) flags |= kRecordHeaders;
  out.U8(flags);
  out.Varint(record.id.ms);
  out.Varint(record.id.seq);
  if (!key.empty()) out.VarStr(key);
  out.VarStr(record.payload);
  if (headers.empty()) return;
  out.Varint(headers.size());
  for (const auto& [name, value] : headers) {
    out.VarStr(name);
    out.VarStr(value);
  }
}

bool GetVarStr(ByteReader& in, std::string& out) {
  std::string_view view;
  if (!in.ReadVarStr(view)) return false;
  out.assign(view);
  return true;
}

bool GetCompactRecord(ByteReader& in, StoredRecord& record) {
  uint8_t flags = 0;
  if (!in.ReadU8(flags) || (flags & ~(kRecordKey | kRecordHeaders)) != 0 ||
      !in.ReadVarint(record.id.ms) || !in.ReadVarint(record.id.seq)) {
    return false;
  }
  std::string key;
  if ((flags & kRecordKey) != 0 && !GetVarStr(in, key)) return false;
  if (!GetVarStr(in, record.payload)) return false;
  record.SetKey(std::move(key));
  StreamHeaders headers;
  if ((flags & kRecordHeaders) != 0) {
    uint64_t count = 0;
    if (!in.ReadVarCount(kMinCompactHeaderBytes, count)) return false;
    headers.resize(count);
    for (auto& [name, value] : headers) {
      if (!GetVarStr(in, name) || !GetVarStr(in, value)) return false;
    }
  }
  record.SetHeaders(std::move(headers));
  return true;
}

void PutCompactAppendHead(ByteWriter& out, const std::string& ns, const std::string& name,
                          uint32_t partition, size_t count) {
  PutCompactName(out, ns, name);
  out.Varint(partition);
  out.Varint(count);
}

}  // namespace

std::string Encode(const AppendChange& change) {
  std::string payload;
  ByteWriter out(payload);
  PutCompactAppendHead(out, change.ns, change.name, change.partition, change.records.size());
  for (const StoredRecord& record : change.records) PutCompactRecord(out, record);
  return payload;
}

std::string EncodeAppend(const std::string& ns, const std::string& name, uint32_t partition,
                         const Partition& records, size_t begin, size_t end) {
  std::string payload;
  ByteWriter out(payload);
  PutCompactAppendHead(out, ns, name, partition, end - begin);
  for (size_t i = begin; i < end; ++i) PutCompactRecord(out, records[i]);
  return payload;
}

bool DecodeFirstAppend(std::string_view payload, AppendChange& out) {
  ByteReader in(payload);
  uint32_t count = 0;
  if (!GetStreamName(in, out.ns, out.name) || !in.ReadU32(out.partition) || !in.ReadU32(count) ||
      !FitsCount(in, count, 16 + 4 + 4 + 4)) {
    return false;
  }
  out.records.resize(count);
  for (StoredRecord& record : out.records) {
    if (!GetRecord(in, record)) return false;
  }
  return in.empty();
}

bool Decode(std::string_view payload, AppendChange& out) {
  ByteReader in(payload);
  std::string_view ns;
  std::string_view name;
  uint64_t count = 0;
  if (!GetCompactName(in, ns, name) || !in.ReadVarint32(out.partition) ||
      !in.ReadVarCount(kMinCompactRecordBytes, count)) {
    return false;
  }
  out.ns.assign(ns);
  out.name.assign(name);
  out.records.resize(count);
  for (StoredRecord& record : out.records) {
    if (!GetCompactRecord(in, record)) return false;
  }
  return in.empty();
}

std::string Encode(const TrimChange& change) {
  std::string payload;
  ByteWriter out(payload);
  PutStreamName(out, change.ns, change.name);
  out.U32(static_cast<uint32_t>(change.cuts.size()));
  for (const auto& [partition, removed] : change.cuts) {
    out.U32(partition);
    out.U64(removed);
  }
  return payload;
}

bool Decode(std::string_view payload, TrimChange& out) {
  ByteReader in(payload);
  uint32_t count = 0;
  if (!GetStreamName(in, out.ns, out.name) || !in.ReadU32(count) || !FitsCount(in, count, 12)) {
    return false;
  }
  out.cuts.resize(count);
  for (auto& [partition, removed] : out.cuts) {
    if (!in.ReadU32(partition) || !in.ReadU64(removed)) return false;
  }
  return in.empty();
}

std::string Encode(const MarkChange& change) {
  std::string payload;
  ByteWriter out(payload);
  PutStreamName(out, change.ns, change.name);
  PutId(out, change.last_id);
  return payload;
}

bool Decode(std::string_view payload, MarkChange& out) {
  ByteReader in(payload);
  return GetStreamName(in, out.ns, out.name) && GetId(in, out.last_id) && in.empty();
}

std::string Encode(const GroupOp& change) {
  std::string payload;
  ByteWriter out(payload);
  PutGroupName(out, change.ns, change.name, change.group);
  out.Str16(change.consumer);
  out.I64(change.now_ms);
  out.I64(change.due_ms);
  out.U8(change.flags);
  out.U8(change.created ? 1 : 0);
  if (change.created) {
    out.U32(change.created->ack_timeout_ms);
    out.U32(change.created->max_deliver);
  }
  PutId(out, change.cursor);
  PutIds(out, change.ids);
  PutIds(out, change.dead);
  PutIds(out, change.dropped);
  return payload;
}

bool Decode(std::string_view payload, GroupOp& out) {
  ByteReader in(payload);
  uint8_t created = 0;
  if (!GetGroupName(in, out.ns, out.name, out.group) || !GetStr16(in, out.consumer) ||
      !in.ReadI64(out.now_ms) || !in.ReadI64(out.due_ms) || !in.ReadU8(out.flags) ||
      !in.ReadU8(created) || created > 1) {
    return false;
  }
  if (created == 1) {
    GroupSettings settings;
    if (!in.ReadU32(settings.ack_timeout_ms) || !in.ReadU32(settings.max_deliver)) return false;
    out.created = settings;
  }
  return GetId(in, out.cursor) && GetIds(in, out.ids) && GetIds(in, out.dead) &&
         GetIds(in, out.dropped) && in.empty();
}

std::string Encode(const GroupStateChange& change) {
  std::string payload;
  ByteWriter out(payload);
  PutGroupName(out, change.ns, change.name, change.group);
  out.U32(change.settings.ack_timeout_ms);
  out.U32(change.settings.max_deliver);
  PutId(out, change.cursor);
  return payload;
}

bool Decode(std::string_view payload, GroupStateChange& out) {
  ByteReader in(payload);
  return GetGroupName(in, out.ns, out.name, out.group) && in.ReadU32(out.settings.ack_timeout_ms) &&
         in.ReadU32(out.settings.max_deliver) && GetId(in, out.cursor) && in.empty();
}

std::string Encode(const PendingChunk& change) {
  std::string payload;
  ByteWriter out(payload);
  PutGroupName(out, change.ns, change.name, change.group);
  out.U32(static_cast<uint32_t>(change.rows.size()));
  for (const PendingRow& row : change.rows) {
    PutId(out, row.id);
    out.U32(row.partition);
    out.Str16(row.consumer);
    out.I64(row.delivered_ms);
    out.I64(row.due_ms);
    out.U32(row.delivery_count);
  }
  return payload;
}

bool Decode(std::string_view payload, PendingChunk& out) {
  ByteReader in(payload);
  uint32_t count = 0;
  if (!GetGroupName(in, out.ns, out.name, out.group) || !in.ReadU32(count) ||
      !FitsCount(in, count, 16 + 4 + 2 + 8 + 8 + 4)) {
    return false;
  }
  out.rows.resize(count);
  for (PendingRow& row : out.rows) {
    if (!GetId(in, row.id) || !in.ReadU32(row.partition) || !GetStr16(in, row.consumer) ||
        !in.ReadI64(row.delivered_ms) || !in.ReadI64(row.due_ms) ||
        !in.ReadU32(row.delivery_count)) {
      return false;
    }
  }
  return in.empty();
}

std::string Encode(const DeadChunk& change) {
  std::string payload;
  ByteWriter out(payload);
  PutGroupName(out, change.ns, change.name, change.group);
  out.U32(static_cast<uint32_t>(change.rows.size()));
  for (const DeadRow& row : change.rows) {
    PutId(out, row.id);
    out.U32(row.partition);
    out.U32(row.delivery_count);
    out.I64(row.dead_ms);
  }
  return payload;
}

bool Decode(std::string_view payload, DeadChunk& out) {
  ByteReader in(payload);
  uint32_t count = 0;
  if (!GetGroupName(in, out.ns, out.name, out.group) || !in.ReadU32(count) ||
      !FitsCount(in, count, 16 + 4 + 4 + 8)) {
    return false;
  }
  out.rows.resize(count);
  for (DeadRow& row : out.rows) {
    if (!GetId(in, row.id) || !in.ReadU32(row.partition) || !in.ReadU32(row.delivery_count) ||
        !in.ReadI64(row.dead_ms)) {
      return false;
    }
  }
  return in.empty();
}

}  // namespace flod::engine::stream
