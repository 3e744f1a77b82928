#include "engine/stream/stream_partition.h"

#include <gtest/gtest.h>

namespace flod::engine::stream {
namespace {

std::vector<Partition> Sample() {
  // Partition 0: 1, 4, 5; partition 1: 2, 3, 6 (ids are ms-0).
  std::vector<Partition> parts(2);
  for (uint64_t ms : {1, 4, 5}) parts[0].Push(StoredRecord{StreamId{ms, 0}, "", "p0", {}});
  for (uint64_t ms : {2, 3, 6}) parts[1].Push(StoredRecord{StreamId{ms, 0}, "", "p1", {}});
  return parts;
}

std::vector<uint64_t> Walk(MergedCursor cursor) {
  std::vector<uint64_t> out;
  while (auto item = cursor.Next()) out.push_back(item->record->id.ms);
  return out;
}

TEST(StoredRecordTest, ARecordWithoutKeyOrHeadersIsAnIdAPayloadAndOnePointer) {
  EXPECT_EQ(sizeof(StoredRecord), sizeof(StreamId) + sizeof(std::string) + sizeof(void*));
  const StoredRecord plain{StreamId{1, 0}, "", "payload", {}};
  EXPECT_EQ(plain.key(), "");
  EXPECT_TRUE(plain.headers().empty());
  EXPECT_EQ(plain.Bytes(), 7u);
}

TEST(StoredRecordTest, KeyAndHeadersAreKeptAndCountInItsBytes) {
  const StoredRecord record{StreamId{1, 0}, "key", "payload", {{"h", "value"}}};
  EXPECT_EQ(record.key(), "key");
  EXPECT_EQ(record.headers(), (StreamHeaders{{"h", "value"}}));
  EXPECT_EQ(record.Bytes(), 3u + 7u + 1u + 5u);
}

TEST(StoredRecordTest, ACopyHasItsOwnKeyAndHeaders) {
  StoredRecord original{StreamId{1, 0}, "key", "payload", {{"h", "v"}}};
  StoredRecord copy = original;
  original.SetKey("changed");
  original.SetHeaders({});
  EXPECT_EQ(copy.key(), "key");
  EXPECT_EQ(copy.headers(), (StreamHeaders{{"h", "v"}}));
  copy = original;
  EXPECT_EQ(copy.key(), "changed");
  EXPECT_TRUE(copy.headers().empty());
}

TEST(StoredRecordTest, ClearingKeyAndHeadersLeavesARecordWithoutThem) {
  StoredRecord record{StreamId{1, 0}, "key", "payload", {{"h", "v"}}};
  record.SetKey("");
  EXPECT_EQ(record.headers(), (StreamHeaders{{"h", "v"}}));
  record.SetHeaders({});
  EXPECT_EQ(record.key(), "");
  EXPECT_TRUE(record.headers().empty());
  EXPECT_EQ(record.Bytes(), 7u);
}

TEST(StreamPartitionTest, MergedCursorWalksAllPartitionsInIdOrder) {
  const auto parts = Sample();
  EXPECT_EQ(Walk(MergedCursor(parts, std::nullopt, StreamId{}, kMaxId)),
            (std::vector<uint64_t>{1, 2, 3, 4, 5, 6}));
}

TEST(StreamPartitionTest, MergedCursorHonoursInclusiveBoundsBothWays) {
  const auto parts = Sample();
  EXPECT_EQ(Walk(MergedCursor(parts, std::nullopt, StreamId{2, 0}, StreamId{5, 0})),
            (std::vector<uint64_t>{2, 3, 4, 5}));
  EXPECT_EQ(Walk(MergedCursor(parts, std::nullopt, StreamId{2, 0}, StreamId{5, 0}, true)),
            (std::vector<uint64_t>{5, 4, 3, 2}));
  EXPECT_TRUE(Walk(MergedCursor(parts, std::nullopt, StreamId{5, 0}, StreamId{2, 0})).empty());
}

TEST(StreamPartitionTest, MergedCursorCanStayInOnePartition) {
  const auto parts = Sample();
  EXPECT_EQ(Walk(MergedCursor(parts, 1u, StreamId{}, kMaxId, true)),
            (std::vector<uint64_t>{6, 3, 2}));
}

TEST(StreamPartitionTest, RemoveFrontCountsRecordsAndBytes) {
  auto parts = Sample();
  const Partition::Removed removed = parts[0].RemoveFront(2);
  EXPECT_EQ(removed.count, 2u);
  EXPECT_EQ(removed.bytes, 4u);
  EXPECT_EQ(parts[0].size(), 1u);
  EXPECT_EQ(parts[0].bytes(), 2u);
  EXPECT_EQ(parts[0].front().id, (StreamId{5, 0}));
}

TEST(StreamPartitionTest, SuccessorAndPredecessorCrossMilliseconds) {
  EXPECT_EQ(Successor(StreamId{1, UINT64_MAX}), (StreamId{2, 0}));
  EXPECT_EQ(Successor(kMaxId), std::nullopt);
  EXPECT_EQ(Predecessor(StreamId{2, 0}), (StreamId{1, UINT64_MAX}));
  EXPECT_EQ(Predecessor(StreamId{}), StreamId{});
}

}  // namespace
}  // namespace flod::engine::stream
