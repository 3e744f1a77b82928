#include "codec/flo/stream_replies.h"

#include <algorithm>

#include "flod/core/bytes.h"

namespace flod::codec::flo {
namespace {

constexpr uint8_t kTierHot = 0;

uint32_t Clamp32(uint64_t value) {
  return static_cast<uint32_t>(std::min<uint64_t>(value, UINT32_MAX));
}

// Ids inside flod's own layouts: [timestamp_ms:u64][sequence:u64], as in ack values (§7.3.1).
void PutId(ByteWriter& writer, StreamId id) {
  writer.U64(id.ms);
  writer.U64(id.seq);
}

// The append reply's order: sequence first (§7.3.1).
void PutSequenceFirst(ByteWriter& writer, StreamId id) {
  writer.U64(id.seq);
  writer.I64(static_cast<int64_t>(id.ms));
}

// §7.3.2. The record's partition key travels as its key; header_count is always 0 (§12 D14:
// JS and Python skip only the count, so any header would break them).
void PutRecord(ByteWriter& writer, const StreamRecord& record) {
  PutSequenceFirst(writer, record.id);
  writer.U8(kTierHot);
  writer.U32(record.partition);
  writer.U8(record.key.empty() ? 0 : 1);
  if (!record.key.empty()) writer.Str32(record.key);
  writer.Str32(record.payload);
  writer.U32(0);
}

void PutRecords(ByteWriter& writer, const RecordsBody& body) {
  writer.U32(static_cast<uint32_t>(body.records.size()));
  for (const StreamRecord& record : body.records) PutRecord(writer, record);
}

// Reads answer empty data when nothing came back: every SDK reads that as "no records", and a
// blocking read that timed out answers the same (§7.3.2, vector resp_stream_read_empty).
std::string EncodeRecords(const RecordsBody& body) {
  std::string data;
  if (body.records.empty()) return data;
  ByteWriter writer(data);
  PutRecords(writer, body);
  return data;
}

// Claim: records (with the count even when 0), the XAUTOCLAIM-style resume cursor (0-0 when
// the scan ended), then the pending ids dropped because their records were trimmed.
std::string EncodeClaim(const RecordsBody& body) {
  std::string data;
  ByteWriter writer(data);
  PutRecords(writer, body);
  PutId(writer, body.next);
  writer.U32(static_cast<uint32_t>(body.deleted.size()));
  for (StreamId id : body.deleted) PutId(writer, id);
  return data;
}

std::optional<std::string> EncodeAppend(const StreamAppendBody& body) {
  if (body.ids.empty()) return std::nullopt;
  std::string data;
  ByteWriter writer(data);
  PutSequenceFirst(writer, body.ids.front());
  return data;
}

// The single-append reply for the first record (what the reference CLI reads), then every id.
std::optional<std::string> EncodeAppendBatch(const StreamAppendBody& body) {
  if (body.ids.empty()) return std::nullopt;
  std::string data;
  ByteWriter writer(data);
  PutSequenceFirst(writer, body.ids.front());
  writer.U32(static_cast<uint32_t>(body.ids.size()));
  for (StreamId id : body.ids) PutSequenceFirst(writer, id);
  return data;
}

// SDK framing: 52 bytes (§7.3.3); legacy: [first_seq][last_seq][count][bytes] (§9).
std::string EncodeInfo(const StreamInfoBody& info, Framing framing) {
  std::string data;
  ByteWriter writer(data);
  if (framing == Framing::kLegacy) {
    for (uint64_t v : {info.first.seq, info.last.seq, info.count, info.bytes}) writer.U64(v);
    return data;
  }
  PutId(writer, info.first);
  PutId(writer, info.last);
  writer.U64(info.count);
  writer.U64(info.bytes);
  writer.U32(info.partition_count);
  return data;
}

// The reference's trim answer: [deleted:u64][new_first_seq:u64].
std::string EncodeTrim(const TrimBody& trim) {
  std::string data;
  ByteWriter writer(data);
  writer.U64(trim.deleted);
  writer.U64(trim.new_first.seq);
  return data;
}

// [total:u64][min:id][max:id][consumers:u32]([name:str16][pending:u64])*
// [entries:u32]([id][consumer:str16][idle_ms:u64][delivery_count:u32])*
std::string EncodePending(const PendingBody& body) {
  std::string data;
  ByteWriter writer(data);
  writer.U64(body.total);
  PutId(writer, body.min_id);
  PutId(writer, body.max_id);
  writer.U32(static_cast<uint32_t>(body.per_consumer.size()));
  for (const auto& [name, count] : body.per_consumer) {
    writer.Str16(name);
    writer.U64(count);
  }
  writer.U32(static_cast<uint32_t>(body.entries.size()));
  for (const PendingEntry& entry : body.entries) {
    PutId(writer, entry.id);
    writer.Str16(entry.consumer);
    writer.U64(static_cast<uint64_t>(std::max<int64_t>(0, entry.idle_ms)));
    writer.U32(entry.delivery_count);
  }
  return data;
}

// [groups:u32]([name:str16][pending:u64][last_delivered:id][dead_letters:u64]
// [ack_timeout_ms:u32][max_deliver:u32][consumers:u32]([name:str16][pending:u64][idle_ms:u64])*)*
std::string EncodeGroupInfo(const GroupInfoBody& body) {
  std::string data;
  ByteWriter writer(data);
  writer.U32(static_cast<uint32_t>(body.groups.size()));
  for (const GroupInfo& group : body.groups) {
    writer.Str16(group.name);
    writer.U64(group.pending);
    PutId(writer, group.last_delivered);
    writer.U64(group.dead_letters);
    writer.U32(group.ack_timeout_ms);
    writer.U32(group.max_deliver);
    writer.U32(static_cast<uint32_t>(group.consumer_details.size()));
    for (const GroupConsumerInfo& consumer : group.consumer_details) {
      writer.Str16(consumer.name);
      writer.U64(consumer.pending);
      writer.U64(static_cast<uint64_t>(std::max<int64_t>(0, consumer.idle_ms)));
    }
  }
  return data;
}

// [affected:u32] for the writes that answer a count; the SDKs ignore the data, the reference
// CLI reads a touch's count this way.
std::string EncodeCount(const CountBody& body) {
  std::string data;
  ByteWriter(data).U32(Clamp32(body.count));
  return data;
}

template <typename Body, typename Encode>
std::optional<std::string> As(const ResultBody& body, Encode encode) {
  const auto* typed = std::get_if<Body>(&body);
  if (!typed) return std::nullopt;
  return encode(*typed);
}

}  // namespace

std::optional<std::string> EncodeStreamSuccess(const ConnectionProfile& profile, Op op,
                                               const ResultBody& body) {
  switch (op) {
    case Op::kStreamAppend:
      return As<StreamAppendBody>(body, EncodeAppend);
    case Op::kStreamAppendBatch:
      return As<StreamAppendBody>(body, EncodeAppendBatch);
    case Op::kStreamRead:
    case Op::kStreamGroupRead:
      return As<RecordsBody>(body, EncodeRecords);
    case Op::kStreamGroupClaim:
      return As<RecordsBody>(body, EncodeClaim);
    case Op::kStreamInfo:
      return As<StreamInfoBody>(
          body, [&](const StreamInfoBody& info) { return EncodeInfo(info, profile.framing); });
    case Op::kStreamTrim:
      return As<TrimBody>(body, EncodeTrim);
    case Op::kStreamList:
      return As<NameListBody>(body, EncodeNameList);
    case Op::kStreamGroupPending:
      return As<PendingBody>(body, EncodePending);
    case Op::kStreamGroupInfo:
      return As<GroupInfoBody>(body, EncodeGroupInfo);
    case Op::kStreamCreate:
    case Op::kStreamGroupCreate:
      return std::string();  // nothing to report; no client reads the data
    case Op::kStreamDelete:
    case Op::kStreamGroupDelete:
    case Op::kStreamGroupJoin:
    case Op::kStreamGroupLeave:
    case Op::kStreamGroupAck:
    case Op::kStreamGroupNack:
    case Op::kStreamGroupTouch:
      return As<CountBody>(body, EncodeCount);
    default:
      return std::nullopt;
  }
}

}  // namespace flod::codec::flo
