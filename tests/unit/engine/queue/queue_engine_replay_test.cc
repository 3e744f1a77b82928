// QueueEngine durability: replaying the WAL records or a snapshot rebuilds exactly the
// state a client could observe, including remaining leases and delays, DLQ order and dedup
// keys; corrupt records are refused.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "flod/engine/queue/queue_engine.h"
#include "unit/engine/queue/queue_test_fixture.h"

namespace flod::engine::testing {
namespace {

using Seqs = std::vector<uint64_t>;
using Records = std::vector<RecordingSink::Record>;

class QueueReplayTest : public QueueTest {
 protected:
  Result Nack(Seqs seqs, NackOptions options = {}, std::string_view name = "jobs") {
    return engine_->Nack("app", name, seqs, options, sink_);
  }

  // Exercises every record type, with lazy transitions and Ticks in between.
  void RunFirstHalf() {
    uint64_t a = Put("a", 2);
    Put("b", 1);
    uint64_t c = Put("c", 0, 0, "dedup-c");
    Put("d", 0, 5'000);
    Put("e", 3, 0, "dedup-e");
    std::vector<EnqueueItem> batch = {{"m1"}, {"m2", 4}, {"m3", 0, 2'000}};
    engine_->EnqueueBatch("app", "mail", batch, sink_);
    Put("elsewhere", 0, 0, "dedup-c", "jobs", "other");
    Take(2, 1'000);  // c, b
    clock_.Advance(500);
    engine_->Touch("app", "jobs", Seqs{c}, 10'000, sink_);
    Take(1, 2'000);  // a
    clock_.Advance(1'000);
    engine_->Tick();  // b's lease expired at +1000
    Nack({a}, {.delay_ms = 3'000});
    Take(1, 1'000);  // b again, delivery 2
    Take(2, 20'000, "mail");
  }

  void RunSecondHalf() {
    EnqueueItem strict{"z"};
    strict.max_retries = 0;
    engine_->Enqueue("app", "jobs", strict, sink_);
    Take(1, 500);  // b is leased, e (p3) and z (p0) are ready: z
    clock_.Advance(600);
    engine_->Tick();  // z's lease expired with max_retries 0: DLQ, no record
    uint64_t y = Put("y");
    Take(1, 1'000);  // y (p0) before e (p3)
    Nack({y}, {.to_dlq = true});
    uint64_t w = Put("w");
    Take(1, 1'000);
    Nack({w}, {.to_dlq = true});
    uint64_t v = Put("v");
    Take(1, 1'000);
    Nack({v}, {.to_dlq = true});  // DLQ: z, y, w, v
    engine_->DlqRequeue("app", "jobs", Seqs{y}, sink_);
    engine_->DlqDelete("app", "jobs", Seqs{w}, sink_);  // DLQ: z, v
    engine_->Ack("app", "jobs", Seqs{5}, sink_);        // e, still ready
    engine_->Purge("app", "mail", sink_);
    Put("late", 1, 7'000);
  }

  static std::unique_ptr<QueueEngine> Rebuild(const Clock& clock, const QueueConfig& config,
                                              const Records& records) {
    auto engine = std::make_unique<QueueEngine>(clock, config);
    for (const auto& record : records) {
      EXPECT_TRUE(engine->Replay(record.type, record.payload)) << "type " << record.type;
    }
    return engine;
  }

  void ExpectSameNow(QueueEngine& other) {
    for (std::string_view ns : {"app", "other"}) {
      auto names = std::get<NameListBody>(engine_->List(ns).body).names;
      ASSERT_EQ(names, std::get<NameListBody>(other.List(ns).body).names);
      for (const std::string& name : names) {
        EXPECT_EQ(Observe(*engine_, ns, name), Observe(other, ns, name)) << ns << "/" << name;
      }
    }
    engine_->Tick();
    other.Tick();
    EXPECT_EQ(engine_->NextDueMs(), other.NextDueMs());
  }

  // Same state now and at every later time that matters (leases and delays run out).
  void ExpectSameFuture(QueueEngine& other) {
    for (int64_t step : {0, 1'000, 2'000, 3'000, 5'000, 10'000, 40'000}) {
      clock_.Advance(step);
      SCOPED_TRACE("at +" + std::to_string(clock_.NowMs() - kStart));
      ExpectSameNow(other);
    }
    NullChangeSink null_sink;
    EnqueueItem dup{"dup", 0, 0, "dedup-e"};
    EXPECT_EQ(std::get<SeqBody>(engine_->Enqueue("app", "jobs", dup, null_sink).body).seq,
              std::get<SeqBody>(other.Enqueue("app", "jobs", dup, null_sink).body).seq);
    EnqueueItem fresh{"fresh"};
    EXPECT_EQ(std::get<SeqBody>(engine_->Enqueue("app", "mail", fresh, null_sink).body).seq,
              std::get<SeqBody>(other.Enqueue("app", "mail", fresh, null_sink).body).seq);
  }
};

TEST_F(QueueReplayTest, ReplayingTheRecordsReproducesTheObservableState) {
  RunFirstHalf();
  RunSecondHalf();
  auto replayed = Rebuild(clock_, config_, sink_.records);
  ExpectSameFuture(*replayed);
}

TEST_F(QueueReplayTest, ReplayKeepsTheRemainingLeaseOfInFlightMessages) {
  uint64_t seq = Put("job");
  Take(1, 10'000);
  clock_.Advance(4'000);
  auto replayed = Rebuild(clock_, config_, sink_.records);
  clock_.Advance(5'999);
  EXPECT_TRUE(SeqsOf(replayed->Dequeue("app", "jobs", 1, 0, sink_)).empty());
  clock_.Advance(1);
  auto again = MessagesOf(replayed->Dequeue("app", "jobs", 1, 0, sink_));
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].seq, seq);
  EXPECT_EQ(again[0].delivery_count, 2u);
}

TEST_F(QueueReplayTest, SnapshotRebuildsTheWholeState) {
  RunFirstHalf();
  RunSecondHalf();
  RecordingSink snapshot;
  engine_->WriteSnapshot(snapshot);
  auto rebuilt = Rebuild(clock_, config_, snapshot.records);
  ExpectSameFuture(*rebuilt);
}

TEST_F(QueueReplayTest, SnapshotFollowedByLaterRecordsReproducesTheState) {
  RunFirstHalf();
  RecordingSink snapshot;
  engine_->WriteSnapshot(snapshot);
  size_t mark = sink_.records.size();
  RunSecondHalf();
  Records records = snapshot.records;
  records.insert(records.end(), sink_.records.begin() + static_cast<long>(mark),
                 sink_.records.end());
  auto rebuilt = Rebuild(clock_, config_, records);
  ExpectSameFuture(*rebuilt);
}

TEST_F(QueueReplayTest, SeqsAreNeverReusedAfterASnapshotOfAnEmptiedQueue) {
  uint64_t a = Put("a");
  uint64_t b = Put("b");
  Take(2);
  engine_->Ack("app", "jobs", Seqs{a, b}, sink_);
  RecordingSink snapshot;
  engine_->WriteSnapshot(snapshot);
  auto rebuilt = Rebuild(clock_, config_, snapshot.records);
  EXPECT_EQ(std::get<NameListBody>(rebuilt->List("app").body).names,
            (std::vector<std::string>{"jobs"}));
  EXPECT_EQ(std::get<SeqBody>(rebuilt->Enqueue("app", "jobs", {"c"}, sink_).body).seq, 3u);
  EXPECT_EQ(std::get<QueueStatsBody>(rebuilt->Stats("app", "jobs").body).dequeued_total, 2u);
}

TEST_F(QueueReplayTest, DlqOrderAndEvictionSurviveExpiriesThatOnlyTickSaw) {
  config_.dlq_limit = 2;
  config_.max_retries = 0;
  Reset(config_);
  Seqs seqs = {Put("x"), Put("y"), Put("z")};
  Take(1, 100);    // x
  Take(2, 5'000);  // y, z
  clock_.Advance(150);
  engine_->Tick();  // x → DLQ at +100, without a record
  Nack({seqs[2]}, {.to_dlq = true});
  Nack({seqs[1]}, {.to_dlq = true});  // evicts x
  auto replayed = Rebuild(clock_, config_, sink_.records);
  EXPECT_EQ(SeqsOf(replayed->DlqList("app", "jobs", 0)), (Seqs{seqs[2], seqs[1]}));
  EXPECT_EQ(Observe(*engine_, "app", "jobs"), Observe(*replayed, "app", "jobs"));
}

// ---- Corrupt records ----------------------------------------------------------------------

TEST_F(QueueReplayTest, TruncatedOrPaddedRecordsAreRefused) {
  RunFirstHalf();
  RunSecondHalf();
  RecordingSink snapshot;
  engine_->WriteSnapshot(snapshot);
  Records all = sink_.records;
  all.insert(all.end(), snapshot.records.begin(), snapshot.records.end());
  for (const auto& record : all) {
    for (size_t cut = 0; cut < record.payload.size(); ++cut) {
      QueueEngine fresh(clock_, config_);
      EXPECT_FALSE(fresh.Replay(record.type, record.payload.substr(0, cut)))
          << "type " << record.type << " cut at " << cut;
    }
    QueueEngine fresh(clock_, config_);
    EXPECT_FALSE(fresh.Replay(record.type, record.payload + '\0')) << "type " << record.type;
  }
}

TEST_F(QueueReplayTest, RecordsOfOtherTypesAreRefused) {
  Put("a");
  QueueEngine fresh(clock_, config_);
  EXPECT_FALSE(fresh.Replay(0x0101, sink_.records[0].payload));
  EXPECT_FALSE(fresh.Replay(0x02AA, sink_.records[0].payload));
  EXPECT_FALSE(fresh.Replay(0x0000, ""));
}

TEST_F(QueueReplayTest, ReplayingAnEnqueueTwiceIsRefusedBecauseSeqsAreNeverReused) {
  Put("a");
  QueueEngine fresh(clock_, config_);
  ASSERT_TRUE(fresh.Replay(sink_.records[0].type, sink_.records[0].payload));
  EXPECT_FALSE(fresh.Replay(sink_.records[0].type, sink_.records[0].payload));
}

TEST_F(QueueReplayTest, InvalidFieldValuesAreRefused) {
  uint64_t seq = Put("a");
  Take();
  Nack({seq}, {.to_dlq = true});
  RecordingSink snapshot;
  engine_->WriteSnapshot(snapshot);
  const auto& nack = sink_.records[2];
  ASSERT_EQ(nack.type, 0x0204);
  std::string bad_flag = nack.payload;
  bad_flag[bad_flag.size() - 9] = 2;  // to_dlq must be 0 or 1
  EXPECT_FALSE(QueueEngine(clock_, config_).Replay(nack.type, bad_flag));

  const auto& image = snapshot.records[1];
  ASSERT_EQ(image.type, 0x02F1);
  std::string bad_state = image.payload;
  bad_state[2 + 3 + 2 + 4 + 8] = 9;  // ns "app", name "jobs", seq: then the state byte
  EXPECT_FALSE(QueueEngine(clock_, config_).Replay(image.type, bad_state));

  std::string huge_count = sink_.records[0].payload;
  size_t count_at = 2 + 3 + 2 + 4 + 8;
  huge_count.replace(count_at, 4, std::string("\xff\xff\xff\x7f", 4));
  EXPECT_FALSE(QueueEngine(clock_, config_).Replay(0x0201, huge_count));

  std::string no_name = sink_.records[0].payload;
  no_name.replace(5, 6, std::string("\0\0", 2));  // name "jobs" → empty
  EXPECT_FALSE(QueueEngine(clock_, config_).Replay(0x0201, no_name));
}

TEST_F(QueueReplayTest, RecordsForUnknownQueuesChangeNothing) {
  uint64_t seq = Put("a");
  Take();
  QueueEngine fresh(clock_, config_);
  EXPECT_TRUE(fresh.Replay(sink_.records[1].type, sink_.records[1].payload));
  EXPECT_TRUE(std::get<NameListBody>(fresh.List("app").body).names.empty());
  EXPECT_EQ(seq, 1u);
}

}  // namespace
}  // namespace flod::engine::testing
