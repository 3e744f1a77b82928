#include "flod/codec/flo/reply_encoder.h"

#include <algorithm>
#include <optional>

#include "codec/flo/stream_replies.h"
#include "flod/codec/flo/frame.h"
#include "flod/core/bytes.h"

namespace flod::codec::flo {

std::string EncodeNameList(const NameListBody& body) {
  std::string data;
  ByteWriter writer(data);
  writer.U32(static_cast<uint32_t>(body.names.size()));
  for (const std::string& name : body.names) writer.Str16(name);
  writer.U8(0);
  writer.Str16({});
  return data;
}

namespace {

constexpr uint8_t kEntryFound = 0;
constexpr uint8_t kEntryMissing = 2;
constexpr uint8_t kTxnBeginVariant = 0;
constexpr uint8_t kTxnCommitVariant = 1;
// An empty scan page in both layouts: H reads has_more 0, cursor_len 0, count 0; T reads
// count 0, has_more 0, cursor_len 0 and ignores the rest (§7.1.5).
constexpr size_t kEmptyScanPageBytes = 9;

std::string_view TruncateMessage(std::string_view message) {
  if (message.size() <= kMaxErrorMessageBytes) return message;
  size_t cut = kMaxErrorMessageBytes;
  // Never split a UTF-8 sequence: back off over continuation bytes (10xxxxxx).
  while (cut > 0 && (static_cast<uint8_t>(message[cut]) & 0xC0) == 0x80) --cut;
  return message.substr(0, cut);
}

void PutScanEntries(const ScanBody& scan, ByteWriter& writer) {
  writer.U32(static_cast<uint32_t>(scan.items.size()));
  for (const ScanItem& item : scan.items) {
    writer.Str16(item.key);
    writer.Str32(item.value);
  }
}

std::string EncodeScan(const ScanBody& scan, ScanLayout layout) {
  if (scan.items.empty() && !scan.has_more) return std::string(kEmptyScanPageBytes, '\0');
  std::string data;
  std::string cursor;
  if (scan.has_more && !scan.cursor.empty()) {
    cursor.append(kScanCursorMarker).append(scan.cursor);
  }
  ByteWriter writer(data);
  if (layout == ScanLayout::kHeaderFirst) {
    writer.U8(scan.has_more ? 1 : 0);
    writer.Str32(cursor);
    PutScanEntries(scan, writer);
  } else {
    PutScanEntries(scan, writer);
    writer.U8(scan.has_more ? 1 : 0);
    writer.Str16(cursor);
  }
  return data;
}

std::string EncodeMget(const MGetBody& mget) {
  std::string data;
  ByteWriter writer(data);
  writer.U32(static_cast<uint32_t>(mget.items.size()));
  for (const MGetItem& item : mget.items) {
    writer.U8(item.found ? kEntryFound : kEntryMissing);
    writer.Str16(item.key);
    writer.U64(item.found ? item.version : 0);
    writer.Str32(item.found ? std::string_view(item.value) : std::string_view{});
  }
  return data;
}

std::string EncodeHistory(const HistoryBody& history) {
  std::string data;
  ByteWriter writer(data);
  writer.U32(static_cast<uint32_t>(history.items.size()));
  for (const HistoryItem& item : history.items) {
    writer.U64(item.version);
    writer.I64(item.timestamp_ms);
    writer.Str32(item.value);
  }
  return data;
}

// [version:u64] then `tail`.
std::string VersionThen(uint64_t version, std::string_view tail = {}) {
  std::string data;
  ByteWriter writer(data);
  writer.U64(version);
  writer.Bytes(tail);
  return data;
}

std::optional<std::string> EncodeVersionReply(const ResultBody& body) {
  if (const auto* put = std::get_if<VersionBody>(&body)) return VersionThen(put->version);
  if (const auto* old = std::get_if<PutOldValueBody>(&body)) return VersionThen(old->version);
  return std::nullopt;
}

std::optional<std::string> EncodeGet(const ResultBody& body, Framing framing) {
  const auto* get = std::get_if<ValueBody>(&body);
  if (!get) return std::nullopt;
  // flo-python reads the raw value without the version (§9, §12 D11).
  if (framing == Framing::kLegacy) return get->value;
  return VersionThen(get->version, get->value);
}

std::optional<std::string> EncodeTxn(Op op, const ResultBody& body) {
  std::string data;
  ByteWriter writer(data);
  if (const auto* begin = std::get_if<TxnBeginBody>(&body); begin && op == Op::kKvTxnBegin) {
    writer.U8(kTxnBeginVariant);
    writer.U64(begin->txn_id);
    writer.U64(begin->pinned_hash);
    return data;
  }
  if (const auto* commit = std::get_if<TxnCommitBody>(&body); commit && op == Op::kKvTxnCommit) {
    writer.U8(kTxnCommitVariant);
    writer.U64(commit->commit_index);
    writer.U16(commit->op_count);
    return data;
  }
  return std::nullopt;
}

// ---- Queues (§7.2) ----

// Layout P, or P+trailer for clients that parse it (§7.2.1); the request decoder already capped
// those at one message (§12 D3).
std::string EncodeMessages(const MessagesBody& body, ClientProfile client) {
  std::string data;
  ByteWriter writer(data);
  writer.U32(static_cast<uint32_t>(body.messages.size()));
  for (const QueueMessage& message : body.messages) {
    writer.U64(message.seq);
    writer.Str32(message.payload);
    if (client != ClientProfile::kJs) continue;
    writer.I64(message.enqueued_at_ms);
    writer.U32(message.delivery_count);
    writer.U8(message.priority);
  }
  return data;
}

std::string EncodeSeqList(const SeqListBody& body) {
  std::string data;
  ByteWriter writer(data);
  writer.U32(static_cast<uint32_t>(body.seqs.size()));
  for (uint64_t seq : body.seqs) writer.U64(seq);
  return data;
}

// flod's own layout (no SDK reads it; the reference's counters differ from the engine's).
std::string EncodeQueueStats(const QueueStatsBody& stats) {
  std::string data;
  ByteWriter writer(data);
  for (uint64_t value : {stats.ready, stats.in_flight, stats.delayed, stats.dlq,
                         stats.enqueued_total, stats.dequeued_total}) {
    writer.U64(value);
  }
  return data;
}

// [affected:u32] for the queue writes that answer a count; the SDKs ignore the data.
std::string EncodeCount(const CountBody& body) {
  std::string data;
  ByteWriter(data).U32(static_cast<uint32_t>(std::min<uint64_t>(body.count, UINT32_MAX)));
  return data;
}

template <typename Body>
std::optional<std::string> EncodeAs(const ResultBody& body, std::string (*encode)(const Body&)) {
  const auto* typed = std::get_if<Body>(&body);
  if (!typed) return std::nullopt;
  return encode(*typed);
}

std::optional<std::string> EncodeQueueSuccess(const ConnectionProfile& profile, Op op,
                                              const ResultBody& body) {
  switch (op) {
    case Op::kQueueEnqueue: {
      const auto* seq = std::get_if<SeqBody>(&body);
      if (!seq) return std::nullopt;
      return VersionThen(seq->seq);
    }
    case Op::kQueueBatchEnqueue:
      return EncodeAs<SeqListBody>(body, EncodeSeqList);
    case Op::kQueueDequeue:
    case Op::kQueuePeek:
    case Op::kQueueDlqList: {
      const auto* messages = std::get_if<MessagesBody>(&body);
      if (!messages) return std::nullopt;
      return EncodeMessages(*messages, profile.client);
    }
    case Op::kQueueStats:
      return EncodeAs<QueueStatsBody>(body, EncodeQueueStats);
    case Op::kQueueList:
      return EncodeAs<NameListBody>(body, EncodeNameList);
    case Op::kQueueAck:
    case Op::kQueueNack:
    case Op::kQueueTouch:
    case Op::kQueueDlqRequeue:
    case Op::kQueueDlqDelete:
    case Op::kQueuePurge:
      return EncodeAs<CountBody>(body, EncodeCount);
    default:
      return std::nullopt;
  }
}

// Success data for `op`, or nullopt when the body is not the one the op answers with. Only the
// expected alternative is looked at, so new body types never need a case here.
std::optional<std::string> EncodeSuccess(const ConnectionProfile& profile, Op op,
                                         const ResultBody& body) {
  switch (op) {
    case Op::kPing: {
      const auto* text = std::get_if<TextBody>(&body);
      return text ? text->text : std::string("PONG");
    }
    case Op::kKvPut:
    case Op::kKvJsonSet:
    case Op::kKvJsonDel:
      return EncodeVersionReply(body);
    case Op::kKvGet:
      return EncodeGet(body, profile.framing);
    case Op::kKvJsonGet: {
      const auto* doc = std::get_if<ValueBody>(&body);
      if (!doc) return std::nullopt;
      return VersionThen(doc->version, doc->value);
    }
    case Op::kKvMget: {
      const auto* mget = std::get_if<MGetBody>(&body);
      if (!mget) return std::nullopt;
      return EncodeMget(*mget);
    }
    case Op::kKvScan: {
      const auto* scan = std::get_if<ScanBody>(&body);
      if (!scan) return std::nullopt;
      return EncodeScan(*scan, profile.scan_layout);
    }
    case Op::kKvHistory: {
      const auto* history = std::get_if<HistoryBody>(&body);
      if (!history) return std::nullopt;
      return EncodeHistory(*history);
    }
    case Op::kKvIncr: {
      const auto* counter = std::get_if<CounterBody>(&body);
      if (!counter) return std::nullopt;
      std::string tail;
      ByteWriter(tail).I64(counter->value);
      return VersionThen(counter->version, tail);
    }
    case Op::kKvExists: {
      const auto* exists = std::get_if<ExistsBody>(&body);
      if (!exists) return std::nullopt;
      return VersionThen(exists->version, exists->present ? std::string_view("\x01", 1)
                                                          : std::string_view("\x00", 1));
    }
    case Op::kKvTxnBegin:
    case Op::kKvTxnCommit:
      return EncodeTxn(op, body);
    case Op::kKvDelete:
    case Op::kKvTouch:
    case Op::kKvPersist:
    case Op::kKvTxnRollback:
      return std::string();  // no SDK reads the data
    default:
      if (InfoOf(op).family == Family::kQueue) return EncodeQueueSuccess(profile, op, body);
      if (InfoOf(op).family == Family::kStream) return EncodeStreamSuccess(profile, op, body);
      return std::nullopt;
  }
}

}  // namespace

uint8_t WireStatus(Status status, Framing framing) {
  switch (status) {
    case Status::kOk:
      return 0;
    case Status::kNotFound:
      return 2;
    case Status::kBadRequest:
    case Status::kWrongType:
    case Status::kNotInteger:
      return 3;
    case Status::kGroupLocked:
      return 6;
    case Status::kUnauthorized:
      return 7;
    case Status::kConflict:
      return 8;
    case Status::kInternal:
      return 9;
    case Status::kOverloaded:
      return 10;
    case Status::kRateLimited:
      return 11;
    case Status::kUnavailable:
      return framing == Framing::kSdkV2 ? 12 : 10;
    case Status::kPending:
      return 9;  // a parked request never reaches a codec
  }
  return 9;
}

void AppendErrorReply(const ConnectionProfile& profile, uint64_t request_id, Status status,
                      std::string_view message, std::string& out) {
  AppendReplyFrame(profile, request_id, WireStatus(status, profile.framing),
                   TruncateMessage(message), out);
}

void EncodeReply(const ConnectionProfile& profile, uint64_t request_id, Op op, const Result& result,
                 std::string& out) {
  if (!result.ok()) {
    // A missing key or path is "status 2, empty data" for the reads (§7.1.2, §7.1.10).
    const bool quiet_miss =
        result.status == Status::kNotFound && (op == Op::kKvGet || op == Op::kKvJsonGet);
    AppendErrorReply(profile, request_id, result.status,
                     quiet_miss ? std::string_view{} : std::string_view(result.message), out);
    return;
  }
  const std::optional<std::string> data = EncodeSuccess(profile, op, result.body);
  if (!data) {
    AppendErrorReply(profile, request_id, Status::kInternal,
                     "internal error: no reply layout for " + std::string(NameOf(op)), out);
    return;
  }
  AppendReplyFrame(profile, request_id, WireStatus(Status::kOk, profile.framing), *data, out);
}

}  // namespace flod::codec::flo
