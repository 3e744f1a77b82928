#include "engine/kv/kv_changes.h"

#include <cstring>
#include <limits>

#include "flod/core/bytes.h"
#include "flod/core/request.h"

namespace flod::engine::kv {
namespace {

constexpr uint8_t kFlagFresh = 0x01;
constexpr uint8_t kMaxKind = static_cast<uint8_t>(ValueKind::kJson);
// Compact set flags (bit 0 is kFlagFresh); the kind sits in bits 4-5.
constexpr uint8_t kFlagNamespace = 0x02;  // a namespace other than the default follows
constexpr uint8_t kFlagExpiry = 0x04;     // an expiry follows
constexpr int kKindShift = 4;
constexpr uint8_t kCompactFlags = kFlagFresh | kFlagNamespace | kFlagExpiry | (0x03 << kKindShift);
constexpr uint64_t kMaxI64 = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

struct Encoder {
  ByteWriter& w;

  uint16_t operator()(const SetChange& c) const {
    const bool other_ns = c.ns != kDefaultNamespace;
    uint8_t flags = static_cast<uint8_t>(static_cast<uint8_t>(c.kind) << kKindShift);
    if (c.fresh) flags |= kFlagFresh;
    if (other_ns) flags |= kFlagNamespace;
    if (c.expire_at_ms != 0) flags |= kFlagExpiry;
    w.U8(flags);
    if (other_ns) w.VarStr(c.ns);
    w.VarStr(c.key);
    w.Varint(c.version);
    if (c.expire_at_ms != 0) w.Varint(static_cast<uint64_t>(c.expire_at_ms));
    w.Varint(static_cast<uint64_t>(c.written_ms));
    w.VarStr(c.value);
    return kRecordSetCompact;
  }
  uint16_t operator()(const DeleteChange& c) const {
    w.Str16(c.ns);
    w.Str16(c.key);
    return kRecordDelete;
  }
  uint16_t operator()(const ExpireChange& c) const {
    w.Str16(c.ns);
    w.Str16(c.key);
    w.I64(c.expire_at_ms);
    return kRecordExpire;
  }
  uint16_t operator()(const ClearChange& c) const {
    w.Str16(c.ns);
    return kRecordClear;
  }
  uint16_t operator()(const FloorChange& c) const {
    w.U64(c.version);
    return kRecordFloor;
  }
};

bool DecodeSet(ByteReader& r, Change& out) {
  SetChange c;
  uint8_t flags = 0;
  uint8_t kind = 0;
  if (!r.ReadStr16(c.ns) || !r.ReadStr16(c.key) || !r.ReadU8(flags) || !r.ReadU8(kind) ||
      !r.ReadU64(c.version) || !r.ReadI64(c.expire_at_ms) || !r.ReadI64(c.written_ms) ||
      !r.ReadStr32(c.value)) {
    return false;
  }
  if ((flags & ~kFlagFresh) != 0 || kind > kMaxKind || c.version == 0 || c.expire_at_ms < 0) {
    return false;
  }
  c.fresh = (flags & kFlagFresh) != 0;
  c.kind = static_cast<ValueKind>(kind);
  out = c;
  return true;
}

bool DecodeSetCompact(ByteReader& r, Change& out) {
  SetChange c;
  uint8_t flags = 0;
  if (!r.ReadU8(flags) || (flags & ~kCompactFlags) != 0) return false;
  const uint8_t kind = flags >> kKindShift;
  if (kind > kMaxKind) return false;
  c.ns = kDefaultNamespace;
  if ((flags & kFlagNamespace) != 0 && !r.ReadVarStr(c.ns)) return false;
  uint64_t expire_at = 0;
  uint64_t written = 0;
  if (!r.ReadVarStr(c.key) || !r.ReadVarint(c.version)) return false;
  if ((flags & kFlagExpiry) != 0 && (!r.ReadVarint(expire_at) || expire_at == 0)) return false;
  if (!r.ReadVarint(written)) return false;
  if (c.version == 0 || expire_at > kMaxI64 || written > kMaxI64) return false;
  c.fresh = (flags & kFlagFresh) != 0;
  c.kind = static_cast<ValueKind>(kind);
  c.expire_at_ms = static_cast<int64_t>(expire_at);
  c.written_ms = static_cast<int64_t>(written);
  if (!r.ReadVarStr(c.value)) return false;
  out = c;
  return true;
}

bool DecodeDelete(ByteReader& r, Change& out) {
  DeleteChange c;
  if (!r.ReadStr16(c.ns) || !r.ReadStr16(c.key)) return false;
  out = c;
  return true;
}

bool DecodeExpire(ByteReader& r, Change& out) {
  ExpireChange c;
  if (!r.ReadStr16(c.ns) || !r.ReadStr16(c.key) || !r.ReadI64(c.expire_at_ms)) return false;
  if (c.expire_at_ms < 0) return false;
  out = c;
  return true;
}

// Decodes a record that is not a batch; `r` must be consumed exactly.
bool DecodeSingle(uint16_t type, ByteReader& r, Change& out) {
  bool ok = false;
  switch (type) {
    case kRecordSet:
      ok = DecodeSet(r, out);
      break;
    case kRecordSetCompact:
      ok = DecodeSetCompact(r, out);
      break;
    case kRecordDelete:
      ok = DecodeDelete(r, out);
      break;
    case kRecordExpire:
      ok = DecodeExpire(r, out);
      break;
    case kRecordClear: {
      ClearChange c;
      ok = r.ReadStr16(c.ns);
      out = c;
      break;
    }
    case kRecordFloor: {
      FloorChange c;
      ok = r.ReadU64(c.version);
      out = c;
      break;
    }
    default:
      return false;
  }
  return ok && r.empty();
}

bool IsBatchMember(uint16_t type) {
  return type == kRecordSet || type == kRecordSetCompact || type == kRecordDelete ||
         type == kRecordExpire;
}

bool DecodeBatch(ByteReader& r, std::vector<Change>& out) {
  uint32_t count = 0;
  if (!r.ReadU32(count)) return false;
  // Each member takes at least 6 bytes, so a count beyond that is a lie: refuse it before
  // reserving memory for it.
  if (count > r.remaining() / 6) return false;
  out.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint16_t type = 0;
    std::string_view payload;
    if (!r.ReadU16(type) || !r.ReadStr32(payload) || !IsBatchMember(type)) return false;
    ByteReader member(payload);
    Change change;
    if (!DecodeSingle(type, member, change)) return false;
    out.push_back(change);
  }
  return r.empty();
}

}  // namespace

uint16_t EncodeChange(const Change& change, std::string& out) {
  out.clear();
  ByteWriter writer(out);
  return std::visit(Encoder{writer}, change);
}

BatchEncoder::BatchEncoder(std::string& out) : out_(out) {
  out_.clear();
  ByteWriter(out_).U32(0);  // count, patched by Add
}

void BatchEncoder::Add(const Change& change) {
  uint16_t type = EncodeChange(change, member_);
  ByteWriter writer(out_);
  writer.U16(type);
  writer.Str32(member_);
  ++count_;
  std::memcpy(out_.data(), &count_, sizeof(count_));  // little-endian host, as in bytes.h
}

bool DecodeRecord(uint16_t type, std::string_view payload, std::vector<Change>& out) {
  out.clear();
  ByteReader reader(payload);
  if (type == kRecordBatch) return DecodeBatch(reader, out);
  Change change;
  if (!DecodeSingle(type, reader, change)) return false;
  out.push_back(change);
  return true;
}

}  // namespace flod::engine::kv
