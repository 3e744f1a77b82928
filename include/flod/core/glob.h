#pragma once
// Glob patterns as Redis clients write them (KEYS, SCAN MATCH, CONFIG GET):
//   *        any run of bytes, also empty
//   ?        exactly one byte
//   [abc]    one byte of the set; [^abc] one byte outside it; [a-z] a range (either order)
//   \x       the byte x itself, also inside a set
// Every other byte matches itself. A set left open runs to the end of the pattern. Matching
// is byte-wise and costs at most O(pattern × text), whatever the pattern.

#include <string>
#include <string_view>

namespace flod {

// True when `text` matches `pattern` as a whole. With `nocase`, ASCII letters match either case.
bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase = false);

// The bytes every match starts with: the pattern up to its first *, ? or [, with escapes
// resolved ("user:\*:*" → "user:*:"). Lets a scan over sorted keys start at the prefix.
std::string GlobLiteralPrefix(std::string_view pattern);

}  // namespace flod
