#include "flod/dispatch/dispatcher.h"

#include <string>

#include "flod/core/limits.h"
#include "flod/core/shard_key.h"
#include "flod/dispatch/handler_table.h"
#include "name_types.h"

namespace flod::dispatch {

namespace {

// The one shard owning every key of a multi-key request, if there is one.
std::optional<uint32_t> SoleOwner(const Request& request, uint32_t shard_count) {
  const std::vector<std::string>& keys = request.args.keys;
  if (keys.empty()) return std::nullopt;
  const uint32_t owner = ShardOf(request.ns, keys[0], shard_count);
  for (size_t i = 1; i < keys.size(); ++i) {
    if (ShardOf(request.ns, keys[i], shard_count) != owner) return std::nullopt;
  }
  return owner;
}

}  // namespace

Route RouteOf(const Request& request, uint32_t shard_count) {
  if (HasFlag(request.op, op_flags::kLocal)) return {Route::Kind::kLocal, 0};
  if (HasFlag(request.op, op_flags::kFanOut)) {
    // A multi-key op whose keys all live on one shard needs no fan-out: that shard's part is
    // the whole answer (every merge of one real part and empty ones gives that part).
    if (auto owner = SoleOwner(request, shard_count)) return {Route::Kind::kOwner, *owner};
    return {Route::Kind::kAll, 0};
  }
  // A transaction lives on the shard of its routing key; every op inside it goes there.
  const std::string& name =
      request.options.routing_key ? *request.options.routing_key : request.key;
  return {Route::Kind::kOwner, ShardOf(request.ns, name, shard_count)};
}

namespace {

std::string_view MissingNameMessage(Op op) {
  switch (InfoOf(op).family) {
    case Family::kQueue: return "queue name is required";
    case Family::kStream: return "stream name is required";
    case Family::kKv: return "key is required";
    case Family::kSystem: break;
  }
  return "name is required";
}

}  // namespace

std::optional<Result> Validate(const Request& request) {
  if (request.ns.size() > kMaxNamespaceBytes) {
    return Result::Error(Status::kBadRequest, "namespace longer than 255 bytes");
  }
  if (request.key.empty() && !HasFlag(request.op, op_flags::kKeyless)) {
    return Result::Error(Status::kBadRequest, std::string(MissingNameMessage(request.op)));
  }
  if (request.key.size() > kMaxKeyBytes) {
    return Result::Error(Status::kBadRequest, "key longer than 65535 bytes");
  }
  if (request.value.size() > kMaxValueBytes) {
    return Result::Error(Status::kBadRequest, "value larger than 16 MiB");
  }
  return std::nullopt;
}

Result Execute(ShardContext& shard, Request& request) {
  if (std::optional<Result> clash = CheckOneTypePerName(shard, request)) return *clash;
  Result result = Handlers().Find(request.op).run(shard, request);
  if (result.ok() && HasFlag(request.op, op_flags::kWrite)) {
    shard.Wake(InfoOf(request.op).family, request.ns, request.key);
  }
  if (result.status == Status::kPending &&
      (!HasFlag(request.op, op_flags::kMayBlock) || !request.wait.may_park)) {
    return Result::Error(Status::kInternal,
                         std::string(NameOf(request.op)) + " asked to park but may not");
  }
  return result;
}

Request PartFor(const Request& request, uint32_t shard, uint32_t shard_count) {
  if (!HasFlag(request.op, op_flags::kSplitKeys)) return request;
  Request part;
  part.op = request.op;
  part.ns = request.ns;
  part.key = request.key;
  part.value = request.value;
  part.options = request.options;
  part.wait = request.wait;
  const std::vector<std::string>& keys = request.args.keys;
  const std::vector<std::string>& values = request.args.values;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (ShardOf(request.ns, keys[i], shard_count) != shard) continue;
    part.args.keys.push_back(keys[i]);
    if (i < values.size()) part.args.values.push_back(values[i]);
  }
  return part;
}

Result Merge(const Request& request, std::vector<Result>& parts) {
  return Handlers().Find(request.op).merge(request, parts);
}

}  // namespace flod::dispatch
