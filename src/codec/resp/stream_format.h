#pragma once
// How Redis stream commands see flod's streams: entry ids in the form `ms-seq`, and a record's
// payload as a Redis field list.
//
// Fields ↔ payload (docs/protocol-resp.md §4):
//   - XADD writes the fields as a JSON object, members in the given order
//     (`{"name":"ada","age":"36"}`), when every field and value is UTF-8 and no field repeats.
//     A Flo client reads that JSON text as the payload.
//   - Otherwise (binary bytes, a repeated field) the payload is a binary list,
//     `count:u32 (field_len:u32 field value_len:u32 value){count}` little-endian, and the record
//     carries the header `redis-fields: binary` (Flo clients see only the payload).
//   - Reading any record: the binary list when that header is there; else the members of a
//     non-empty JSON object (strings as their text, other values as compact JSON); else one
//     field named `payload` holding the payload bytes as they are.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flod/codec/resp/command_table.h"
#include "flod/codec/resp/resp_writer.h"
#include "flod/core/result.h"
#include "flod/core/stream_id.h"

namespace flod::codec::resp {

inline constexpr std::string_view kErrInvalidStreamId =
    "ERR Invalid stream ID specified as stream command argument";
inline constexpr std::string_view kFieldsHeader = "redis-fields";
inline constexpr std::string_view kPayloadField = "payload";

std::string FormatId(StreamId id);
// "ms" or "ms-seq" (the seq defaults to `missing_seq`); nullopt for anything else.
std::optional<StreamId> ParseId(std::string_view text, uint64_t missing_seq = 0);
std::optional<StreamId> NextId(StreamId id);      // nullopt after the largest id
std::optional<StreamId> PreviousId(StreamId id);  // nullopt before 0-0

// XRANGE-style bounds: "-" / "+", an id (a bare ms covers the whole millisecond), or an
// exclusive "(id". Writes Redis's error and answers nullopt when the bound is invalid.
std::optional<StreamId> ParseRangeStart(std::string_view text, RespWriter& out);
std::optional<StreamId> ParseRangeEnd(std::string_view text, RespWriter& out);

// What XADD stores for a list of field/value arguments (an even, non-zero count).
struct StoredFields {
  std::string payload;
  std::vector<std::pair<std::string, std::string>> headers;  // empty for the JSON form
};
StoredFields EncodeFields(Args field_values);

// The field list of a record, as Redis clients read it.
std::vector<std::pair<std::string, std::string>> DecodeFields(const StreamRecord& record);

// One entry: [id, [field, value, ...]].
void WriteEntry(const StreamRecord& record, RespWriter& out);
void WriteEntries(const std::vector<StreamRecord>& records, RespWriter& out);

}  // namespace flod::codec::resp
