#pragma once
// Redis clients page SCAN with numeric cursors ("0" starts and ends a scan); flod's scans
// resume after a key. One table per connection maps the numbers it handed out to those
// keys, so paging never skips a key whatever changes between pages. Pure.

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>

namespace flod::codec::resp {

class ScanCursors {
 public:
  // Cursors a connection may keep open at once; the oldest is forgotten beyond this.
  static constexpr size_t kCapacity = 1024;

  // The number to answer for a page that continues after `key` (never 0).
  uint64_t Remember(std::string key);
  // The key a cursor continues after: "" for 0, nullopt for a number never handed out or
  // already forgotten.
  std::optional<std::string> Find(uint64_t cursor) const;
  size_t size() const { return entries_.size(); }

 private:
  std::deque<std::pair<uint64_t, std::string>> entries_;
  uint64_t next_ = 1;
};

}  // namespace flod::codec::resp
