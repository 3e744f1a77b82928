#include "engine/kv/json_path.h"

#include <charconv>
#include <nlohmann/json.hpp>
#include <utility>

namespace flod::engine::kv {
namespace {

class PathParser {
 public:
  explicit PathParser(std::string_view text) : text_(text) {}

  bool Parse(JsonPath& out) {
    if (text_.empty()) return true;
    if (text_.front() == '$') {
      pos_ = 1;
    } else if (text_.front() != '.' && text_.front() != '[' && !ReadName(out)) {
      return false;
    }
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      bool ok = c == '.' ? ReadName(out) : c == '[' ? ReadBracket(out) : false;
      if (!ok) return false;
    }
    return true;
  }

 private:
  bool ReadName(JsonPath& out) {
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != '.' && text_[pos_] != '[' && text_[pos_] != ']') {
      ++pos_;
    }
    if (pos_ == start) return false;
    out.push_back(PathToken{std::string(text_.substr(start, pos_ - start)), 0, false});
    return true;
  }

  bool ReadBracket(JsonPath& out) {
    if (pos_ >= text_.size()) return false;
    bool ok = text_[pos_] == '\'' || text_[pos_] == '"' ? ReadQuoted(out) : ReadIndex(out);
    if (!ok || pos_ >= text_.size() || text_[pos_] != ']') return false;
    ++pos_;
    return true;
  }

  bool ReadQuoted(JsonPath& out) {
    char quote = text_[pos_++];
    std::string name;
    while (pos_ < text_.size()) {
      char c = text_[pos_++];
      if (c == quote) {
        out.push_back(PathToken{std::move(name), 0, false});
        return true;
      }
      if (c == '\\') {
        if (pos_ >= text_.size()) return false;
        c = text_[pos_++];
      }
      name.push_back(c);
    }
    return false;
  }

  bool ReadIndex(JsonPath& out) {
    const char* begin = text_.data() + pos_;
    const char* end = text_.data() + text_.size();
    int64_t index = 0;
    auto [stop, error] = std::from_chars(begin, end, index);
    if (error != std::errc() || stop == begin) return false;
    pos_ += static_cast<size_t>(stop - begin);
    out.push_back(PathToken{{}, index, true});
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

// Position of `index` in an array of `size` elements; negative indexes count from the end.
std::optional<size_t> Resolve(int64_t index, size_t size) {
  int64_t signed_size = static_cast<int64_t>(size);
  if (index < 0) index += signed_size;
  if (index < 0 || index >= signed_size) return std::nullopt;
  return static_cast<size_t>(index);
}

template <typename Json>
Json* Step(Json& node, const PathToken& token) {
  if (token.is_index) {
    if (!node.is_array()) return nullptr;
    std::optional<size_t> at = Resolve(token.index, node.size());
    return at ? &node[*at] : nullptr;
  }
  if (!node.is_object()) return nullptr;
  auto it = node.find(token.name);
  return it == node.end() ? nullptr : &*it;
}

template <typename Json>
Json* Walk(Json& doc, std::span<const PathToken> path) {
  Json* node = &doc;
  for (const PathToken& token : path) {
    node = Step(*node, token);
    if (node == nullptr) return nullptr;
  }
  return node;
}

}  // namespace

std::optional<JsonPath> ParseJsonPath(std::string_view text) {
  JsonPath path;
  if (!PathParser(text).Parse(path)) return std::nullopt;
  return path;
}

const nlohmann::json* SelectJson(const nlohmann::json& doc, std::span<const PathToken> path) {
  return Walk(doc, path);
}

JsonEdit SetJsonAt(nlohmann::json& doc, const JsonPath& path, nlohmann::json value) {
  std::span<const PathToken> tokens(path);
  nlohmann::json* parent = Walk(doc, tokens.first(tokens.size() - 1));
  if (parent == nullptr) return JsonEdit::kMissing;
  const PathToken& last = path.back();
  if (last.is_index) {
    if (!parent->is_array()) return JsonEdit::kMissing;
    std::optional<size_t> at = Resolve(last.index, parent->size());
    if (!at) return JsonEdit::kOutOfRange;
    (*parent)[*at] = std::move(value);
    return JsonEdit::kDone;
  }
  if (!parent->is_object()) return JsonEdit::kMissing;
  (*parent)[last.name] = std::move(value);
  return JsonEdit::kDone;
}

JsonEdit EraseJsonAt(nlohmann::json& doc, const JsonPath& path) {
  std::span<const PathToken> tokens(path);
  nlohmann::json* parent = Walk(doc, tokens.first(tokens.size() - 1));
  if (parent == nullptr) return JsonEdit::kMissing;
  const PathToken& last = path.back();
  if (last.is_index) {
    if (!parent->is_array()) return JsonEdit::kMissing;
    std::optional<size_t> at = Resolve(last.index, parent->size());
    if (!at) return JsonEdit::kMissing;
    parent->erase(*at);
    return JsonEdit::kDone;
  }
  if (!parent->is_object()) return JsonEdit::kMissing;
  return parent->erase(last.name) > 0 ? JsonEdit::kDone : JsonEdit::kMissing;
}

}  // namespace flod::engine::kv
