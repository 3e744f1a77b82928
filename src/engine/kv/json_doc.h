#pragma once
// JSON text ↔ nlohmann::json for stored documents, without exceptions and with a nesting
// limit (the library parses iteratively but dumps recursively, so depth must be bounded
// before a document is ever stored).

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace flod::engine::kv {

inline constexpr size_t kMaxJsonDepth = 512;

// Deepest bracket nesting of `text`, brackets inside strings ignored. Malformed text is left
// for the parser to reject.
size_t JsonNestingDepth(std::string_view text);

// True when `text` is one valid JSON value nested at most kMaxJsonDepth deep.
bool IsJsonDocument(std::string_view text);

// Parses `text` into `out`; false (and `out` unspecified) when IsJsonDocument would be false.
bool ParseJsonDocument(std::string_view text, nlohmann::json& out);

// Compact text of `value`; invalid UTF-8 in member names is replaced, never thrown on.
std::string DumpJson(const nlohmann::json& value);

}  // namespace flod::engine::kv
