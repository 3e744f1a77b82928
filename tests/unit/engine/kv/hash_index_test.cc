#include "engine/kv/hash_index.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace flod::engine::kv {
namespace {

// Owns the entries the index under test points at.
class HashIndexTest : public ::testing::Test {
 protected:
  ~HashIndexTest() override {
    for (auto& [key, entry] : entries_) Entry::Destroy(entry);
  }

  Entry* Add(const std::string& key) {
    Entry* entry = Entry::Create(key, "v", ValueKind::kBytes, 1, 0, 0);
    entries_[key] = entry;
    index_.Insert(entry, HashKey(key));
    return entry;
  }
  void Remove(const std::string& key) {
    ASSERT_TRUE(index_.Erase(key, HashKey(key)));
    Entry::Destroy(entries_[key]);
    entries_.erase(key);
  }
  Entry* Find(const std::string& key) const { return index_.Find(key, HashKey(key)); }

  HashIndex index_;
  std::unordered_map<std::string, Entry*> entries_;
};

std::string KeyOf(int i) {
  std::string key = "key:";
  key += std::to_string(i);
  return key;
}

TEST_F(HashIndexTest, FindsWhatWasInsertedAndNothingElse) {
  EXPECT_EQ(Find("absent"), nullptr);  // an empty index has no table yet
  Entry* a = Add("a");
  Entry* b = Add("b");
  EXPECT_EQ(Find("a"), a);
  EXPECT_EQ(Find("b"), b);
  EXPECT_EQ(Find("c"), nullptr);
  EXPECT_EQ(index_.size(), 2u);
}

TEST_F(HashIndexTest, GrowsBelowSevenEighthsFullAndKeepsEveryEntry) {
  for (int i = 0; i < 20'000; ++i) {
    Add(KeyOf(i));
    ASSERT_LE(index_.size() * 8, index_.capacity() * 7);
  }
  for (int i = 0; i < 20'000; ++i) ASSERT_EQ(Find(KeyOf(i)), entries_[KeyOf(i)]) << i;
  EXPECT_EQ(Find(KeyOf(20'000)), nullptr);
  // Growing by half (not doubling) keeps the table within ~14 bytes per key.
  EXPECT_LE(index_.MemoryBytes(), index_.size() * 14);
}

TEST_F(HashIndexTest, EraseLeavesNoTombstonesAndShrinksTheTable) {
  for (int i = 0; i < 4'000; ++i) Add(KeyOf(i));
  size_t grown = index_.capacity();
  for (int i = 0; i < 4'000; i += 2) Remove(KeyOf(i));
  for (int i = 0; i < 4'000; ++i) {
    ASSERT_EQ(Find(KeyOf(i)) != nullptr, i % 2 == 1) << i;
  }
  for (int i = 1; i < 3'900; i += 2) Remove(KeyOf(i));
  EXPECT_LT(index_.capacity(), grown / 4);
  for (int i = 3'901; i < 4'000; i += 2) ASSERT_NE(Find(KeyOf(i)), nullptr);
  for (int i = 3'901; i < 4'000; i += 2) Remove(KeyOf(i));
  EXPECT_EQ(index_.capacity(), 0u);  // the last erase frees the table
  EXPECT_FALSE(index_.Erase("key:1", HashKey("key:1")));
}

TEST_F(HashIndexTest, KeysCrowdingOneRegionStayFindableThroughErases) {
  // Keys whose hashes share their top 12 bits share a home in any table under 4 Ki slots,
  // so they form one long probe run.
  std::map<uint64_t, std::vector<std::string>> by_top;
  for (int i = 0; i < 1'000'000; ++i) {
    std::string key = "c";
    key += std::to_string(i);
    auto& group = by_top[HashKey(key) >> 52];
    group.push_back(std::move(key));
    if (group.size() == 40) break;
  }
  std::vector<std::string> crowd;
  for (auto& [top, keys] : by_top) {
    if (keys.size() > crowd.size()) crowd = keys;
  }
  ASSERT_GE(crowd.size(), 40u);
  for (int i = 0; i < 500; ++i) Add(KeyOf(i));
  for (const std::string& key : crowd) Add(key);
  for (size_t i = 0; i < crowd.size(); i += 3) Remove(crowd[i]);
  for (size_t i = 0; i < crowd.size(); ++i) {
    ASSERT_EQ(Find(crowd[i]) != nullptr, i % 3 != 0) << i;
  }
  for (int i = 0; i < 500; ++i) ASSERT_NE(Find(KeyOf(i)), nullptr);
}

TEST_F(HashIndexTest, ReplaceRepointsTheSlotWithoutReadingTheOldEntry) {
  for (int i = 0; i < 100; ++i) Add(KeyOf(i));
  Entry* old_entry = entries_[KeyOf(42)];
  Entry* moved = Entry::Reshape(old_entry, kExpirySection, 1);
  Entry::ReleaseMoved(old_entry);  // freed before Replace: matched by address only
  entries_[KeyOf(42)] = moved;
  index_.Replace(old_entry, moved, HashKey(KeyOf(42)));
  EXPECT_EQ(Find(KeyOf(42)), moved);
  EXPECT_EQ(Find(KeyOf(41)), entries_[KeyOf(41)]);
}

TEST_F(HashIndexTest, RandomOperationsMatchAStandardMap) {
  std::mt19937 random(7);
  for (int step = 0; step < 60'000; ++step) {
    std::string key = KeyOf(static_cast<int>(random() % 3'000));
    bool present = entries_.count(key) != 0;
    switch (random() % 3) {
      case 0:
        if (!present) Add(key);
        break;
      case 1:
        if (present) {
          Remove(key);
        } else {
          ASSERT_FALSE(index_.Erase(key, HashKey(key)));
        }
        break;
      default:
        ASSERT_EQ(Find(key), present ? entries_[key] : nullptr) << key;
    }
  }
  size_t visited = 0;
  index_.ForEach([&](const Entry* entry) {
    ++visited;
    EXPECT_EQ(entries_.at(std::string(entry->key())), entry);
  });
  EXPECT_EQ(visited, entries_.size());
  EXPECT_EQ(index_.size(), entries_.size());
}

}  // namespace
}  // namespace flod::engine::kv
