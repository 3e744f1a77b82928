#include "flod/core/glob.h"

namespace flod {
namespace {

char Fold(char c, bool nocase) {
  return nocase && c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool Same(char a, char b, bool nocase) { return Fold(a, nocase) == Fold(b, nocase); }

// Matches `c` against the set starting at pattern[pos] == '['. `end` receives the position
// after the set.
bool MatchSet(std::string_view pattern, size_t pos, char c, bool nocase, size_t& end) {
  size_t i = pos + 1;
  const bool negate = i < pattern.size() && pattern[i] == '^';
  if (negate) ++i;
  bool found = false;
  while (i < pattern.size() && pattern[i] != ']') {
    char low = pattern[i];
    if (low == '\\' && i + 1 < pattern.size()) low = pattern[++i];
    char high = low;
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      high = pattern[i + 2];
      if (high == '\\' && i + 3 < pattern.size()) high = pattern[++i + 2];
      i += 2;
    }
    ++i;
    if (low > high) std::swap(low, high);
    const char folded = Fold(c, nocase);
    const bool in_range = (c >= low && c <= high) ||
                          (nocase && folded >= Fold(low, true) && folded <= Fold(high, true));
    found = found || in_range;
  }
  end = i < pattern.size() ? i + 1 : i;
  return found != negate;
}

// Matches `c` against the single-byte token at pattern[pos] (anything but '*').
bool MatchToken(std::string_view pattern, size_t pos, char c, bool nocase, size_t& end) {
  switch (pattern[pos]) {
    case '?':
      end = pos + 1;
      return true;
    case '[':
      return MatchSet(pattern, pos, c, nocase, end);
    case '\\':
      if (pos + 1 < pattern.size()) {
        end = pos + 2;
        return Same(pattern[pos + 1], c, nocase);
      }
      end = pos + 1;
      return c == '\\';
    default:
      end = pos + 1;
      return Same(pattern[pos], c, nocase);
  }
}

}  // namespace

// Greedy matching that remembers only the last '*': when a later token fails, that star
// absorbs one more byte and matching resumes after it. Earlier stars never need revisiting,
// which bounds the work by pattern length × text length.
bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase) {
  size_t p = 0;
  size_t t = 0;
  size_t star = std::string_view::npos;  // pattern position after the last '*'
  size_t star_text = 0;                  // text position that star currently absorbs up to
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = ++p;
      star_text = t;
      continue;
    }
    size_t next = 0;
    if (p < pattern.size() && MatchToken(pattern, p, text[t], nocase, next)) {
      p = next;
      ++t;
      continue;
    }
    if (star == std::string_view::npos) return false;
    p = star;
    t = ++star_text;
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::string GlobLiteralPrefix(std::string_view pattern) {
  std::string prefix;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '*' || c == '?' || c == '[') break;
    if (c == '\\') {
      if (i + 1 == pattern.size()) break;  // a trailing backslash matches itself; stop here
      prefix.push_back(pattern[++i]);
      continue;
    }
    prefix.push_back(c);
  }
  return prefix;
}

}  // namespace flod
