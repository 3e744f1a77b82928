#include "engine/kv/expiry_heap.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "engine/kv/kv_store.h"

namespace flod::engine::kv {
namespace {

class ExpiryHeapTest : public ::testing::Test {
 protected:
  ~ExpiryHeapTest() override {
    for (Entry* entry : entries_) Entry::Destroy(entry);
  }

  Entry* Add(int64_t at, Namespace* space) {
    std::string key = "k";
    key += std::to_string(entries_.size());
    Entry* entry = Entry::Create(key, "v", ValueKind::kBytes, 1, 0, at);
    entries_.push_back(entry);
    heap_.Insert(entry, space);
    return entry;
  }
  // Pops everything, returning the expiry times in the order they came out.
  std::vector<int64_t> Drain() {
    std::vector<int64_t> order;
    while (!heap_.empty()) {
      order.push_back(heap_.top().at);
      EXPECT_EQ(heap_.top().entry->expire_at_ms(), heap_.top().at);
      heap_.Erase(heap_.top().entry);
    }
    return order;
  }

  Namespace first_{"first"};
  Namespace second_{"second"};
  ExpiryHeap heap_;
  std::vector<Entry*> entries_;
};

TEST_F(ExpiryHeapTest, ComesOutInExpiryOrder) {
  std::mt19937 random(1);
  for (int i = 0; i < 500; ++i) Add(1 + static_cast<int64_t>(random() % 100), &first_);
  std::vector<int64_t> order = Drain();
  EXPECT_EQ(order.size(), 500u);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

TEST_F(ExpiryHeapTest, ErasingFromTheMiddleKeepsEveryHandleRight) {
  std::mt19937 random(2);
  for (int i = 0; i < 300; ++i) Add(1 + static_cast<int64_t>(random() % 1000), &first_);
  for (size_t i = 0; i < entries_.size(); i += 3) heap_.Erase(entries_[i]);
  EXPECT_EQ(heap_.size(), 200u);
  std::vector<int64_t> order = Drain();
  EXPECT_EQ(order.size(), 200u);
  EXPECT_TRUE(std::is_sorted(order.begin(), order.end()));
}

TEST_F(ExpiryHeapTest, UpdateMovesAnEntryToItsNewTime) {
  for (int64_t at : {10, 20, 30, 40}) Add(at, &first_);
  entries_[3]->set_expire_at_ms(5);
  heap_.Update(entries_[3]);
  EXPECT_EQ(heap_.top().entry, entries_[3]);
  entries_[3]->set_expire_at_ms(50);
  heap_.Update(entries_[3]);
  EXPECT_EQ(heap_.top().entry, entries_[0]);
  EXPECT_EQ(Drain(), (std::vector<int64_t>{10, 20, 30, 50}));
}

TEST_F(ExpiryHeapTest, RelocateFollowsAMovedBlock) {
  for (int64_t at : {10, 20, 30}) Add(at, &first_);
  Entry* moved = Entry::Reshape(entries_[0], kExpirySection, 100);
  Entry::ReleaseMoved(entries_[0]);
  entries_[0] = moved;
  heap_.Relocate(moved);
  EXPECT_EQ(heap_.top().entry, moved);
  EXPECT_EQ(Drain(), (std::vector<int64_t>{10, 20, 30}));
}

TEST_F(ExpiryHeapTest, CountDueCountsOnlyDueItemsOfTheNamespaceAsked) {
  for (int64_t at : {5, 10, 15, 20}) Add(at, &first_);
  for (int64_t at : {7, 30}) Add(at, &second_);
  EXPECT_EQ(heap_.CountDue(4, nullptr), 0u);
  EXPECT_EQ(heap_.CountDue(10, nullptr), 3u);
  EXPECT_EQ(heap_.CountDue(10, &first_), 2u);
  EXPECT_EQ(heap_.CountDue(10, &second_), 1u);
  EXPECT_EQ(heap_.CountDue(100, &second_), 2u);
}

}  // namespace
}  // namespace flod::engine::kv
