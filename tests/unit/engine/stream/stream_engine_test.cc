#include "flod/engine/stream/stream_engine.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "flod/core/clock.h"
#include "stream_test_util.h"

namespace flod::engine {
namespace {

using stream_test::BodyOf;
using stream_test::Ids;
using stream_test::Payloads;
using stream_test::RecordingSink;

constexpr int64_t kStart = 1'000'000;

class StreamEngineTest : public ::testing::Test {
 protected:
  StreamId Append(std::string_view name, std::string payload, StreamAppendOptions options = {}) {
    Result r = engine_.Append("ns", name, StreamEntry{std::move(payload), {}}, options, sink_);
    EXPECT_TRUE(r.ok()) << r.message;
    return r.ok() ? BodyOf<StreamAppendBody>(r).ids.at(0) : StreamId{};
  }
  Result Read(std::string_view name, StreamReadOptions options = {}) {
    return engine_.Read("ns", name, options);
  }
  StreamInfoBody Info(std::string_view name) {
    return BodyOf<StreamInfoBody>(engine_.Info("ns", name));
  }
  void CreatePartitioned(std::string_view name, uint32_t partitions) {
    StreamCreateOptions options;
    options.partitions = partitions;
    ASSERT_TRUE(engine_.Create("ns", name, options, sink_).ok());
  }

  ManualClock clock_{kStart};
  StreamEngine engine_{clock_};
  RecordingSink sink_;
};

// ---- Ids ------------------------------------------------------------------------------------

TEST_F(StreamEngineTest, AppendTakesClockMillisecondsAndSequenceZero) {
  EXPECT_EQ(Append("s", "a"), (StreamId{kStart, 0}));
  clock_.Advance(5);
  EXPECT_EQ(Append("s", "b"), (StreamId{kStart + 5, 0}));
}

TEST_F(StreamEngineTest, AppendsInOneMillisecondBumpTheSequence) {
  EXPECT_EQ(Append("s", "a"), (StreamId{kStart, 0}));
  EXPECT_EQ(Append("s", "b"), (StreamId{kStart, 1}));
  EXPECT_EQ(Append("s", "c"), (StreamId{kStart, 2}));
}

TEST_F(StreamEngineTest, ClockGoingBackKeepsLastMillisecondAndBumpsSequence) {
  Append("s", "a");
  clock_.Set(kStart - 500);
  EXPECT_EQ(Append("s", "b"), (StreamId{kStart, 1}));
  clock_.Set(kStart + 1);
  EXPECT_EQ(Append("s", "c"), (StreamId{kStart + 1, 0}));
}

TEST_F(StreamEngineTest, ExplicitIdMustBeGreaterThanTheLastId) {
  StreamAppendOptions options;
  options.id = StreamId{10, 5};
  EXPECT_EQ(Append("s", "a", options), (StreamId{10, 5}));
  for (StreamId bad : {StreamId{10, 5}, StreamId{10, 4}, StreamId{9, 99}}) {
    options.id = bad;
    Result r = engine_.Append("ns", "s", StreamEntry{"x", {}}, options, sink_);
    EXPECT_EQ(r.status, Status::kBadRequest) << stream_test::Text(bad);
  }
  options.id = StreamId{10, 6};
  EXPECT_EQ(Append("s", "b", options), (StreamId{10, 6}));
  // Server-assigned ids keep growing after explicit ones, even if the clock is behind them.
  clock_.Set(5);
  EXPECT_EQ(Append("s", "c"), (StreamId{10, 7}));
}

TEST_F(StreamEngineTest, ExplicitIdZeroIsRejected) {
  StreamAppendOptions options;
  options.id = StreamId{0, 0};
  Result r = engine_.Append("ns", "s", StreamEntry{"x", {}}, options, sink_);
  EXPECT_EQ(r.status, Status::kBadRequest);
  EXPECT_TRUE(sink_.records.empty());
}

TEST_F(StreamEngineTest, ExplicitMillisecondsWithAutoSequence) {
  StreamAppendOptions options;
  options.id_auto_sequence = true;
  options.id = StreamId{0, 0};
  EXPECT_EQ(Append("s", "a", options), (StreamId{0, 1}));
  options.id = StreamId{7, 0};
  EXPECT_EQ(Append("s", "b", options), (StreamId{7, 0}));
  EXPECT_EQ(Append("s", "c", options), (StreamId{7, 1}));
  options.id = StreamId{6, 0};
  EXPECT_EQ(engine_.Append("ns", "s", StreamEntry{"d", {}}, options, sink_).status,
            Status::kBadRequest);
}

TEST_F(StreamEngineTest, BatchAppendAssignsIncreasingIdsInOneRecord) {
  std::vector<StreamEntry> entries;
  for (const char* p : {"a", "b", "c"}) entries.push_back(StreamEntry{p, {}});
  Result r = engine_.AppendBatch("ns", "s", std::move(entries), {}, sink_);
  ASSERT_TRUE(r.ok());
  const auto& ids = BodyOf<StreamAppendBody>(r).ids;
  EXPECT_EQ(ids, (std::vector<StreamId>{{kStart, 0}, {kStart, 1}, {kStart, 2}}));
  EXPECT_EQ(sink_.records.size(), 1u);
  EXPECT_EQ(Payloads(Read("s")), (std::vector<std::string>{"a", "b", "c"}));
}

TEST_F(StreamEngineTest, ExplicitIdNeedsASingleRecord) {
  StreamAppendOptions options;
  options.id = StreamId{5, 5};
  std::vector<StreamEntry> entries(2);
  EXPECT_EQ(engine_.AppendBatch("ns", "s", std::move(entries), options, sink_).status,
            Status::kBadRequest);
  EXPECT_EQ(engine_.AppendBatch("ns", "s", {}, {}, sink_).status, Status::kBadRequest);
}

TEST_F(StreamEngineTest, IdsGrowAcrossPartitions) {
  CreatePartitioned("s", 3);
  StreamAppendOptions options;
  std::vector<StreamId> ids;
  for (uint32_t p : {2u, 0u, 1u, 2u}) {
    options.partition = p;
    ids.push_back(Append("s", "x", options));
  }
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
}

// ---- Partitions -----------------------------------------------------------------------------

TEST_F(StreamEngineTest, AppendCreatesAStreamWithOnePartitionAndNoRetention) {
  Append("s", "a");
  const StreamInfoBody info = Info("s");
  EXPECT_EQ(info.partition_count, 1u);
  EXPECT_EQ(info.max_count, 0u);
  EXPECT_EQ(info.max_age_ms, 0u);
  EXPECT_EQ(info.max_bytes, 0u);
}

TEST_F(StreamEngineTest, AppendToAPartitionOutOfRangeIsBadRequest) {
  CreatePartitioned("s", 2);
  StreamAppendOptions options;
  options.partition = 2;
  EXPECT_EQ(engine_.Append("ns", "s", StreamEntry{"x", {}}, options, sink_).status,
            Status::kBadRequest);
  options.partition = 1;
  Result r = engine_.Append("ns", "s", StreamEntry{"x", {}}, options, sink_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(BodyOf<StreamAppendBody>(r).partition, 1u);
}

TEST_F(StreamEngineTest, PartitionKeyAlwaysRoutesToTheSamePartition) {
  CreatePartitioned("s", 8);
  StreamAppendOptions options;
  options.partition_key = "alice";
  std::set<uint32_t> used;
  for (int i = 0; i < 5; ++i) {
    Result r = engine_.Append("ns", "s", StreamEntry{"a" + std::to_string(i), {}}, options, sink_);
    used.insert(BodyOf<StreamAppendBody>(r).partition);
  }
  EXPECT_EQ(used.size(), 1u);
  options.partition_key = "bob";
  engine_.Append("ns", "s", StreamEntry{"b", {}}, options, sink_);

  StreamReadOptions read;
  read.partition_key = "alice";
  Result r = Read("s", read);
  ASSERT_EQ(BodyOf<RecordsBody>(r).records.size(), 5u);
  for (const StreamRecord& record : BodyOf<RecordsBody>(r).records) {
    EXPECT_EQ(record.key, "alice");
    EXPECT_EQ(record.partition, *used.begin());
  }
}

TEST_F(StreamEngineTest, ReadOfAllPartitionsMergesByIdAndOnePartitionFilters) {
  CreatePartitioned("s", 2);
  StreamAppendOptions options;
  for (int i = 0; i < 6; ++i) {
    options.partition = static_cast<uint32_t>(i % 2);
    Append("s", std::to_string(i), options);
  }
  EXPECT_EQ(Payloads(Read("s")), (std::vector<std::string>{"0", "1", "2", "3", "4", "5"}));
  StreamReadOptions read;
  read.partition = 1;
  EXPECT_EQ(Payloads(Read("s", read)), (std::vector<std::string>{"1", "3", "5"}));
  read.partition = 2;
  EXPECT_EQ(Read("s", read).status, Status::kBadRequest);
}

// ---- Reads ----------------------------------------------------------------------------------

TEST_F(StreamEngineTest, ReadFromAnIdIncludesThatId) {
  std::vector<StreamId> ids;
  for (const char* p : {"a", "b", "c", "d"}) ids.push_back(Append("s", p));
  StreamReadOptions read;
  read.start = ids[2];
  EXPECT_EQ(Payloads(Read("s", read)), (std::vector<std::string>{"c", "d"}));
  EXPECT_EQ(BodyOf<RecordsBody>(Read("s", read)).next, (StreamId{ids[3].ms, ids[3].seq + 1}));
}

TEST_F(StreamEngineTest, RangeReadIncludesBothEnds) {
  std::vector<StreamId> ids;
  for (const char* p : {"a", "b", "c", "d", "e"}) ids.push_back(Append("s", p));
  StreamReadOptions read;
  read.start = ids[1];
  read.end = ids[3];
  EXPECT_EQ(Payloads(Read("s", read)), (std::vector<std::string>{"b", "c", "d"}));
  read.start = ids[3];
  read.end = ids[1];
  EXPECT_TRUE(Payloads(Read("s", read)).empty());
}

TEST_F(StreamEngineTest, ReverseReadGivesNewestFirstWithinInclusiveBounds) {
  std::vector<StreamId> ids;
  for (const char* p : {"a", "b", "c", "d", "e"}) ids.push_back(Append("s", p));
  StreamReadOptions read;
  read.reverse = true;
  read.start = ids[1];
  read.end = ids[3];
  EXPECT_EQ(Payloads(Read("s", read)), (std::vector<std::string>{"d", "c", "b"}));
  read = {};
  read.reverse = true;
  read.count = 2;
  Result page = Read("s", read);
  EXPECT_EQ(Payloads(page), (std::vector<std::string>{"e", "d"}));
  read.end = BodyOf<RecordsBody>(page).next;  // continues below "d"
  EXPECT_EQ(Payloads(Read("s", read)), (std::vector<std::string>{"c", "b"}));
}

TEST_F(StreamEngineTest, ReadCountDefaultsToHundredAndIsCappedAtThousand) {
  std::vector<StreamEntry> entries(1500);
  ASSERT_TRUE(engine_.AppendBatch("ns", "s", std::move(entries), {}, sink_).ok());
  EXPECT_EQ(BodyOf<RecordsBody>(Read("s")).records.size(), 100u);
  StreamReadOptions read;
  read.count = 5000;
  EXPECT_EQ(BodyOf<RecordsBody>(Read("s", read)).records.size(), 1000u);
  read.count = 7;
  EXPECT_EQ(BodyOf<RecordsBody>(Read("s", read)).records.size(), 7u);
}

TEST_F(StreamEngineTest, TailReadAnswersThePositionAfterTheLastId) {
  Append("s", "old1");
  const StreamId last = Append("s", "old2");
  StreamReadOptions read;
  read.tail = true;
  Result r = Read("s", read);
  EXPECT_TRUE(BodyOf<RecordsBody>(r).records.empty());
  const StreamId resume = BodyOf<RecordsBody>(r).next;
  EXPECT_EQ(resume, (StreamId{last.ms, last.seq + 1}));
  Append("s", "new");
  StreamReadOptions again;
  again.start = resume;
  EXPECT_EQ(Payloads(Read("s", again)), (std::vector<std::string>{"new"}));
}

TEST_F(StreamEngineTest, ReadOfAMissingStreamIsNotFound) {
  EXPECT_EQ(Read("nope").status, Status::kNotFound);
  EXPECT_EQ(engine_.Info("ns", "nope").status, Status::kNotFound);
}

TEST_F(StreamEngineTest, HeadersAndKeyAreKeptWithTheRecord) {
  StreamAppendOptions options;
  options.partition_key = "k1";
  StreamEntry entry{"payload", {{"source", "web"}, {"trace", "abc"}}};
  ASSERT_TRUE(engine_.Append("ns", "s", entry, options, sink_).ok());
  const Result read = Read("s");
  const StreamRecord& record = BodyOf<RecordsBody>(read).records.at(0);
  EXPECT_EQ(record.key, "k1");
  EXPECT_EQ(record.headers, entry.headers);
}

// ---- Info, list, create, delete --------------------------------------------------------------

TEST_F(StreamEngineTest, InfoCountsRecordsAndBytes) {
  StreamAppendOptions options;
  options.partition_key = "kk";                 // 2 bytes
  StreamEntry entry{"12345", {{"ab", "cde"}}};  // 5 + 5 bytes
  engine_.Append("ns", "s", entry, options, sink_);
  const StreamId first = Append("s", "xyz");
  const StreamInfoBody info = Info("s");
  EXPECT_EQ(info.count, 2u);
  EXPECT_EQ(info.bytes, 12u + 3u);
  EXPECT_EQ(info.first, (StreamId{kStart, 0}));
  EXPECT_EQ(info.last, first);
  EXPECT_EQ(info.group_count, 0u);
}

TEST_F(StreamEngineTest, CreateRecordsPartitionsAndRetention) {
  StreamCreateOptions options;
  options.partitions = 4;
  options.retention = StreamRetention{100, 60'000, 1 << 20};
  ASSERT_TRUE(engine_.Create("ns", "s", options, sink_).ok());
  const StreamInfoBody info = Info("s");
  EXPECT_EQ(info.partition_count, 4u);
  EXPECT_EQ(info.max_count, 100u);
  EXPECT_EQ(info.max_age_ms, 60'000u);
  EXPECT_EQ(info.max_bytes, 1u << 20);
  EXPECT_EQ(info.count, 0u);
}

TEST_F(StreamEngineTest, CreateRefusesAnExistingStreamAndBadPartitionCounts) {
  Append("s", "a");
  EXPECT_EQ(engine_.Create("ns", "s", {}, sink_).status, Status::kConflict);
  StreamCreateOptions options;
  options.partitions = 0;
  EXPECT_EQ(engine_.Create("ns", "t", options, sink_).status, Status::kBadRequest);
  options.partitions = 5000;
  EXPECT_EQ(engine_.Create("ns", "t", options, sink_).status, Status::kBadRequest);
}

TEST_F(StreamEngineTest, DeleteRefusesANonEmptyStreamWithoutForce) {
  Append("s", "a");
  Result refused = engine_.Delete("ns", "s", false, sink_);
  EXPECT_EQ(refused.status, Status::kConflict);
  EXPECT_NE(refused.message.find("force"), std::string::npos);
  EXPECT_TRUE(engine_.Exists("ns", "s"));
  Result forced = engine_.Delete("ns", "s", true, sink_);
  EXPECT_EQ(BodyOf<CountBody>(forced).count, 1u);
  EXPECT_FALSE(engine_.Exists("ns", "s"));
}

TEST_F(StreamEngineTest, DeleteOfAnEmptyOrMissingStreamNeedsNoForce) {
  ASSERT_TRUE(engine_.Create("ns", "empty", {}, sink_).ok());
  EXPECT_EQ(BodyOf<CountBody>(engine_.Delete("ns", "empty", false, sink_)).count, 1u);
  const size_t logged = sink_.records.size();
  EXPECT_EQ(BodyOf<CountBody>(engine_.Delete("ns", "missing", false, sink_)).count, 0u);
  EXPECT_EQ(sink_.records.size(), logged);
}

TEST_F(StreamEngineTest, DeleteTakesTheGroupsAndTheNameIsReusable) {
  Append("s", "a");
  ASSERT_TRUE(engine_.GroupCreate("ns", "s", "g", {}, sink_).ok());
  ASSERT_TRUE(engine_.Delete("ns", "s", true, sink_).ok());
  Append("s", "b");
  EXPECT_EQ(Info("s").group_count, 0u);
  EXPECT_EQ(Info("s").count, 1u);
}

TEST_F(StreamEngineTest, ListGivesSortedNamesOfOneNamespace) {
  for (const char* name : {"c", "a", "b"}) Append(name, "x");
  engine_.Append("other", "z", StreamEntry{"x", {}}, {}, sink_);
  EXPECT_EQ(BodyOf<NameListBody>(engine_.List("ns", "", 0)).names,
            (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(BodyOf<NameListBody>(engine_.List("ns", "a", 1)).names,
            (std::vector<std::string>{"b"}));
  EXPECT_EQ(BodyOf<NameListBody>(engine_.List("other", "", 0)).names,
            (std::vector<std::string>{"z"}));
}

TEST_F(StreamEngineTest, NamespacesAreIndependent) {
  engine_.Append("a", "s", StreamEntry{"in-a", {}}, {}, sink_);
  engine_.Append("b", "s", StreamEntry{"in-b", {}}, {}, sink_);
  EXPECT_EQ(Payloads(engine_.Read("a", "s", {})), (std::vector<std::string>{"in-a"}));
  EXPECT_EQ(Payloads(engine_.Read("b", "s", {})), (std::vector<std::string>{"in-b"}));
}

TEST_F(StreamEngineTest, BadNamesAreRejected) {
  EXPECT_EQ(engine_.Append("ns", "", StreamEntry{"x", {}}, {}, sink_).status, Status::kBadRequest);
  EXPECT_EQ(engine_.Append(std::string(300, 'n'), "s", StreamEntry{"x", {}}, {}, sink_).status,
            Status::kBadRequest);
  EXPECT_TRUE(sink_.records.empty());
}

// ---- Trim -----------------------------------------------------------------------------------

TEST_F(StreamEngineTest, TrimByMaxCountKeepsTheNewest) {
  std::vector<StreamId> ids;
  for (int i = 0; i < 10; ++i) ids.push_back(Append("s", std::to_string(i)));
  StreamTrimOptions trim;
  trim.max_count = 3;
  Result r = engine_.Trim("ns", "s", trim, sink_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(BodyOf<TrimBody>(r).deleted, 7u);
  EXPECT_EQ(BodyOf<TrimBody>(r).new_first, ids[7]);
  EXPECT_EQ(Payloads(Read("s")), (std::vector<std::string>{"7", "8", "9"}));
  EXPECT_EQ(Info("s").first, ids[7]);
  EXPECT_EQ(Info("s").last, ids[9]);
}

TEST_F(StreamEngineTest, TrimBeforeAnIdDropsOnlyOlderRecords) {
  std::vector<StreamId> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Append("s", std::to_string(i)));
  StreamTrimOptions trim;
  trim.before = ids[2];
  EXPECT_EQ(BodyOf<TrimBody>(engine_.Trim("ns", "s", trim, sink_)).deleted, 2u);
  EXPECT_EQ(Payloads(Read("s")), (std::vector<std::string>{"2", "3", "4"}));
}

TEST_F(StreamEngineTest, TrimByMaxAgeDropsRecordsOlderThanTheAge) {
  Append("s", "old");
  clock_.Advance(1000);
  Append("s", "mid");
  clock_.Advance(1000);
  Append("s", "new");
  StreamTrimOptions trim;
  trim.max_age_ms = 1500;
  EXPECT_EQ(BodyOf<TrimBody>(engine_.Trim("ns", "s", trim, sink_)).deleted, 1u);
  EXPECT_EQ(Payloads(Read("s")), (std::vector<std::string>{"mid", "new"}));
}

TEST_F(StreamEngineTest, TrimByMaxBytesKeepsTheNewestThatFit) {
  for (const char* p : {"aaaa", "bbbb", "cccc", "dddd"}) Append("s", p);
  StreamTrimOptions trim;
  trim.max_bytes = 9;
  EXPECT_EQ(BodyOf<TrimBody>(engine_.Trim("ns", "s", trim, sink_)).deleted, 2u);
  EXPECT_EQ(Payloads(Read("s")), (std::vector<std::string>{"cccc", "dddd"}));
  EXPECT_EQ(Info("s").bytes, 8u);
}

TEST_F(StreamEngineTest, TrimRemovesTheOldestAcrossPartitions) {
  CreatePartitioned("s", 2);
  StreamAppendOptions options;
  for (int i = 0; i < 6; ++i) {
    options.partition = i < 4 ? 0u : 1u;  // partition 0 holds the four oldest
    Append("s", std::to_string(i), options);
  }
  StreamTrimOptions trim;
  trim.max_count = 3;
  engine_.Trim("ns", "s", trim, sink_);
  EXPECT_EQ(Payloads(Read("s")), (std::vector<std::string>{"3", "4", "5"}));
}

TEST_F(StreamEngineTest, DryRunReportsWithoutTrimmingOrLogging) {
  for (int i = 0; i < 5; ++i) Append("s", std::to_string(i));
  const size_t logged = sink_.records.size();
  StreamTrimOptions trim;
  trim.max_count = 1;
  trim.dry_run = true;
  Result r = engine_.Trim("ns", "s", trim, sink_);
  EXPECT_EQ(BodyOf<TrimBody>(r).deleted, 4u);
  EXPECT_EQ(Info("s").count, 5u);
  EXPECT_EQ(sink_.records.size(), logged);
}

TEST_F(StreamEngineTest, TrimNeedsACriterionAndAStream) {
  Append("s", "a");
  EXPECT_EQ(engine_.Trim("ns", "s", {}, sink_).status, Status::kBadRequest);
  StreamTrimOptions trim;
  trim.max_count = 1;
  EXPECT_EQ(engine_.Trim("ns", "missing", trim, sink_).status, Status::kNotFound);
}

TEST_F(StreamEngineTest, TrimmedStreamKeepsAssigningLargerIds) {
  const StreamId a = Append("s", "a");
  StreamTrimOptions trim;
  trim.max_count = 0;
  EXPECT_EQ(BodyOf<TrimBody>(engine_.Trim("ns", "s", trim, sink_)).deleted, 1u);
  EXPECT_EQ(Info("s").count, 0u);
  EXPECT_EQ(Info("s").last, a);
  EXPECT_EQ(Append("s", "b"), (StreamId{a.ms, a.seq + 1}));
}

}  // namespace
}  // namespace flod::engine
