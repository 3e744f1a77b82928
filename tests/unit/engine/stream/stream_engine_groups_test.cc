#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "flod/core/clock.h"
#include "flod/engine/stream/stream_engine.h"
#include "stream_test_util.h"

namespace flod::engine {
namespace {

using stream_test::BodyOf;
using stream_test::Ids;
using stream_test::Payloads;
using stream_test::RecordingSink;

class StreamGroupsTest : public ::testing::Test {
 protected:
  std::vector<StreamId> AppendMany(int n, std::string_view name = "s") {
    std::vector<StreamId> ids;
    for (int i = 0; i < n; ++i) {
      Result r =
          engine_.Append("ns", name, StreamEntry{"r" + std::to_string(next_++), {}}, {}, sink_);
      ids.push_back(BodyOf<StreamAppendBody>(r).ids.at(0));
    }
    return ids;
  }
  void CreateGroup(std::string_view group, GroupCreateOptions options = {}) {
    Result r = engine_.GroupCreate("ns", "s", group, options, sink_);
    ASSERT_TRUE(r.ok()) << r.message;
  }
  Result Read(std::string_view consumer, uint32_t count = 10, std::string_view group = "g",
              bool no_ack = false) {
    GroupReadOptions options;
    options.count = count;
    options.no_ack = no_ack;
    return engine_.GroupRead("ns", "s", group, consumer, options, sink_);
  }
  uint64_t Ack(std::vector<StreamId> ids, std::string_view group = "g") {
    return BodyOf<CountBody>(engine_.GroupAck("ns", "s", group, ids, sink_)).count;
  }
  std::vector<PendingEntry> Pending(std::string_view consumer = "") {
    GroupPendingOptions options;
    options.consumer = consumer;
    options.count = 10'000;
    return BodyOf<PendingBody>(engine_.GroupPending("ns", "s", "g", options)).entries;
  }
  GroupInfo Info(std::string_view group = "g") {
    return BodyOf<GroupInfoBody>(engine_.DescribeGroups("ns", "s", group)).groups.at(0);
  }

  ManualClock clock_{2'000'000};
  StreamEngine engine_{clock_};
  RecordingSink sink_;
  int next_ = 0;
};

GroupCreateOptions Settings(uint32_t ack_timeout_ms, uint32_t max_deliver) {
  GroupCreateOptions options;
  options.ack_timeout_ms = ack_timeout_ms;
  options.max_deliver = max_deliver;
  return options;
}

// ---- Delivery -------------------------------------------------------------------------------

TEST_F(StreamGroupsTest, EachRecordGoesToExactlyOneOfThreeConsumers) {
  const auto ids = AppendMany(30);
  CreateGroup("g");
  std::map<StreamId, std::string> owner;
  for (int round = 0; round < 4; ++round) {
    for (const char* consumer : {"c1", "c2", "c3"}) {
      for (StreamId id : Ids(Read(consumer, 3))) {
        EXPECT_TRUE(owner.emplace(id, consumer).second) << "delivered twice";
      }
    }
  }
  EXPECT_EQ(owner.size(), ids.size());
  for (const PendingEntry& e : Pending()) EXPECT_EQ(e.consumer, owner.at(e.id));
  EXPECT_TRUE(Ids(Read("c1")).empty());
}

TEST_F(StreamGroupsTest, GroupReadPutsRecordsOnTheConsumersPendingList) {
  const auto ids = AppendMany(3);
  CreateGroup("g");
  Result r = Read("c1", 2);
  EXPECT_EQ(Ids(r), (std::vector<StreamId>{ids[0], ids[1]}));
  for (const StreamRecord& record : BodyOf<RecordsBody>(r).records) {
    EXPECT_EQ(record.delivery_count, 1u);
  }
  clock_.Advance(250);
  const auto pending = Pending();
  ASSERT_EQ(pending.size(), 2u);
  EXPECT_EQ(pending[0].id, ids[0]);
  EXPECT_EQ(pending[0].consumer, "c1");
  EXPECT_EQ(pending[0].delivery_count, 1u);
  EXPECT_EQ(pending[0].idle_ms, 250);
  EXPECT_EQ(Info().last_delivered, ids[1]);
  EXPECT_EQ(Info().pending, 2u);
}

TEST_F(StreamGroupsTest, AckRemovesEntriesAndIgnoresUnknownIds) {
  const auto ids = AppendMany(3);
  CreateGroup("g");
  Read("c1");
  EXPECT_EQ(Ack({ids[0], ids[2], StreamId{1, 1}, ids[0]}), 2u);
  ASSERT_EQ(Pending().size(), 1u);
  EXPECT_EQ(Pending()[0].id, ids[1]);
  const size_t logged = sink_.records.size();
  EXPECT_EQ(Ack({StreamId{1, 1}}), 0u);
  EXPECT_EQ(sink_.records.size(), logged);
}

TEST_F(StreamGroupsTest, AckedRecordsAreNotDeliveredAgain) {
  AppendMany(2);
  CreateGroup("g", Settings(1000, 10));
  Ack(Ids(Read("c1")));
  clock_.Advance(5000);
  EXPECT_TRUE(Ids(Read("c2")).empty());
}

TEST_F(StreamGroupsTest, NackWithoutDelayMakesTheEntryDeliverableAtOnce) {
  const auto ids = AppendMany(2);
  CreateGroup("g");
  Read("c1", 1);
  EXPECT_EQ(
      BodyOf<CountBody>(engine_.GroupNack("ns", "s", "g", std::vector{ids[0]}, 0, sink_)).count,
      1u);
  Result r = Read("c2", 10);
  ASSERT_EQ(Ids(r), (std::vector<StreamId>{ids[0], ids[1]}));
  EXPECT_EQ(BodyOf<RecordsBody>(r).records[0].delivery_count, 2u);
  EXPECT_EQ(BodyOf<RecordsBody>(r).records[1].delivery_count, 1u);
  EXPECT_TRUE(Pending("c1").empty());
  EXPECT_EQ(Pending("c2").size(), 2u);
}

TEST_F(StreamGroupsTest, NackWithDelayWaitsForTheDelay) {
  const auto ids = AppendMany(1);
  CreateGroup("g");
  Read("c1");
  engine_.GroupNack("ns", "s", "g", std::vector{ids[0]}, 5000, sink_);
  clock_.Advance(4999);
  EXPECT_TRUE(Ids(Read("c2")).empty());
  clock_.Advance(1);
  EXPECT_EQ(Ids(Read("c2")), (std::vector<StreamId>{ids[0]}));
}

TEST_F(StreamGroupsTest, AckTimeoutRedeliversToAnotherConsumerWithARaisedCount) {
  const auto ids = AppendMany(1);
  CreateGroup("g", Settings(1000, 10));
  Read("c1");
  clock_.Advance(999);
  EXPECT_TRUE(Ids(Read("c2")).empty());
  clock_.Advance(1);
  Result r = Read("c2");
  ASSERT_EQ(Ids(r), (std::vector<StreamId>{ids[0]}));
  EXPECT_EQ(BodyOf<RecordsBody>(r).records[0].delivery_count, 2u);
  EXPECT_TRUE(Pending("c1").empty());
  ASSERT_EQ(Pending("c2").size(), 1u);
  EXPECT_EQ(Pending("c2")[0].delivery_count, 2u);
}

TEST_F(StreamGroupsTest, DueRedeliveriesComeBeforeNewRecords) {
  const auto first = AppendMany(1);
  CreateGroup("g", Settings(1000, 10));
  Read("c1");
  const auto later = AppendMany(1);
  clock_.Advance(1000);
  EXPECT_EQ(Ids(Read("c2", 1)), first);
  EXPECT_EQ(Ids(Read("c2", 1)), later);
}

TEST_F(StreamGroupsTest, ZeroAckTimeoutNeverRedeliversByItself) {
  AppendMany(1);
  CreateGroup("g", Settings(0, 0));
  Read("c1");
  clock_.Advance(86'400'000);
  EXPECT_TRUE(Ids(Read("c2")).empty());
  EXPECT_EQ(Pending("c1").size(), 1u);
}

TEST_F(StreamGroupsTest, MaxDeliveriesMovesTheEntryToTheDeadLetters) {
  const auto ids = AppendMany(1);
  CreateGroup("g", Settings(1000, 2));
  EXPECT_EQ(Ids(Read("c1")), ids);
  clock_.Advance(1000);
  EXPECT_EQ(Ids(Read("c1")), ids);  // second delivery
  clock_.Advance(1000);
  EXPECT_TRUE(Ids(Read("c1")).empty());
  EXPECT_TRUE(Pending().empty());
  EXPECT_EQ(Info().dead_letters, 1u);
  Result dead = engine_.GroupDeadLetters("ns", "s", "g", StreamId{}, 10);
  ASSERT_EQ(Ids(dead), ids);
  EXPECT_EQ(BodyOf<RecordsBody>(dead).records[0].delivery_count, 2u);
  EXPECT_EQ(BodyOf<RecordsBody>(dead).records[0].payload, "r0");
}

TEST_F(StreamGroupsTest, DeadLettersCanBePurged) {
  const auto ids = AppendMany(2);
  CreateGroup("g", Settings(1000, 1));
  Read("c1");
  clock_.Advance(1000);
  Read("c1");
  ASSERT_EQ(Info().dead_letters, 2u);
  EXPECT_EQ(
      BodyOf<CountBody>(engine_.GroupDeadLetterPurge("ns", "s", "g", std::vector{ids[0]}, sink_))
          .count,
      1u);
  EXPECT_EQ(Ids(engine_.GroupDeadLetters("ns", "s", "g", StreamId{}, 10)),
            (std::vector<StreamId>{ids[1]}));
  EXPECT_EQ(BodyOf<CountBody>(engine_.GroupDeadLetterPurge("ns", "s", "g", {}, sink_)).count, 1u);
  EXPECT_EQ(Info().dead_letters, 0u);
}

TEST_F(StreamGroupsTest, NoAckReadDeliversWithoutTracking) {
  AppendMany(3);
  CreateGroup("g");
  EXPECT_EQ(Ids(Read("c1", 10, "g", true)).size(), 3u);
  EXPECT_TRUE(Pending().empty());
  EXPECT_TRUE(Ids(Read("c2")).empty());
}

// ---- Claim and touch ------------------------------------------------------------------------

TEST_F(StreamGroupsTest, ClaimMovesOnlyEntriesIdleLongEnough) {
  const auto ids = AppendMany(2);
  CreateGroup("g", Settings(0, 0));
  Read("c1", 1);
  clock_.Advance(500);
  Read("c1", 1);
  clock_.Advance(500);
  GroupClaimOptions claim;
  claim.consumer = "c2";
  claim.min_idle_ms = 800;
  claim.ids = ids;
  Result r = engine_.GroupClaim("ns", "s", "g", claim, sink_);
  ASSERT_EQ(Ids(r), (std::vector<StreamId>{ids[0]}));
  EXPECT_EQ(BodyOf<RecordsBody>(r).records[0].delivery_count, 2u);
  ASSERT_EQ(Pending("c2").size(), 1u);
  EXPECT_EQ(Pending("c2")[0].idle_ms, 0);
  EXPECT_EQ(Pending("c1").size(), 1u);
  EXPECT_EQ(Pending("c1")[0].id, ids[1]);
}

TEST_F(StreamGroupsTest, ClaimWithJustIdKeepsTheDeliveryCount) {
  const auto ids = AppendMany(1);
  CreateGroup("g");
  Read("c1");
  GroupClaimOptions claim;
  claim.consumer = "c2";
  claim.ids = ids;
  claim.just_id = true;
  Result r = engine_.GroupClaim("ns", "s", "g", claim, sink_);
  ASSERT_EQ(Ids(r), ids);
  EXPECT_TRUE(BodyOf<RecordsBody>(r).records[0].payload.empty());
  EXPECT_EQ(Pending("c2").at(0).delivery_count, 1u);
}

TEST_F(StreamGroupsTest, AutoClaimScansThePendingListWithACursor) {
  const auto ids = AppendMany(5);
  CreateGroup("g");
  Read("c1");
  clock_.Advance(100);
  GroupClaimOptions claim;
  claim.consumer = "c2";
  claim.min_idle_ms = 50;
  claim.count = 2;
  Result first = engine_.GroupClaim("ns", "s", "g", claim, sink_);
  EXPECT_EQ(Ids(first), (std::vector<StreamId>{ids[0], ids[1]}));
  EXPECT_EQ(BodyOf<RecordsBody>(first).next, ids[2]);
  claim.scan_start = ids[2];
  claim.count = 10;
  Result rest = engine_.GroupClaim("ns", "s", "g", claim, sink_);
  EXPECT_EQ(Ids(rest), (std::vector<StreamId>{ids[2], ids[3], ids[4]}));
  EXPECT_EQ(BodyOf<RecordsBody>(rest).next, StreamId{});
  EXPECT_EQ(Pending("c2").size(), 5u);
}

TEST_F(StreamGroupsTest, ClaimDropsEntriesWhoseRecordsWereTrimmed) {
  const auto ids = AppendMany(3);
  CreateGroup("g");
  Read("c1");
  StreamTrimOptions trim;
  trim.before = ids[1];
  engine_.Trim("ns", "s", trim, sink_);
  GroupClaimOptions claim;
  claim.consumer = "c2";
  claim.ids = ids;
  Result r = engine_.GroupClaim("ns", "s", "g", claim, sink_);
  EXPECT_EQ(Ids(r), (std::vector<StreamId>{ids[1], ids[2]}));
  EXPECT_EQ(BodyOf<RecordsBody>(r).deleted, (std::vector<StreamId>{ids[0]}));
  EXPECT_EQ(Info().pending, 2u);
}

TEST_F(StreamGroupsTest, TouchResetsTheIdleClockAndPushesRedeliveryBack) {
  const auto ids = AppendMany(1);
  CreateGroup("g", Settings(1000, 10));
  Read("c1");
  clock_.Advance(900);
  EXPECT_EQ(BodyOf<CountBody>(engine_.GroupTouch("ns", "s", "g", ids, 5000, sink_)).count, 1u);
  EXPECT_EQ(Pending()[0].idle_ms, 0);
  clock_.Advance(4999);
  EXPECT_TRUE(Ids(Read("c2")).empty());
  clock_.Advance(1);
  EXPECT_EQ(Ids(Read("c2")), ids);
}

TEST_F(StreamGroupsTest, TouchWithoutExtendUsesTheAckTimeout) {
  const auto ids = AppendMany(1);
  CreateGroup("g", Settings(1000, 10));
  Read("c1");
  clock_.Advance(900);
  engine_.GroupTouch("ns", "s", "g", ids, std::nullopt, sink_);
  clock_.Advance(999);
  EXPECT_TRUE(Ids(Read("c2")).empty());
  clock_.Advance(1);
  EXPECT_EQ(Ids(Read("c2")), ids);
}

// ---- Group lifecycle ------------------------------------------------------------------------

TEST_F(StreamGroupsTest, GroupCreatedAtTheEndSeesOnlyNewRecords) {
  AppendMany(3);
  GroupCreateOptions options;
  options.at_end = true;
  CreateGroup("g", options);
  EXPECT_TRUE(Ids(Read("c1")).empty());
  const auto fresh = AppendMany(2);
  EXPECT_EQ(Ids(Read("c1")), fresh);
}

TEST_F(StreamGroupsTest, GroupCreatedAfterAnIdStartsAfterIt) {
  const auto ids = AppendMany(4);
  GroupCreateOptions options;
  options.start_after = ids[1];
  CreateGroup("g", options);
  EXPECT_EQ(Ids(Read("c1")), (std::vector<StreamId>{ids[2], ids[3]}));
}

TEST_F(StreamGroupsTest, SecondGroupIsIndependent) {
  const auto ids = AppendMany(3);
  CreateGroup("g");
  CreateGroup("h");
  EXPECT_EQ(Ids(Read("c1", 10, "g")), ids);
  Ack(ids, "g");
  EXPECT_EQ(Ids(Read("c1", 10, "h")), ids);
  EXPECT_EQ(Info("h").pending, 3u);
  EXPECT_EQ(Info("g").pending, 0u);
}

TEST_F(StreamGroupsTest, CreatingAGroupTwiceConflicts) {
  AppendMany(1);
  CreateGroup("g");
  EXPECT_EQ(engine_.GroupCreate("ns", "s", "g", {}, sink_).status, Status::kConflict);
}

TEST_F(StreamGroupsTest, DeletedGroupIsGoneAndComesBackFromTheBeginning) {
  const auto ids = AppendMany(2);
  CreateGroup("g");
  Read("c1");
  EXPECT_EQ(BodyOf<CountBody>(engine_.GroupDelete("ns", "s", "g", sink_)).count, 1u);
  EXPECT_EQ(engine_.DescribeGroups("ns", "s", "g").status, Status::kNotFound);
  EXPECT_EQ(BodyOf<CountBody>(engine_.GroupDelete("ns", "s", "g", sink_)).count, 0u);
  EXPECT_EQ(Ids(Read("c1")), ids);
}

TEST_F(StreamGroupsTest, GroupReadCreatesTheGroupFromTheBeginningWithDefaults) {
  const auto ids = AppendMany(2);
  EXPECT_EQ(Ids(Read("c1")), ids);
  const GroupInfo info = Info();
  EXPECT_EQ(info.ack_timeout_ms, 30'000u);
  EXPECT_EQ(info.max_deliver, 10u);
  EXPECT_EQ(info.consumers, (std::vector<std::string>{"c1"}));
}

TEST_F(StreamGroupsTest, GroupReadOnAMissingStreamWaitsForTheFirstAppend) {
  EXPECT_TRUE(Ids(Read("c1")).empty());
  EXPECT_TRUE(engine_.Exists("ns", "s"));
  const auto ids = AppendMany(1);
  EXPECT_EQ(Ids(Read("c1")), ids);
}

TEST_F(StreamGroupsTest, EmptyReadOfAKnownConsumerChangesNothing) {
  AppendMany(1);
  Read("c1");
  const size_t logged = sink_.records.size();
  EXPECT_TRUE(Ids(Read("c1")).empty());
  EXPECT_EQ(sink_.records.size(), logged);
}

TEST_F(StreamGroupsTest, JoinCreatesTheGroupAndTheConsumerOnce) {
  AppendMany(1);
  EXPECT_EQ(BodyOf<CountBody>(engine_.GroupJoin("ns", "s", "g", "c1", sink_)).count, 1u);
  EXPECT_EQ(BodyOf<CountBody>(engine_.GroupJoin("ns", "s", "g", "c1", sink_)).count, 0u);
  EXPECT_EQ(Info().consumers, (std::vector<std::string>{"c1"}));
  EXPECT_EQ(Info().last_delivered, StreamId{});
}

TEST_F(StreamGroupsTest, LeavingReleasesHeldEntriesForRedelivery) {
  const auto ids = AppendMany(2);
  CreateGroup("g");
  Read("c1");
  EXPECT_EQ(BodyOf<CountBody>(engine_.GroupLeave("ns", "s", "g", "c1", false, sink_)).count, 2u);
  EXPECT_EQ(Info().consumers, std::vector<std::string>{});
  EXPECT_EQ(Info().pending, 2u);
  Result r = Read("c2");
  EXPECT_EQ(Ids(r), ids);
  EXPECT_EQ(BodyOf<RecordsBody>(r).records[0].delivery_count, 2u);
}

TEST_F(StreamGroupsTest, LeavingWithDropForgetsHeldEntries) {
  AppendMany(2);
  CreateGroup("g");
  Read("c1");
  engine_.GroupLeave("ns", "s", "g", "c1", true, sink_);
  EXPECT_EQ(Info().pending, 0u);
  EXPECT_TRUE(Ids(Read("c2")).empty());
}

TEST_F(StreamGroupsTest, SetCursorMovesWhereNewDeliveriesStart) {
  const auto ids = AppendMany(3);
  CreateGroup("g");
  ASSERT_TRUE(engine_.GroupSetCursor("ns", "s", "g", ids[1], sink_).ok());
  EXPECT_EQ(Ids(Read("c1")), (std::vector<StreamId>{ids[2]}));
  ASSERT_TRUE(engine_.GroupSetCursor("ns", "s", "g", std::nullopt, sink_).ok());
  EXPECT_EQ(Info().last_delivered, ids[2]);
}

TEST_F(StreamGroupsTest, OperationsOnAMissingGroupAreNotFound) {
  AppendMany(1);
  EXPECT_EQ(engine_.GroupAck("ns", "s", "g", std::vector<StreamId>{}, sink_).status,
            Status::kNotFound);
  EXPECT_EQ(engine_.GroupPending("ns", "s", "g", {}).status, Status::kNotFound);
  EXPECT_EQ(engine_.GroupPending("ns", "nope", "g", {}).status, Status::kNotFound);
  EXPECT_EQ(Read("").status, Status::kBadRequest);
}

// ---- Inspection -----------------------------------------------------------------------------

TEST_F(StreamGroupsTest, PendingGivesASummaryAndPerConsumerDetail) {
  const auto ids = AppendMany(5);
  CreateGroup("g");
  Read("c1", 2);
  Read("c2", 3);
  GroupPendingOptions options;
  options.consumer = "c2";
  options.start = ids[3];
  Result r = engine_.GroupPending("ns", "s", "g", options);
  const PendingBody& body = BodyOf<PendingBody>(r);
  EXPECT_EQ(body.total, 5u);
  EXPECT_EQ(body.min_id, ids[0]);
  EXPECT_EQ(body.max_id, ids[4]);
  EXPECT_EQ(body.per_consumer,
            (std::vector<std::pair<std::string, uint64_t>>{{"c1", 2}, {"c2", 3}}));
  ASSERT_EQ(body.entries.size(), 2u);
  EXPECT_EQ(body.entries[0].id, ids[3]);
  EXPECT_EQ(body.entries[1].id, ids[4]);
}

TEST_F(StreamGroupsTest, PendingFiltersByRangeCountAndIdleTime) {
  const auto ids = AppendMany(4);
  CreateGroup("g");
  Read("c1", 2);
  clock_.Advance(100);
  Read("c1", 2);
  GroupPendingOptions options;
  options.min_idle_ms = 50;
  EXPECT_EQ(BodyOf<PendingBody>(engine_.GroupPending("ns", "s", "g", options)).entries.size(), 2u);
  options = {};
  options.start = ids[1];
  options.end = ids[2];
  EXPECT_EQ(BodyOf<PendingBody>(engine_.GroupPending("ns", "s", "g", options)).entries.size(), 2u);
  options.count = 1;
  EXPECT_EQ(BodyOf<PendingBody>(engine_.GroupPending("ns", "s", "g", options)).entries.size(), 1u);
}

TEST_F(StreamGroupsTest, HistoryGivesTheConsumersOwnPendingRecords) {
  const auto ids = AppendMany(4);
  CreateGroup("g");
  Read("c1", 2);
  Read("c2", 2);
  Result r = engine_.GroupHistory("ns", "s", "g", "c1", StreamId{}, 10);
  EXPECT_EQ(Ids(r), (std::vector<StreamId>{ids[0], ids[1]}));
  EXPECT_EQ(Payloads(r), (std::vector<std::string>{"r0", "r1"}));
  Ack({ids[0]});
  EXPECT_EQ(Ids(engine_.GroupHistory("ns", "s", "g", "c1", StreamId{}, 10)),
            (std::vector<StreamId>{ids[1]}));
}

TEST_F(StreamGroupsTest, GroupInfoListsEveryGroupOfTheStream) {
  AppendMany(1);
  CreateGroup("a");
  CreateGroup("b");
  Result r = engine_.DescribeGroups("ns", "s", "");
  ASSERT_EQ(BodyOf<GroupInfoBody>(r).groups.size(), 2u);
  EXPECT_EQ(BodyOf<GroupInfoBody>(r).groups[1].name, "b");
  EXPECT_EQ(BodyOf<StreamInfoBody>(engine_.Info("ns", "s")).group_count, 2u);
}

TEST_F(StreamGroupsTest, ConsumerDetailsShowPendingAndIdleTime) {
  AppendMany(3);
  CreateGroup("g");
  Read("c1", 2);
  clock_.Advance(40);
  Read("c2", 1);
  clock_.Advance(10);
  const GroupInfo info = Info();
  ASSERT_EQ(info.consumer_details.size(), 2u);
  EXPECT_EQ(info.consumer_details[0].pending, 2u);
  EXPECT_EQ(info.consumer_details[0].idle_ms, 50);
  EXPECT_EQ(info.consumer_details[1].idle_ms, 10);
}

// ---- Scale ----------------------------------------------------------------------------------

TEST_F(StreamGroupsTest, TwoHundredThousandRecordsFlowThroughThreeConsumers) {
  NullChangeSink discard;
  CreateGroup("g", Settings(0, 0));
  std::set<StreamId> delivered;
  uint64_t acked = 0;
  const char* consumers[] = {"c1", "c2", "c3"};
  bool duplicate = false;
  auto drain_once = [&](const char* consumer) -> size_t {
    GroupReadOptions options;
    options.count = 50;
    Result r = engine_.GroupRead("ns", "s", "g", consumer, options, discard);
    std::vector<StreamId> ids = Ids(r);
    for (StreamId id : ids) duplicate |= !delivered.insert(id).second;
    acked += BodyOf<CountBody>(engine_.GroupAck("ns", "s", "g", ids, discard)).count;
    return ids.size();
  };
  for (int batch = 0; batch < 2000; ++batch) {
    std::vector<StreamEntry> entries(100, StreamEntry{"payload", {}});
    ASSERT_TRUE(engine_.AppendBatch("ns", "s", std::move(entries), {}, discard).ok());
    clock_.Advance(1);
    for (const char* consumer : consumers) drain_once(consumer);
  }
  while (drain_once("c1") > 0) {
  }
  EXPECT_FALSE(duplicate);
  EXPECT_EQ(delivered.size(), 200'000u);
  EXPECT_EQ(acked, 200'000u);
  EXPECT_EQ(Info().pending, 0u);
}

}  // namespace
}  // namespace flod::engine
