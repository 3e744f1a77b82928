// Blocking dequeue, leases that outlive their consumer, and the "js" reply profile, against
// the real flod over several connections.

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "queue_test_support.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace queue;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class QueueBlockingTest : public FlodTest {};

TEST_F(QueueBlockingTest, BlockingDequeueIsWokenByAnEnqueueFromAnotherConnection) {
  auto consumer = Connect();
  auto producer = Connect();
  const auto start = Clock::now();
  const uint64_t id =
      consumer->Send(kDequeue, "tasks", "", QueueCalls::DequeueOptions(1, {}, 10'000));
  std::this_thread::sleep_for(milliseconds(200));
  const uint64_t seq = QueueCalls(*producer, "tasks").Enqueue("wake up");
  const FloReply reply = consumer->ReceiveFor(id);
  ASSERT_EQ(reply.status, kStatusOk);
  const std::vector<Message> got = ParseMessages(reply.data);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].seq, seq);
  EXPECT_EQ(got[0].payload, "wake up");
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
}

TEST_F(QueueBlockingTest, BlockingDequeueTimesOutWithNoMessages) {
  auto consumer = Connect();
  const auto start = Clock::now();
  const std::vector<Message> got = QueueCalls(*consumer, "tasks").Dequeue(1, {}, 300);
  const auto waited = Clock::now() - start;
  EXPECT_TRUE(got.empty());
  EXPECT_GE(waited, milliseconds(280));
  EXPECT_LT(waited, std::chrono::seconds(3));
}

TEST_F(QueueBlockingTest, BlockMsZeroDoesNotWait) {
  auto consumer = Connect();
  const auto start = Clock::now();
  EXPECT_TRUE(QueueCalls(*consumer, "tasks").Dequeue(1, {}, 0).empty());
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));  // 0 is "do not wait", not "forever"
}

TEST_F(QueueBlockingTest, WaitingConsumersAreServedInArrivalOrder) {
  std::vector<std::unique_ptr<FloClient>> consumers;
  std::vector<uint64_t> ids;
  for (int i = 0; i < 3; ++i) {
    consumers.push_back(Connect());
    ids.push_back(
        consumers.back()->Send(kDequeue, "jobs", "", QueueCalls::DequeueOptions(1, {}, 10'000)));
    std::this_thread::sleep_for(milliseconds(200));  // park in a known order
  }
  auto producer = Connect();
  QueueCalls jobs(*producer, "jobs");
  for (int i = 0; i < 3; ++i) {
    const uint64_t seq = jobs.Enqueue("job " + std::to_string(i));
    const std::vector<Message> got = ParseMessages(consumers[i]->ReceiveFor(ids[i]).data);
    ASSERT_EQ(got.size(), 1u) << "consumer " << i;
    EXPECT_EQ(got[0].seq, seq) << "consumer " << i;
  }
}

TEST_F(QueueBlockingTest, ExpiredLeaseWakesABlockedConsumer) {
  auto first = Connect();
  auto second = Connect();
  const uint64_t seq = QueueCalls(*first, "tasks").Enqueue("job");
  ASSERT_EQ(QueueCalls(*first, "tasks").Dequeue(1, /*visibility_ms=*/300).size(), 1u);
  const auto start = Clock::now();
  const std::vector<Message> got = QueueCalls(*second, "tasks").Dequeue(1, {}, 5'000);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].seq, seq);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
}

TEST_F(QueueBlockingTest, LeasesOfADisconnectedConsumerAreRedeliveredAfterTheTimeout) {
  auto producer = Connect();
  QueueCalls tasks(*producer, "tasks");
  std::vector<uint64_t> enqueued;
  for (int i = 0; i < 5; ++i) enqueued.push_back(tasks.Enqueue("job " + std::to_string(i)));

  auto doomed = Connect();
  ASSERT_EQ(QueueCalls(*doomed, "tasks").Dequeue(5, /*visibility_ms=*/1'000).size(), 5u);
  const auto leased_at = Clock::now();
  doomed->Close();

  auto survivor = Connect();
  QueueCalls survivor_tasks(*survivor, "tasks");
  EXPECT_TRUE(survivor_tasks.Dequeue(5).empty());  // still leased to nobody
  std::vector<uint64_t> redelivered;
  while (redelivered.size() < enqueued.size() &&
         Clock::now() - leased_at < std::chrono::seconds(5)) {
    for (const Message& m : survivor_tasks.Dequeue(5, {}, 3'000)) redelivered.push_back(m.seq);
  }
  EXPECT_GE(Clock::now() - leased_at, milliseconds(950));
  EXPECT_EQ(redelivered, enqueued);
  EXPECT_EQ(survivor_tasks.Ack(redelivered), 5u);
}

// The server gives up a parked dequeue as soon as its client is gone, so the message goes to
// a live consumer at once instead of waiting out a lease taken for nobody.
TEST_F(QueueBlockingTest, ParkedDequeueOfAClosedConnectionTakesNothing) {
  auto doomed = Connect();
  doomed->Send(kDequeue, "tasks", "", QueueCalls::DequeueOptions(1, {}, 10'000));
  std::this_thread::sleep_for(milliseconds(200));
  doomed->Close();
  std::this_thread::sleep_for(milliseconds(200));

  auto producer = Connect();
  const uint64_t seq = QueueCalls(*producer, "tasks").Enqueue("for the living");
  auto consumer = Connect();
  EXPECT_EQ(SeqsOf(QueueCalls(*consumer, "tasks").Dequeue(1)), std::vector<uint64_t>{seq});
}

// A JS client may send more requests while its dequeue is parked (WIRE.md §8.2).
TEST_F(QueueBlockingTest, ParkedDequeueDoesNotHoldBackTheConnection) {
  auto client = Connect();
  const uint64_t parked =
      client->Send(kDequeue, "tasks", "", QueueCalls::DequeueOptions(1, {}, 10'000));
  const uint64_t enqueue = client->Send(kEnqueue, "tasks", "same connection");
  const FloReply enqueued = client->ReceiveFor(enqueue);
  ASSERT_EQ(enqueued.status, kStatusOk);
  const std::vector<Message> got = ParseMessages(client->ReceiveFor(parked).data);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].seq, U64At(enqueued.data, 0));
}

// Protocol-1 JS clients (configured profile "js") get the 13-byte trailer and one message per
// reply (WIRE.md §7.2.1, §12 D3).
class QueueJsProfileTest : public FlodTest {
 protected:
  FlodProcess::Options ServerOptions() override {
    FlodProcess::Options options = FlodTest::ServerOptions();
    const std::filesystem::path config = temp_.path() / "flod.toml";
    std::ofstream(config) << "[protocol]\nflo_client_profile = \"js\"\n";
    options.extra_args = {"--config", config.string()};
    return options;
  }
};

TEST_F(QueueJsProfileTest, DequeueAnswersOneMessageWithItsTrailer) {
  auto client = Connect();
  QueueCalls tasks(*client, "tasks");
  const uint64_t first = tasks.Enqueue("a", FloOptions().U8(kOptPriority, 3));
  tasks.Enqueue("b", FloOptions().U8(kOptPriority, 3));
  const FloReply reply = tasks.Call(kDequeue, "", QueueCalls::DequeueOptions(10, {}, {}));
  const std::vector<Message> got = ParseMessages(reply.data, /*trailer=*/true);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].seq, first);
  EXPECT_EQ(got[0].delivery_count, 1u);
  EXPECT_EQ(got[0].priority, 3);
  const auto now_ms =
      std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  EXPECT_NEAR(static_cast<double>(got[0].enqueued_at_ms), static_cast<double>(now_ms), 60'000.0);
  EXPECT_EQ(tasks.GetStats().ready, 1u);  // the second one was not leased and left out
}

}  // namespace
}  // namespace flod::testing
