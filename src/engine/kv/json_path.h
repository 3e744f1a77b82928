#pragma once
// JSONPath-like paths into stored JSON documents.
//
// Grammar (no wildcards, filters or slices):
//   path     := "" | "$" segment* | segment+ | name segment*
//   segment  := "." name | "[" index "]" | "[" quoted "]"
//   name     := one or more bytes other than '.', '[' and ']'
//   index    := ["-"] digit+            (negative counts from the end: -1 is the last element)
//   quoted   := "'" char* "'" | '"' char* '"'   (backslash escapes the next byte)
// So `$`, `$.a.b`, `.a`, `a.b`, `[0]`, `$.a[0].b`, `$['k.with.dots']` and `$["k"]` all parse;
// the empty path and `$` both name the whole document.

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace flod::engine::kv {

struct PathToken {
  std::string name;  // object member, when !is_index
  int64_t index = 0;
  bool is_index = false;
};

using JsonPath = std::vector<PathToken>;  // empty = the whole document

// nullopt when `text` does not follow the grammar.
std::optional<JsonPath> ParseJsonPath(std::string_view text);

// The node the tokens lead to, nullptr when a step is missing or meets the wrong container.
const nlohmann::json* SelectJson(const nlohmann::json& doc, std::span<const PathToken> path);

enum class JsonEdit : uint8_t {
  kDone,
  kMissing,     // the parent does not exist, is not the right container, or (erase) no target
  kOutOfRange,  // set: array index outside the array
};

// Sets the node at a non-empty `path`: creates or replaces an object member, replaces an
// array element (never appends).
JsonEdit SetJsonAt(nlohmann::json& doc, const JsonPath& path, nlohmann::json value);

// Removes the node at a non-empty `path`.
JsonEdit EraseJsonAt(nlohmann::json& doc, const JsonPath& path);

}  // namespace flod::engine::kv
