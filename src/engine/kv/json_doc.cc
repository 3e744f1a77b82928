#include "engine/kv/json_doc.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace flod::engine::kv {

size_t JsonNestingDepth(std::string_view text) {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

bool IsJsonDocument(std::string_view text) {
  return JsonNestingDepth(text) <= kMaxJsonDepth && nlohmann::json::accept(text);
}

bool ParseJsonDocument(std::string_view text, nlohmann::json& out) {
  if (JsonNestingDepth(text) > kMaxJsonDepth) return false;
  out = nlohmann::json::parse(text, /*cb=*/nullptr, /*allow_exceptions=*/false);
  return !out.is_discarded();
}

std::string DumpJson(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace flod::engine::kv
