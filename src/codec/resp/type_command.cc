// TYPE: a name may be a KV key, a stream or a queue (docs/protocol-resp.md §4). The three
// engines of one name share a shard, so the three questions go out together and answer in
// order; a key wins over a stream, a stream over a queue (only Flo can make more than one).

#include <memory>
#include <string>

#include "flow_util.h"
#include "kv_commands.h"

namespace flod::codec::resp {
namespace {

class TypeFlow final : public CommandFlow {
 public:
  explicit TypeFlow(std::string key) : key_(std::move(key)) {}

  void Start(FlowRunner& runner) override {
    runner.Submit(MakeRequest(Op::kKvKeyInfo, key_), kKey);
    runner.Submit(MakeRequest(Op::kStreamInfo, key_), kStream);
    runner.Submit(MakeRequest(Op::kQueueStats, key_), kQueue);
  }

  void OnResult(FlowRunner& runner, uint32_t tag, Result& result) override {
    results_[tag] = std::move(result);
    if (++arrived_ < 3) return;
    for (const Result& part : results_) {
      if (!part.ok() && part.status != Status::kNotFound) return FinishWithError(runner, part);
    }
    std::string_view type = "none";
    const auto* stats = OkBody<QueueStatsBody>(results_[kQueue]);
    if (const auto* key = OkBody<KeyInfoBody>(results_[kKey])) {
      type = key->kind == ValueKind::kJson ? "ReJSON-RL" : "string";
    } else if (results_[kStream].ok()) {
      type = "stream";
    } else if (stats != nullptr && stats->enqueued_total > 0) {
      type = "list";
    }
    FinishWith(runner, [&](RespWriter& out) { out.Simple(type); });
  }

 private:
  static constexpr uint32_t kKey = 0;
  static constexpr uint32_t kStream = 1;
  static constexpr uint32_t kQueue = 2;
  std::string key_;
  Result results_[3];
  int arrived_ = 0;
};

}  // namespace

std::unique_ptr<CommandFlow> MakeType(CommandContext&, Args args, RespWriter&) {
  return std::make_unique<TypeFlow>(std::string(args[1]));
}

}  // namespace flod::codec::resp
