// The building blocks under MessageQueue: the message block and its list, and the three
// indexes (seq, ready order, lease expiry order). MessageQueue's own rules are tested through
// the engine in queue_engine_test.cc.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/queue/lease_index.h"
#include "engine/queue/ready_index.h"
#include "engine/queue/seq_index.h"
#include "engine/queue/stored_message.h"

namespace flod::engine::queue {
namespace {

struct DestroyMessage {
  void operator()(StoredMessage* message) const { StoredMessage::Destroy(message); }
};
using MessagePtr = std::unique_ptr<StoredMessage, DestroyMessage>;

// Owns the blocks a test threads through the indexes (the indexes never own them).
class Messages {
 public:
  StoredMessage& Make(uint64_t seq, uint8_t priority = 0, int64_t due_ms = 0) {
    owned_.emplace_back(StoredMessage::Create(seq, "payload-" + std::to_string(seq)));
    StoredMessage& message = *owned_.back();
    message.priority = priority;
    message.due_ms = due_ms;
    return message;
  }

 private:
  std::vector<MessagePtr> owned_;
};

std::vector<uint64_t> ReadySeqs(const ReadyIndex& index, size_t limit = 1000) {
  std::vector<uint64_t> seqs;
  index.Visit(limit, [&](const StoredMessage& m) { seqs.push_back(m.seq); });
  return seqs;
}

std::vector<uint64_t> LeaseSeqs(const LeaseIndex& index) {
  std::vector<uint64_t> seqs;
  index.VisitInOrder([&](const StoredMessage& m) { seqs.push_back(m.seq); });
  return seqs;
}

std::vector<uint64_t> ListSeqs(const MessageList& list) {
  std::vector<uint64_t> seqs;
  for (const StoredMessage* m = list.front(); m != nullptr; m = MessageList::Next(*m)) {
    seqs.push_back(m->seq);
  }
  return seqs;
}

// ---- StoredMessage and MessageList --------------------------------------------------------

TEST(StoredMessage, KeepsACopyOfItsPayload) {
  std::string payload("a\0b\r\n", 5);
  MessagePtr message(StoredMessage::Create(7, payload));
  payload.assign("xxxxx");
  EXPECT_EQ(message->seq, 7u);
  EXPECT_EQ(message->payload(), std::string("a\0b\r\n", 5));
  MessagePtr empty(StoredMessage::Create(8, ""));
  EXPECT_TRUE(empty->payload().empty());
}

TEST(StoredMessage, KeepsASmallPayloadInlineAndALargeOneInABlockOfItsOwn) {
  // A dequeue writes the state, lease deadline and list links; after a snapshot's fork each
  // written page is copied, so a large payload must not follow the fields in their block.
  const size_t limit = StoredMessage::kInlinePayloadMax;
  for (const size_t size : {size_t{1}, limit, limit + 1, size_t{4096}}) {
    SCOPED_TRACE(size);
    const std::string payload(size, 'p');
    MessagePtr message(StoredMessage::Create(1, payload));
    const auto* fields_end = reinterpret_cast<const char*>(message.get()) + sizeof(StoredMessage);
    EXPECT_EQ(message->payload().data() == fields_end, size <= limit);
    EXPECT_EQ(message->payload(), payload);
  }
}

TEST(MessageList, AppendsAndRemovesAnywhere) {
  Messages messages;
  MessageList list;
  for (uint64_t seq = 1; seq <= 4; ++seq) list.PushBack(messages.Make(seq));
  EXPECT_EQ(ListSeqs(list), (std::vector<uint64_t>{1, 2, 3, 4}));

  list.Remove(*list.front());
  EXPECT_EQ(ListSeqs(list), (std::vector<uint64_t>{2, 3, 4}));
  list.Remove(*list.back());
  EXPECT_EQ(ListSeqs(list), (std::vector<uint64_t>{2, 3}));
  list.Remove(*MessageList::Next(*list.front()));
  EXPECT_EQ(ListSeqs(list), (std::vector<uint64_t>{2}));
  EXPECT_EQ(list.size(), 1u);
  list.Remove(*list.front());
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.back(), nullptr);
}

TEST(MessageList, MovingTakesTheWholeList) {
  Messages messages;
  MessageList list;
  list.PushBack(messages.Make(1));
  list.PushBack(messages.Make(2));
  MessageList moved(std::move(list));
  EXPECT_TRUE(list.empty());  // the move leaves the source a valid, empty list
  EXPECT_EQ(ListSeqs(moved), (std::vector<uint64_t>{1, 2}));
}

// ---- SeqIndex -----------------------------------------------------------------------------

TEST(SeqIndex, FindsDenseSeqsInTheWindow) {
  Messages messages;
  SeqIndex index;
  for (uint64_t seq = 1; seq <= 100; ++seq) ASSERT_TRUE(index.Insert(&messages.Make(seq)));
  EXPECT_EQ(index.size(), 100u);
  EXPECT_EQ(index.outlier_count(), 0u);
  for (uint64_t seq = 1; seq <= 100; ++seq) ASSERT_EQ(index.Find(seq)->seq, seq);
  EXPECT_EQ(index.Find(0), nullptr);
  EXPECT_EQ(index.Find(101), nullptr);
}

TEST(SeqIndex, RefusesASeqItAlreadyHolds) {
  Messages messages;
  SeqIndex index;
  StoredMessage& first = messages.Make(5);
  ASSERT_TRUE(index.Insert(&first));
  EXPECT_FALSE(index.Insert(&messages.Make(5)));
  EXPECT_EQ(index.Find(5), &first);
  EXPECT_EQ(index.size(), 1u);
}

TEST(SeqIndex, RemovingFromEitherEndShrinksTheWindow) {
  Messages messages;
  SeqIndex index;
  for (uint64_t seq = 1; seq <= 10; ++seq) index.Insert(&messages.Make(seq));
  EXPECT_EQ(index.Remove(1)->seq, 1u);
  EXPECT_EQ(index.Remove(10)->seq, 10u);
  EXPECT_EQ(index.window_size(), 8u);
  EXPECT_EQ(index.Remove(5)->seq, 5u);  // a hole in the middle stays in the window
  EXPECT_EQ(index.window_size(), 8u);
  EXPECT_EQ(index.Remove(5), nullptr);
  EXPECT_EQ(index.Find(5), nullptr);
  EXPECT_EQ(index.size(), 7u);
}

TEST(SeqIndex, ALongLivedMessageMovesOutOfTheWayInsteadOfPinningTheWindow) {
  Messages messages;
  SeqIndex index;
  index.Insert(&messages.Make(1));  // e.g. a message parked in the DLQ
  // A steady flow behind it: each message is removed soon after it arrives.
  for (uint64_t seq = 2; seq <= 10'000; ++seq) {
    index.Insert(&messages.Make(seq));
    if (seq > 2) {
      ASSERT_NE(index.Remove(seq - 1), nullptr);
    }
  }
  EXPECT_EQ(index.size(), 2u);
  EXPECT_LE(index.window_size(), 64u);
  EXPECT_EQ(index.outlier_count(), 1u);
  EXPECT_EQ(index.Find(1)->seq, 1u);
  EXPECT_EQ(index.Find(10'000)->seq, 10'000u);
  EXPECT_EQ(index.Remove(1)->seq, 1u);
  EXPECT_EQ(index.outlier_count(), 0u);
}

TEST(SeqIndex, SeqsBelowOrFarBeyondTheWindowAreStillFound) {
  Messages messages;
  SeqIndex index;
  for (uint64_t seq = 100; seq < 110; ++seq) index.Insert(&messages.Make(seq));
  ASSERT_TRUE(index.Insert(&messages.Make(3)));          // below: snapshot restore order
  ASSERT_TRUE(index.Insert(&messages.Make(1'000'000)));  // far beyond: the window moves there
  EXPECT_EQ(index.size(), 12u);
  for (uint64_t seq : {3ull, 100ull, 109ull, 1'000'000ull}) EXPECT_EQ(index.Find(seq)->seq, seq);
  EXPECT_LE(index.window_size(), 64u);
  EXPECT_FALSE(index.Insert(&messages.Make(3)));
}

TEST(SeqIndex, ForEachVisitsEveryMessageOnce) {
  Messages messages;
  SeqIndex index;
  for (uint64_t seq : {50, 51, 52, 7, 5000}) index.Insert(&messages.Make(seq));
  std::vector<uint64_t> seen;
  index.ForEach([&](StoredMessage* m) { seen.push_back(m->seq); });
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, (std::vector<uint64_t>{7, 50, 51, 52, 5000}));
}

TEST(SeqIndex, GivesMemoryBackAfterABacklogDrains) {
  Messages messages;
  SeqIndex index;
  for (uint64_t seq = 1; seq <= 100'000; ++seq) index.Insert(&messages.Make(seq));
  for (uint64_t seq = 1; seq < 100'000; ++seq) ASSERT_NE(index.Remove(seq), nullptr);
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(index.window_size(), 1u);
  EXPECT_EQ(index.Find(100'000)->seq, 100'000u);
}

// ---- ReadyIndex ---------------------------------------------------------------------------

TEST(ReadyIndex, OrdersByPriorityThenSeq) {
  Messages messages;
  ReadyIndex index;
  index.Insert(messages.Make(1, 5));
  index.Insert(messages.Make(2, 0));
  index.Insert(messages.Make(3, 5));
  index.Insert(messages.Make(4, 9));
  index.Insert(messages.Make(5, 0));
  EXPECT_EQ(ReadySeqs(index), (std::vector<uint64_t>{2, 5, 1, 3, 4}));
  EXPECT_EQ(ReadySeqs(index, 3), (std::vector<uint64_t>{2, 5, 1}));
  EXPECT_EQ(index.size(), 5u);
}

TEST(ReadyIndex, AMessageComingBackTakesItsSeqPlace) {
  Messages messages;
  ReadyIndex index;
  StoredMessage& returning = messages.Make(2);
  for (uint64_t seq : {4, 6}) index.Insert(messages.Make(seq));
  index.Insert(returning);  // e.g. nacked after later enqueues
  index.Insert(messages.Make(5));
  index.Insert(messages.Make(8));
  EXPECT_EQ(ReadySeqs(index), (std::vector<uint64_t>{2, 4, 5, 6, 8}));
  index.Remove(returning);
  EXPECT_EQ(ReadySeqs(index), (std::vector<uint64_t>{4, 5, 6, 8}));
}

TEST(ReadyIndex, RemovesFromAnyPlaceAndDropsEmptyLevels) {
  Messages messages;
  ReadyIndex index;
  StoredMessage& a = messages.Make(1, 3);
  StoredMessage& b = messages.Make(2, 1);
  StoredMessage& c = messages.Make(3, 3);
  for (StoredMessage* m : {&a, &b, &c}) index.Insert(*m);
  index.Remove(b);
  EXPECT_EQ(ReadySeqs(index), (std::vector<uint64_t>{1, 3}));
  index.Remove(a);
  index.Remove(c);
  EXPECT_EQ(index.size(), 0u);
  EXPECT_TRUE(ReadySeqs(index).empty());
  index.Insert(b);  // a level can come back after it emptied
  EXPECT_EQ(ReadySeqs(index), (std::vector<uint64_t>{2}));
}

// ---- LeaseIndex ---------------------------------------------------------------------------

TEST(LeaseIndex, TheFirstLeaseIsTheEarliestAcrossTimeouts) {
  Messages messages;
  LeaseIndex index;
  EXPECT_EQ(index.First(), nullptr);
  index.Insert(messages.Make(1, 0, 30'000), 30'000);
  index.Insert(messages.Make(2, 0, 5'000), 5'000);
  index.Insert(messages.Make(3, 0, 30'001), 30'000);
  EXPECT_EQ(index.First()->seq, 2u);
  EXPECT_EQ(LeaseSeqs(index), (std::vector<uint64_t>{2, 1, 3}));
}

TEST(LeaseIndex, ALeaseThatDoesNotExtendItsRunIsStillOrdered) {
  Messages messages;
  LeaseIndex index;
  index.Insert(messages.Make(1, 0, 2'000), 1'000);
  index.Insert(messages.Make(2, 0, 1'500), 1'000);  // the clock stepped back
  index.Insert(messages.Make(3, 0, 2'000), 1'000);  // a tie on time: seq decides
  EXPECT_EQ(index.First()->seq, 2u);
  EXPECT_EQ(LeaseSeqs(index), (std::vector<uint64_t>{2, 1, 3}));
}

TEST(LeaseIndex, ManyDistinctTimeoutsAllStayOrdered) {
  Messages messages;
  LeaseIndex index;
  std::vector<StoredMessage*> leased;
  for (uint64_t seq = 1; seq <= 40; ++seq) {
    const int64_t timeout = static_cast<int64_t>(1000 + 37 * ((seq * 7) % 40));
    StoredMessage& m = messages.Make(seq, 0, timeout);
    index.Insert(m, timeout);
    leased.push_back(&m);
  }
  int64_t last_due = -1;
  index.VisitInOrder([&](const StoredMessage& m) {
    EXPECT_GE(m.due_ms, last_due);
    last_due = m.due_ms;
  });
  // Draining by First() yields the same order.
  last_due = -1;
  while (StoredMessage* first = index.First()) {
    EXPECT_GE(first->due_ms, last_due);
    last_due = first->due_ms;
    index.Remove(*first);
  }
  EXPECT_EQ(index.size(), 0u);
}

TEST(LeaseIndex, AnEmptiedRunIsReusedForAnotherTimeout) {
  Messages messages;
  LeaseIndex index;
  for (int64_t timeout = 1; timeout <= 8; ++timeout) {
    StoredMessage& m = messages.Make(static_cast<uint64_t>(timeout), 0, timeout);
    index.Insert(m, timeout);
    index.Remove(m);
  }
  StoredMessage& later = messages.Make(100, 0, 500);
  index.Insert(later, 500);
  EXPECT_EQ(index.First(), &later);
  index.Remove(later);
  EXPECT_EQ(index.First(), nullptr);
}

}  // namespace
}  // namespace flod::engine::queue
