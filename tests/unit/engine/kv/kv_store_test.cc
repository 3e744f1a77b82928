#include "engine/kv/kv_store.h"

#include <gtest/gtest.h>

namespace flod::engine::kv {
namespace {

SetChange Set(std::string_view key, std::string_view value, uint64_t version, int64_t expire_at = 0,
              bool fresh = false) {
  return SetChange{"ns", key, value, ValueKind::kBytes, fresh, version, expire_at, 1000};
}

TEST(HistoryRingTest, KeepsTheNewestUpToCapacity) {
  HistoryRing ring(3);
  for (uint64_t v = 1; v <= 5; ++v) ring.Push(StoredVersion{std::to_string(v), v, 0, {}});
  ASSERT_EQ(ring.size(), 3u);
  EXPECT_EQ(ring.FromNewest(0).version, 5u);
  EXPECT_EQ(ring.FromNewest(1).version, 4u);
  EXPECT_EQ(ring.FromNewest(2).version, 3u);
}

TEST(KvStoreTest, HistoryIsAllocatedOnlyForASecondVersion) {
  KvStore store(8);
  store.Apply(Set("k", "a", 1));
  EXPECT_EQ(store.FindLive("ns", "k", 0)->history, nullptr);
  store.Apply(Set("k", "b", 2));
  ASSERT_NE(store.FindLive("ns", "k", 0)->history, nullptr);
  EXPECT_EQ(store.FindLive("ns", "k", 0)->history->size(), 1u);
}

TEST(KvStoreTest, FreshSetDropsTheOldHistory) {
  KvStore store(8);
  store.Apply(Set("k", "a", 1));
  store.Apply(Set("k", "b", 2));
  store.Apply(Set("k", "c", 3, 0, true));
  EXPECT_EQ(store.FindLive("ns", "k", 0)->history, nullptr);
}

TEST(KvStoreTest, VersionCounterFollowsTheHighestVersionApplied) {
  KvStore store(8);
  store.Apply(Set("k", "a", 7));
  store.Apply(DeleteChange{"ns", "k"});
  EXPECT_EQ(store.last_version(), 7u);
  store.Apply(FloorChange{3});
  EXPECT_EQ(store.last_version(), 7u);
  store.Apply(FloorChange{10});
  EXPECT_EQ(store.last_version(), 10u);
}

TEST(KvStoreTest, EmptyNamespacesDisappear) {
  KvStore store(8);
  store.Apply(Set("k", "a", 1, 50));
  EXPECT_NE(store.FindNamespace("ns"), nullptr);
  EXPECT_EQ(store.ReclaimExpired(50, 10), 1u);
  EXPECT_EQ(store.FindNamespace("ns"), nullptr);
}

TEST(KvStoreTest, LiveSizeSubtractsExpiredEntriesNotYetReclaimed) {
  KvStore store(8);
  store.Apply(Set("a", "v", 1, 100));
  store.Apply(Set("b", "v", 2));
  EXPECT_EQ(store.LiveSize("ns", 99), 2u);
  EXPECT_EQ(store.LiveSize("ns", 100), 1u);
  EXPECT_EQ(store.FindLive("ns", "a", 100), nullptr);
  EXPECT_NE(store.FindLive("ns", "a", 99), nullptr);
}

}  // namespace
}  // namespace flod::engine::kv
