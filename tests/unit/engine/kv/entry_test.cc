#include "engine/kv/entry.h"

#include <gtest/gtest.h>

#include <string>

namespace flod::engine::kv {
namespace {

const char* Base(const Entry* entry) { return reinterpret_cast<const char*>(entry); }

TEST(EntryTest, KeyAndValueFollowTheHeaderInOneBlock) {
  Entry* entry =
      Entry::Create("key:000000000001", std::string(32, 'v'), ValueKind::kJson, 7, 1000, 0);
  EXPECT_EQ(entry->key(), "key:000000000001");
  EXPECT_EQ(entry->value(), std::string(32, 'v'));
  EXPECT_EQ(entry->key().data(), Base(entry) + 24);
  EXPECT_EQ(entry->value().data(), entry->key().data() + entry->key().size());
  EXPECT_EQ(entry->version(), 7u);
  EXPECT_EQ(entry->written_ms(), 1000);
  EXPECT_EQ(entry->kind(), ValueKind::kJson);
  EXPECT_EQ(entry->sections(), 0);
  EXPECT_EQ(entry->history(), nullptr);
  EXPECT_EQ(entry->expire_at_ms(), 0);
  EXPECT_TRUE(entry->IsLive(INT64_MAX));
  Entry::Destroy(entry);
}

TEST(EntryTest, A16ByteKeyWith32ByteValueFillsOne80ByteChunk) {
  EXPECT_EQ(Entry::BlockSize(0, 16, 32), 72u);
  EXPECT_EQ(AllocationSize(72), 72u);  // 72 + the allocator's 8-byte size word = 80
  EXPECT_EQ(AllocationSize(73), 88u);
  EXPECT_EQ(AllocationSize(1), 24u);
}

TEST(EntryTest, ExpirySectionExistsOnlyForKeysWithAnExpiry) {
  Entry* entry = Entry::Create("k", "v", ValueKind::kBytes, 1, 0, 500);
  EXPECT_EQ(entry->sections(), kExpirySection);
  EXPECT_EQ(entry->expire_at_ms(), 500);
  EXPECT_EQ(entry->key().data(), Base(entry) + 24 + 12);
  EXPECT_TRUE(entry->IsLive(499));
  EXPECT_FALSE(entry->IsLive(500));
  entry->set_heap_slot(41);
  EXPECT_EQ(entry->heap_slot(), 41u);
  EXPECT_EQ(entry->expire_at_ms(), 500);
  Entry::Destroy(entry);
}

TEST(EntryTest, ReshapeRewritesInPlaceWhenTheValueFitsTheBlock) {
  Entry* entry = Entry::Create("key", std::string(32, 'a'), ValueKind::kBytes, 1, 0, 0);
  Entry* same = Entry::Reshape(entry, 0, 30);
  ASSERT_EQ(same, entry);
  same->SetValue(std::string(30, 'b'), ValueKind::kBytes, 2, 5);
  EXPECT_EQ(same->value(), std::string(30, 'b'));
  EXPECT_EQ(same->key(), "key");
  EXPECT_EQ(same->version(), 2u);
  Entry::Destroy(same);
}

TEST(EntryTest, ReshapeMovesToABiggerBlockAndKeepsKeyAndHeader) {
  Entry* entry = Entry::Create("key", "short", ValueKind::kCounter, 3, 9, 0);
  Entry* moved = Entry::Reshape(entry, 0, 200);
  ASSERT_NE(moved, entry);
  EXPECT_EQ(moved->key(), "key");
  EXPECT_EQ(moved->version(), 3u);
  EXPECT_EQ(moved->kind(), ValueKind::kCounter);
  EXPECT_EQ(entry->key(), "key");  // the old block stays readable until released
  Entry::ReleaseMoved(entry);
  moved->SetValue(std::string(200, 'x'), ValueKind::kBytes, 4, 10);
  EXPECT_EQ(moved->value(), std::string(200, 'x'));
  Entry::Destroy(moved);
}

TEST(EntryTest, ReshapeShrinksABlockLeftMostlyIdle) {
  Entry* entry = Entry::Create("key", std::string(500, 'a'), ValueKind::kBytes, 1, 0, 0);
  Entry* moved = Entry::Reshape(entry, 0, 4);
  EXPECT_NE(moved, entry);
  Entry::ReleaseMoved(entry);
  Entry::Destroy(moved);
}

TEST(EntryTest, AddingSectionsKeepsValueAndZeroesTheNewOnes) {
  Entry* entry = Entry::Create("key", "value", ValueKind::kBytes, 1, 0, 0);
  Entry* moved = Entry::Reshape(entry, kHistorySection | kExpirySection, 5);
  Entry::ReleaseMoved(entry);
  EXPECT_EQ(moved->key(), "key");
  EXPECT_EQ(moved->value(), "value");
  EXPECT_EQ(moved->history(), nullptr);
  EXPECT_EQ(moved->expire_at_ms(), 0);
  moved->set_expire_at_ms(77);
  moved->set_history(HistoryRing::Push(nullptr, 3, 1, 0, ValueKind::kBytes, "old"));
  EXPECT_EQ(moved->key().data(), Base(moved) + 24 + 8 + 12);

  Entry* dropped = Entry::Reshape(moved, kHistorySection, 5);  // the expiry goes
  Entry::ReleaseMoved(moved);
  EXPECT_EQ(dropped->expire_at_ms(), 0);
  ASSERT_NE(dropped->history(), nullptr);
  EXPECT_EQ(dropped->history()->FromNewest(0).value(), "old");
  EXPECT_EQ(dropped->value(), "value");
  Entry::Destroy(dropped);  // frees the ring too
}

TEST(HistoryRingTest, KeepsTheNewestUpToCapacity) {
  HistoryRing* ring = nullptr;
  for (uint64_t v = 1; v <= 5; ++v) {
    ring = HistoryRing::Push(ring, 3, v, static_cast<int64_t>(v * 10), ValueKind::kBytes,
                             std::to_string(v));
  }
  ASSERT_EQ(ring->size(), 3u);
  EXPECT_EQ(ring->FromNewest(0).version(), 5u);
  EXPECT_EQ(ring->FromNewest(0).value(), "5");
  EXPECT_EQ(ring->FromNewest(0).written_ms(), 50);
  EXPECT_EQ(ring->FromNewest(1).version(), 4u);
  EXPECT_EQ(ring->FromNewest(2).version(), 3u);
  HistoryRing::Destroy(ring);
}

TEST(HistoryRingTest, GrowsOneVersionAtATimeBeforeItIsFull) {
  HistoryRing* ring = HistoryRing::Push(nullptr, 7, 1, 0, ValueKind::kBytes, "a");
  EXPECT_EQ(ring->size(), 1u);
  ring = HistoryRing::Push(ring, 7, 2, 0, ValueKind::kCounter, "b");
  ring = HistoryRing::Push(ring, 7, 3, 0, ValueKind::kBytes, "c");
  ASSERT_EQ(ring->size(), 3u);
  EXPECT_EQ(ring->FromNewest(0).value(), "c");
  EXPECT_EQ(ring->FromNewest(1).kind(), ValueKind::kCounter);
  EXPECT_EQ(ring->FromNewest(2).value(), "a");
  HistoryRing::Destroy(ring);
}

TEST(HistoryRingTest, AFullRingReusesTheEvictedBlockForAValueOfTheSameSize) {
  HistoryRing* ring = nullptr;
  for (uint64_t v = 1; v <= 3; ++v) {
    ring = HistoryRing::Push(ring, 3, v, 0, ValueKind::kBytes, std::string(32, 'a'));
  }
  const PastVersion* oldest = &ring->FromNewest(2);
  ring = HistoryRing::Push(ring, 3, 4, 0, ValueKind::kBytes, std::string(32, 'b'));
  EXPECT_EQ(&ring->FromNewest(0), oldest);
  EXPECT_EQ(ring->FromNewest(0).value(), std::string(32, 'b'));
  HistoryRing::Destroy(ring);
}

}  // namespace
}  // namespace flod::engine::kv
