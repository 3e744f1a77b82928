// In-process engine micro-benchmarks (Google Benchmark), one shard's engine on one core, to set
// beside Flo's published single-core figures (KV put 4.4 M ops/s, get 11.9 M ops/s, log append
// 12.9 M ops/s). Engines report WAL records to a NullChangeSink here; BM_WalAppend measures the
// WAL writer on its own.

#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "flod/core/change_sink.h"
#include "flod/core/clock.h"
#include "flod/engine/kv/kv_engine.h"
#include "flod/engine/queue/queue_engine.h"
#include "flod/engine/stream/stream_engine.h"
#include "flod/store/wal_writer.h"

namespace flod {
namespace {

std::vector<std::string> MakeKeys(size_t count) {
  std::vector<std::string> keys;
  keys.reserve(count);
  for (size_t i = 0; i < count; ++i) keys.push_back("key:" + std::to_string(i * 2654435761u % 100'000'000));
  return keys;
}

// Arg: number of distinct keys (the working set).
void BM_KvPut(benchmark::State& state) {
  ManualClock clock;
  NullChangeSink sink;
  engine::KvEngine kv(clock);
  const auto keys = MakeKeys(static_cast<size_t>(state.range(0)));
  const std::string value(32, 'v');
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(kv.Put("default", keys[i], value, {}, sink));
    if (++i == keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KvPut)->Arg(10'000)->Arg(1'000'000);

void BM_KvGet(benchmark::State& state) {
  ManualClock clock;
  NullChangeSink sink;
  engine::KvEngine kv(clock);
  const auto keys = MakeKeys(static_cast<size_t>(state.range(0)));
  const std::string value(32, 'v');
  for (const auto& key : keys) kv.Put("default", key, value, {}, sink);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(kv.Get("default", keys[i]));
    if (++i == keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KvGet)->Arg(10'000)->Arg(1'000'000);

// `count` keys of 16 bytes, "key:000000000000" onwards, in one buffer; shuffled or in order.
class NumberedKeys {
 public:
  NumberedKeys(size_t count, bool shuffled) : bytes_(count * kKeyBytes, '\0'), order_(count) {
    for (size_t i = 0; i < count; ++i) {
      char key[32];
      std::snprintf(key, sizeof(key), "key:%012zu", i % 1'000'000'000'000);
      bytes_.replace(i * kKeyBytes, kKeyBytes, key, kKeyBytes);
      order_[i] = i;
    }
    if (shuffled) std::shuffle(order_.begin(), order_.end(), std::mt19937_64(42));
  }
  size_t size() const { return order_.size(); }
  std::string_view operator[](size_t i) const {
    return std::string_view(bytes_).substr(order_[i] * kKeyBytes, kKeyBytes);
  }

 private:
  static constexpr size_t kKeyBytes = 16;
  std::string bytes_;
  std::vector<size_t> order_;
};

// Resident set (from /proc/self/statm) and bytes handed out by malloc (mallinfo2).
struct MemoryUse {
  double rss = 0;
  double heap = 0;
};

MemoryUse CurrentMemory() {
  std::ifstream statm("/proc/self/statm");
  size_t total_pages = 0;
  size_t resident_pages = 0;
  statm >> total_pages >> resident_pages;
  struct mallinfo2 info = mallinfo2();
  return MemoryUse{static_cast<double>(resident_pages) * sysconf(_SC_PAGESIZE),
                   static_cast<double>(info.uordblks + info.hblkhd)};
}

// Times load(engine) on a fresh engine per iteration and reports what the loaded items cost:
// resident memory grown and malloc bytes in use, per item, both measured after returning
// freed memory to the system. `unit` names the item in the counters ("key", "msg").
template <typename Engine, typename Load>
void MeasureLoad(benchmark::State& state, size_t count, const std::string& unit, Load load) {
  ManualClock clock;
  for (auto _ : state) {
    state.PauseTiming();
    auto engine = std::make_unique<Engine>(clock);
    malloc_trim(0);
    MemoryUse before = CurrentMemory();
    state.ResumeTiming();
    load(*engine);
    state.PauseTiming();
    MemoryUse after = CurrentMemory();
    state.counters["rss_per_" + unit] = (after.rss - before.rss) / count;
    state.counters["heap_per_" + unit] = (after.heap - before.heap) / count;
    engine.reset();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * count);
}

// Loads range(0) keys of 16 bytes with 32-byte values (range(1): 0 = keys in order,
// 1 = shuffled).
void BM_KvLoad(benchmark::State& state) {
  NullChangeSink sink;
  const NumberedKeys keys(static_cast<size_t>(state.range(0)), state.range(1) != 0);
  const std::string value(32, 'v');
  MeasureLoad<engine::KvEngine>(state, keys.size(), "key", [&](engine::KvEngine& kv) {
    for (size_t i = 0; i < keys.size(); ++i) kv.Put("default", keys[i], value, {}, sink);
  });
}
BENCHMARK(BM_KvLoad)
    ->Args({1'000'000, 0})
    ->Args({1'000'000, 1})
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// Overwrites among range(0) loaded keys, in shuffled order. Each put also moves the previous
// value into the key's history (8 versions kept by default). range(1) = rounds of overwrites
// before timing: 0 times each key's first overwrite (its entry gains a history section and
// moves), 8 the steady state of keys whose history is full.
void BM_KvOverwrite(benchmark::State& state) {
  ManualClock clock;
  NullChangeSink sink;
  engine::KvEngine kv(clock);
  const NumberedKeys keys(static_cast<size_t>(state.range(0)), true);
  const std::string value(32, 'v');
  for (int64_t round = 0; round <= state.range(1); ++round) {
    for (size_t i = 0; i < keys.size(); ++i) kv.Put("default", keys[i], value, {}, sink);
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(kv.Put("default", keys[i], value, {}, sink));
    if (++i == keys.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KvOverwrite)->Args({10'000, 8});
BENCHMARK(BM_KvOverwrite)->Args({1'000'000, 0})->Iterations(1'000'000);
BENCHMARK(BM_KvOverwrite)->Args({1'000'000, 8})->Iterations(2'000'000);

void BM_KvScanPage(benchmark::State& state) {
  ManualClock clock;
  NullChangeSink sink;
  engine::KvEngine kv(clock);
  for (const auto& key : MakeKeys(100'000)) kv.Put("default", key, "v", {}, sink);
  for (auto _ : state) {
    benchmark::DoNotOptimize(kv.Scan("default", {.prefix = "key:1", .limit = 100}));
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_KvScanPage);

void BM_QueueEnqueue(benchmark::State& state) {
  ManualClock clock;
  NullChangeSink sink;
  engine::QueueEngine queue(clock);
  const std::string payload(32, 'p');
  for (auto _ : state) {
    benchmark::DoNotOptimize(queue.Enqueue("default", "jobs", {.payload = payload}, sink));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QueueEnqueue);

void BM_QueueDequeueAck(benchmark::State& state) {
  ManualClock clock;
  NullChangeSink sink;
  engine::QueueEngine queue(clock);
  const std::string payload(32, 'p');
  for (auto _ : state) {
    state.PauseTiming();
    queue.Enqueue("default", "jobs", {.payload = payload}, sink);
    state.ResumeTiming();
    Result leased = queue.Dequeue("default", "jobs", 1, 0, sink);
    const uint64_t seq = std::get<MessagesBody>(leased.body).messages.front().seq;
    benchmark::DoNotOptimize(queue.Ack("default", "jobs", std::span(&seq, 1), sink));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QueueDequeueAck);

// One producer and one consumer in step: each iteration enqueues, dequeues and acks one 32-byte
// message while range(0) older messages wait ahead of it (the queue's depth stays constant).
void BM_QueueCycle(benchmark::State& state) {
  ManualClock clock;
  NullChangeSink sink;
  engine::QueueEngine queue(clock);
  const std::string payload(32, 'p');
  for (int64_t i = 0; i < state.range(0); ++i) {
    queue.Enqueue("default", "jobs", {.payload = payload}, sink);
  }
  for (auto _ : state) {
    queue.Enqueue("default", "jobs", {.payload = payload}, sink);
    Result leased = queue.Dequeue("default", "jobs", 1, 0, sink);
    const uint64_t seq = std::get<MessagesBody>(leased.body).messages.front().seq;
    benchmark::DoNotOptimize(queue.Ack("default", "jobs", std::span(&seq, 1), sink));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_QueueCycle)->Arg(0)->Arg(1'000'000);

// Batches of range(0): enqueue a batch, dequeue it with one call, ack it with one call, while
// the clock moves 1 ms per round (leases of different rounds differ in expiry).
void BM_QueueBatchCycle(benchmark::State& state) {
  ManualClock clock;
  NullChangeSink sink;
  engine::QueueEngine queue(clock);
  const std::string payload(32, 'p');
  const auto batch = static_cast<uint32_t>(state.range(0));
  std::vector<engine::EnqueueItem> items(batch, engine::EnqueueItem{.payload = payload});
  std::vector<uint64_t> seqs;
  for (auto _ : state) {
    clock.Advance(1);
    queue.EnqueueBatch("default", "jobs", items, sink);
    Result leased = queue.Dequeue("default", "jobs", batch, 0, sink);
    seqs.clear();
    for (const QueueMessage& m : std::get<MessagesBody>(leased.body).messages) seqs.push_back(m.seq);
    benchmark::DoNotOptimize(queue.Ack("default", "jobs", seqs, sink));
  }
  state.SetItemsProcessed(state.iterations() * batch);
}
BENCHMARK(BM_QueueBatchCycle)->Arg(100);

// Enqueues range(0) messages of 32 bytes into one fresh queue: what a waiting message costs.
void BM_QueueLoad(benchmark::State& state) {
  NullChangeSink sink;
  const auto count = static_cast<size_t>(state.range(0));
  const std::string payload(32, 'p');
  MeasureLoad<engine::QueueEngine>(state, count, "msg", [&](engine::QueueEngine& queue) {
    for (size_t i = 0; i < count; ++i) queue.Enqueue("default", "jobs", {.payload = payload}, sink);
  });
}
BENCHMARK(BM_QueueLoad)->Arg(1'000'000)->Iterations(1)->Unit(benchmark::kMillisecond);

void BM_StreamAppend(benchmark::State& state) {
  ManualClock clock;
  NullChangeSink sink;
  engine::StreamEngine streams(clock);
  const std::string payload(32, 'p');
  for (auto _ : state) {
    benchmark::DoNotOptimize(streams.Append("default", "events", {.payload = payload}, {}, sink));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_StreamAppend);

void BM_StreamRead100(benchmark::State& state) {
  ManualClock clock;
  NullChangeSink sink;
  engine::StreamEngine streams(clock);
  for (int i = 0; i < 100'000; ++i) streams.Append("default", "events", {.payload = "payload"}, {}, sink);
  for (auto _ : state) {
    benchmark::DoNotOptimize(streams.Read("default", "events", {.count = 100}));
  }
  state.SetItemsProcessed(state.iterations() * 100);
}
BENCHMARK(BM_StreamRead100);

// WAL appends as a shard makes them: records are encoded (CRC-32C included) into the writer's
// buffer; every 1000 records one write(2) hands them to the kernel (timed when Arg is 1), and
// the fdatasync the background syncer would do runs untimed.
void BM_WalAppend(benchmark::State& state) {
  const bool time_writes = state.range(0) == 1;
  const auto dir = std::filesystem::temp_directory_path() / "flod-bench-wal";
  std::filesystem::remove_all(dir);
  auto writer = store::WalWriter::Open(dir, 0, {.segment_bytes = 1ull << 30});
  if (!writer) {
    state.SkipWithError(writer.status().ToString().c_str());
    return;
  }
  const std::string payload(48, 'r');
  size_t appended = 0;
  for (auto _ : state) {
    (*writer)->Append(0x0101, payload);
    if (++appended % 1000 != 0) continue;
    if (!time_writes) state.PauseTiming();
    (*writer)->Flush();
    if (time_writes) state.PauseTiming();
    (*writer)->Sync();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations());
  writer->reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_WalAppend)->Arg(0)->Arg(1);

}  // namespace
}  // namespace flod

BENCHMARK_MAIN();
