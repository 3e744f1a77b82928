#include "flod/codec/flo/request_decoder.h"

#include "codec/flo/hex_text.h"
#include "codec/flo/stream_values.h"
#include "codec/flo/tlv_options.h"
#include "flod/codec/flo/opcodes.h"
#include "flod/core/bytes.h"
#include "flod/core/limits.h"

namespace flod::codec::flo {
namespace {

using DecodeError = std::optional<std::string>;

struct Envelope {
  std::string_view ns;
  std::string_view key;
  std::string_view value;
  std::string_view options;
};

// Every field must end exactly at payload_length (§3, §12 D20): an overrun is malformed, never
// "wait for more", and leftover bytes mean the lengths were wrong (a 65,536-byte key wraps its
// u16 length to 0 and leaves its bytes behind).
bool ReadEnvelope(std::string_view payload, Envelope& out) {
  if (payload.empty()) return true;
  ByteReader reader(payload);
  if (!reader.ReadStr16(out.ns) || !reader.ReadStr16(out.key) || !reader.ReadStr32(out.value)) {
    return false;
  }
  if (reader.empty()) return true;
  return reader.ReadStr16(out.options) && reader.empty();
}

std::optional<Op> LookupOp(const FrameHeader& header, Framing framing) {
  if (framing == Framing::kLegacy) return OpFromLegacyOpcode(static_cast<uint8_t>(header.opcode));
  return OpFromSdkOpcode(header.opcode);
}

// Strips flod's cursor marker; a cursor flod did not issue passes through unchanged (the
// engine then treats it as a key to resume after).
std::string CursorFrom(std::string_view raw) {
  if (raw.substr(0, kScanCursorMarker.size()) == kScanCursorMarker) {
    raw.remove_prefix(kScanCursorMarker.size());
  }
  return std::string(raw);
}

// kv_mget: [count:u16]([key_len:u16][key])*, at most kMaxMgetKeys keys.
DecodeError DecodeMget(std::string_view value, Request& request) {
  ByteReader reader(value);
  uint16_t count = 0;
  if (!reader.ReadU16(count)) return "kv_mget value must be [count:u16]([key_len:u16][key])*";
  if (count > kMaxMgetKeys) {
    return "kv_mget takes at most " + std::to_string(kMaxMgetKeys) + " keys";
  }
  request.args.keys.reserve(count);
  for (uint16_t i = 0; i < count; ++i) {
    std::string_view key;
    if (!reader.ReadStr16(key)) return "kv_mget key list is shorter than its count";
    request.args.keys.emplace_back(key);
  }
  if (!reader.empty()) return "kv_mget key list is longer than its count";
  return std::nullopt;
}

// kv_scan value, §12 D12: empty = first page; flod's marker first = bare cursor (limit in
// option 0x05); otherwise [limit:u32][cursor]. The legacy framing always sends a bare cursor.
DecodeError DecodeScan(std::string_view value, const TlvOptions& tlv, Framing framing,
                       Request& request) {
  const bool bare =
      framing == Framing::kLegacy || value.substr(0, kScanCursorMarker.size()) == kScanCursorMarker;
  std::string_view cursor = value;
  if (!bare && !value.empty()) {
    ByteReader reader(value);
    uint32_t limit = 0;
    if (!reader.ReadU32(limit)) return "kv_scan value must be [limit:u32][cursor]";
    if (limit != 0) request.options.limit = limit;  // 0 = the server's default
    cursor = reader.rest();
  }
  // Option 0x07 is defined for cursors although no SDK sends it; honour it when the value has none.
  if (cursor.empty()) cursor = tlv.Get(tag::kCursor).value_or(std::string_view{});
  request.args.cursor = CursorFrom(cursor);
  return std::nullopt;
}

// kv_incr: empty = +1, or exactly one i64.
DecodeError DecodeIncr(std::string_view value, Request& request) {
  if (value.empty()) {
    request.args.delta = 1;
    return std::nullopt;
  }
  if (value.size() != sizeof(int64_t)) return "kv_incr delta must be empty or 8 bytes";
  ByteReader(value).ReadI64(request.args.delta);
  return std::nullopt;
}

// kv_json_get / kv_json_del: the value is the path; empty means the whole document.
void DecodeJsonPath(std::string_view value, Request& request) {
  request.args.path = value.empty() ? "$" : std::string(value);
}

// kv_json_set: [path_len:u16][path][json text].
DecodeError DecodeJsonSet(std::string_view value, Request& request) {
  ByteReader reader(value);
  std::string_view path;
  if (!reader.ReadStr16(path)) return "kv_json_set value must be [path_len:u16][path][json]";
  request.args.path = path.empty() ? "$" : std::string(path);
  request.value = std::string(reader.rest());
  return std::nullopt;
}

// kv_touch: [ttl:u64] in the connection's TTL unit; 0 clears the expiry.
DecodeError DecodeTouch(std::string_view value, const ConnectionProfile& profile,
                        Request& request) {
  uint64_t ttl = 0;
  if (value.size() != sizeof(uint64_t) || !ByteReader(value).ReadU64(ttl)) {
    return "kv_touch value must be an 8-byte ttl";
  }
  request.options.ttl_ms = TtlToMs(ttl, profile);
  if (!request.options.ttl_ms) return "kv_touch ttl is out of range";
  return std::nullopt;
}

// A queue_batch_enqueue holds at most this many messages, so its WAL record (about 35 bytes
// per message beside the payloads) stays far below the WAL's record limit.
constexpr uint32_t kMaxBatchEnqueueMessages = 10'000;
// Option 0x41 extend_ms: the reference CLI's lease length for queue_touch (§4.2).
constexpr uint8_t kExtendMsTag = 0x41;

// Queue ack/nack/touch/DLQ requeue/DLQ delete: [n:u32]([seq:u64])*, exactly (§7.2.2).
DecodeError DecodeSeqs(std::string_view value, Request& request) {
  ByteReader reader(value);
  uint32_t count = 0;
  if (!reader.ReadU32(count) || reader.rest().size() != uint64_t{count} * sizeof(uint64_t)) {
    return std::string(NameOf(request.op)) + " value must be [n:u32]([seq:u64])*";
  }
  request.args.seqs.resize(count);
  for (uint64_t& seq : request.args.seqs) reader.ReadU64(seq);
  return std::nullopt;
}

// queue_batch_enqueue: [n:u32]([payload_len:u32][payload])*; the payloads go to args.values
// and the options apply to every message.
DecodeError DecodeBatchEnqueue(std::string_view value, Request& request) {
  ByteReader reader(value);
  uint32_t count = 0;
  if (!reader.ReadU32(count)) {
    return "queue_batch_enqueue value must be [n:u32]([len:u32][payload])*";
  }
  if (count == 0 || count > kMaxBatchEnqueueMessages) {
    return "queue_batch_enqueue takes 1 to " + std::to_string(kMaxBatchEnqueueMessages) +
           " messages";
  }
  request.args.values.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view payload;
    if (!reader.ReadStr32(payload)) {
      return "queue_batch_enqueue message list is shorter than its count";
    }
    request.args.values.emplace_back(payload);
  }
  if (!reader.empty()) return "queue_batch_enqueue message list is longer than its count";
  return std::nullopt;
}

// Clients that parse the message trailer get at most one message per reply (§12 D3): Go reads
// a second trailered message wrongly, and fewer messages than asked is always allowed. Capping
// the request, not the reply, means no message is leased and then left out.
void CapMessagesForTrailer(const ConnectionProfile& profile, Request& request) {
  if (profile.client != ClientProfile::kJs) return;
  if (request.op == Op::kQueueDlqList) {
    request.options.limit = 1;
  } else {
    request.options.count = 1;
  }
}

// queue_touch: the lease length from option 0x41 when the standard 0x12 is absent.
void DecodeTouchExtension(const TlvOptions& tlv, Request& request) {
  if (request.options.visibility_timeout_ms) return;
  const std::optional<uint64_t> extend = tlv.Uint(kExtendMsTag);
  if (extend && *extend <= UINT32_MAX) request.options.visibility_timeout_ms = *extend;
}

// Moves what the operation carries in its value into the request; ops whose value means
// nothing leave request.value empty, ops not interpreted here keep it verbatim.
DecodeError DecodeValue(std::string_view value, const TlvOptions& tlv,
                        const ConnectionProfile& profile, Request& request) {
  switch (request.op) {
    case Op::kPing:
    case Op::kKvGet:
    case Op::kKvDelete:
    case Op::kKvHistory:
    case Op::kKvExists:
    case Op::kKvPersist:
    case Op::kKvTxnBegin:
    case Op::kKvTxnCommit:
    case Op::kKvTxnRollback:
      return std::nullopt;
    case Op::kKvMget:
      return DecodeMget(value, request);
    case Op::kKvScan:
      return DecodeScan(value, tlv, profile.framing, request);
    case Op::kKvIncr:
      return DecodeIncr(value, request);
    case Op::kKvJsonGet:
    case Op::kKvJsonDel:
      DecodeJsonPath(value, request);
      return std::nullopt;
    case Op::kKvJsonSet:
      return DecodeJsonSet(value, request);
    case Op::kKvTouch:
      return DecodeTouch(value, profile, request);
    case Op::kQueueAck:
    case Op::kQueueNack:
    case Op::kQueueDlqRequeue:
    case Op::kQueueDlqDelete:
      return DecodeSeqs(value, request);
    case Op::kQueueTouch:
      DecodeTouchExtension(tlv, request);
      return DecodeSeqs(value, request);
    case Op::kQueueBatchEnqueue:
      return DecodeBatchEnqueue(value, request);
    case Op::kQueueDequeue:
    case Op::kQueuePeek:
    case Op::kQueueDlqList:
      CapMessagesForTrailer(profile, request);
      return std::nullopt;
    case Op::kQueueStats:
    case Op::kQueuePurge:
    case Op::kQueueList:  // one page holds every queue: a [limit][cursor] value asks nothing more
      return std::nullopt;
    default:
      if (InfoOf(request.op).family == Family::kStream) {
        return DecodeStreamValue(value, tlv, profile, request);
      }
      request.value = std::string(value);
      return std::nullopt;
  }
}

Result BadRequest(std::string message) {
  return Result::Error(Status::kBadRequest, std::move(message));
}

}  // namespace

std::optional<Result> DecodeRequest(const Frame& frame, const ConnectionProfile& profile,
                                    Request& request) {
  const std::optional<Op> op = LookupOp(frame.header, profile.framing);
  if (!op) return BadRequest("unknown opcode " + HexText(frame.header.opcode));
  Envelope envelope;
  if (!ReadEnvelope(frame.payload, envelope)) {
    return BadRequest("request envelope lengths do not match payload_length");
  }
  if (envelope.ns.size() > kMaxNamespaceBytes) {
    return BadRequest("namespace is longer than " + std::to_string(kMaxNamespaceBytes) + " bytes");
  }
  if (envelope.value.size() > profile.max_value_bytes) {
    return BadRequest("value of " + std::to_string(envelope.value.size()) +
                      " bytes exceeds the limit of " + std::to_string(profile.max_value_bytes));
  }
  request.Restart(*op, envelope.key);
  if (!envelope.ns.empty()) request.ns.assign(envelope.ns);
  const TlvOptions tlv = TlvOptions::Parse(envelope.options);
  if (DecodeError error = ApplyOptions(tlv, profile, request.options)) {
    return BadRequest(std::move(*error));
  }
  if (DecodeError error = DecodeValue(envelope.value, tlv, profile, request)) {
    return BadRequest(std::move(*error));
  }
  return std::nullopt;
}

}  // namespace flod::codec::flo
