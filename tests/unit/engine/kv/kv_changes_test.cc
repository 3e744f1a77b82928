#include "engine/kv/kv_changes.h"

#include <gtest/gtest.h>

namespace flod::engine::kv {
namespace {

TEST(KvChangesTest, SetRoundTripsEveryField) {
  std::string payload;
  SetChange in{"ns", "key", std::string_view("v\0al", 4), ValueKind::kCounter, true, 42,
               9000, 1234};
  ASSERT_EQ(EncodeChange(in, payload), kRecordSet);
  std::vector<Change> out;
  ASSERT_TRUE(DecodeRecord(kRecordSet, payload, out));
  ASSERT_EQ(out.size(), 1u);
  const SetChange& got = std::get<SetChange>(out[0]);
  EXPECT_EQ(got.ns, "ns");
  EXPECT_EQ(got.key, "key");
  EXPECT_EQ(got.value, std::string_view("v\0al", 4));
  EXPECT_EQ(got.kind, ValueKind::kCounter);
  EXPECT_TRUE(got.fresh);
  EXPECT_EQ(got.version, 42u);
  EXPECT_EQ(got.expire_at_ms, 9000);
  EXPECT_EQ(got.written_ms, 1234);
}

TEST(KvChangesTest, BatchKeepsMembersInOrder) {
  std::string payload;
  BatchEncoder batch(payload);
  batch.Add(SetChange{"ns", "a", "1", ValueKind::kBytes, true, 1, 0, 0});
  batch.Add(ExpireChange{"ns", "a", 77});
  batch.Add(DeleteChange{"ns", "b"});
  EXPECT_EQ(batch.count(), 3u);
  std::vector<Change> out;
  ASSERT_TRUE(DecodeRecord(kRecordBatch, payload, out));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(std::get<SetChange>(out[0]).key, "a");
  EXPECT_EQ(std::get<ExpireChange>(out[1]).expire_at_ms, 77);
  EXPECT_EQ(std::get<DeleteChange>(out[2]).key, "b");
}

TEST(KvChangesTest, BatchRefusesClearAndFloorMembers) {
  std::string payload;
  BatchEncoder batch(payload);
  batch.Add(ClearChange{"ns"});
  std::vector<Change> out;
  EXPECT_FALSE(DecodeRecord(kRecordBatch, payload, out));
}

TEST(KvChangesTest, NegativeExpiryIsRefused) {
  std::string payload;
  EncodeChange(ExpireChange{"ns", "k", -5}, payload);
  std::vector<Change> out;
  EXPECT_FALSE(DecodeRecord(kRecordExpire, payload, out));
}

TEST(KvChangesTest, ClearAndFloorRoundTrip) {
  std::string payload;
  std::vector<Change> out;
  ASSERT_EQ(EncodeChange(ClearChange{""}, payload), kRecordClear);
  ASSERT_TRUE(DecodeRecord(kRecordClear, payload, out));
  EXPECT_EQ(std::get<ClearChange>(out[0]).ns, "");
  ASSERT_EQ(EncodeChange(FloorChange{99}, payload), kRecordFloor);
  ASSERT_TRUE(DecodeRecord(kRecordFloor, payload, out));
  EXPECT_EQ(std::get<FloorChange>(out[0]).version, 99u);
}

}  // namespace
}  // namespace flod::engine::kv
