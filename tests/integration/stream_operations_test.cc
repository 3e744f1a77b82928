// Every stream operation over the Flo binary protocol against the real flod: append (single,
// batch, partitions), read (from start, ranges, counts), info, list, create, delete, trim.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "stream_test_support.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace wire;
using namespace stream;

class StreamOperationsTest : public FlodTest {};

std::vector<Id> AppendSome(FloClient& client, std::string_view name, int count) {
  std::vector<Id> ids;
  for (int i = 0; i < count; ++i) ids.push_back(Append(client, name, "event-" + std::to_string(i)));
  return ids;
}

TEST_F(StreamOperationsTest, AppendAssignsIncreasingIdsAndReadReturnsRecordsInOrder) {
  auto client = Connect();
  const std::vector<Id> ids = AppendSome(*client, "events", 20);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
  const std::vector<Record> records =
      Read(*client, "events", FloOptions().Bytes(kOptStreamStart, BigEndianId({0, 0})));
  ASSERT_EQ(records.size(), 20u);
  for (size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].id, ids[i]);
    EXPECT_EQ(records[i].payload, "event-" + std::to_string(i));
    EXPECT_TRUE(records[i].key.empty());
  }
}

TEST_F(StreamOperationsTest, ReadWithoutStartBeginsAtTheOldestRecord) {
  auto client = Connect();
  const std::vector<Id> ids = AppendSome(*client, "events", 3);
  EXPECT_EQ(IdsOf(Read(*client, "events")), ids);
}

TEST_F(StreamOperationsTest, RangeBoundsAreInclusiveAndCountCapsTheAnswer) {
  auto client = Connect();
  const std::vector<Id> ids = AppendSome(*client, "events", 10);
  const auto range = Read(*client, "events",
                          FloOptions()
                              .Bytes(kOptStreamStart, BigEndianId(ids[2]))
                              .Bytes(kOptStreamEnd, BigEndianId(ids[5])));
  EXPECT_EQ(IdsOf(range), std::vector<Id>(ids.begin() + 2, ids.begin() + 6));
  const auto capped =
      Read(*client, "events",
           FloOptions().Bytes(kOptStreamStart, BigEndianId(ids[7])).U32(kOptCount, 2));
  EXPECT_EQ(IdsOf(capped), std::vector<Id>(ids.begin() + 7, ids.begin() + 9));
}

TEST_F(StreamOperationsTest, ReadingAMissingStreamOrPastTheEndAnswersEmptyData) {
  auto client = Connect();
  const FloReply missing = client->Call(kStreamRead, "nothing-here");
  EXPECT_EQ(missing.status, kOk);
  EXPECT_TRUE(missing.data.empty());
  const Id last = AppendSome(*client, "events", 2).back();
  EXPECT_TRUE(ReadFrom(*client, "events", {last.ms, last.seq + 1}).empty());
}

TEST_F(StreamOperationsTest, ANonBlockingTailReadAnswersNothing) {
  auto client = Connect();
  AppendSome(*client, "events", 3);
  EXPECT_TRUE(Read(*client, "events", FloOptions().Flag(kOptStreamTail)).empty());
}

TEST_F(StreamOperationsTest, BatchAppendStoresEveryRecordWithConsecutiveIds) {
  auto client = Connect();
  const FloReply reply = Expect(client->Call(kStreamAppend, "batch", BatchValue({"a", "b", "c"}),
                                             FloOptions().Flag(kOptStreamBatch)),
                                kOk, "batch append");
  Cursor in(reply.data);
  const uint64_t first_seq = in.Le(8);
  const Id first{in.Le(8), first_seq};
  ASSERT_EQ(in.Le(4), 3u);
  std::vector<Id> ids;
  for (int i = 0; i < 3; ++i) {
    const uint64_t seq = in.Le(8);
    ids.push_back(Id{in.Le(8), seq});
  }
  EXPECT_TRUE(in.done());
  EXPECT_EQ(first, ids[0]);
  const std::vector<Record> records = Read(*client, "batch");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(IdsOf(records), ids);
  EXPECT_EQ(records[0].payload, "a");
  EXPECT_EQ(records[2].payload, "c");
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
}

TEST_F(StreamOperationsTest, AnEmptyOrShortBatchIsRefused) {
  auto client = Connect();
  EXPECT_EQ(client->Call(kStreamAppend, "batch", BatchValue({}), FloOptions().Flag(kOptStreamBatch))
                .status,
            kBadRequest);
  EXPECT_EQ(
      client->Call(kStreamAppend, "batch", "\x02\x00\x00\x00", FloOptions().Flag(kOptStreamBatch))
          .status,
      kBadRequest);
  EXPECT_EQ(client->Call(kPing, "").status, kOk);  // the connection stays usable
}

TEST_F(StreamOperationsTest, PartitionsRouteByIndexOrKeyAndReadsSelectThem) {
  auto client = Connect();
  Expect(client->Call(kStreamCreate, "orders", std::string("\x04\x00\x00\x00", 4)), kOk, "create");
  const Id explicit_id = Append(*client, "orders", "p2", FloOptions().U32(kOptPartition, 2));
  Append(*client, "orders", "k1", FloOptions().Bytes(kOptPartitionKey, "user-1"));
  Append(*client, "orders", "k2", FloOptions().Bytes(kOptPartitionKey, "user-1"));
  const auto in_two = Read(*client, "orders", FloOptions().U32(kOptPartition, 2));
  ASSERT_FALSE(in_two.empty());
  EXPECT_EQ(in_two.front().id, explicit_id);
  const auto all = Read(*client, "orders");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[1].key, "user-1");
  EXPECT_EQ(all[1].partition, all[2].partition);
  const auto keyed = Read(*client, "orders", FloOptions().U32(kOptPartition, all[1].partition));
  EXPECT_GE(keyed.size(), 2u);
  EXPECT_EQ(client->Call(kStreamAppend, "orders", "x", FloOptions().U32(kOptPartition, 4)).status,
            kBadRequest);
  EXPECT_EQ(StreamInfo(*client, "orders").partitions, 4u);
}

TEST_F(StreamOperationsTest, InfoReportsFirstLastCountBytesAndPartitions) {
  auto client = Connect();
  const std::vector<Id> ids = AppendSome(*client, "events", 5);
  const Info info = StreamInfo(*client, "events");
  EXPECT_EQ(info.first, ids.front());
  EXPECT_EQ(info.last, ids.back());
  EXPECT_EQ(info.count, 5u);
  EXPECT_EQ(info.bytes, 5u * 7u);  // "event-0" … "event-4"
  EXPECT_EQ(info.partitions, 1u);
  EXPECT_EQ(client->Call(kStreamInfo, "nothing-here").status, kNotFound);
}

TEST_F(StreamOperationsTest, ListNamesEveryStreamOfTheNamespaceAcrossShards) {
  auto client = Connect();
  std::vector<std::string> names;
  for (int i = 0; i < 12; ++i) {
    names.push_back("s" + std::to_string(i));
    Append(*client, names.back(), "x", {}, "listing");
  }
  Append(*client, "elsewhere", "x", {}, "other");
  std::sort(names.begin(), names.end());
  const FloReply reply =
      Expect(client->Call(kStreamList, "", "", {}, "listing"), kOk, "stream_list");
  Cursor in(reply.data);
  std::vector<std::string> listed;
  for (uint64_t n = in.Le(4); n > 0; --n) listed.push_back(in.Str16());
  EXPECT_EQ(in.Le(1), 0u);  // has_more
  EXPECT_EQ(in.Le(2), 0u);  // no cursor
  EXPECT_EQ(listed, names);
  // A cursor lists the names after it.
  std::string value;
  PutLe(value, 100, 4);
  value += names[9];
  const FloReply after = Expect(client->Call(kStreamList, "", value, {}, "listing"), kOk, "list");
  EXPECT_EQ(Cursor(after.data).Le(4), 2u);
}

TEST_F(StreamOperationsTest, CreateRefusesAnExistingStreamAndTooManyPartitions) {
  auto client = Connect();
  Expect(client->Call(kStreamCreate, "made"), kOk, "create");
  EXPECT_EQ(client->Call(kStreamCreate, "made").status, kConflict);
  std::string too_many;
  PutLe(too_many, 5000, 4);
  EXPECT_EQ(client->Call(kStreamCreate, "wide", too_many).status, kBadRequest);
  EXPECT_EQ(StreamInfo(*client, "made").count, 0u);
}

TEST_F(StreamOperationsTest, CreatedRetentionIsEnforcedInTheBackground) {
  auto client = Connect();
  Expect(client->Call(kStreamCreate, "capped", "", FloOptions().U64(kOptRetentionCount, 5)), kOk,
         "create");
  const std::vector<Id> ids = AppendSome(*client, "capped", 20);
  Info info;
  for (int attempt = 0; attempt < 100; ++attempt) {
    info = StreamInfo(*client, "capped");
    if (info.count == 5) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(info.count, 5u);
  EXPECT_EQ(info.first, ids[15]);
  EXPECT_EQ(info.last, ids[19]);
}

TEST_F(StreamOperationsTest, DeleteNeedsForceForAStreamThatHoldsRecords) {
  auto client = Connect();
  AppendSome(*client, "doomed", 3);
  EXPECT_EQ(client->Call(kStreamDelete, "doomed").status, kConflict);
  const FloReply deleted = client->Call(kStreamDelete, "doomed", "", FloOptions().Flag(kOptForce));
  ASSERT_EQ(deleted.status, kOk);
  EXPECT_EQ(ParseCount(deleted.data), 1u);
  EXPECT_EQ(client->Call(kStreamInfo, "doomed").status, kNotFound);
  EXPECT_EQ(ParseCount(Expect(client->Call(kStreamDelete, "doomed"), kOk, "delete").data), 0u);
  // The name is free at once.
  Append(*client, "doomed", "again");
  EXPECT_EQ(StreamInfo(*client, "doomed").count, 1u);
}

TEST_F(StreamOperationsTest, TrimKeepsTheNewestRecordsAndADryRunChangesNothing) {
  auto client = Connect();
  const std::vector<Id> ids = AppendSome(*client, "events", 10);
  const FloReply dry =
      Expect(client->Call(kStreamTrim, "events", "",
                          FloOptions().U64(kOptRetentionCount, 4).Flag(kOptDryRun)),
             kOk, "dry trim");
  EXPECT_EQ(Cursor(dry.data).Le(8), 6u);
  EXPECT_EQ(StreamInfo(*client, "events").count, 10u);
  const FloReply trimmed =
      Expect(client->Call(kStreamTrim, "events", "", FloOptions().U64(kOptRetentionCount, 4)), kOk,
             "trim");
  Cursor in(trimmed.data);
  EXPECT_EQ(in.Le(8), 6u);
  EXPECT_EQ(in.Le(8), ids[6].seq);
  EXPECT_EQ(IdsOf(Read(*client, "events")), std::vector<Id>(ids.begin() + 6, ids.end()));
}

TEST_F(StreamOperationsTest, TrimByBytesAndWithoutCriterion) {
  auto client = Connect();
  AppendSome(*client, "events", 10);  // 7 bytes each
  Expect(client->Call(kStreamTrim, "events", "", FloOptions().U64(kOptRetentionBytes, 21)), kOk,
         "trim");
  EXPECT_EQ(StreamInfo(*client, "events").count, 3u);
  EXPECT_EQ(client->Call(kStreamTrim, "events").status, kBadRequest);
  EXPECT_EQ(
      client->Call(kStreamTrim, "nothing-here", "", FloOptions().U64(kOptRetentionCount, 1)).status,
      kOk);
}

TEST_F(StreamOperationsTest, NamespacesHoldIndependentStreams) {
  auto client = Connect();
  Append(*client, "shared", "in-a", {}, "tenant-a");
  Append(*client, "shared", "in-b", {}, "tenant-b");
  const FloReply a = Expect(client->Call(kStreamRead, "shared", "", {}, "tenant-a"), kOk, "read");
  const std::vector<Record> records = ParseRecords(a.data);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].payload, "in-a");
}

}  // namespace
}  // namespace flod::testing
