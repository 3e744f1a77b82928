#pragma once
// Per-shard transactions: the table of open transactions and the staging rules that judge
// buffered ops. Staging runs the same rules as plain writes (kv_rules.h) against a private
// view of each key, so both a commit and a read inside the transaction see earlier ops of
// the same transaction.

#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/kv/kv_changes.h"
#include "engine/kv/kv_rules.h"
#include "flod/core/expected.h"
#include "flod/engine/kv/kv_engine.h"

namespace flod::engine::kv {

struct TxnOp {
  enum class Type : uint8_t { kPut, kDelete, kIncr, kTouch };
  Type type = Type::kPut;
  std::string key;
  std::string value;     // put
  KvPutOptions options;  // put; return_old is meaningless inside a transaction
  int64_t delta = 0;     // incr
  uint64_t ttl_ms = 0;   // touch; 0 clears the expiry
};

struct Txn {
  std::string ns;
  uint64_t pinned_hash = 0;
  std::vector<TxnOp> ops;
  size_t bytes = 0;  // buffered keys and values, against kMaxTxnBytes
  int64_t last_used_ms = 0;
  std::list<uint64_t>::iterator lru_position;
};

// Open transactions of one shard. Ids are unique for the life of the table.
class TxnTable {
 public:
  uint64_t Begin(std::string_view ns, uint64_t pinned_hash, int64_t now_ms);
  Txn* Find(uint64_t id);
  const Txn* Find(uint64_t id) const;
  // Marks `txn` as used now (it moves to the back of the idle order).
  void MarkUsed(Txn& txn, int64_t now_ms);
  void Erase(uint64_t id);
  // Drops transactions unused for more than `idle_ms`; returns how many.
  size_t DropIdle(int64_t now_ms, int64_t idle_ms);
  size_t size() const { return txns_.size(); }

 private:
  std::unordered_map<uint64_t, Txn> txns_;
  std::list<uint64_t> lru_;  // least recently used first
  uint64_t next_id_ = 1;
};

// One key as a transaction sees it: committed state overlaid with its earlier ops.
struct StagedKey {
  bool live = false;
  uint64_t version = 0;
  ValueKind kind = ValueKind::kBytes;
  std::string value;
  int64_t expire_at_ms = 0;

  static StagedKey From(const KeyState& state);
  KeyState state() const;
};

// Runs `op` against `key` at now_ms. On success updates `key` and returns the op's effect
// (nullopt when it changes nothing, e.g. deleting a missing key); a value write gets
// `version`. The Change views `ns`, `op` and `key`: encode it before staging the next op.
Expected<std::optional<Change>> StageOp(std::string_view ns, const TxnOp& op, StagedKey& key,
                                        int64_t now_ms, uint64_t version);

}  // namespace flod::engine::kv
