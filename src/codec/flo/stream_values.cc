#include "codec/flo/stream_values.h"

#include "flod/core/bytes.h"

namespace flod::codec::flo {
namespace {

using DecodeError = std::optional<std::string>;

// A stream_append batch holds at most this many records, so its WAL record (about 40 bytes
// per record beside payloads and headers) stays far below the WAL's record limit.
constexpr uint32_t kMaxBatchAppendRecords = 10'000;
constexpr size_t kIdBytes = 16;

DecodeError Malformed(const Request& request, std::string_view layout) {
  return std::string(NameOf(request.op)) + " value must be " + std::string(layout);
}

bool ReadName(ByteReader& reader, std::string& out) {
  std::string_view name;
  if (!reader.ReadStr16(name)) return false;
  out = std::string(name);
  return true;
}

// [n:u32]([timestamp_ms:u64][sequence:u64])* up to the end of the value (§7.3.4).
bool ReadIdList(ByteReader& reader, std::vector<StreamId>& out) {
  uint32_t count = 0;
  if (!reader.ReadU32(count) || reader.remaining() != uint64_t{count} * kIdBytes) return false;
  out.resize(count);
  for (StreamId& id : out) {
    reader.ReadU64(id.ms);
    reader.ReadU64(id.seq);
  }
  return true;
}

// [count:u32]([payload_len:u32][payload][header_count:u16]([key_len:u16][key]
// [value_len:u16][value])*)* — the reference CLI's batch layout. Payloads go to args.values
// (as for queue batches), headers to args.headers.
DecodeError DecodeBatchAppend(std::string_view value, Request& request) {
  request.op = Op::kStreamAppendBatch;
  constexpr std::string_view kLayout =
      "[n:u32]([len:u32][payload][h:u16]([len:u16][name][len:u16][value])*)*";
  ByteReader reader(value);
  uint32_t count = 0;
  if (!reader.ReadU32(count)) return Malformed(request, kLayout);
  if (count == 0 || count > kMaxBatchAppendRecords) {
    return "a stream_append batch holds 1 to " + std::to_string(kMaxBatchAppendRecords) +
           " records";
  }
  request.args.values.reserve(count);
  request.args.headers.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view payload;
    uint16_t header_count = 0;
    if (!reader.ReadStr32(payload) || !reader.ReadU16(header_count)) {
      return Malformed(request, kLayout);
    }
    request.args.values.emplace_back(payload);
    auto& headers = request.args.headers.emplace_back();
    for (uint16_t h = 0; h < header_count; ++h) {
      std::string_view name, header_value;
      if (!reader.ReadStr16(name) || !reader.ReadStr16(header_value)) {
        return Malformed(request, kLayout);
      }
      headers.emplace_back(name, header_value);
    }
  }
  if (!reader.empty()) return "stream_append batch is longer than its count";
  return std::nullopt;
}

// stream_create: empty = one partition, or [partition_count:u32] (the reference CLI's layout).
DecodeError DecodeCreate(std::string_view value, Request& request) {
  if (value.empty()) return std::nullopt;
  ByteReader reader(value);
  uint32_t partitions = 0;
  if (!reader.ReadU32(partitions) || !reader.empty()) {
    return Malformed(request, "empty or [partition_count:u32]");
  }
  request.args.partition_count = partitions == 0 ? 1 : partitions;
  return std::nullopt;
}

// stream_list: [limit:u32][cursor] (§7.9). Every page is complete (the limit is not needed),
// the cursor is a stream name to list after.
void DecodeList(std::string_view value, Request& request) {
  if (value.size() < sizeof(uint32_t)) return;
  request.args.cursor = std::string(value.substr(sizeof(uint32_t)));
}

// [group_len:u16][group][consumer_len:u16][consumer], exactly (§7.3.4).
DecodeError DecodeGroupAndConsumer(std::string_view value, Request& request) {
  ByteReader reader(value);
  if (!ReadName(reader, request.args.group) || !ReadName(reader, request.args.consumer) ||
      !reader.empty()) {
    return Malformed(request, "[group_len:u16][group][consumer_len:u16][consumer]");
  }
  return std::nullopt;
}

// [group_len:u16][group], exactly; stream_group_info also takes an empty value (every group).
DecodeError DecodeGroupOnly(std::string_view value, Request& request) {
  if (value.empty() && request.op == Op::kStreamGroupInfo) return std::nullopt;
  ByteReader reader(value);
  if (!ReadName(reader, request.args.group) || !reader.empty()) {
    return Malformed(request, "[group_len:u16][group]");
  }
  return std::nullopt;
}

// stream_group_pending: [group_len:u16][group]([consumer_len:u16][consumer])? (reference CLI).
DecodeError DecodePending(std::string_view value, Request& request) {
  ByteReader reader(value);
  if (!ReadName(reader, request.args.group) ||
      (!reader.empty() && (!ReadName(reader, request.args.consumer) || !reader.empty()))) {
    return Malformed(request, "[group_len:u16][group]([consumer_len:u16][consumer])?");
  }
  return std::nullopt;
}

// Ack / nack / touch: group+consumer then the id list (§7.3.4); the legacy ack carries only the
// group and bare sequences (§9).
DecodeError DecodeIds(std::string_view value, Framing framing, Request& request) {
  ByteReader reader(value);
  if (framing == Framing::kLegacy && request.op == Op::kStreamGroupAck) {
    uint32_t count = 0;
    if (!ReadName(reader, request.args.group) || !reader.ReadU32(count) ||
        reader.remaining() != uint64_t{count} * sizeof(uint64_t)) {
      return Malformed(request, "[group_len:u16][group][n:u32]([sequence:u64])*");
    }
    request.args.ids_are_sequences = true;
    request.args.stream_ids.resize(count);
    for (StreamId& id : request.args.stream_ids) reader.ReadU64(id.seq);
    return std::nullopt;
  }
  if (!ReadName(reader, request.args.group) || !ReadName(reader, request.args.consumer) ||
      !ReadIdList(reader, request.args.stream_ids)) {
    return Malformed(request,
                     "[group_len:u16][group][consumer_len:u16][consumer][n:u32]"
                     "([timestamp_ms:u64][sequence:u64])*");
  }
  return std::nullopt;
}

// stream_group_claim: group+consumer, then optionally the reference CLI's scan parameters
// [min_idle_ms:u32][start_ts:u64][start_seq:u64][count:u32], then optionally explicit ids
// [n:u32]([timestamp_ms:u64][sequence:u64])*. Options 0x36/0x21/0x15 apply when the value
// leaves them out.
DecodeError DecodeClaim(std::string_view value, Request& request) {
  constexpr std::string_view kLayout =
      "[group_len:u16][group][consumer_len:u16][consumer]([min_idle_ms:u32][start_ts:u64]"
      "[start_seq:u64][count:u32]([n:u32]([timestamp_ms:u64][sequence:u64])*)?)?";
  ByteReader reader(value);
  if (!ReadName(reader, request.args.group) || !ReadName(reader, request.args.consumer)) {
    return Malformed(request, kLayout);
  }
  if (reader.empty()) return std::nullopt;
  uint32_t min_idle_ms = 0, count = 0;
  StreamId start;
  if (!reader.ReadU32(min_idle_ms) || !reader.ReadU64(start.ms) || !reader.ReadU64(start.seq) ||
      !reader.ReadU32(count)) {
    return Malformed(request, kLayout);
  }
  request.options.idle_timeout_ms = min_idle_ms;
  request.options.stream_start = start;
  if (count != 0) request.options.count = count;
  if (reader.empty()) return std::nullopt;
  if (!ReadIdList(reader, request.args.stream_ids)) return Malformed(request, kLayout);
  return std::nullopt;
}

}  // namespace

DecodeError DecodeStreamValue(std::string_view value, const TlvOptions& tlv,
                              const ConnectionProfile& profile, Request& request) {
  switch (request.op) {
    case Op::kStreamAppend:
      if (tlv.Flag(kStreamBatchTag)) return DecodeBatchAppend(value, request);
      request.value = std::string(value);
      return std::nullopt;
    case Op::kStreamAppendBatch:
      return DecodeBatchAppend(value, request);
    case Op::kStreamCreate:
      return DecodeCreate(value, request);
    case Op::kStreamList:
      DecodeList(value, request);
      return std::nullopt;
    case Op::kStreamGroupJoin:
    case Op::kStreamGroupLeave:
    case Op::kStreamGroupRead:
      return DecodeGroupAndConsumer(value, request);
    case Op::kStreamGroupCreate:
    case Op::kStreamGroupDelete:
    case Op::kStreamGroupInfo:
      return DecodeGroupOnly(value, request);
    case Op::kStreamGroupPending:
      return DecodePending(value, request);
    case Op::kStreamGroupAck:
    case Op::kStreamGroupNack:
    case Op::kStreamGroupTouch:
      return DecodeIds(value, profile.framing, request);
    case Op::kStreamGroupClaim:
      return DecodeClaim(value, request);
    default:
      // read, info, trim, delete: everything is in the key and the options (the reference CLI
      // also puts a start id in a read's value, which the options already carry).
      return std::nullopt;
  }
}

}  // namespace flod::codec::flo
