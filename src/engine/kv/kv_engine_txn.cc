// KvEngine: per-shard transactions. Ops are buffered and answered at once; TxnCommit stages
// them in order against the current state with the rules plain writes use, then applies
// them all as one batch record, or nothing when any op fails.

#include <string>
#include <unordered_map>
#include <utility>

#include "engine/kv/kv_engine_state.h"
#include "flod/core/limits.h"
#include "flod/engine/kv/kv_engine.h"

namespace flod::engine {
namespace {

Result Fail(Status status, std::string_view message) {
  return Result::Error(status, std::string(message));
}

// The open transaction `id` if it belongs to `ns` (const or mutable, as the table).
template <typename Table>
auto FindTxn(Table& txns, uint64_t id, std::string_view ns) -> Expected<decltype(txns.Find(id))> {
  auto* txn = txns.Find(id);
  if (txn == nullptr) return Fail(Status::kNotFound, "transaction not found");
  if (txn->ns != ns) return Fail(Status::kBadRequest, "transaction belongs to another namespace");
  return txn;
}

bool Touches(const kv::Txn& txn, std::string_view key) {
  for (const kv::TxnOp& op : txn.ops) {
    if (op.key == key) return true;
  }
  return false;
}

}  // namespace

std::optional<Result> KvEngine::State::BufferTxnOp(uint64_t txn_id, std::string_view ns,
                                                   kv::TxnOp op) {
  auto found = FindTxn(txns, txn_id, ns);
  if (!found) return std::move(found.error());
  if (auto error = kv::CheckKey(ns, op.key)) return error;
  if (op.type == kv::TxnOp::Type::kPut) {
    if (auto error = kv::CheckValue(op.value, op.options.kind)) return error;
  }
  kv::Txn& txn = **found;
  if (txn.ops.size() >= kMaxTxnOps) {
    return Fail(Status::kBadRequest, "transaction has too many operations");
  }
  size_t bytes = op.key.size() + op.value.size();
  if (txn.bytes + bytes > kMaxTxnBytes) {
    return Fail(Status::kBadRequest, "transaction payload is too large");
  }
  txn.bytes += bytes;
  txn.ops.push_back(std::move(op));
  txns.MarkUsed(txn, Now());
  return std::nullopt;
}

Result KvEngine::TxnBegin(std::string_view ns, uint64_t pinned_hash) {
  if (ns.size() > kMaxNamespaceBytes) return Fail(Status::kBadRequest, "namespace is too long");
  uint64_t id = state_->txns.Begin(ns, pinned_hash, state_->Now());
  return Result::Ok(TxnBeginBody{id, pinned_hash});
}

Result KvEngine::TxnPut(uint64_t txn_id, std::string_view ns, std::string_view key,
                        std::string_view value, const KvPutOptions& options) {
  kv::TxnOp op{kv::TxnOp::Type::kPut, std::string(key), std::string(value), options, 0, 0};
  if (auto error = state_->BufferTxnOp(txn_id, ns, std::move(op))) return std::move(*error);
  return Result::Ok(VersionBody{0});
}

Result KvEngine::TxnDelete(uint64_t txn_id, std::string_view ns, std::string_view key) {
  kv::TxnOp op{kv::TxnOp::Type::kDelete, std::string(key), {}, {}, 0, 0};
  if (auto error = state_->BufferTxnOp(txn_id, ns, std::move(op))) return std::move(*error);
  return Result::Ok();
}

Result KvEngine::TxnIncr(uint64_t txn_id, std::string_view ns, std::string_view key,
                         int64_t delta) {
  kv::TxnOp op{kv::TxnOp::Type::kIncr, std::string(key), {}, {}, delta, 0};
  if (auto error = state_->BufferTxnOp(txn_id, ns, std::move(op))) return std::move(*error);
  return Result::Ok(CounterBody{0, delta});
}

Result KvEngine::TxnTouch(uint64_t txn_id, std::string_view ns, std::string_view key,
                          uint64_t ttl_ms) {
  kv::TxnOp op{kv::TxnOp::Type::kTouch, std::string(key), {}, {}, 0, ttl_ms};
  if (auto error = state_->BufferTxnOp(txn_id, ns, std::move(op))) return std::move(*error);
  return Result::Ok();
}

Result KvEngine::TxnGet(uint64_t txn_id, std::string_view ns, std::string_view key) const {
  auto txn = FindTxn(std::as_const(state_->txns), txn_id, ns);
  if (!txn) return std::move(txn.error());
  if (auto error = kv::CheckKey(ns, key)) return std::move(*error);
  if (!Touches(**txn, key)) return Get(ns, key);
  int64_t now = state_->Now();
  kv::StagedKey view = kv::StagedKey::From(kv::StateOf(state_->store.FindLive(ns, key, now)));
  // Buffered values show version 0; an op that would fail at commit is left out of the view.
  for (const kv::TxnOp& op : (*txn)->ops) {
    if (op.key == key) kv::StageOp(ns, op, view, now, 0);
  }
  if (!view.live) return Result::Error(Status::kNotFound, "key not found");
  return Result::Ok(ValueBody{view.version, view.kind, std::move(view.value)});
}

Result KvEngine::TxnExists(uint64_t txn_id, std::string_view ns, std::string_view key) const {
  Result got = TxnGet(txn_id, ns, key);
  if (got.status == Status::kNotFound && FindTxn(std::as_const(state_->txns), txn_id, ns)) {
    return Result::Ok(ExistsBody{0, false});
  }
  if (!got.ok()) return got;
  return Result::Ok(ExistsBody{std::get<ValueBody>(got.body).version, true});
}

Result KvEngine::TxnCommit(uint64_t txn_id, std::string_view ns, ChangeSink& changes) {
  State& s = *state_;
  auto found = FindTxn(s.txns, txn_id, ns);
  if (!found) return std::move(found.error());
  const kv::Txn& txn = **found;
  int64_t now = s.Now();
  uint64_t base = s.store.last_version();
  uint64_t assigned = 0;
  std::unordered_map<std::string_view, kv::StagedKey> staged;
  kv::BatchEncoder batch(s.record);
  for (const kv::TxnOp& op : txn.ops) {
    auto [slot, inserted] = staged.try_emplace(op.key);
    if (inserted) {
      slot->second = kv::StagedKey::From(kv::StateOf(s.store.FindLive(ns, op.key, now)));
    }
    auto effect = StageOp(ns, op, slot->second, now, base + assigned + 1);
    if (!effect) {
      s.txns.Erase(txn_id);  // a failed commit ends the transaction, as a rollback would
      return std::move(effect.error());
    }
    if (!*effect) continue;
    if (std::holds_alternative<kv::SetChange>(**effect)) ++assigned;
    batch.Add(**effect);
  }
  TxnCommitBody body{base + assigned, static_cast<uint16_t>(txn.ops.size())};
  s.txns.Erase(txn_id);
  if (batch.count() > 0) {
    if (!s.ApplyRecord(kv::kRecordBatch, s.record)) {
      return Fail(Status::kInternal, "transaction batch failed to decode");
    }
    changes.Append(kv::kRecordBatch, s.record);
  }
  return Result::Ok(body);
}

Result KvEngine::TxnRollback(uint64_t txn_id, std::string_view ns) {
  auto found = FindTxn(state_->txns, txn_id, ns);
  if (!found) return std::move(found.error());
  state_->txns.Erase(txn_id);
  return Result::Ok();
}

}  // namespace flod::engine
