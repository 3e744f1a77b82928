// Consumer-group delivery against the real flod: many records shared by concurrent consumers
// exactly once, redelivery after a consumer dies, independent groups, blocking reads woken by
// appends, dead letters after too many deliveries.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "stream_test_support.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace wire;
using namespace stream;
using SteadyClock = std::chrono::steady_clock;

class StreamDeliveryTest : public FlodTest {};

// Runs a test thread's body; a helper's exception becomes a test failure instead of
// std::terminate.
template <typename Body>
void Guarded(Body body) {
  try {
    body();
  } catch (const std::exception& error) {
    ADD_FAILURE() << error.what();
  }
}

// Appends `total` records in pipelined windows (many requests in flight on one connection);
// returns their ids in append order.
std::vector<Id> Produce(FloClient& client, std::string_view name, int total) {
  constexpr int kWindow = 256;
  std::vector<Id> ids;
  ids.reserve(static_cast<size_t>(total));
  for (int sent = 0; sent < total;) {
    std::vector<uint64_t> in_flight;
    for (int i = 0; i < kWindow && sent < total; ++i, ++sent) {
      in_flight.push_back(client.Send(kStreamAppend, name, "record-" + std::to_string(sent)));
    }
    for (uint64_t request : in_flight) {
      ids.push_back(ParseAppend(Expect(client.ReceiveFor(request), kOk, "append").data));
    }
  }
  return ids;
}

struct ConsumerTally {
  std::vector<Id> delivered;
  uint64_t acked = 0;
};

TEST_F(StreamDeliveryTest, ThreeConsumersShareTwoHundredThousandRecordsExactlyOnce) {
  constexpr int kRecords = 200'000;
  auto admin = Connect();
  CreateGroup(*admin, "firehose", "workers", FloOptions().U32(kOptAckTimeoutMs, 120'000));
  std::atomic<uint64_t> acked_total{0};
  std::vector<ConsumerTally> tallies(3);
  std::vector<std::thread> consumers;
  for (size_t c = 0; c < tallies.size(); ++c) {
    consumers.emplace_back([&, c] {
      Guarded([&] {
        FloClient client;
        ASSERT_TRUE(client.Connect(server_->port()));
        const std::string name = "consumer-" + std::to_string(c);
        ConsumerTally& tally = tallies[c];
        const auto deadline = SteadyClock::now() + std::chrono::seconds(240);
        while (acked_total.load() < kRecords && SteadyClock::now() < deadline) {
          const std::vector<Record> records =
              GroupRead(client, "firehose", "workers", name, 500, 500);
          if (records.empty()) continue;
          const std::vector<Id> ids = IdsOf(records);
          tally.delivered.insert(tally.delivered.end(), ids.begin(), ids.end());
          const uint32_t acked = Ack(client, "firehose", "workers", ids);
          tally.acked += acked;
          acked_total += acked;
        }
      });
    });
  }
  std::vector<Id> produced;
  std::thread producer([&] {
    Guarded([&] {
      FloClient client;
      ASSERT_TRUE(client.Connect(server_->port()));
      produced = Produce(client, "firehose", kRecords);
    });
  });
  producer.join();
  for (std::thread& consumer : consumers) consumer.join();

  ASSERT_EQ(produced.size(), static_cast<size_t>(kRecords));
  std::set<Id> seen;
  uint64_t delivered = 0, acked = 0;
  for (const ConsumerTally& tally : tallies) {
    EXPECT_GT(tally.delivered.size(), 0u) << "a consumer got nothing";
    delivered += tally.delivered.size();
    acked += tally.acked;
    seen.insert(tally.delivered.begin(), tally.delivered.end());
  }
  EXPECT_EQ(delivered, static_cast<uint64_t>(kRecords));            // nothing delivered twice…
  EXPECT_EQ(seen, std::set<Id>(produced.begin(), produced.end()));  // …and nothing missed
  EXPECT_EQ(acked, static_cast<uint64_t>(kRecords));  // each ack removed exactly one entry
  EXPECT_EQ(GroupPending(*admin, "firehose", "workers").total, 0u);
  EXPECT_EQ(DescribeGroup(*admin, "firehose", "workers").last_delivered, produced.back());
  EXPECT_EQ(StreamInfo(*admin, "firehose").count, static_cast<uint64_t>(kRecords));
}

TEST_F(StreamDeliveryTest, ADeadConsumersEntriesGoToAnotherAfterTheAckTimeout) {
  auto admin = Connect();
  CreateGroup(*admin, "jobs", "workers", FloOptions().U32(kOptAckTimeoutMs, 500));
  std::vector<Id> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(Append(*admin, "jobs", "job-" + std::to_string(i)));
  {
    auto doomed = Connect();
    ASSERT_EQ(GroupRead(*doomed, "jobs", "workers", "doomed", 10).size(), 5u);
    doomed->Close();  // dies without acking
  }
  auto survivor = Connect();
  EXPECT_TRUE(GroupRead(*survivor, "jobs", "workers", "survivor", 10).empty());
  const auto start = SteadyClock::now();
  const std::vector<Record> redelivered =
      GroupRead(*survivor, "jobs", "workers", "survivor", 10, 5000);
  EXPECT_EQ(IdsOf(redelivered), ids);
  EXPECT_GE(SteadyClock::now() - start, std::chrono::milliseconds(200));
  EXPECT_LT(SteadyClock::now() - start, std::chrono::seconds(3));
  const Pending pending = GroupPending(*admin, "jobs", "workers");
  ASSERT_EQ(pending.entries.size(), 5u);
  for (const PendingEntry& entry : pending.entries) {
    EXPECT_EQ(entry.consumer, "survivor");
    EXPECT_EQ(entry.deliveries, 2u);
  }
  EXPECT_EQ(Ack(*survivor, "jobs", "workers", ids), 5u);
}

// A consumer that disconnects while its blocking group read is parked loses nothing: the
// server answers requests already received after a client's end-of-stream (it cannot tell a
// half-close from a close), so the parked read may still take the next record, and then that
// record is redelivered to a live consumer once the ack timeout passes.
TEST_F(StreamDeliveryTest, ARecordTakenForAConsumerThatLeftIsRedeliveredAfterTheAckTimeout) {
  auto admin = Connect();
  CreateGroup(*admin, "jobs", "workers", FloOptions().U32(kOptAckTimeoutMs, 500));
  {
    auto gone = Connect();
    gone->Send(kStreamGroupRead, "jobs", GroupValue("workers", "gone"),
               FloOptions().U32(kOptCount, 10).U32(kOptBlockMs, 2000));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    gone->Close();
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const Id id = Append(*admin, "jobs", "only");
  const auto start = SteadyClock::now();
  EXPECT_EQ(IdsOf(GroupRead(*admin, "jobs", "workers", "alive", 10, 5000)), std::vector<Id>{id});
  EXPECT_LT(SteadyClock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(Ack(*admin, "jobs", "workers", {id}), 1u);
}

TEST_F(StreamDeliveryTest, ASecondGroupReadsTheSameStreamIndependently) {
  auto client = Connect();
  std::vector<Id> ids;
  for (int i = 0; i < 50; ++i) ids.push_back(Append(*client, "events", std::to_string(i)));
  const auto billing = GroupRead(*client, "events", "billing", "b1", 100);
  ASSERT_EQ(Ack(*client, "events", "billing", IdsOf(billing)), 50u);
  const auto audit_first = GroupRead(*client, "events", "audit", "a1", 20);
  const auto audit_rest = GroupRead(*client, "events", "audit", "a2", 100);
  std::vector<Id> audit = IdsOf(audit_first);
  for (const Record& r : audit_rest) audit.push_back(r.id);
  EXPECT_EQ(IdsOf(billing), ids);
  EXPECT_EQ(audit, ids);
  EXPECT_EQ(GroupPending(*client, "events", "billing").total, 0u);
  EXPECT_EQ(GroupPending(*client, "events", "audit").total, 50u);
}

TEST_F(StreamDeliveryTest, ABlockingTailReadReturnsAsSoonAsARecordIsAppended) {
  auto reader = Connect();
  auto writer = Connect();
  Append(*writer, "live", "old");
  const auto start = SteadyClock::now();
  const uint64_t request =
      reader->Send(kStreamRead, "live", "",
                   FloOptions().Flag(kOptStreamTail).U32(kOptCount, 10).U32(kOptBlockMs, 10'000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const Id fresh = Append(*writer, "live", "new");
  const FloReply reply = reader->ReceiveFor(request);
  ASSERT_EQ(reply.status, kOk);
  const std::vector<Record> records = ParseRecords(reply.data);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].id, fresh);
  EXPECT_EQ(records[0].payload, "new");
  EXPECT_LT(SteadyClock::now() - start, std::chrono::seconds(2));
}

TEST_F(StreamDeliveryTest, ABlockingReadOfAStreamNotYetCreatedIsWokenByItsFirstAppend) {
  auto reader = Connect();
  auto writer = Connect();
  const uint64_t request =
      reader->Send(kStreamRead, "fresh", "", FloOptions().U32(kOptBlockMs, 10'000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const Id id = Append(*writer, "fresh", "first");
  EXPECT_EQ(IdsOf(ParseRecords(reader->ReceiveFor(request).data)), std::vector<Id>{id});
}

TEST_F(StreamDeliveryTest, ABlockingGroupReadReturnsAsSoonAsARecordIsAppended) {
  auto reader = Connect();
  auto writer = Connect();
  const auto start = SteadyClock::now();
  const uint64_t request = reader->Send(kStreamGroupRead, "live", GroupValue("workers", "w1"),
                                        FloOptions().U32(kOptCount, 10).U32(kOptBlockMs, 10'000));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const Id id = Append(*writer, "live", "wake up");
  EXPECT_EQ(IdsOf(ParseRecords(reader->ReceiveFor(request).data)), std::vector<Id>{id});
  EXPECT_LT(SteadyClock::now() - start, std::chrono::seconds(2));
}

TEST_F(StreamDeliveryTest, ANackOrALeaveWakesAParkedGroupReaderAtOnce) {
  auto holder = Connect();
  auto waiter = Connect();
  const Id first = Append(*holder, "jobs", "one");
  const Id second = Append(*holder, "jobs", "two");
  ASSERT_EQ(GroupRead(*holder, "jobs", "workers", "holder", 2).size(), 2u);
  const auto start = SteadyClock::now();
  uint64_t request = waiter->Send(kStreamGroupRead, "jobs", GroupValue("workers", "waiter"),
                                  FloOptions().U32(kOptCount, 10).U32(kOptBlockMs, 10'000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Expect(holder->Call(kStreamGroupNack, "jobs", IdsValue("workers", "holder", {first})), kOk,
         "nack");
  EXPECT_EQ(IdsOf(ParseRecords(waiter->ReceiveFor(request).data)), std::vector<Id>{first});
  request = waiter->Send(kStreamGroupRead, "jobs", GroupValue("workers", "waiter"),
                         FloOptions().U32(kOptCount, 10).U32(kOptBlockMs, 10'000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  Expect(holder->Call(kStreamGroupLeave, "jobs", GroupValue("workers", "holder")), kOk, "leave");
  EXPECT_EQ(IdsOf(ParseRecords(waiter->ReceiveFor(request).data)), std::vector<Id>{second});
  EXPECT_LT(SteadyClock::now() - start, std::chrono::seconds(3));
}

TEST_F(StreamDeliveryTest, ABlockingReadTimesOutWithEmptyData) {
  auto client = Connect();
  Append(*client, "quiet", "old");
  const auto start = SteadyClock::now();
  const FloReply reply = client->Call(kStreamRead, "quiet", "",
                                      FloOptions().Flag(kOptStreamTail).U32(kOptBlockMs, 300));
  EXPECT_EQ(reply.status, kOk);
  EXPECT_TRUE(reply.data.empty());
  EXPECT_GE(SteadyClock::now() - start, std::chrono::milliseconds(280));
  const FloReply group = client->Call(kStreamGroupRead, "quiet", GroupValue("g", "c"),
                                      FloOptions().U32(kOptCount, 10).U32(kOptBlockMs, 300));
  ASSERT_EQ(group.status, kOk);
  EXPECT_EQ(ParseRecords(group.data).size(), 1u);  // "old" is new to the group
}

TEST_F(StreamDeliveryTest, ParkedReadsDoNotHoldBackLaterRequestsOnTheirConnection) {
  auto client = Connect();
  const uint64_t parked = client->Send(kStreamRead, "idle", "",
                                       FloOptions().Flag(kOptStreamTail).U32(kOptBlockMs, 5000));
  const Id id = Append(*client, "other", "x");  // answered while the read waits
  EXPECT_EQ(StreamInfo(*client, "other").last, id);
  Append(*client, "idle", "wake");
  EXPECT_EQ(ParseRecords(client->ReceiveFor(parked).data).size(), 1u);
}

TEST_F(StreamDeliveryTest, EntriesPastMaxDeliveriesBecomeDeadLetters) {
  auto client = Connect();
  CreateGroup(*client, "jobs", "strict",
              FloOptions().U32(kOptAckTimeoutMs, 200).U8(kOptMaxDeliver, 2));
  const Id id = Append(*client, "jobs", "poison");
  EXPECT_EQ(IdsOf(GroupRead(*client, "jobs", "strict", "c1", 1)), std::vector<Id>{id});
  EXPECT_EQ(IdsOf(GroupRead(*client, "jobs", "strict", "c1", 1, 3000)), std::vector<Id>{id});
  // The third delivery would pass max_deliver: the entry goes to the dead letters instead.
  EXPECT_TRUE(GroupRead(*client, "jobs", "strict", "c1", 1, 1000).empty());
  const GroupInfo info = DescribeGroup(*client, "jobs", "strict");
  EXPECT_EQ(info.dead_letters, 1u);
  EXPECT_EQ(info.pending, 0u);
}

}  // namespace
}  // namespace flod::testing
