#include "engine/queue/queue_changes.h"

#include <utility>

#include "engine/compact_name.h"
#include "flod/core/bytes.h"

namespace flod::engine::queue {
namespace {

// Smallest encoded size of one list entry, checked against the bytes left before reserving,
// so a corrupt count cannot make the decoder allocate gigabytes.
constexpr size_t kMinNewMessageBytes = 8 + 1 + 8 + 4 + 2 + 8 + 4;
constexpr size_t kLeasedMessageBytes = 8 + 4;
constexpr size_t kNackedMessageBytes = 8 + 1 + 8;
constexpr size_t kSeqBytes = 8;

// The compact forms (0x0209-0x020B) of the records that every push, pop and ack writes:
// varints, the default namespace left out, times as offsets from now_ms, and a message's
// optional fields only when they differ from the common case.
constexpr uint8_t kMessagePriority = 0x01;
constexpr uint8_t kMessageDelay = 0x02;  // visible_at_ms differs from now_ms
constexpr uint8_t kMessageRetries = 0x04;
constexpr uint8_t kMessageDedup = 0x08;
constexpr uint8_t kMessageFlags = kMessagePriority | kMessageDelay | kMessageRetries | kMessageDedup;
constexpr size_t kMinCompactMessageBytes = 3;  // flags, seq, empty payload
constexpr size_t kMinCompactLeasedBytes = 2;   // seq, delivery count
constexpr size_t kMinCompactSeqBytes = 1;
constexpr uint8_t kMaxSeqOp = static_cast<uint8_t>(SeqOp::kDlqDelete);

// Offsets wrap modulo 2^64, so every pair of times round-trips exactly.
uint64_t OffsetFrom(int64_t now, int64_t at) {
  return static_cast<uint64_t>(at) - static_cast<uint64_t>(now);
}
int64_t AtOffset(int64_t now, uint64_t offset) {
  return static_cast<int64_t>(static_cast<uint64_t>(now) + offset);
}

void WriteHead(ByteWriter& w, const QueueHead& head) {
  w.Str16(head.ns);
  w.Str16(head.name);
  w.I64(head.now_ms);
}

void WriteSeqs(ByteWriter& w, const std::vector<uint64_t>& seqs) {
  w.U32(static_cast<uint32_t>(seqs.size()));
  for (uint64_t seq : seqs) w.U64(seq);
}

void WriteCompactHead(ByteWriter& w, const QueueHead& head) {
  PutCompactName(w, head.ns, head.name);
  w.Varint(static_cast<uint64_t>(head.now_ms));
}

void WriteCompactSeqs(ByteWriter& w, const std::vector<uint64_t>& seqs) {
  w.Varint(seqs.size());
  for (uint64_t seq : seqs) w.Varint(seq);
}

uint8_t FlagsOf(const NewMessage& m, int64_t now) {
  uint8_t flags = 0;
  if (m.priority != 0) flags |= kMessagePriority;
  if (m.visible_at_ms != now) flags |= kMessageDelay;
  if (m.max_retries != 0) flags |= kMessageRetries;
  if (!m.dedup_key.empty() || m.dedup_expires_at_ms != 0) flags |= kMessageDedup;
  return flags;
}

void Write(ByteWriter& w, const EnqueueChange& c) {
  const int64_t now = c.head.now_ms;
  WriteCompactHead(w, c.head);
  w.Varint(c.messages.size());
  for (const NewMessage& m : c.messages) {
    const uint8_t flags = FlagsOf(m, now);
    w.U8(flags);
    w.Varint(m.seq);
    if ((flags & kMessagePriority) != 0) w.U8(m.priority);
    if ((flags & kMessageDelay) != 0) w.Varint(OffsetFrom(now, m.visible_at_ms));
    if ((flags & kMessageRetries) != 0) w.Varint(m.max_retries);
    if ((flags & kMessageDedup) != 0) {
      w.VarStr(m.dedup_key);
      w.Varint(OffsetFrom(now, m.dedup_expires_at_ms));
    }
    w.VarStr(m.payload);
  }
}

void Write(ByteWriter& w, const LeaseChange& c) {
  WriteCompactHead(w, c.head);
  w.Varint(OffsetFrom(c.head.now_ms, c.lease_until_ms));
  w.Varint(c.messages.size());
  for (const LeasedMessage& m : c.messages) {
    w.Varint(m.seq);
    w.Varint(m.delivery_count);
  }
}

void Write(ByteWriter& w, const NackChange& c) {
  WriteHead(w, c.head);
  w.U32(static_cast<uint32_t>(c.messages.size()));
  for (const NackedMessage& m : c.messages) {
    w.U64(m.seq);
    w.U8(m.to_dlq ? 1 : 0);
    w.I64(m.visible_at_ms);
  }
}

void Write(ByteWriter& w, const TouchChange& c) {
  WriteHead(w, c.head);
  w.I64(c.lease_until_ms);
  WriteSeqs(w, c.seqs);
}

void Write(ByteWriter& w, const SeqListChange& c) {
  WriteCompactHead(w, c.head);
  w.U8(static_cast<uint8_t>(c.op));
  WriteCompactSeqs(w, c.seqs);
}

void Write(ByteWriter& w, const PurgeChange& c) { WriteHead(w, c.head); }

void Write(ByteWriter& w, const QueueImage& c) {
  w.Str16(c.ns);
  w.Str16(c.name);
  w.U64(c.next_seq);
  w.U64(c.enqueued_total);
  w.U64(c.dequeued_total);
}

void Write(ByteWriter& w, const MessageImage& c) {
  w.Str16(c.ns);
  w.Str16(c.name);
  w.U64(c.seq);
  w.U8(static_cast<uint8_t>(c.state));
  w.U8(c.priority);
  w.I64(c.enqueued_at_ms);
  w.I64(c.due_ms);
  w.U32(c.delivery_count);
  w.U32(c.max_retries);
  w.Str32(c.payload);
}

void Write(ByteWriter& w, const DedupImage& c) {
  w.Str16(c.ns);
  w.Str16(c.name);
  w.Str16(c.key);
  w.U64(c.seq);
  w.I64(c.expires_at_ms);
}

uint16_t TypeOf(const EnqueueChange&) { return kRecordEnqueueCompact; }
uint16_t TypeOf(const LeaseChange&) { return kRecordLeaseCompact; }
uint16_t TypeOf(const NackChange&) { return kRecordNack; }
uint16_t TypeOf(const TouchChange&) { return kRecordTouch; }
uint16_t TypeOf(const SeqListChange&) { return kRecordSeqListCompact; }
uint16_t TypeOf(const PurgeChange&) { return kRecordPurge; }
uint16_t TypeOf(const QueueImage&) { return kRecordQueueImage; }
uint16_t TypeOf(const MessageImage&) { return kRecordMessageImage; }
uint16_t TypeOf(const DedupImage&) { return kRecordDedupImage; }

template <typename T>
uint16_t EncodeAs(const T& change, std::string& out) {
  out.clear();
  ByteWriter w(out);
  Write(w, change);
  return TypeOf(change);
}

// ---- Decoding ---------------------------------------------------------------------------

bool ReadName(ByteReader& r, std::string_view& ns, std::string_view& name) {
  return r.ReadStr16(ns) && r.ReadStr16(name) && !name.empty();
}

bool ReadHead(ByteReader& r, QueueHead& head) {
  return ReadName(r, head.ns, head.name) && r.ReadI64(head.now_ms);
}

bool ReadFlag(ByteReader& r, bool& out) {
  uint8_t raw = 0;
  if (!r.ReadU8(raw) || raw > 1) return false;
  out = raw == 1;
  return true;
}

// Reads a u32 count of entries of at least `entry_bytes` each and reserves room for them.
template <typename T>
bool ReadCount(ByteReader& r, size_t entry_bytes, std::vector<T>& out) {
  uint32_t count = 0;
  if (!r.ReadU32(count) || count > r.remaining() / entry_bytes) return false;
  out.resize(count);
  return true;
}

bool ReadSeqs(ByteReader& r, std::vector<uint64_t>& seqs) {
  if (!ReadCount(r, kSeqBytes, seqs)) return false;
  for (uint64_t& seq : seqs) {
    if (!r.ReadU64(seq)) return false;
  }
  return true;
}

bool SeqsIncrease(const std::vector<NewMessage>& messages) {
  uint64_t previous = 0;
  for (const NewMessage& m : messages) {
    if (m.seq <= previous) return false;
    previous = m.seq;
  }
  return true;
}

bool Read(ByteReader& r, EnqueueChange& c) {
  if (!ReadHead(r, c.head) || !ReadCount(r, kMinNewMessageBytes, c.messages)) return false;
  for (NewMessage& m : c.messages) {
    if (!r.ReadU64(m.seq) || !r.ReadU8(m.priority) || !r.ReadI64(m.visible_at_ms) ||
        !r.ReadU32(m.max_retries) || !r.ReadStr16(m.dedup_key) ||
        !r.ReadI64(m.dedup_expires_at_ms) || !r.ReadStr32(m.payload)) {
      return false;
    }
  }
  return SeqsIncrease(c.messages);
}

bool Read(ByteReader& r, LeaseChange& c) {
  if (!ReadHead(r, c.head) || !r.ReadI64(c.lease_until_ms) ||
      !ReadCount(r, kLeasedMessageBytes, c.messages)) {
    return false;
  }
  for (LeasedMessage& m : c.messages) {
    if (!r.ReadU64(m.seq) || !r.ReadU32(m.delivery_count)) return false;
  }
  return true;
}

bool Read(ByteReader& r, NackChange& c) {
  if (!ReadHead(r, c.head) || !ReadCount(r, kNackedMessageBytes, c.messages)) return false;
  for (NackedMessage& m : c.messages) {
    if (!r.ReadU64(m.seq) || !ReadFlag(r, m.to_dlq) || !r.ReadI64(m.visible_at_ms)) {
      return false;
    }
  }
  return true;
}

bool Read(ByteReader& r, TouchChange& c) {
  return ReadHead(r, c.head) && r.ReadI64(c.lease_until_ms) && ReadSeqs(r, c.seqs);
}

bool Read(ByteReader& r, SeqListChange& c) { return ReadHead(r, c.head) && ReadSeqs(r, c.seqs); }

bool Read(ByteReader& r, PurgeChange& c) { return ReadHead(r, c.head); }

bool Read(ByteReader& r, QueueImage& c) {
  return ReadName(r, c.ns, c.name) && r.ReadU64(c.next_seq) && r.ReadU64(c.enqueued_total) &&
         r.ReadU64(c.dequeued_total) && c.next_seq > 0;
}

bool Read(ByteReader& r, MessageImage& c) {
  uint8_t state = 0;
  if (!ReadName(r, c.ns, c.name) || !r.ReadU64(c.seq) || !r.ReadU8(state) ||
      !r.ReadU8(c.priority) || !r.ReadI64(c.enqueued_at_ms) || !r.ReadI64(c.due_ms) ||
      !r.ReadU32(c.delivery_count) || !r.ReadU32(c.max_retries) || !r.ReadStr32(c.payload)) {
    return false;
  }
  if (state > static_cast<uint8_t>(MessageState::kDead) || c.seq == 0) return false;
  c.state = static_cast<MessageState>(state);
  return true;
}

bool Read(ByteReader& r, DedupImage& c) {
  return ReadName(r, c.ns, c.name) && r.ReadStr16(c.key) && r.ReadU64(c.seq) &&
         r.ReadI64(c.expires_at_ms) && !c.key.empty() && c.seq > 0;
}

// ---- Compact forms ----

bool ReadCompactHead(ByteReader& r, QueueHead& head) {
  uint64_t now = 0;
  if (!GetCompactName(r, head.ns, head.name) || head.name.empty() || !r.ReadVarint(now)) {
    return false;
  }
  head.now_ms = static_cast<int64_t>(now);
  return true;
}

template <typename T>
bool ReadCompactCount(ByteReader& r, size_t entry_bytes, std::vector<T>& out) {
  uint64_t count = 0;
  if (!r.ReadVarCount(entry_bytes, count)) return false;
  out.resize(count);
  return true;
}

bool ReadTime(ByteReader& r, int64_t now, int64_t& out) {
  uint64_t offset = 0;
  if (!r.ReadVarint(offset)) return false;
  out = AtOffset(now, offset);
  return true;
}

bool ReadCompactMessage(ByteReader& r, int64_t now, NewMessage& m) {
  uint8_t flags = 0;
  if (!r.ReadU8(flags) || (flags & ~kMessageFlags) != 0 || !r.ReadVarint(m.seq)) return false;
  m.visible_at_ms = now;
  if ((flags & kMessagePriority) != 0 && !r.ReadU8(m.priority)) return false;
  if ((flags & kMessageDelay) != 0 && !ReadTime(r, now, m.visible_at_ms)) return false;
  if ((flags & kMessageRetries) != 0 && !r.ReadVarint32(m.max_retries)) return false;
  if ((flags & kMessageDedup) != 0 &&
      (!r.ReadVarStr(m.dedup_key) || !ReadTime(r, now, m.dedup_expires_at_ms))) {
    return false;
  }
  return r.ReadVarStr(m.payload);
}

bool ReadCompactEnqueue(ByteReader& r, EnqueueChange& c) {
  if (!ReadCompactHead(r, c.head) ||
      !ReadCompactCount(r, kMinCompactMessageBytes, c.messages)) {
    return false;
  }
  for (NewMessage& m : c.messages) {
    if (!ReadCompactMessage(r, c.head.now_ms, m)) return false;
  }
  return SeqsIncrease(c.messages);
}

bool ReadCompactLease(ByteReader& r, LeaseChange& c) {
  if (!ReadCompactHead(r, c.head) || !ReadTime(r, c.head.now_ms, c.lease_until_ms) ||
      !ReadCompactCount(r, kMinCompactLeasedBytes, c.messages)) {
    return false;
  }
  for (LeasedMessage& m : c.messages) {
    if (!r.ReadVarint(m.seq) || !r.ReadVarint32(m.delivery_count)) return false;
  }
  return true;
}

bool ReadCompactSeqList(ByteReader& r, SeqListChange& c) {
  uint8_t op = 0;
  if (!ReadCompactHead(r, c.head) || !r.ReadU8(op) || op > kMaxSeqOp ||
      !ReadCompactCount(r, kMinCompactSeqBytes, c.seqs)) {
    return false;
  }
  c.op = static_cast<SeqOp>(op);
  for (uint64_t& seq : c.seqs) {
    if (!r.ReadVarint(seq)) return false;
  }
  return true;
}

template <typename T>
std::optional<Change> DecodeWith(std::string_view payload, bool (*read)(ByteReader&, T&),
                                 T change = {}) {
  ByteReader r(payload);
  if (!read(r, change) || !r.empty()) return std::nullopt;
  return Change(std::move(change));
}

template <typename T>
std::optional<Change> DecodeAs(std::string_view payload, T change) {
  return DecodeWith<T>(payload, Read, std::move(change));
}

std::optional<Change> DecodeSeqList(std::string_view payload, SeqOp op) {
  SeqListChange change;
  change.op = op;
  return DecodeAs(payload, std::move(change));
}

}  // namespace

uint16_t EncodeChange(const EnqueueChange& c, std::string& out) { return EncodeAs(c, out); }
uint16_t EncodeChange(const LeaseChange& c, std::string& out) { return EncodeAs(c, out); }
uint16_t EncodeChange(const NackChange& c, std::string& out) { return EncodeAs(c, out); }
uint16_t EncodeChange(const TouchChange& c, std::string& out) { return EncodeAs(c, out); }
uint16_t EncodeChange(const SeqListChange& c, std::string& out) { return EncodeAs(c, out); }
uint16_t EncodeChange(const PurgeChange& c, std::string& out) { return EncodeAs(c, out); }
uint16_t EncodeChange(const QueueImage& c, std::string& out) { return EncodeAs(c, out); }
uint16_t EncodeChange(const MessageImage& c, std::string& out) { return EncodeAs(c, out); }
uint16_t EncodeChange(const DedupImage& c, std::string& out) { return EncodeAs(c, out); }

uint16_t EncodeChange(const Change& change, std::string& out) {
  return std::visit([&out](const auto& c) { return EncodeAs(c, out); }, change);
}

std::optional<Change> DecodeChange(uint16_t type, std::string_view payload) {
  switch (type) {
    case kRecordEnqueue:
      return DecodeAs(payload, EnqueueChange{});
    case kRecordLease:
      return DecodeAs(payload, LeaseChange{});
    case kRecordAck:
      return DecodeSeqList(payload, SeqOp::kAck);
    case kRecordNack:
      return DecodeAs(payload, NackChange{});
    case kRecordTouch:
      return DecodeAs(payload, TouchChange{});
    case kRecordDlqRequeue:
      return DecodeSeqList(payload, SeqOp::kDlqRequeue);
    case kRecordDlqDelete:
      return DecodeSeqList(payload, SeqOp::kDlqDelete);
    case kRecordPurge:
      return DecodeAs(payload, PurgeChange{});
    case kRecordEnqueueCompact:
      return DecodeWith<EnqueueChange>(payload, ReadCompactEnqueue);
    case kRecordLeaseCompact:
      return DecodeWith<LeaseChange>(payload, ReadCompactLease);
    case kRecordSeqListCompact:
      return DecodeWith<SeqListChange>(payload, ReadCompactSeqList);
    case kRecordQueueImage:
      return DecodeAs(payload, QueueImage{});
    case kRecordMessageImage:
      return DecodeAs(payload, MessageImage{});
    case kRecordDedupImage:
      return DecodeAs(payload, DedupImage{});
    default:
      return std::nullopt;
  }
}

}  // namespace flod::engine::queue
