#pragma once
// Shared helpers for the queue engine tests: a sink that keeps every record, a fixture with
// a ManualClock, and a textual dump of everything a client can observe about a queue.

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flod/core/change_sink.h"
#include "flod/core/clock.h"
#include "flod/engine/queue/queue_engine.h"

namespace flod::engine::testing {

class RecordingSink final : public ChangeSink {
 public:
  struct Record {
    uint16_t type = 0;
    std::string payload;
  };
  void Append(uint16_t type, std::string_view payload) override {
    records.push_back({type, std::string(payload)});
  }
  std::vector<Record> records;
};

inline std::vector<uint64_t> SeqsOf(const Result& result) {
  std::vector<uint64_t> seqs;
  for (const QueueMessage& m : std::get<MessagesBody>(result.body).messages) {
    seqs.push_back(m.seq);
  }
  return seqs;
}

// Copies, so that it is safe on a temporary Result.
inline std::vector<QueueMessage> MessagesOf(const Result& result) {
  return std::get<MessagesBody>(result.body).messages;
}

inline uint64_t CountOf(const Result& result) { return std::get<CountBody>(result.body).count; }

inline std::string Describe(const QueueMessage& m) {
  return std::to_string(m.seq) + ":" + m.payload + ":p" + std::to_string(m.priority) + ":d" +
         std::to_string(m.delivery_count) + ":e" + std::to_string(m.enqueued_at_ms) + ":x" +
         std::to_string(m.dlq_at_ms);
}

// Everything observable about one queue without changing it (reads only settle time).
inline std::string Observe(QueueEngine& engine, std::string_view ns, std::string_view name) {
  std::string out;
  const QueueStatsBody stats = std::get<QueueStatsBody>(engine.Stats(ns, name).body);
  out += "ready=" + std::to_string(stats.ready) + " in_flight=" + std::to_string(stats.in_flight) +
         " delayed=" + std::to_string(stats.delayed) + " dlq=" + std::to_string(stats.dlq) +
         " enq=" + std::to_string(stats.enqueued_total) +
         " deq=" + std::to_string(stats.dequeued_total) + "\n peek:";
  for (const QueueMessage& m : MessagesOf(engine.Peek(ns, name, 100))) out += " " + Describe(m);
  out += "\n dlq:";
  for (const QueueMessage& m : MessagesOf(engine.DlqList(ns, name, 1000))) {
    out += " " + Describe(m);
  }
  return out;
}

class QueueTest : public ::testing::Test {
 protected:
  static constexpr int64_t kStart = 1'700'000'000'000;

  QueueTest() { Reset({}); }

  void Reset(QueueConfig config) {
    config_ = config;
    engine_ = std::make_unique<QueueEngine>(clock_, config_);
  }

  uint64_t Put(std::string_view payload, uint8_t priority = 0, uint64_t delay_ms = 0,
               std::string_view dedup_key = {}, std::string_view name = "jobs",
               std::string_view ns = "app") {
    EnqueueItem item{payload, priority, delay_ms, dedup_key, std::nullopt};
    Result r = engine_->Enqueue(ns, name, item, sink_);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? std::get<SeqBody>(r.body).seq : 0;
  }

  Result Take(uint32_t count = 1, uint32_t visibility_ms = 0, std::string_view name = "jobs",
              std::string_view ns = "app") {
    return engine_->Dequeue(ns, name, count, visibility_ms, sink_);
  }

  QueueStatsBody StatsOf(std::string_view name = "jobs", std::string_view ns = "app") {
    return std::get<QueueStatsBody>(engine_->Stats(ns, name).body);
  }

  ManualClock clock_{kStart};
  RecordingSink sink_;
  QueueConfig config_;
  std::unique_ptr<QueueEngine> engine_;
};

}  // namespace flod::engine::testing
