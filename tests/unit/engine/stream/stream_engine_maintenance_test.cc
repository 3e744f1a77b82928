#include <gtest/gtest.h>

#if defined(__SANITIZE_ADDRESS__)
// From <sanitizer/allocator_interface.h>, which not every toolchain ships.
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#else
#include <malloc.h>
#endif

#include "flod/core/clock.h"
#include "flod/engine/stream/stream_engine.h"
#include "stream_test_util.h"

namespace flod::engine {
namespace {

using stream_test::BodyOf;
using stream_test::Dump;
using stream_test::Ids;
using stream_test::Payloads;
using stream_test::RecordingSink;

constexpr int64_t kStart = 3'000'000;

class StreamMaintenanceTest : public ::testing::Test {
 protected:
  void Create(std::string_view name, StreamRetention retention, uint32_t partitions = 1) {
    StreamCreateOptions options;
    options.partitions = partitions;
    options.retention = retention;
    ASSERT_TRUE(engine_.Create("ns", name, options, sink_).ok());
  }
  StreamId Append(std::string_view name, std::string payload) {
    Result r = engine_.Append("ns", name, StreamEntry{std::move(payload), {}}, {}, sink_);
    return BodyOf<StreamAppendBody>(r).ids.at(0);
  }
  uint64_t Count(std::string_view name) {
    return BodyOf<StreamInfoBody>(engine_.Info("ns", name)).count;
  }
  Result GroupRead(std::string_view consumer, uint32_t count = 10) {
    GroupReadOptions options;
    options.count = count;
    return engine_.GroupRead("ns", "s", "g", consumer, options, sink_);
  }
  void CreateGroup(uint32_t ack_timeout_ms, uint32_t max_deliver) {
    GroupCreateOptions options;
    options.ack_timeout_ms = ack_timeout_ms;
    options.max_deliver = max_deliver;
    ASSERT_TRUE(engine_.GroupCreate("ns", "s", "g", options, sink_).ok());
  }

  ManualClock clock_{kStart};
  StreamEngine engine_{clock_};
  RecordingSink sink_;
};

// ---- Retention ------------------------------------------------------------------------------

TEST_F(StreamMaintenanceTest, RetentionByCountTrimsOnMaintain) {
  Create("s", StreamRetention{3, 0, 0});
  for (int i = 0; i < 5; ++i) Append("s", std::to_string(i));
  EXPECT_EQ(Count("s"), 5u);  // appends never trim by themselves
  EXPECT_EQ(engine_.NextDueMs(), kStart);
  const StreamMaintenanceReport report = engine_.Maintain(1000, sink_);
  EXPECT_EQ(report.trimmed, 2u);
  EXPECT_FALSE(report.more);
  EXPECT_EQ(Payloads(engine_.Read("ns", "s", {})), (std::vector<std::string>{"2", "3", "4"}));
  EXPECT_EQ(engine_.NextDueMs(), std::nullopt);
}

TEST_F(StreamMaintenanceTest, RetentionByAgeIsDueWhenTheOldestRecordExpires) {
  Create("s", StreamRetention{0, 1000, 0});
  Append("s", "a");
  clock_.Advance(600);
  Append("s", "b");
  EXPECT_EQ(engine_.NextDueMs(), kStart + 1001);
  clock_.Set(kStart + 1000);
  EXPECT_EQ(engine_.Maintain(100, sink_).trimmed, 0u);
  clock_.Set(kStart + 1001);
  EXPECT_EQ(engine_.Maintain(100, sink_).trimmed, 1u);
  EXPECT_EQ(Payloads(engine_.Read("ns", "s", {})), (std::vector<std::string>{"b"}));
  EXPECT_EQ(engine_.NextDueMs(), kStart + 600 + 1001);
}

TEST_F(StreamMaintenanceTest, RetentionByBytesKeepsTheNewestThatFit) {
  Create("s", StreamRetention{0, 0, 10});
  for (const char* p : {"aaaa", "bbbb", "cccc"}) Append("s", p);
  engine_.Maintain(100, sink_);
  EXPECT_EQ(Payloads(engine_.Read("ns", "s", {})), (std::vector<std::string>{"bbbb", "cccc"}));
}

TEST_F(StreamMaintenanceTest, MaintainStopsAtItsBudgetAndSaysThereIsMore) {
  Create("s", StreamRetention{1, 0, 0});
  for (int i = 0; i < 10; ++i) Append("s", std::to_string(i));
  StreamMaintenanceReport report = engine_.Maintain(4, sink_);
  EXPECT_EQ(report.trimmed, 4u);
  EXPECT_TRUE(report.more);
  EXPECT_EQ(Count("s"), 6u);
  report = engine_.Maintain(100, sink_);
  EXPECT_EQ(report.trimmed, 5u);
  EXPECT_FALSE(report.more);
  EXPECT_EQ(Count("s"), 1u);
}

TEST_F(StreamMaintenanceTest, RetentionWritesOneTrimRecordPerStream) {
  Create("s", StreamRetention{2, 0, 0});
  for (int i = 0; i < 6; ++i) Append("s", std::to_string(i));
  const size_t before = sink_.records.size();
  engine_.Maintain(100, sink_);
  EXPECT_EQ(sink_.records.size(), before + 1);
}

// Bytes the process holds from the allocator right now.
size_t HeapInUse() {
#if defined(__SANITIZE_ADDRESS__)
  return __sanitizer_get_current_allocated_bytes();
#else
  return mallinfo2().uordblks;
#endif
}

TEST_F(StreamMaintenanceTest, RetentionReleasesTheMemoryOfTrimmedRecords) {
  Create("s", StreamRetention{10, 0, 0});
  NullChangeSink discard;
  const size_t baseline = HeapInUse();
  for (int i = 0; i < 20'000; ++i) {
    engine_.Append("ns", "s", StreamEntry{std::string(1000, 'x'), {}}, {}, discard);
  }
  const size_t full = HeapInUse();
  ASSERT_GT(full, baseline + 20'000u * 1000u);
  engine_.Maintain(1'000'000, discard);
  EXPECT_EQ(Count("s"), 10u);
  EXPECT_EQ(BodyOf<StreamInfoBody>(engine_.Info("ns", "s")).bytes, 10'000u);
  EXPECT_LT(HeapInUse(), baseline + 1'000'000u);
}

// ---- Redelivery wakes and dead letters ------------------------------------------------------

TEST_F(StreamMaintenanceTest, NextDueIsTheEarliestRedelivery) {
  Append("s", "a");
  CreateGroup(1000, 10);
  EXPECT_EQ(engine_.NextDueMs(), std::nullopt);
  GroupRead("c1");
  EXPECT_EQ(engine_.NextDueMs(), kStart + 1000);
}

TEST_F(StreamMaintenanceTest, MaintainReportsAGroupOnceWhenRedeliveryComesDue) {
  Append("s", "a");
  CreateGroup(1000, 10);
  GroupRead("c1");
  clock_.Advance(999);
  EXPECT_TRUE(engine_.Maintain(100, sink_).wakes.empty());
  clock_.Advance(1);
  const StreamMaintenanceReport report = engine_.Maintain(100, sink_);
  ASSERT_EQ(report.wakes.size(), 1u);
  EXPECT_EQ(report.wakes[0].ns, "ns");
  EXPECT_EQ(report.wakes[0].stream, "s");
  EXPECT_EQ(report.wakes[0].group, "g");
  EXPECT_TRUE(engine_.Maintain(100, sink_).wakes.empty());
  EXPECT_EQ(engine_.NextDueMs(), std::nullopt);
  // The entry is still deliverable; the read that takes it schedules the next timeout.
  EXPECT_EQ(Ids(GroupRead("c2")).size(), 1u);
  EXPECT_EQ(engine_.NextDueMs(), kStart + 2000);
}

TEST_F(StreamMaintenanceTest, DelayedNackIsReportedWhenItsDelayPasses) {
  const StreamId id = Append("s", "a");
  CreateGroup(0, 0);
  GroupRead("c1");
  engine_.GroupNack("ns", "s", "g", std::vector{id}, 300, sink_);
  EXPECT_EQ(engine_.NextDueMs(), kStart + 300);
  clock_.Advance(300);
  EXPECT_EQ(engine_.Maintain(100, sink_).wakes.size(), 1u);
}

TEST_F(StreamMaintenanceTest, MaintainDeadLettersEntriesPastMaxDeliveries) {
  const StreamId id = Append("s", "a");
  CreateGroup(1000, 1);
  GroupRead("c1");
  clock_.Advance(1000);
  const StreamMaintenanceReport report = engine_.Maintain(100, sink_);
  EXPECT_EQ(report.dead_lettered, 1u);
  EXPECT_TRUE(report.wakes.empty());
  EXPECT_EQ(Ids(engine_.GroupDeadLetters("ns", "s", "g", StreamId{}, 10)),
            (std::vector<StreamId>{id}));
  EXPECT_EQ(BodyOf<GroupInfoBody>(engine_.DescribeGroups("ns", "s", "g")).groups[0].pending, 0u);
}

TEST_F(StreamMaintenanceTest, MaintainDropsDueEntriesWhoseRecordsWereTrimmed) {
  Append("s", "a");
  CreateGroup(1000, 10);
  GroupRead("c1");
  StreamTrimOptions trim;
  trim.max_count = 0;
  engine_.Trim("ns", "s", trim, sink_);
  clock_.Advance(1000);
  const StreamMaintenanceReport report = engine_.Maintain(100, sink_);
  EXPECT_TRUE(report.wakes.empty());
  EXPECT_EQ(BodyOf<GroupInfoBody>(engine_.DescribeGroups("ns", "s", "g")).groups[0].pending, 0u);
}

// ---- Replay and snapshots -------------------------------------------------------------------

// Drives one engine through every kind of mutation.
void Exercise(StreamEngine& engine, ManualClock& clock, ChangeSink& sink) {
  StreamCreateOptions create;
  create.partitions = 3;
  create.retention = StreamRetention{50, 0, 0};
  engine.Create("ns", "multi", create, sink);
  StreamAppendOptions keyed;
  for (int i = 0; i < 60; ++i) {
    keyed.partition_key = i % 2 ? "alice" : "bob";
    engine.Append("ns", "multi", StreamEntry{"m" + std::to_string(i), {{"h", "v"}}}, keyed, sink);
    clock.Advance(i % 3);
  }
  engine.Maintain(1000, sink);  // retention trim
  std::vector<StreamEntry> batch(5, StreamEntry{"s", {}});
  engine.AppendBatch("ns", "s", std::move(batch), {}, sink);
  StreamAppendOptions explicit_id;
  explicit_id.id = StreamId{static_cast<uint64_t>(clock.NowMs()) + 10, 7};
  engine.Append("ns", "s", StreamEntry{"explicit", {}}, explicit_id, sink);
  GroupCreateOptions group;
  group.ack_timeout_ms = 100;
  group.max_deliver = 2;
  engine.GroupCreate("ns", "s", "g", group, sink);
  engine.GroupJoin("ns", "s", "g", "idle", sink);
  GroupReadOptions read;
  read.count = 2;
  const Result first = engine.GroupRead("ns", "s", "g", "c1", read, sink);
  engine.GroupRead("ns", "s", "g", "c2", read, sink);
  engine.GroupAck("ns", "s", "g", stream_test::Ids(first), sink);
  clock.Advance(100);
  engine.GroupRead("ns", "s", "g", "c3", read, sink);  // redelivers c2's entries
  const Result pending = engine.GroupHistory("ns", "s", "g", "c3", StreamId{}, 10);
  engine.GroupNack("ns", "s", "g", stream_test::Ids(pending), 50, sink);
  clock.Advance(60);
  engine.GroupRead("ns", "s", "g", "c1", read, sink);
  clock.Advance(100);
  engine.Maintain(1000, sink);  // reports c1's entries as due again
  engine.GroupRead("ns", "s", "g", "c2", read, sink);
  clock.Advance(100);
  engine.Maintain(1000, sink);  // dead letters past max_deliver
  const Result dead = engine.GroupDeadLetters("ns", "s", "g", StreamId{}, 1);
  engine.GroupDeadLetterPurge("ns", "s", "g", stream_test::Ids(dead), sink);
  read.no_ack = true;
  engine.GroupRead("ns", "s", "g", "c4", read, sink);
  std::vector<StreamEntry> more(4, StreamEntry{"more", {}});
  engine.AppendBatch("ns", "s", std::move(more), {}, sink);
  read.no_ack = false;
  read.count = 3;
  const Result held = engine.GroupRead("ns", "s", "g", "c6", read, sink);
  clock.Advance(20);
  GroupClaimOptions claim;
  claim.consumer = "c5";
  claim.count = 1;
  engine.GroupClaim("ns", "s", "g", claim, sink);
  engine.GroupTouch("ns", "s", "g", stream_test::Ids(held), 10, sink);
  engine.GroupCreate("ns", "multi", "h", {}, sink);
  GroupReadOptions many;
  many.count = 30;
  const Result taken = engine.GroupRead("ns", "multi", "h", "x", many, sink);
  engine.GroupTouch("ns", "multi", "h", stream_test::Ids(taken), 5000, sink);
  engine.GroupLeave("ns", "multi", "h", "x", false, sink);
  engine.GroupJoin("ns", "multi", "tmp", "y", sink);
  engine.GroupDelete("ns", "multi", "tmp", sink);
  engine.GroupSetCursor("ns", "multi", "h", std::nullopt, sink);
  engine.Append("ns", "doomed", StreamEntry{"d", {}}, {}, sink);
  engine.Delete("ns", "doomed", true, sink);
  engine.Create("ns", "empty", {}, sink);
  StreamTrimOptions trim;
  trim.max_count = 0;
  engine.Append("ns", "empty", StreamEntry{"gone", {}}, {}, sink);
  engine.Trim("ns", "empty", trim, sink);
}

void ReplayInto(StreamEngine& engine, const RecordingSink& from) {
  for (const auto& [type, payload] : from.records) {
    ASSERT_TRUE(engine.Replay(type, payload)) << "record type " << type;
  }
}

TEST_F(StreamMaintenanceTest, ExerciseCoversEveryRecordType) {
  Exercise(engine_, clock_, sink_);
  std::set<uint16_t> types;
  for (const auto& record : sink_.records) types.insert(record.first);
  // Every live record type; appends are written in the compact form (0x0311), not 0x0303.
  for (uint16_t type = 0x0301; type <= 0x0311; ++type) {
    EXPECT_EQ(types.count(type), type == 0x0303 ? 0u : 1u) << type;
  }
  const auto dead = engine_.GroupDeadLetters("ns", "s", "g", StreamId{}, 10);
  EXPECT_FALSE(Ids(dead).empty());  // the snapshot tests see dead letters too
}

TEST_F(StreamMaintenanceTest, ReplayOfTheLogReproducesTheState) {
  Exercise(engine_, clock_, sink_);
  StreamEngine replica(clock_);
  ReplayInto(replica, sink_);
  EXPECT_EQ(Dump(replica, "ns"), Dump(engine_, "ns"));
  // Both go on the same way: same next ids, same deliveries.
  RecordingSink a, b;
  clock_.Advance(500);
  Result live = engine_.Append("ns", "s", StreamEntry{"after", {}}, {}, a);
  Result again = replica.Append("ns", "s", StreamEntry{"after", {}}, {}, b);
  EXPECT_EQ(BodyOf<StreamAppendBody>(live).ids, BodyOf<StreamAppendBody>(again).ids);
  GroupReadOptions read;
  read.count = 100;
  EXPECT_EQ(Ids(engine_.GroupRead("ns", "s", "g", "z", read, a)),
            Ids(replica.GroupRead("ns", "s", "g", "z", read, b)));
  EXPECT_EQ(a.records, b.records);
  EXPECT_EQ(Dump(replica, "ns"), Dump(engine_, "ns"));
}

TEST_F(StreamMaintenanceTest, SnapshotRebuildsTheStateInAnEmptyEngine) {
  Exercise(engine_, clock_, sink_);
  RecordingSink snapshot;
  engine_.WriteSnapshot(snapshot);
  StreamEngine restored(clock_);
  ReplayInto(restored, snapshot);
  EXPECT_EQ(Dump(restored, "ns"), Dump(engine_, "ns"));
  clock_.Advance(1000);
  EXPECT_EQ(engine_.Maintain(1000, sink_).wakes.size(),
            restored.Maintain(1000, sink_).wakes.size());
  RecordingSink a, b;
  GroupReadOptions read;
  read.count = 100;
  EXPECT_EQ(Ids(engine_.GroupRead("ns", "s", "g", "z", read, a)),
            Ids(restored.GroupRead("ns", "s", "g", "z", read, b)));
  EXPECT_EQ(a.records, b.records);
  EXPECT_EQ(Dump(restored, "ns"), Dump(engine_, "ns"));
}

TEST_F(StreamMaintenanceTest, SnapshotOfASnapshotIsTheSame) {
  Exercise(engine_, clock_, sink_);
  RecordingSink first, second;
  engine_.WriteSnapshot(first);
  StreamEngine restored(clock_);
  ReplayInto(restored, first);
  restored.WriteSnapshot(second);
  EXPECT_EQ(first.records, second.records);
}

TEST_F(StreamMaintenanceTest, ReplayRejectsUnknownTypesAndGarbage) {
  EXPECT_FALSE(engine_.Replay(0x0399, ""));
  EXPECT_FALSE(engine_.Replay(0x0101, ""));
  for (uint16_t type = 0x0301; type <= 0x0323; ++type) {
    EXPECT_FALSE(engine_.Replay(type, "\x01")) << type;
  }
}

TEST_F(StreamMaintenanceTest, ReplayRejectsEveryTruncatedRecord) {
  Exercise(engine_, clock_, sink_);
  for (const auto& [type, payload] : sink_.records) {
    for (size_t cut = 0; cut < payload.size(); cut += 1 + payload.size() / 40) {
      StreamEngine fresh(clock_);
      EXPECT_FALSE(fresh.Replay(type, payload.substr(0, cut))) << type << " cut at " << cut;
    }
  }
}

TEST_F(StreamMaintenanceTest, ReplayRejectsRecordsThatContradictTheState) {
  RecordingSink log;
  engine_.Append("ns", "s", StreamEntry{"a", {}}, {}, log);
  engine_.GroupRead("ns", "s", "g", "c1", {}, log);
  const auto append = log.records[0];
  const auto read = log.records[1];
  StreamEngine fresh(clock_);
  EXPECT_FALSE(fresh.Replay(0x030A, "x"));
  ASSERT_TRUE(fresh.Replay(append.first, append.second));
  EXPECT_FALSE(fresh.Replay(append.first, append.second));  // same id twice
  ASSERT_TRUE(fresh.Replay(read.first, read.second));
  EXPECT_FALSE(fresh.Replay(read.first, read.second));  // the group exists already
}

}  // namespace
}  // namespace flod::engine
