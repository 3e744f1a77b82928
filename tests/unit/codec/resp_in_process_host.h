#pragma once
// In-process shards for the RESP command tests: the real handlers and engines, the
// dispatcher's routing and checks, a manual clock, and parking like the server's (a request
// that asks to wait is re-run after every write to a shard and answered when the clock
// passes its deadline). Several connections may share one set of shards, so a test can block
// on one and write on another. Single-threaded: everything runs inside the test's calls.

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flod/codec/resp/resp_processor.h"
#include "flod/core/change_sink.h"
#include "flod/core/clock.h"
#include "flod/core/limits.h"
#include "flod/dispatch/dispatcher.h"
#include "resp_test_support.h"

namespace flod::codec::resp::testing {

class InProcessShards {
 public:
  explicit InProcessShards(uint32_t count) {
    for (uint32_t i = 0; i < count; ++i) {
      shards_.push_back(std::make_unique<dispatch::ShardContext>(i, count, clock, sink_));
    }
  }

  void Run(Request request, std::function<void(Result&&)> done) {
    if (std::optional<Result> invalid = dispatch::Validate(request)) {
      done(std::move(*invalid));
      return;
    }
    const dispatch::Route route = dispatch::RouteOf(request, static_cast<uint32_t>(shards_.size()));
    if (route.kind == dispatch::Route::Kind::kAll) {
      std::vector<Result> parts;
      const auto count = static_cast<uint32_t>(shards_.size());
      for (uint32_t id = 0; id < count; ++id) {
        Request part = dispatch::PartFor(request, id, count);
        part.wait.may_park = false;
        parts.push_back(dispatch::Execute(*shards_[id], part));
      }
      done(dispatch::Merge(request, parts));
    } else {
      const uint32_t shard = route.kind == dispatch::Route::Kind::kLocal ? 0 : route.shard;
      Result result = dispatch::Execute(*shards_[shard], request);
      if (result.status == Status::kPending) {
        const uint32_t wait = std::min(
            std::max(request.options.block_ms.value_or(0), request.options.wait_ms.value_or(0)),
            kMaxBlockMs);
        parked_.push_back(Parked{std::move(request), std::move(done), clock.NowMs() + wait, shard});
      } else {
        done(std::move(result));
      }
    }
    Wakeups();
  }

  // Moves the clock; engines do their time-driven work and parked requests whose time is up
  // answer with what is there then.
  void Advance(int64_t ms) {
    clock.Advance(ms);
    for (auto& shard : shards_) {
      for (const engine::QueueName& queue : shard->queue.Tick().woken) {
        shard->Wake(Family::kQueue, queue.ns, queue.name);
      }
      for (const engine::StreamWake& wake : shard->stream.Maintain(4096, sink_).wakes) {
        shard->Wake(Family::kStream, wake.ns, wake.stream);
      }
    }
    std::vector<Parked> due;
    auto is_due = [&](const Parked& p) { return p.deadline_ms <= clock.NowMs(); };
    for (Parked& p : parked_) {
      if (is_due(p)) due.push_back(std::move(p));
    }
    parked_.erase(std::remove_if(parked_.begin(), parked_.end(), is_due), parked_.end());
    for (Parked& p : due) {
      p.request.wait.may_park = false;
      p.done(dispatch::Execute(*shards_[p.shard], p.request));
    }
    Wakeups();
  }

  size_t parked() const { return parked_.size(); }
  dispatch::ShardContext& shard(uint32_t i) { return *shards_[i]; }

  ManualClock clock;

 private:
  class DiscardingSink final : public ChangeSink {
   public:
    void Append(uint16_t, std::string_view) override {}
  };

  struct Parked {
    Request request;
    std::function<void(Result&&)> done;
    int64_t deadline_ms = 0;
    uint32_t shard = 0;
  };

  // Re-runs parked requests after writes, oldest first, until nothing more was written.
  void Wakeups() {
    if (waking_) return;
    waking_ = true;
    for (;;) {
      bool woken = false;
      for (auto& shard : shards_) {
        woken = woken || !shard->woken.empty();
        shard->woken.clear();
      }
      if (!woken) break;
      std::vector<Parked> waiting = std::move(parked_);
      parked_.clear();
      std::vector<Parked> still;
      for (Parked& p : waiting) {
        Result result = dispatch::Execute(*shards_[p.shard], p.request);
        if (result.status == Status::kPending) {
          still.push_back(std::move(p));
        } else {
          p.done(std::move(result));
        }
      }
      std::move(parked_.begin(), parked_.end(), std::back_inserter(still));
      parked_ = std::move(still);
    }
    waking_ = false;
  }

  DiscardingSink sink_;
  std::vector<std::unique_ptr<dispatch::ShardContext>> shards_;
  std::vector<Parked> parked_;
  bool waking_ = false;
};

// One client connection over the shards: Run() sends a command and answers the bytes the
// client has read since the previous call (empty while a blocking command waits).
class InProcessConnection final : public RespHost {
 public:
  explicit InProcessConnection(InProcessShards& shards, uint64_t id = 7)
      : shards_(shards), processor_(*this, id, ParserLimits{}) {}

  std::string Run(std::initializer_list<std::string_view> args) { return Send(Multibulk(args)); }
  std::string Run(const std::vector<std::string>& args) { return Send(Multibulk(args)); }
  std::string Send(const std::string& bytes) {
    processor_.OnInput(bytes);
    return Take();
  }
  // What arrived since the last read (answers to blocked commands come in later).
  std::string Take() { return std::exchange(output_, {}); }

  Request& NextRequest() override { return next_; }
  void SubmitNext(std::function<void(Result&&)> done) override {
    Request request = std::move(next_);
    shards_.Run(std::move(request), std::move(done));
  }
  std::string& Output() override { return output_; }
  void CloseAfterWrite() override { closed = true; }
  ServerFacts Facts() const override { return {}; }
  std::vector<ClientInfo> Clients() const override { return {}; }
  void ClientChanged(const ClientState&) override {}
  int64_t NowMs() const override { return shards_.clock.NowMs(); }

  const RespProcessor& processor() const { return processor_; }
  bool closed = false;

 private:
  InProcessShards& shards_;
  std::string output_;
  Request next_;
  RespProcessor processor_;
};

inline std::string Bulk(std::string_view text) {
  return "$" + std::to_string(text.size()) + "\r\n" + std::string(text) + "\r\n";
}

inline std::string Integer(int64_t value) { return ":" + std::to_string(value) + "\r\n"; }

// An array of already encoded values.
inline std::string Array(const std::vector<std::string>& items) {
  std::string out = "*" + std::to_string(items.size()) + "\r\n";
  for (const std::string& item : items) out += item;
  return out;
}

// A stream entry as Redis encodes it: [id, [field, value, ...]].
inline std::string Entry(std::string_view id, std::initializer_list<std::string_view> fields) {
  std::string out = "*2\r\n" + Bulk(id) + "*" + std::to_string(fields.size()) + "\r\n";
  for (std::string_view field : fields) out += Bulk(field);
  return out;
}

inline constexpr std::string_view kNilArray = "*-1\r\n";
inline constexpr std::string_view kNil = "$-1\r\n";
inline constexpr std::string_view kOk = "+OK\r\n";
inline constexpr std::string_view kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

// The bulk strings of a reply, in order (nested arrays flattened; nil and integers skipped).
inline std::vector<std::string> BulksOf(std::string_view reply) {
  std::vector<std::string> out;
  size_t at = 0;
  while (at < reply.size()) {
    const size_t crlf = reply.find("\r\n", at);
    if (crlf == std::string_view::npos) break;
    if (reply[at] == '$' && reply[at + 1] != '-') {
      const size_t length = std::stoul(std::string(reply.substr(at + 1, crlf - at - 1)));
      out.emplace_back(reply.substr(crlf + 2, length));
      at = crlf + 2 + length + 2;
    } else {
      at = crlf + 2;
    }
  }
  return out;
}

}  // namespace flod::codec::resp::testing
