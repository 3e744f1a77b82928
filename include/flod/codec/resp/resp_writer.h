#pragma once
// RESP2 reply encoding: appends one value at a time to a byte buffer the caller owns
// (normally the connection's output). Pure; no allocation beyond the buffer's growth.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace flod::codec::resp {

class RespWriter {
 public:
  explicit RespWriter(std::string& out) : out_(&out) {}

  void Simple(std::string_view text);  // +text
  // -text. `text` starts with its error code ("ERR ...", "WRONGTYPE ..."); CR and LF inside
  // it become spaces so a message can never break the framing.
  void Error(std::string_view text);
  void Integer(int64_t value);        // :value
  void Bulk(std::string_view bytes);  // $len bytes (binary safe)
  void BulkInteger(int64_t value);    // a bulk string holding decimal text
  void Null();                        // $-1 (nil)
  void NullArray();                   // *-1
  void Array(size_t count);           // *count, then `count` values follow
  // A value already encoded as RESP (e.g. a reply built elsewhere).
  void Raw(std::string_view encoded) { out_->append(encoded); }

  std::string& buffer() { return *out_; }

 private:
  void Header(char type, int64_t value);
  // Makes the output `bytes` longer and returns where the new bytes go: one size change for a
  // reply's marker, text and CRLF instead of one append each.
  char* Grow(size_t bytes);

  std::string* out_;
};

// The decimal text of `value` (for counters read through RESP).
std::string DecimalText(int64_t value);

}  // namespace flod::codec::resp
