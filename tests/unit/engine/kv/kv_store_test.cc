#include "engine/kv/kv_store.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <utility>

namespace flod::engine::kv {
namespace {

SetChange Set(std::string_view key, std::string_view value, uint64_t version, int64_t expire_at = 0,
              bool fresh = false) {
  return SetChange{"ns", key, value, ValueKind::kBytes, fresh, version, expire_at, 1000};
}

TEST(KvStoreTest, HistoryIsAllocatedOnlyForASecondVersion) {
  KvStore store(8);
  store.Apply(Set("k", "a", 1));
  EXPECT_EQ(store.FindLive("ns", "k", 0)->history(), nullptr);
  store.Apply(Set("k", "b", 2));
  ASSERT_NE(store.FindLive("ns", "k", 0)->history(), nullptr);
  EXPECT_EQ(store.FindLive("ns", "k", 0)->history()->size(), 1u);
  EXPECT_EQ(store.FindLive("ns", "k", 0)->history()->FromNewest(0).value(), "a");
}

TEST(KvStoreTest, FreshSetDropsTheOldHistory) {
  KvStore store(8);
  store.Apply(Set("k", "a", 1));
  store.Apply(Set("k", "b", 2));
  store.Apply(Set("k", "c", 3, 0, true));
  EXPECT_EQ(store.FindLive("ns", "k", 0)->history(), nullptr);
  EXPECT_EQ(store.FindLive("ns", "k", 0)->value(), "c");
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

TEST(KvStoreTest, ALocatedSetLandsInANewNamespaceANewKeyAndAnExpiredKey) {
  KvStore store(8);
  KvStore::KeySlot slot = store.Locate("ns", "k");
  EXPECT_EQ(slot.space, nullptr);
  store.ApplySet(Set("k", "a", 1, 50), slot);
  EXPECT_EQ(store.FindLive("ns", "k", 0)->value(), "a");

  slot = store.Locate("ns", "other");
  EXPECT_NE(slot.space, nullptr);
  EXPECT_EQ(slot.entry, nullptr);
  store.ApplySet(Set("other", "b", 2), slot);
  EXPECT_EQ(store.FindLive("ns", "other", 0)->value(), "b");

  slot = store.Locate("ns", "k");  // expired at 50, not reclaimed yet
  ASSERT_NE(slot.entry, nullptr);
  EXPECT_EQ(slot.Live(60), nullptr);
  EXPECT_EQ(slot.Live(10), slot.entry);
  store.ApplySet(Set("k", "c", 3, 0, /*fresh=*/true), slot);
  EXPECT_EQ(store.FindLive("ns", "k", 60)->value(), "c");
  EXPECT_EQ(store.LiveSize("ns", 60), 2u);
  EXPECT_EQ(store.ReclaimExpired(1000, 10), 0u);  // its expiry went with the set
}

TEST(KvStoreTest, EmptyNamespacesDisappear) {
  KvStore store(8);
  store.Apply(Set("k", "a", 1, 50));
  EXPECT_NE(store.FindNamespace("ns"), nullptr);
  EXPECT_EQ(store.ReclaimExpired(50, 10), 1u);
  EXPECT_EQ(store.FindNamespace("ns"), nullptr);
  EXPECT_EQ(store.FindLive("ns", "k", 0), nullptr);
  store.Apply(Set("k", "b", 2));  // the namespace comes back
  EXPECT_EQ(store.FindLive("ns", "k", 0)->value(), "b");
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

TEST(KvStoreTest, ReclaimFreesEarliestExpiriesFirstWithinItsBudget) {
  KvStore store(8);
  store.Apply(Set("late", "v", 1, 30));
  store.Apply(Set("early", "v", 2, 10));
  store.Apply(Set("middle", "v", 3, 20));
  EXPECT_EQ(store.ReclaimExpired(25, 1), 1u);
  EXPECT_EQ(store.FindLive("ns", "early", 0), nullptr);
  EXPECT_NE(store.FindLive("ns", "middle", 0), nullptr);
  EXPECT_EQ(store.ReclaimExpired(25, 10), 1u);
  EXPECT_NE(store.FindLive("ns", "late", 0), nullptr);
}

TEST(KvStoreTest, AGrowingValueMovesTheEntryAndEveryIndexFollows) {
  KvStore store(8);
  store.Apply(Set("a", "x", 1));
  store.Apply(Set("k", "small", 2, 500));
  store.Apply(Set("z", "x", 3));
  store.Apply(Set("k", std::string(300, 'b'), 4, 600));  // bigger block, history, new expiry
  const Entry* entry = store.FindLive("ns", "k", 0);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(entry->value(), std::string(300, 'b'));
  EXPECT_EQ(entry->expire_at_ms(), 600);
  auto it = store.FindNamespace("ns")->entries().LowerBound("k");
  EXPECT_EQ(*it, entry);
  EXPECT_EQ(store.LiveExpiringSize("ns", 0), 1u);
  EXPECT_EQ(store.ReclaimExpired(600, 10), 1u);
  EXPECT_EQ(store.FindLive("ns", "k", 0), nullptr);
  EXPECT_EQ(store.LiveSize("ns", 0), 2u);
}

TEST(KvStoreTest, ClearingOneNamespaceDropsItsExpiriesOnly) {
  KvStore store(8);
  store.Apply(Set("a", "v", 1, 100));
  store.Apply(SetChange{"other", "b", "v", ValueKind::kBytes, false, 2, 100, 0});
  store.Apply(ClearChange{"ns"});
  EXPECT_EQ(store.FindNamespace("ns"), nullptr);
  EXPECT_EQ(store.LiveExpiringSize("", 0), 1u);
  EXPECT_EQ(store.ReclaimExpired(100, 10), 1u);
  EXPECT_EQ(store.LiveSize("", 0), 0u);
}

// ---- Randomised against a plain model ----------------------------------------------------------

struct ModelVersion {
  std::string value;
  uint64_t version = 0;
};
struct ModelKey {
  ModelVersion current;
  int64_t expire_at = 0;
  std::deque<ModelVersion> history;  // newest first
};
using Model = std::map<std::pair<std::string, std::string>, ModelKey>;

class KvStoreModelTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kVersions = 4;

  void RandomSet(const std::string& ns, const std::string& key) {
    std::string value(random_() % 3 == 0 ? 1 + random_() % 200 : 32, 'a' + random_() % 26);
    int64_t expire_at = random_() % 3 == 0 ? now_ + 1 + static_cast<int64_t>(random_() % 50) : 0;
    auto it = model_.find({ns, key});
    bool fresh = it == model_.end() || (it->second.expire_at != 0 && now_ >= it->second.expire_at);
    uint64_t version = ++version_;
    store_.Apply(SetChange{ns, key, value, ValueKind::kBytes, fresh, version, expire_at, now_});
    ModelKey& model = model_[{ns, key}];
    if (it == model_.end() || fresh) {
      model.history.clear();
    } else {
      model.history.push_front(model.current);
      if (model.history.size() > kVersions - 1) model.history.pop_back();
    }
    model.current = ModelVersion{value, version};
    model.expire_at = expire_at;
  }

  void ReclaimAll() {
    size_t due = 0;
    for (auto it = model_.begin(); it != model_.end();) {
      bool expired = it->second.expire_at != 0 && now_ >= it->second.expire_at;
      if (expired) ++due;
      it = expired ? model_.erase(it) : std::next(it);
    }
    EXPECT_EQ(store_.ReclaimExpired(now_, SIZE_MAX), due);
  }

  void ExpectSameState(const std::string& ns) {
    size_t live = 0;
    size_t expiring = 0;
    auto tree_it = store_.FindNamespace(ns) ? store_.FindNamespace(ns)->entries().begin()
                                            : KeyTree::Iterator();
    for (const auto& [id, model] : model_) {
      if (id.first != ns) continue;
      bool is_live = model.expire_at == 0 || now_ < model.expire_at;
      ASSERT_NE(tree_it, KeyTree::Iterator()) << id.second;
      ASSERT_EQ((*tree_it)->key(), id.second);  // every stored key, in byte order
      ++tree_it;
      const Entry* entry = store_.FindLive(ns, id.second, now_);
      ASSERT_EQ(entry != nullptr, is_live) << id.second;
      if (!is_live) continue;
      ++live;
      if (model.expire_at != 0) ++expiring;
      ASSERT_EQ(entry->value(), model.current.value);
      ASSERT_EQ(entry->version(), model.current.version);
      ASSERT_EQ(entry->expire_at_ms(), model.expire_at);
      size_t kept = entry->history() ? entry->history()->size() : 0;
      ASSERT_EQ(kept, model.history.size()) << id.second;
      for (size_t i = 0; i < kept; ++i) {
        ASSERT_EQ(entry->history()->FromNewest(i).value(), model.history[i].value);
        ASSERT_EQ(entry->history()->FromNewest(i).version(), model.history[i].version);
      }
    }
    ASSERT_EQ(tree_it, KeyTree::Iterator());
    EXPECT_EQ(store_.LiveSize(ns, now_), live);
    EXPECT_EQ(store_.LiveExpiringSize(ns, now_), expiring);
  }

  std::mt19937 random_{99};
  KvStore store_{kVersions};
  Model model_;
  int64_t now_ = 1000;
  uint64_t version_ = 0;
};

TEST_F(KvStoreModelTest, RandomChangesMatchAPlainModel) {
  const std::string spaces[] = {"default", "other", "third"};
  for (int step = 0; step < 40'000; ++step) {
    const std::string& ns = spaces[random_() % 3];
    std::string key = "key:" + std::to_string(random_() % 400);
    switch (random_() % 16) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
      case 5:
        RandomSet(ns, key);
        break;
      case 6:
      case 7:
        store_.Apply(DeleteChange{ns, key});
        model_.erase({ns, key});
        break;
      case 8: {
        int64_t expire_at = random_() % 2 ? 0 : now_ + static_cast<int64_t>(random_() % 40);
        store_.Apply(ExpireChange{ns, key, expire_at});
        if (auto it = model_.find({ns, key}); it != model_.end()) it->second.expire_at = expire_at;
        break;
      }
      case 9:
        now_ += static_cast<int64_t>(random_() % 10);
        break;
      case 10:
        if (random_() % 50 == 0) ReclaimAll();
        break;
      case 11:
        if (random_() % 400 == 0) {
          store_.Apply(ClearChange{ns});
          std::erase_if(model_, [&](const auto& item) { return item.first.first == ns; });
        }
        break;
      default:
        if (step % 100 == 0) ExpectSameState(ns);
    }
    if (HasFatalFailure()) return;
  }
  for (const std::string& ns : spaces) ExpectSameState(ns);
  ReclaimAll();
  for (const std::string& ns : spaces) ExpectSameState(ns);
}

}  // namespace
}  // namespace flod::engine::kv
