#include "flod/codec/resp/scan_cursors.h"

namespace flod::codec::resp {

uint64_t ScanCursors::Remember(std::string key) {
  // A client that reuses one cursor keeps paging from the same key, so a number is never
  // reused: it always names the same position.
  const uint64_t cursor = next_++;
  entries_.emplace_back(cursor, std::move(key));
  if (entries_.size() > kCapacity) entries_.pop_front();
  return cursor;
}

std::optional<std::string> ScanCursors::Find(uint64_t cursor) const {
  if (cursor == 0) return std::string();
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (it->first == cursor) return it->second;
  }
  return std::nullopt;
}

}  // namespace flod::codec::resp
