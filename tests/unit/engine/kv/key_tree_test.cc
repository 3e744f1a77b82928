#include "engine/kv/key_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace flod::engine::kv {
namespace {

// A tree under test and std::map as the oracle, over the same entries (owned here).
class KeyTreeTest : public ::testing::Test {
 protected:
  ~KeyTreeTest() override {
    for (auto& [key, entry] : oracle_) Entry::Destroy(entry);
  }

  void Add(const std::string& key) {
    Entry* entry = Entry::Create(key, "v", ValueKind::kBytes, 1, 0, 0);
    oracle_[key] = entry;
    tree_.Insert(entry);
  }
  void Remove(const std::string& key) {
    tree_.Erase(oracle_.at(key));
    Entry::Destroy(oracle_.at(key));
    oracle_.erase(key);
  }

  // The tree from `it` on, up to `limit` keys, against the oracle from `expected` on.
  void ExpectSameRun(KeyTree::Iterator it, std::map<std::string, Entry*>::iterator expected,
                     int limit) {
    for (int i = 0; i < limit; ++i, ++it, ++expected) {
      if (expected == oracle_.end()) {
        EXPECT_EQ(it, tree_.end());
        return;
      }
      ASSERT_NE(it, tree_.end()) << "missing " << expected->first;
      ASSERT_EQ(*it, expected->second) << "at " << expected->first;
    }
  }
  void ExpectSameOrder() { ExpectSameRun(tree_.begin(), oracle_.begin(), INT32_MAX); }

  KeyTree tree_;
  std::map<std::string, Entry*> oracle_;  // byte order, as std::string compares
};

std::string NumberedKey(int i) {
  char key[32];
  std::snprintf(key, sizeof(key), "key:%012d", i);
  return key;
}

// Keys that stress the fragments: long shared prefixes, keys that are prefixes of others,
// and zero bytes (which a fragment cannot tell from "no byte").
std::string RandomKey(std::mt19937& random) {
  static const std::string kStems[] = {
      "", "a", "user:", "user:000000", std::string("p\0", 2), "zzzzzzzzzzzzzzzzzzzz"};
  static const char kBytes[] = {'\0', '0', '1', 'a', 'b', '\xff'};
  std::string key = kStems[random() % std::size(kStems)];
  int tail = static_cast<int>(random() % 5);
  for (int i = 0; i < tail; ++i) key.push_back(kBytes[random() % std::size(kBytes)]);
  return key;
}

TEST_F(KeyTreeTest, AnEmptyTreeHasNothingToVisit) {
  EXPECT_EQ(tree_.begin(), tree_.end());
  EXPECT_EQ(tree_.LowerBound("a"), tree_.end());
  EXPECT_EQ(tree_.UpperBound(""), tree_.end());
  EXPECT_TRUE(tree_.Validate());
}

TEST_F(KeyTreeTest, SeeksFindTheFirstKeyAtOrAfterAndStrictlyAfter) {
  for (const char* key : {"b", "d", "f"}) Add(key);
  EXPECT_EQ((*tree_.LowerBound("d"))->key(), "d");
  EXPECT_EQ((*tree_.UpperBound("d"))->key(), "f");
  EXPECT_EQ((*tree_.LowerBound("c"))->key(), "d");
  EXPECT_EQ((*tree_.LowerBound(""))->key(), "b");
  EXPECT_EQ(tree_.UpperBound("f"), tree_.end());
  EXPECT_EQ(tree_.LowerBound("g"), tree_.end());
}

TEST_F(KeyTreeTest, KeysInsertedInOrderFillLeavesCompletely) {
  for (int i = 0; i < 100'000; ++i) Add(NumberedKey(i));
  ASSERT_TRUE(tree_.Validate());
  ExpectSameOrder();
  // 59 pointers per 504-byte leaf (8.5 bytes per key), plus inner nodes and separators.
  EXPECT_LT(static_cast<double>(tree_.MemoryBytes()) / tree_.size(), 9.5);
}

TEST_F(KeyTreeTest, KeysInsertedAtRandomKeepLeavesMostlyFull) {
  std::vector<int> order(100'000);
  for (int i = 0; i < 100'000; ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(3));
  for (int i : order) Add(NumberedKey(i));
  ASSERT_TRUE(tree_.Validate());
  ExpectSameOrder();
  // Leaves split in half fill to about ln 2 on random inserts.
  EXPECT_LT(static_cast<double>(tree_.MemoryBytes()) / tree_.size(), 14.5);
}

TEST_F(KeyTreeTest, ErasingEverythingMergesBackToAnEmptyTree) {
  for (int i = 0; i < 20'000; ++i) Add(NumberedKey(i));
  std::mt19937 random(11);
  std::vector<std::string> keys;
  for (auto& [key, entry] : oracle_) keys.push_back(key);
  std::shuffle(keys.begin(), keys.end(), random);
  for (size_t i = 0; i < keys.size(); ++i) {
    Remove(keys[i]);
    if (i % 997 == 0) {
      ASSERT_TRUE(tree_.Validate()) << i;
    }
  }
  EXPECT_TRUE(tree_.Validate());
  EXPECT_EQ(tree_.size(), 0u);
  EXPECT_EQ(tree_.begin(), tree_.end());
  EXPECT_EQ(tree_.MemoryBytes(), 0u);
}

TEST_F(KeyTreeTest, ErasingARangeGivesBackItsNodes) {
  for (int i = 0; i < 50'000; ++i) Add(NumberedKey(i));
  size_t full = tree_.MemoryBytes();
  for (int i = 1'000; i < 49'000; ++i) Remove(NumberedKey(i));
  ASSERT_TRUE(tree_.Validate());
  ExpectSameOrder();
  EXPECT_LT(tree_.MemoryBytes(), full / 10);
}

TEST_F(KeyTreeTest, ReplaceKeepsThePositionOfTheKey) {
  for (int i = 0; i < 1'000; ++i) Add(NumberedKey(i));
  Entry* old_entry = oracle_.at(NumberedKey(500));
  Entry* moved = Entry::Reshape(old_entry, kHistorySection, 1);
  tree_.Replace(old_entry, moved);
  Entry::ReleaseMoved(old_entry);
  oracle_[NumberedKey(500)] = moved;
  EXPECT_EQ(*tree_.LowerBound(NumberedKey(500)), moved);
  ExpectSameOrder();
}

TEST_F(KeyTreeTest, RandomOperationsMatchAStandardMap) {
  std::mt19937 random(2024);
  for (int step = 0; step < 200'000; ++step) {
    std::string key = RandomKey(random);
    bool present = oracle_.count(key) != 0;
    switch (random() % 8) {
      case 0:
      case 1:
      case 2:
        if (!present) Add(key);
        break;
      case 3:
      case 4:
        if (present) Remove(key);
        break;
      case 5:
        ExpectSameRun(tree_.LowerBound(key), oracle_.lower_bound(key), 5);
        break;
      case 6:
        ExpectSameRun(tree_.UpperBound(key), oracle_.upper_bound(key), 5);
        break;
      default:
        if (step % 50 == 0) {
          ASSERT_TRUE(tree_.Validate()) << "step " << step;
        }
    }
    if (HasFatalFailure()) return;
  }
  ASSERT_TRUE(tree_.Validate());
  ExpectSameOrder();
  EXPECT_EQ(tree_.size(), oracle_.size());
}

TEST_F(KeyTreeTest, GrowingAndShrinkingManyTimesKeepsTheTreeValid) {
  std::mt19937 random(5);
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 8'000; ++i) {
      std::string key = NumberedKey(static_cast<int>(random() % 40'000));
      if (oracle_.count(key) == 0) Add(key);
    }
    ASSERT_TRUE(tree_.Validate()) << "round " << round;
    std::vector<std::string> keys;
    for (auto& [key, entry] : oracle_) {
      if (random() % 4 != 0) keys.push_back(key);
    }
    for (const std::string& key : keys) Remove(key);
    ASSERT_TRUE(tree_.Validate()) << "round " << round;
    ExpectSameOrder();
  }
}

}  // namespace
}  // namespace flod::engine::kv
