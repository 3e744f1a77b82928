#pragma once
// The KV engine of one shard: values with per-key versions, MVCC history, TTL, CAS, counters,
// JSON documents, prefix scans with cursors and per-shard transactions. Pure: no I/O, time
// from the injected clock. Every mutation reports one WAL record to the ChangeSink it is
// given (the effect, with absolute expiry and assigned version), and Replay() applies such a
// record through the same code path, so recovery reproduces the live state exactly.
//
// Not thread-safe: one instance per shard, used only from that shard's thread.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flod/core/change_sink.h"
#include "flod/core/clock.h"
#include "flod/core/result.h"

namespace flod::engine {

struct KvConfig {
  uint32_t history_versions = 8;  // versions kept per key, the current one included
};

struct KvPutOptions {
  std::optional<uint64_t> ttl_ms;       // relative; 0 = no expiry
  std::optional<uint64_t> cas_version;  // 0 = key must not exist
  bool if_not_exists = false;
  bool if_exists = false;
  bool keep_ttl = false;    // keep the current expiry instead of clearing it
  bool return_old = false;  // answer PutOldValueBody instead of VersionBody
  ValueKind kind = ValueKind::kBytes;
};

struct KvScanOptions {
  std::string_view prefix;
  std::string_view after;    // resume strictly after this key; empty = from the start
  uint32_t limit = 100;      // items returned (keys that pass the pattern)
  bool keys_only = false;
  std::string_view pattern;  // glob (flod/core/glob.h) keys must match; empty = every key
};

// Condition of a JSON write (RedisJSON NX / XX): on the key for the root path, on the
// addressed node for a sub-path.
enum class JsonSetIf : uint8_t { kAlways, kMissing, kExists };

class KvEngine {
 public:
  explicit KvEngine(const Clock& clock, KvConfig config = {});
  ~KvEngine();
  KvEngine(const KvEngine&) = delete;
  KvEngine& operator=(const KvEngine&) = delete;

  // ---- Reads (an expired key is never returned) ----------------------------------------
  Result Get(std::string_view ns, std::string_view key) const;     // ValueBody | kNotFound
  Result Exists(std::string_view ns, std::string_view key) const;  // ExistsBody
  Result History(std::string_view ns, std::string_view key, uint32_t limit) const;  // HistoryBody
  Result Scan(std::string_view ns, const KvScanOptions& options) const;  // ScanBody, sorted keys
  // Every live key of `ns` that matches the glob `pattern` (all keys when empty), sorted:
  // NameListBody. Walks the whole namespace unless the pattern starts with literal bytes.
  Result Keys(std::string_view ns, std::string_view pattern) const;
  // Version, kind and time left of a live key: KeyInfoBody (ttl_ms -1 = no expiry), or
  // kNotFound.
  Result KeyInfo(std::string_view ns, std::string_view key) const;
  // Live keys of `ns` (all namespaces when empty) and how many of them expire: KeyspaceBody.
  Result Count(std::string_view ns) const;
  Result JsonGet(std::string_view ns, std::string_view key, std::string_view path) const;
  // Current version of a live key, 0 when absent or expired (watchers compare it).
  uint64_t VersionOf(std::string_view ns, std::string_view key) const;
  // Live keys of one namespace (all namespaces when ns is empty).
  size_t Size(std::string_view ns) const;

  // ---- Writes ----------------------------------------------------------------------------
  // With return_old, a failed NX / XX / CAS precondition still carries PutOldValueBody
  // (version 0) so that callers can answer the current value (Redis SET ... NX GET).
  Result Put(std::string_view ns, std::string_view key, std::string_view value,
             const KvPutOptions& options, ChangeSink& changes);
  // Plain puts of keys[i] = values[i] (Redis MSET): any expiry is cleared, a key named twice
  // takes its last value, and each distinct key gets one new version. All or nothing, as
  // one WAL record: an invalid key or value fails the call before anything is written.
  // Answers CountBody{keys.size()}.
  Result PutMany(std::string_view ns, std::span<const std::string> keys,
                 std::span<const std::string> values, ChangeSink& changes);
  Result Delete(std::string_view ns, std::string_view key, std::optional<uint64_t> if_match,
                ChangeSink& changes);
  Result Incr(std::string_view ns, std::string_view key, int64_t delta, ChangeSink& changes);
  // ttl_ms 0 clears the expiry (persist).
  Result Touch(std::string_view ns, std::string_view key, uint64_t ttl_ms,
               std::optional<uint64_t> if_match, ChangeSink& changes);
  // Clears the expiry like Touch(ttl 0) and answers CountBody{1} when there was one to
  // clear, CountBody{0} when the key had none (Redis PERSIST).
  Result Persist(std::string_view ns, std::string_view key, std::optional<uint64_t> if_match,
                 ChangeSink& changes);
  // A failed `condition` → kConflict, nothing written.
  Result JsonSet(std::string_view ns, std::string_view key, std::string_view path,
                 std::string_view json, ChangeSink& changes,
                 JsonSetIf condition = JsonSetIf::kAlways);
  Result JsonDel(std::string_view ns, std::string_view key, std::string_view path,
                 ChangeSink& changes);
  // Removes every key of a namespace (all namespaces when ns is empty).
  Result Clear(std::string_view ns, ChangeSink& changes);

  // ---- Transactions (per shard) ---------------------------------------------------------
  // Opens a transaction bound to `ns`; pinned_hash is echoed in the answer (TxnBeginBody).
  Result TxnBegin(std::string_view ns, uint64_t pinned_hash);
  // Inside a transaction, writes are buffered and answered at once (put → version 0,
  // incr → [0][delta] as CounterBody{0, delta}); reads see the transaction's own writes.
  Result TxnPut(uint64_t txn_id, std::string_view ns, std::string_view key, std::string_view value,
                const KvPutOptions& options);
  Result TxnDelete(uint64_t txn_id, std::string_view ns, std::string_view key);
  Result TxnIncr(uint64_t txn_id, std::string_view ns, std::string_view key, int64_t delta);
  Result TxnTouch(uint64_t txn_id, std::string_view ns, std::string_view key, uint64_t ttl_ms);
  Result TxnGet(uint64_t txn_id, std::string_view ns, std::string_view key) const;
  Result TxnExists(uint64_t txn_id, std::string_view ns, std::string_view key) const;
  // Applies every buffered op atomically as one WAL record (TxnCommitBody), or none of them.
  Result TxnCommit(uint64_t txn_id, std::string_view ns, ChangeSink& changes);
  Result TxnRollback(uint64_t txn_id, std::string_view ns);

  // ---- Maintenance -----------------------------------------------------------------------
  // Frees up to `budget` expired keys; returns how many were freed. No WAL record: expiry
  // times are absolute, so replay reaches the same visible state.
  size_t ReclaimExpired(size_t budget);
  // Applies one record that this engine reported earlier. Returns false for a record it
  // cannot decode (the caller treats that as corruption); such a record changes nothing.
  bool Replay(uint16_t type, std::string_view payload);
  // Emits records that rebuild the whole live state when replayed, in order, into an empty
  // engine: the version counter first, then every live key with its history (oldest version
  // first) and its expiry. Expired keys are left out.
  void WriteSnapshot(ChangeSink& out) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace flod::engine
