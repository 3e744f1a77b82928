// Durability of streams and consumer groups across a clean restart and a crash (kill -9 with
// --durability sync), with the same data dir: records, ids, groups, cursors, pending lists.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "stream_test_support.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace wire;
using namespace stream;

class StreamRestartTest : public FlodTest {
 protected:
  FlodProcess::Options ServerOptions() override {
    FlodProcess::Options options = FlodTest::ServerOptions();
    options.durability = "sync";
    return options;
  }
};

// What a group looked like before the restart, to compare after it.
struct Snapshot {
  std::vector<Record> records;
  Info info;
  GroupInfo workers;
  Pending pending;
  GroupInfo audit;
};

Snapshot Observe(FloClient& client) {
  return Snapshot{Read(client, "orders", FloOptions().U32(kOptCount, 1000)),
                  StreamInfo(client, "orders"), DescribeGroup(client, "orders", "workers"),
                  GroupPending(client, "orders", "workers"),
                  DescribeGroup(client, "orders", "audit")};
}

void ExpectSame(const Snapshot& before, const Snapshot& after) {
  ASSERT_EQ(after.records.size(), before.records.size());
  for (size_t i = 0; i < before.records.size(); ++i) {
    EXPECT_EQ(after.records[i].id, before.records[i].id);
    EXPECT_EQ(after.records[i].payload, before.records[i].payload);
    EXPECT_EQ(after.records[i].key, before.records[i].key);
  }
  EXPECT_EQ(after.info.first, before.info.first);
  EXPECT_EQ(after.info.last, before.info.last);
  EXPECT_EQ(after.info.count, before.info.count);
  EXPECT_EQ(after.info.partitions, before.info.partitions);
  EXPECT_EQ(after.workers.last_delivered, before.workers.last_delivered);
  EXPECT_EQ(after.workers.pending, before.workers.pending);
  EXPECT_EQ(after.workers.ack_timeout_ms, before.workers.ack_timeout_ms);
  ASSERT_EQ(after.workers.consumers.size(), before.workers.consumers.size());
  for (size_t i = 0; i < before.workers.consumers.size(); ++i) {
    EXPECT_EQ(after.workers.consumers[i].name, before.workers.consumers[i].name);
    EXPECT_EQ(after.workers.consumers[i].pending, before.workers.consumers[i].pending);
  }
  EXPECT_EQ(after.pending.total, before.pending.total);
  ASSERT_EQ(after.pending.entries.size(), before.pending.entries.size());
  for (size_t i = 0; i < before.pending.entries.size(); ++i) {
    EXPECT_EQ(after.pending.entries[i].id, before.pending.entries[i].id);
    EXPECT_EQ(after.pending.entries[i].consumer, before.pending.entries[i].consumer);
    EXPECT_EQ(after.pending.entries[i].deliveries, before.pending.entries[i].deliveries);
  }
  EXPECT_EQ(after.audit.last_delivered, before.audit.last_delivered);
  EXPECT_EQ(after.audit.pending, before.audit.pending);
}

// Half-way through consumption: a partitioned stream, a group with a cursor in the middle,
// acked and pending entries held by two consumers, one nacked entry, and a second group.
std::vector<Id> BuildState(FloClient& client) {
  Expect(client.Call(kStreamCreate, "orders", std::string("\x03\x00\x00\x00", 4)), kOk, "create");
  std::vector<Id> ids;
  for (int i = 0; i < 300; ++i) {
    ids.push_back(
        Append(client, "orders", "order-" + std::to_string(i),
               FloOptions().Bytes(kOptPartitionKey, "customer-" + std::to_string(i % 7))));
  }
  CreateGroup(client, "orders", "workers", FloOptions().U32(kOptAckTimeoutMs, 600'000));
  const auto c1 = GroupRead(client, "orders", "workers", "c1", 100);
  const auto c2 = GroupRead(client, "orders", "workers", "c2", 50);
  EXPECT_EQ(Ack(client, "orders", "workers", std::vector<Id>(ids.begin(), ids.begin() + 60)), 60u);
  Expect(client.Call(kStreamGroupNack, "orders", IdsValue("workers", "c2", {c2.front().id}),
                     FloOptions().U32(kOptRedeliveryDelayMs, 600'000)),
         kOk, "nack");
  EXPECT_EQ(GroupRead(client, "orders", "audit", "a1", 10).size(), 10u);
  return ids;
}

TEST_F(StreamRestartTest, CleanRestartKeepsRecordsIdsGroupsCursorsAndPendingLists) {
  Snapshot before;
  std::vector<Id> ids;
  {
    auto client = Connect();
    ids = BuildState(*client);
    before = Observe(*client);
  }
  ASSERT_EQ(before.pending.total, 90u);
  Restart();
  auto client = Connect();
  ExpectSame(before, Observe(*client));
  // The cursor resumes where it stood: the next read starts after the 150 delivered records.
  const auto next = GroupRead(*client, "orders", "workers", "c3", 10);
  ASSERT_EQ(next.size(), 10u);
  EXPECT_EQ(next.front().id, ids[150]);
  // Ids keep growing.
  EXPECT_GT(Append(*client, "orders", "after"), ids.back());
}

TEST_F(StreamRestartTest, CrashKeepsEverythingThatWasAcknowledged) {
  Snapshot before;
  {
    auto client = Connect();
    BuildState(*client);
    before = Observe(*client);
  }
  CrashAndRestart();
  auto client = Connect();
  ExpectSame(before, Observe(*client));
  EXPECT_NE(server_->Log().find("replayed"), std::string::npos);
}

TEST_F(StreamRestartTest, CrashDuringAppendsAndAcksLosesNothingAcknowledged) {
  std::vector<Id> appended;
  std::vector<Id> acked;
  std::atomic<bool> stop{false};
  {
    auto admin = Connect();
    CreateGroup(*admin, "busy", "workers", FloOptions().U32(kOptAckTimeoutMs, 600'000));
  }
  std::thread producer([&] {
    FloClient client;
    if (!client.Connect(server_->port())) return;
    try {
      for (int i = 0; !stop; ++i) appended.push_back(Append(client, "busy", std::to_string(i)));
    } catch (const std::exception&) {  // the server died under us: expected
    }
  });
  std::thread consumer([&] {
    FloClient client;
    if (!client.Connect(server_->port())) return;
    try {
      while (!stop) {
        const std::vector<Id> ids = IdsOf(GroupRead(client, "busy", "workers", "c1", 50, 100));
        if (!ids.empty() && Ack(client, "busy", "workers", ids) == ids.size()) {
          acked.insert(acked.end(), ids.begin(), ids.end());
        }
      }
    } catch (const std::exception&) {
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  server_->Kill();
  stop = true;
  producer.join();
  consumer.join();
  ASSERT_TRUE(server_->Start()) << server_->Log();
  ASSERT_FALSE(appended.empty());
  auto client = Connect();
  const std::vector<Record> records =
      Read(*client, "busy",
           FloOptions().Bytes(kOptStreamStart, BigEndianId({0, 0})).U32(kOptCount, 1000));
  std::vector<Id> kept = IdsOf(records);
  for (Id start = kept.empty() ? Id{} : kept.back(); kept.size() < appended.size();) {
    const auto more = ReadFrom(*client, "busy", {start.ms, start.seq + 1});
    if (more.empty()) break;
    for (const Record& r : more) kept.push_back(r.id);
    start = kept.back();
  }
  ASSERT_GE(kept.size(), appended.size());
  EXPECT_TRUE(std::equal(appended.begin(), appended.end(), kept.begin()));
  // Acked entries stay acked: none of them is pending again.
  const Pending pending =
      GroupPending(*client, "busy", "workers", FloOptions().U32(kOptCount, 100'000));
  for (const PendingEntry& entry : pending.entries) {
    EXPECT_FALSE(std::binary_search(acked.begin(), acked.end(), entry.id)) << entry.id.Text();
  }
}

}  // namespace
}  // namespace flod::testing
