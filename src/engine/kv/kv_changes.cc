#include "engine/kv/kv_changes.h"

#include <cassert>
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
constexpr uint8_t kKindBits = 0x03 << kKindShift;
constexpr uint8_t kCompactFlags = kFlagFresh | kFlagNamespace | kFlagExpiry | kKindBits;
constexpr uint8_t kPairFlags = kFlagFresh | kKindBits;  // the flags of one set-many pair
constexpr size_t kMinPairBytes = 3;                      // flags, empty key, empty value
constexpr uint64_t kMaxI64 = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());

// The namespace of a compact record follows its flags byte only when it is not the default.
uint8_t NamespaceFlag(std::string_view ns) {
  return ns != kDefaultNamespace ? kFlagNamespace : 0;
}
void PutNamespace(ByteWriter& w, uint8_t flags, std::string_view ns) {
  if ((flags & kFlagNamespace) != 0) w.VarStr(ns);
}
bool GetNamespace(ByteReader& r, uint8_t flags, std::string_view& ns) {
  ns = kDefaultNamespace;
  return (flags & kFlagNamespace) == 0 || r.ReadVarStr(ns);
}

// The fresh bit and kind bits that a compact set and a set-many pair share.
uint8_t ValueFlags(const SetChange& c) {
  uint8_t flags = static_cast<uint8_t>(static_cast<uint8_t>(c.kind) << kKindShift);
  if (c.fresh) flags |= kFlagFresh;
  return flags;
}

// Sets c.fresh and c.kind from `flags`; false when a bit outside `allowed` is set or the
// kind is unknown.
bool ReadValueFlags(uint8_t flags, uint8_t allowed, SetChange& c) {
  const uint8_t kind = (flags & kKindBits) >> kKindShift;
  if ((flags & ~allowed) != 0 || kind > kMaxKind) return false;
  c.fresh = (flags & kFlagFresh) != 0;
  c.kind = static_cast<ValueKind>(kind);
  return true;
}

// The most common record: the fields before the value are written into room sized once for
// their largest encoding, then trimmed, and the value is appended after them (sizing room for
// it too would zero it only to overwrite it). A set is the bulk of the WAL.
uint16_t EncodeSetCompact(const SetChange& c, std::string& out) {
  uint8_t flags = ValueFlags(c) | NamespaceFlag(c.ns);
  if (c.expire_at_ms != 0) flags |= kFlagExpiry;
  const size_t start = out.size();
  const size_t ns_bytes = (flags & kFlagNamespace) != 0 ? kMaxVarintBytes + c.ns.size() : 0;
  out.resize(start + 1 + ns_bytes + kMaxVarintBytes + c.key.size() + 4 * kMaxVarintBytes);
  RawWriter w(out.data() + start);
  w.U8(flags);
  if ((flags & kFlagNamespace) != 0) w.VarStr(c.ns);
  w.VarStr(c.key);
  w.Varint(c.version);
  if (c.expire_at_ms != 0) w.Varint(static_cast<uint64_t>(c.expire_at_ms));
  w.Varint(static_cast<uint64_t>(c.written_ms));
  w.Varint(c.value.size());
  out.resize(w.end() - out.data());
  out.append(c.value);
  return kRecordSetCompact;
}

struct Encoder {
  std::string& out;

  uint16_t operator()(const SetChange& c) const { return EncodeSetCompact(c, out); }
  uint16_t operator()(const DeleteChange& c) const {
    ByteWriter w(out);
    w.Str16(c.ns);
    w.Str16(c.key);
    return kRecordDelete;
  }
  uint16_t operator()(const ExpireChange& c) const {
    ByteWriter w(out);
    w.Str16(c.ns);
    w.Str16(c.key);
    w.I64(c.expire_at_ms);
    return kRecordExpire;
  }
  uint16_t operator()(const ClearChange& c) const {
    ByteWriter w(out);
    w.Str16(c.ns);
    return kRecordClear;
  }
  uint16_t operator()(const FloorChange& c) const {
    ByteWriter w(out);
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
  if (!r.ReadU8(flags) || !ReadValueFlags(flags, kCompactFlags, c) ||
      !GetNamespace(r, flags, c.ns)) {
    return false;
  }
  uint64_t expire_at = 0;
  uint64_t written = 0;
  if (!r.ReadVarStr(c.key) || !r.ReadVarint(c.version)) return false;
  if ((flags & kFlagExpiry) != 0 && (!r.ReadVarint(expire_at) || expire_at == 0)) return false;
  if (!r.ReadVarint(written)) return false;
  if (c.version == 0 || expire_at > kMaxI64 || written > kMaxI64) return false;
  c.expire_at_ms = static_cast<int64_t>(expire_at);
  c.written_ms = static_cast<int64_t>(written);
  if (!r.ReadVarStr(c.value)) return false;
  out = c;
  return true;
}

bool DecodeSetMany(ByteReader& r, std::vector<Change>& out) {
  uint8_t flags = 0;
  std::string_view ns;
  if (!r.ReadU8(flags) || (flags & ~kFlagNamespace) != 0 || !GetNamespace(r, flags, ns)) {
    return false;
  }
  uint64_t count = 0;
  uint64_t first_version = 0;
  uint64_t written = 0;
  if (!r.ReadVarCount(kMinPairBytes, count) || !r.ReadVarint(first_version) ||
      !r.ReadVarint(written)) {
    return false;
  }
  if (count == 0 || first_version == 0 || first_version > UINT64_MAX - (count - 1) ||
      written > kMaxI64) {
    return false;
  }
  out.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    SetChange c;
    c.ns = ns;
    c.version = first_version + i;
    c.written_ms = static_cast<int64_t>(written);
    uint8_t pair_flags = 0;
    if (!r.ReadU8(pair_flags) || !ReadValueFlags(pair_flags, kPairFlags, c) ||
        !r.ReadVarStr(c.key) || !r.ReadVarStr(c.value)) {
      return false;
    }
    out.push_back(c);
  }
  return r.empty();
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
  return std::visit(Encoder{out}, change);
}

void EncodeSetMany(std::span<const SetChange> sets, std::string& out) {
  assert(!sets.empty());
  const SetChange& first = sets.front();
  out.clear();
  ByteWriter w(out);
  const uint8_t flags = NamespaceFlag(first.ns);
  w.U8(flags);
  PutNamespace(w, flags, first.ns);
  w.Varint(sets.size());
  w.Varint(first.version);
  w.Varint(static_cast<uint64_t>(first.written_ms));
  for (size_t i = 0; i < sets.size(); ++i) {
    const SetChange& c = sets[i];
    assert(c.ns == first.ns && c.written_ms == first.written_ms && c.expire_at_ms == 0 &&
           c.version == first.version + i);
    w.U8(ValueFlags(c));
    w.VarStr(c.key);
    w.VarStr(c.value);
  }
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
  if (type == kRecordSetMany) return DecodeSetMany(reader, out);
  Change change;
  if (!DecodeSingle(type, reader, change)) return false;
  out.push_back(change);
  return true;
}

}  // namespace flod::engine::kv
