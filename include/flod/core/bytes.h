#pragma once
// Bounds-checked little-endian readers and writers for every binary format flod speaks
// (wire frames, WAL records, snapshots). A reader never reads past its buffer: each getter
// returns false (or std::nullopt) and leaves the reader unusable once a read would overrun.

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace flod {

class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  bool empty() const { return remaining() == 0; }
  std::string_view rest() const { return data_.substr(pos_); }

  bool ReadU8(uint8_t& out) { return ReadLe(out); }
  bool ReadU16(uint16_t& out) { return ReadLe(out); }
  bool ReadU32(uint32_t& out) { return ReadLe(out); }
  bool ReadU64(uint64_t& out) { return ReadLe(out); }
  bool ReadI64(int64_t& out) {
    uint64_t raw = 0;
    if (!ReadLe(raw)) return false;
    out = static_cast<int64_t>(raw);
    return true;
  }
  bool ReadU64Be(uint64_t& out) {
    if (remaining() < 8) return false;
    out = 0;
    for (int i = 0; i < 8; ++i) out = (out << 8) | static_cast<uint8_t>(data_[pos_ + i]);
    pos_ += 8;
    return true;
  }
  bool ReadBytes(size_t n, std::string_view& out) {
    if (remaining() < n) return false;
    out = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  // Length-prefixed byte strings.
  bool ReadStr16(std::string_view& out) {
    uint16_t n = 0;
    return ReadU16(n) && ReadBytes(n, out);
  }
  bool ReadStr32(std::string_view& out) {
    uint32_t n = 0;
    return ReadU32(n) && ReadBytes(n, out);
  }
  // LEB128 (seven bits a byte, low group first). Refuses one that runs past the end, past
  // ten bytes, or over 64 bits.
  bool ReadVarint(uint64_t& out) {
    uint64_t value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t byte = 0;
      if (!ReadU8(byte)) return false;
      const uint64_t bits = byte & 0x7f;
      if (shift == 63 && bits > 1) return false;
      value |= bits << shift;
      if ((byte & 0x80) == 0) {
        out = value;
        return true;
      }
    }
    return false;
  }
  // A varint that must fit 32 bits.
  bool ReadVarint32(uint32_t& out) {
    uint64_t value = 0;
    if (!ReadVarint(value) || value > UINT32_MAX) return false;
    out = static_cast<uint32_t>(value);
    return true;
  }
  // A varint count of items taking at least `min_item_bytes` each: refused when the bytes
  // left cannot hold that many, so a corrupt count never makes a decoder reserve memory.
  bool ReadVarCount(size_t min_item_bytes, uint64_t& count) {
    return ReadVarint(count) && count <= remaining() / min_item_bytes;
  }
  // [len:varint][bytes]
  bool ReadVarStr(std::string_view& out) {
    uint64_t size = 0;
    return ReadVarint(size) && size <= remaining() && ReadBytes(static_cast<size_t>(size), out);
  }
  std::string_view ReadRest() {
    std::string_view out = data_.substr(pos_);
    pos_ = data_.size();
    return out;
  }

 private:
  template <typename T>
  bool ReadLe(T& out) {
    if (remaining() < sizeof(T)) return false;
    std::memcpy(&out, data_.data() + pos_, sizeof(T));  // x86-64 and ARM64 are little-endian
    pos_ += sizeof(T);
    return true;
  }

  std::string_view data_;
  size_t pos_ = 0;
};

inline constexpr size_t kMaxVarintBytes = 10;

// Writes fields into room the caller has already made, with no size check or growth per
// field: for a record whose largest size is known up front (see ByteWriter to append to a
// string as it grows).
class RawWriter {
 public:
  explicit RawWriter(char* at) : at_(at) {}

  void U8(uint8_t v) { *at_++ = static_cast<char>(v); }
  void U16(uint16_t v) { PutLe(v); }
  void U32(uint32_t v) { PutLe(v); }
  void Varint(uint64_t v) {
    while (v >= 0x80) {
      *at_++ = static_cast<char>(v | 0x80);
      v >>= 7;
    }
    *at_++ = static_cast<char>(v);
  }
  void Bytes(std::string_view v) {
    if (!v.empty()) std::memcpy(at_, v.data(), v.size());
    at_ += v.size();
  }
  void VarStr(std::string_view v) {
    Varint(v.size());
    Bytes(v);
  }
  // One past the last byte written.
  char* end() const { return at_; }

 private:
  template <typename T>
  void PutLe(T v) {
    std::memcpy(at_, &v, sizeof(T));  // x86-64 and ARM64 are little-endian, as ByteWriter
    at_ += sizeof(T);
  }

  char* at_;
};

// Appends little-endian fields to a caller-owned string.
class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}

  void U8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U16(uint16_t v) { AppendLe(v); }
  void U32(uint32_t v) { AppendLe(v); }
  void U64(uint64_t v) { AppendLe(v); }
  void I64(int64_t v) { AppendLe(static_cast<uint64_t>(v)); }
  void F64(double v) { AppendLe(v); }
  void U64Be(uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) U8(static_cast<uint8_t>(v >> shift));
  }
  void Bytes(std::string_view v) { out_.append(v.data(), v.size()); }
  void Str16(std::string_view v) {
    U16(static_cast<uint16_t>(v.size()));
    Bytes(v);
  }
  void Str32(std::string_view v) {
    U32(static_cast<uint32_t>(v.size()));
    Bytes(v);
  }
  void Varint(uint64_t v) {
    // Built on the stack and appended once: one append instead of one per byte.
    char raw[kMaxVarintBytes];
    RawWriter writer(raw);
    writer.Varint(v);
    out_.append(raw, writer.end() - raw);
  }
  void VarStr(std::string_view v) {
    Varint(v.size());
    Bytes(v);
  }

 private:
  template <typename T>
  void AppendLe(T v) {
    char raw[sizeof(T)];
    std::memcpy(raw, &v, sizeof(T));
    out_.append(raw, sizeof(T));
  }

  std::string& out_;
};

}  // namespace flod
