#include "stream_format.h"

#include <limits>
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "command_util.h"
#include "flod/core/bytes.h"

namespace flod::codec::resp {
namespace {

constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();
constexpr std::string_view kBinaryFields = "binary";

// Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF): what a JSON string holds.
bool IsUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<uint8_t>(text[i]);
    size_t extra = 0;
    uint32_t code = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1;
      code = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2;
      code = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const auto next = static_cast<uint8_t>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    const uint32_t minimum = extra == 1 ? 0x80 : extra == 2 ? 0x800 : 0x10000;
    if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

void AppendJsonString(std::string_view text, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<uint8_t>(c) < 0x20) {
          out += "\\u00";
          out.push_back(kHex[(c >> 4) & 0xF]);
          out.push_back(kHex[c & 0xF]);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

bool FitsJsonObject(Args field_values) {
  std::unordered_set<std::string_view> names;
  for (size_t i = 0; i + 1 < field_values.size(); i += 2) {
    if (!IsUtf8(field_values[i]) || !IsUtf8(field_values[i + 1])) return false;
    if (!names.insert(field_values[i]).second) return false;
  }
  return true;
}

using FieldList = std::vector<std::pair<std::string, std::string>>;

std::optional<FieldList> DecodeBinaryList(std::string_view payload) {
  ByteReader reader(payload);
  uint32_t count = 0;
  // Each pair takes at least 8 bytes: a count beyond that is a damaged list.
  if (!reader.ReadU32(count) || count > reader.remaining() / 8) return std::nullopt;
  FieldList fields;
  fields.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view field;
    std::string_view value;
    if (!reader.ReadStr32(field) || !reader.ReadStr32(value)) return std::nullopt;
    fields.emplace_back(field, value);
  }
  if (!reader.empty()) return std::nullopt;
  return fields;
}

std::optional<FieldList> DecodeJsonObject(std::string_view payload) {
  const size_t first = payload.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || payload[first] != '{') return std::nullopt;
  try {
    const auto document = nlohmann::ordered_json::parse(payload, nullptr, false);
    if (!document.is_object() || document.empty()) return std::nullopt;
    FieldList fields;
    fields.reserve(document.size());
    for (const auto& [name, value] : document.items()) {
      fields.emplace_back(name, value.is_string() ? value.get<std::string>() : value.dump());
    }
    return fields;
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

bool HasBinaryFieldsHeader(const StreamRecord& record) {
  for (const auto& [name, value] : record.headers) {
    if (name == kFieldsHeader && value == kBinaryFields) return true;
  }
  return false;
}

// "(id": the bound itself excluded. Redis refuses "(" before "-" or "+".
std::optional<StreamId> ExclusiveId(std::string_view text) {
  if (text.size() < 2 || text[0] != '(') return std::nullopt;
  return ParseId(text.substr(1));
}

}  // namespace

std::string FormatId(StreamId id) { return std::to_string(id.ms) + "-" + std::to_string(id.seq); }

std::optional<StreamId> ParseId(std::string_view text, uint64_t missing_seq) {
  const size_t dash = text.find('-');
  const std::optional<uint64_t> ms = ParseUnsigned(text.substr(0, dash));
  if (!ms) return std::nullopt;
  if (dash == std::string_view::npos) return StreamId{*ms, missing_seq};
  const std::optional<uint64_t> seq = ParseUnsigned(text.substr(dash + 1));
  if (!seq) return std::nullopt;
  return StreamId{*ms, *seq};
}

std::optional<StreamId> NextId(StreamId id) {
  if (id.seq < kMaxU64) return StreamId{id.ms, id.seq + 1};
  if (id.ms < kMaxU64) return StreamId{id.ms + 1, 0};
  return std::nullopt;
}

std::optional<StreamId> PreviousId(StreamId id) {
  if (id.seq > 0) return StreamId{id.ms, id.seq - 1};
  if (id.ms > 0) return StreamId{id.ms - 1, kMaxU64};
  return std::nullopt;
}

std::optional<StreamId> ParseRangeStart(std::string_view text, RespWriter& out) {
  if (text == "-") return StreamId{};
  if (text == "+") return StreamId{kMaxU64, kMaxU64};
  if (!text.empty() && text[0] == '(') {
    const std::optional<StreamId> after = ExclusiveId(text);
    std::optional<StreamId> start = after ? NextId(*after) : std::nullopt;
    if (!after) out.Error(kErrInvalidStreamId);
    if (after && !start) out.Error("ERR invalid start ID for the interval");
    return start;
  }
  const std::optional<StreamId> id = ParseId(text, 0);
  if (!id) out.Error(kErrInvalidStreamId);
  return id;
}

std::optional<StreamId> ParseRangeEnd(std::string_view text, RespWriter& out) {
  if (text == "-") return StreamId{};
  if (text == "+") return StreamId{kMaxU64, kMaxU64};
  if (!text.empty() && text[0] == '(') {
    const std::optional<StreamId> before = ExclusiveId(text);
    std::optional<StreamId> end = before ? PreviousId(*before) : std::nullopt;
    if (!before) out.Error(kErrInvalidStreamId);
    if (before && !end) out.Error("ERR invalid end ID for the interval");
    return end;
  }
  const std::optional<StreamId> id = ParseId(text, kMaxU64);
  if (!id) out.Error(kErrInvalidStreamId);
  return id;
}

StoredFields EncodeFields(Args field_values) {
  StoredFields stored;
  if (FitsJsonObject(field_values)) {
    stored.payload.push_back('{');
    for (size_t i = 0; i + 1 < field_values.size(); i += 2) {
      if (i > 0) stored.payload.push_back(',');
      AppendJsonString(field_values[i], stored.payload);
      stored.payload.push_back(':');
      AppendJsonString(field_values[i + 1], stored.payload);
    }
    stored.payload.push_back('}');
    return stored;
  }
  ByteWriter writer(stored.payload);
  writer.U32(static_cast<uint32_t>(field_values.size() / 2));
  for (std::string_view part : field_values) {
    writer.U32(static_cast<uint32_t>(part.size()));
    stored.payload.append(part);
  }
  stored.headers.emplace_back(kFieldsHeader, kBinaryFields);
  return stored;
}

std::vector<std::pair<std::string, std::string>> DecodeFields(const StreamRecord& record) {
  if (HasBinaryFieldsHeader(record)) {
    if (auto fields = DecodeBinaryList(record.payload)) return std::move(*fields);
  } else if (auto fields = DecodeJsonObject(record.payload)) {
    return std::move(*fields);
  }
  return {{std::string(kPayloadField), record.payload}};
}

void WriteEntry(const StreamRecord& record, RespWriter& out) {
  out.Array(2);
  out.Bulk(FormatId(record.id));
  const auto fields = DecodeFields(record);
  out.Array(fields.size() * 2);
  for (const auto& [field, value] : fields) {
    out.Bulk(field);
    out.Bulk(value);
  }
}

void WriteEntries(const std::vector<StreamRecord>& records, RespWriter& out) {
  out.Array(records.size());
  for (const StreamRecord& record : records) WriteEntry(record, out);
}

}  // namespace flod::codec::resp
