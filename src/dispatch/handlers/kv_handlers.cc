// KV handlers: unpack the Request, call the KV engine of the owning shard, return its Result.
// Operations that carry a txn_id option go to the transaction's buffered variants.

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "flod/core/limits.h"
#include "flod/core/shard_key.h"
#include "flod/dispatch/handler_table.h"
#include "merges.h"

namespace flod::dispatch {
namespace {

bool InTxn(const Request& request) { return request.options.txn_id.has_value(); }

// Keys written inside a transaction must live on the transaction's shard.
std::optional<Result> CheckTxnKey(const ShardContext& shard, const Request& request) {
  if (ShardOf(request.ns, request.key, shard.shard_count) == shard.shard_id) return std::nullopt;
  return Result::Error(Status::kBadRequest,
                       "kv_txn_cross_shard: key is not in the transaction's partition");
}

engine::KvPutOptions PutOptionsOf(const Request& request) {
  const Options& o = request.options;
  return engine::KvPutOptions{.ttl_ms = o.ttl_ms,
                              .cas_version = o.cas_version,
                              .if_not_exists = o.if_not_exists,
                              .if_exists = o.if_exists,
                              .keep_ttl = o.keep_ttl,
                              .return_old = o.return_old};
}

Result HandleKvPut(ShardContext& shard, Request& request) {
  if (InTxn(request)) {
    if (auto error = CheckTxnKey(shard, request)) return *error;
    return shard.kv.TxnPut(*request.options.txn_id, request.ns, request.key, request.value,
                           PutOptionsOf(request));
  }
  return shard.kv.Put(request.ns, request.key, request.value, PutOptionsOf(request),
                      shard.changes);
}

// wait_ms: answer once the key's version differs from the one seen on the first run
// (a delete counts as a change and answers not-found). Timeout answers not-found.
Result Watch(ShardContext& shard, Request& request) {
  WaitState& wait = request.wait;
  const uint64_t version = shard.kv.VersionOf(request.ns, request.key);
  if (!wait.armed) {
    wait.armed = true;
    wait.observed = version;
  } else if (version != wait.observed) {
    return shard.kv.Get(request.ns, request.key);
  }
  if (wait.may_park) return Result::Pending();
  return Result::Error(Status::kNotFound, {});
}

Result HandleKvGet(ShardContext& shard, Request& request) {
  if (InTxn(request)) {
    if (auto error = CheckTxnKey(shard, request)) return *error;
    return shard.kv.TxnGet(*request.options.txn_id, request.ns, request.key);
  }
  if (request.options.wait_ms.value_or(0) > 0) return Watch(shard, request);
  Result result = shard.kv.Get(request.ns, request.key);
  const bool blocking = request.options.block_ms.value_or(0) > 0;
  if (result.status == Status::kNotFound && blocking && request.wait.may_park) {
    return Result::Pending();
  }
  return result;
}

// Every shard answers for the keys it owns, in request order; Merge picks each key's owner.
Result HandleKvMget(ShardContext& shard, Request& request) {
  MGetBody body;
  body.items.resize(request.args.keys.size());
  for (size_t i = 0; i < request.args.keys.size(); ++i) {
    const std::string& key = request.args.keys[i];
    MGetItem& item = body.items[i];
    item.key = key;
    if (ShardOf(request.ns, key, shard.shard_count) != shard.shard_id) continue;
    Result found = shard.kv.Get(request.ns, key);
    if (auto* value = std::get_if<ValueBody>(&found.body)) {
      item.found = true;
      item.version = value->version;
      item.kind = value->kind;
      item.value = std::move(value->value);
    }
  }
  return Result::Ok(std::move(body));
}

Result MergeKvMget(const Request& request, std::vector<Result>& parts) {
  MGetBody merged;
  merged.items.reserve(request.args.keys.size());
  const auto shard_count = static_cast<uint32_t>(parts.size());
  for (size_t i = 0; i < request.args.keys.size(); ++i) {
    const uint32_t owner = ShardOf(request.ns, request.args.keys[i], shard_count);
    auto& part = std::get<MGetBody>(parts[owner].body);
    merged.items.push_back(std::move(part.items[i]));
  }
  return Result::Ok(std::move(merged));
}

uint32_t ScanLimitOf(const Request& request) {
  const uint32_t limit = request.options.limit.value_or(0);
  if (limit == 0) return kDefaultScanLimit;
  return std::min(limit, kMaxScanLimit);
}

Result HandleKvScan(ShardContext& shard, Request& request) {
  return shard.kv.Scan(request.ns, engine::KvScanOptions{.prefix = request.key,
                                                         .after = request.args.cursor,
                                                         .limit = ScanLimitOf(request),
                                                         .keys_only = request.options.keys_only,
                                                         .pattern = request.args.pattern});
}

// Each shard returned its first `limit` keys after the cursor in key order; the page is the
// first `limit` of their union, so the next page resumes after its last key on every shard.
Result MergeKvScan(const Request& request, std::vector<Result>& parts) {
  ScanBody merged;
  for (Result& part : parts) {
    if (!part.ok()) return std::move(part);
    auto& body = std::get<ScanBody>(part.body);
    merged.has_more = merged.has_more || body.has_more;
    std::move(body.items.begin(), body.items.end(), std::back_inserter(merged.items));
  }
  std::sort(merged.items.begin(), merged.items.end(),
            [](const ScanItem& a, const ScanItem& b) { return a.key < b.key; });
  const uint32_t limit = ScanLimitOf(request);
  if (merged.items.size() > limit) {
    merged.items.resize(limit);
    merged.has_more = true;
  }
  if (merged.has_more && !merged.items.empty()) merged.cursor = merged.items.back().key;
  if (merged.items.empty()) merged.has_more = false;
  return Result::Ok(std::move(merged));
}

Result HandleKvHistory(ShardContext& shard, Request& request) {
  return shard.kv.History(request.ns, request.key, request.options.limit.value_or(0));
}

Result HandleKvIncr(ShardContext& shard, Request& request) {
  if (InTxn(request)) {
    if (auto error = CheckTxnKey(shard, request)) return *error;
    return shard.kv.TxnIncr(*request.options.txn_id, request.ns, request.key, request.args.delta);
  }
  return shard.kv.Incr(request.ns, request.key, request.args.delta, shard.changes);
}

Result HandleKvDelete(ShardContext& shard, Request& request) {
  if (InTxn(request)) {
    if (auto error = CheckTxnKey(shard, request)) return *error;
    return shard.kv.TxnDelete(*request.options.txn_id, request.ns, request.key);
  }
  return shard.kv.Delete(request.ns, request.key, request.options.cas_version, shard.changes);
}

Result TouchWithTtl(ShardContext& shard, Request& request, uint64_t ttl_ms) {
  if (InTxn(request)) {
    if (auto error = CheckTxnKey(shard, request)) return *error;
    return shard.kv.TxnTouch(*request.options.txn_id, request.ns, request.key, ttl_ms);
  }
  return shard.kv.Touch(request.ns, request.key, ttl_ms, request.options.cas_version,
                        shard.changes);
}

Result HandleKvTouch(ShardContext& shard, Request& request) {
  return TouchWithTtl(shard, request, request.options.ttl_ms.value_or(0));
}

// Answers CountBody{1} when an expiry was cleared, {0} when the key had none.
Result HandleKvPersist(ShardContext& shard, Request& request) {
  if (InTxn(request)) return TouchWithTtl(shard, request, 0);
  return shard.kv.Persist(request.ns, request.key, request.options.cas_version, shard.changes);
}

Result HandleKvExists(ShardContext& shard, Request& request) {
  if (InTxn(request)) {
    if (auto error = CheckTxnKey(shard, request)) return *error;
    return shard.kv.TxnExists(*request.options.txn_id, request.ns, request.key);
  }
  return shard.kv.Exists(request.ns, request.key);
}

Result HandleKvJsonGet(ShardContext& shard, Request& request) {
  return shard.kv.JsonGet(request.ns, request.key, request.args.path);
}

Result HandleKvJsonSet(ShardContext& shard, Request& request) {
  const Options& o = request.options;
  const engine::JsonSetIf condition = o.if_not_exists ? engine::JsonSetIf::kMissing
                                      : o.if_exists   ? engine::JsonSetIf::kExists
                                                      : engine::JsonSetIf::kAlways;
  return shard.kv.JsonSet(request.ns, request.key, request.args.path, request.value,
                          shard.changes, condition);
}

Result HandleKvJsonDel(ShardContext& shard, Request& request) {
  return shard.kv.JsonDel(request.ns, request.key, request.args.path, shard.changes);
}

Result HandleKvTxnBegin(ShardContext& shard, Request& request) {
  const std::string& routing_key =
      request.options.routing_key ? *request.options.routing_key : request.key;
  return shard.kv.TxnBegin(request.ns, ShardHash(request.ns, routing_key));
}

std::optional<Result> RequireTxnId(const Request& request) {
  if (InTxn(request)) return std::nullopt;
  return Result::Error(Status::kBadRequest, "txn_id option is required");
}

Result HandleKvTxnCommit(ShardContext& shard, Request& request) {
  if (auto error = RequireTxnId(request)) return *error;
  Result result = shard.kv.TxnCommit(*request.options.txn_id, request.ns, shard.changes);
  if (result.ok()) shard.WakeFamily(Family::kKv);
  return result;
}

Result HandleKvTxnRollback(ShardContext& shard, Request& request) {
  if (auto error = RequireTxnId(request)) return *error;
  return shard.kv.TxnRollback(*request.options.txn_id, request.ns);
}

// ---- Keyspace ops (multi-key and whole-namespace; Redis commands use them) ----------------
// The multi-key ops are kSplitKeys: the part a shard runs lists only the keys it owns.

// Each shard counts its listed keys (a key listed twice counts twice, as in Redis).
Result HandleKvExistsMany(ShardContext& shard, Request& request) {
  uint64_t present = 0;
  for (const std::string& key : request.args.keys) {
    Result found = shard.kv.Exists(request.ns, key);
    if (!found.ok()) return found;
    if (std::get<ExistsBody>(found.body).present) ++present;
  }
  return Result::Ok(CountBody{present});
}

Result HandleKvDeleteMany(ShardContext& shard, Request& request) {
  uint64_t deleted = 0;
  for (const std::string& key : request.args.keys) {
    Result result = shard.kv.Delete(request.ns, key, std::nullopt, shard.changes);
    if (result.ok()) {
      ++deleted;
    } else if (result.status != Status::kNotFound) {
      return result;
    }
  }
  return Result::Ok(CountBody{deleted});
}

// Plain puts (no TTL kept), atomic on each shard but not across shards.
Result HandleKvMset(ShardContext& shard, Request& request) {
  return shard.kv.PutMany(request.ns, request.args.keys, request.args.values, shard.changes);
}

Result HandleKvKeyInfo(ShardContext& shard, Request& request) {
  return shard.kv.KeyInfo(request.ns, request.key);
}

Result HandleKvKeys(ShardContext& shard, Request& request) {
  return shard.kv.Keys(request.ns, request.args.pattern);
}

Result HandleKvCount(ShardContext& shard, Request& request) { return shard.kv.Count(request.ns); }

Result MergeKvCount(const Request&, std::vector<Result>& parts) {
  KeyspaceBody total;
  for (Result& part : parts) {
    if (!part.ok()) return std::move(part);
    const auto& body = std::get<KeyspaceBody>(part.body);
    total.keys += body.keys;
    total.expires += body.expires;
  }
  return Result::Ok(total);
}

// An empty namespace clears every namespace.
Result HandleKvClear(ShardContext& shard, Request& request) {
  Result result = shard.kv.Clear(request.ns, shard.changes);
  if (result.ok()) shard.WakeFamily(Family::kKv);
  return result;
}

}  // namespace

void RegisterKvHandlers(HandlerTable& table) {
  table.Register(Op::kKvPut, HandleKvPut);
  table.Register(Op::kKvGet, HandleKvGet);
  table.Register(Op::kKvMget, HandleKvMget, MergeKvMget);
  table.Register(Op::kKvDelete, HandleKvDelete);
  table.Register(Op::kKvScan, HandleKvScan, MergeKvScan);
  table.Register(Op::kKvHistory, HandleKvHistory);
  table.Register(Op::kKvIncr, HandleKvIncr);
  table.Register(Op::kKvJsonGet, HandleKvJsonGet);
  table.Register(Op::kKvJsonSet, HandleKvJsonSet);
  table.Register(Op::kKvJsonDel, HandleKvJsonDel);
  table.Register(Op::kKvTxnBegin, HandleKvTxnBegin);
  table.Register(Op::kKvTxnCommit, HandleKvTxnCommit);
  table.Register(Op::kKvTxnRollback, HandleKvTxnRollback);
  table.Register(Op::kKvTouch, HandleKvTouch);
  table.Register(Op::kKvPersist, HandleKvPersist);
  table.Register(Op::kKvExists, HandleKvExists);
  table.Register(Op::kKvExistsMany, HandleKvExistsMany, MergeCounts);
  table.Register(Op::kKvDeleteMany, HandleKvDeleteMany, MergeCounts);
  table.Register(Op::kKvMset, HandleKvMset, MergeCounts);
  table.Register(Op::kKvKeyInfo, HandleKvKeyInfo);
  table.Register(Op::kKvKeys, HandleKvKeys, MergeNameLists);
  table.Register(Op::kKvCount, HandleKvCount, MergeKvCount);
  table.Register(Op::kKvClear, HandleKvClear, MergeFirstError);
}

}  // namespace flod::dispatch
