// Queues across restarts of the real flod: a clean stop and a kill -9 in the middle of
// enqueues. Nothing acknowledged is lost, nothing comes back twice.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "queue_test_support.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace queue;
using std::chrono::milliseconds;

class QueueRestartTest : public FlodTest {};

TEST_F(QueueRestartTest, RestartKeepsReadyDelayedLeasedAndDeadLetteredMessages) {
  uint64_t ready = 0, leased = 0, dead = 0;
  {
    auto client = Connect();
    QueueCalls tasks(*client, "tasks");
    leased = tasks.Enqueue("leased");
    dead = tasks.Enqueue("dead");
    ASSERT_EQ(tasks.Dequeue(2, /*visibility_ms=*/60'000).size(), 2u);
    ASSERT_EQ(tasks.Nack({dead}, /*to_dlq=*/true), 1u);
    ready = tasks.Enqueue("ready", FloOptions().U8(kOptPriority, 4));
    tasks.Enqueue("delayed", FloOptions().U64(kOptDelayMs, 60'000));
  }
  Restart();
  auto client = Connect();
  QueueCalls tasks(*client, "tasks");
  const QueueCalls::Stats stats = tasks.GetStats();
  EXPECT_EQ(stats.ready, 1u);
  EXPECT_EQ(stats.in_flight, 1u);
  EXPECT_EQ(stats.delayed, 1u);
  EXPECT_EQ(stats.dlq, 1u);
  EXPECT_EQ(stats.enqueued_total, 4u);
  EXPECT_EQ(SeqsOf(tasks.DlqList()), std::vector<uint64_t>{dead});
  const std::vector<Message> got = tasks.Dequeue(10);
  ASSERT_EQ(SeqsOf(got), std::vector<uint64_t>{ready});
  EXPECT_EQ(got[0].payload, "ready");
  EXPECT_EQ(tasks.Ack({leased}), 1u);        // the lease survived with its consumer's right to ack
  EXPECT_GT(tasks.Enqueue("after"), ready);  // seqs are never reused
}

TEST_F(QueueRestartTest, LeaseRunningAtACrashExpiresOnItsOriginalSchedule) {
  uint64_t seq = 0;
  {
    auto client = Connect();
    QueueCalls tasks(*client, "tasks");
    seq = tasks.Enqueue("job");
    ASSERT_EQ(tasks.Dequeue(1, /*visibility_ms=*/1'500).size(), 1u);
  }
  const auto leased_at = std::chrono::steady_clock::now();
  CrashAndRestart();
  auto client = Connect();
  QueueCalls tasks(*client, "tasks");
  if (std::chrono::steady_clock::now() - leased_at < milliseconds(1'300)) {
    EXPECT_TRUE(tasks.Dequeue(1).empty());
  }
  const std::vector<Message> got = tasks.Dequeue(1, {}, 5'000);
  EXPECT_EQ(SeqsOf(got), std::vector<uint64_t>{seq});
  EXPECT_GE(std::chrono::steady_clock::now() - leased_at, milliseconds(1'400));
}

class QueueCrashTest : public FlodTest {
 protected:
  FlodProcess::Options ServerOptions() override {
    FlodProcess::Options options = FlodTest::ServerOptions();
    options.durability = "sync";
    return options;
  }
};

// Producers enqueue unique payloads one request at a time until flod is killed under them; a
// payload counts as acknowledged once its reply arrived.
TEST_F(QueueCrashTest, KillDuringEnqueuesLosesNoAcknowledgedEnqueueAndDuplicatesNothing) {
  constexpr int kProducers = 3;
  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::set<std::string> sent;
  std::atomic<int> replies{0};
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p, client = Connect()] {
      for (int i = 0;; ++i) {
        const std::string payload = "p" + std::to_string(p) + "-" + std::to_string(i);
        {
          std::lock_guard<std::mutex> lock(mutex);
          sent.insert(payload);
        }
        try {
          if (client->Call(kEnqueue, "crash", payload).status != kStatusOk) return;
        } catch (const std::runtime_error&) {
          return;  // flod is gone
        }
        std::lock_guard<std::mutex> lock(mutex);
        acknowledged.insert(payload);
        ++replies;
      }
    });
  }
  while (replies.load() < 1'000) std::this_thread::sleep_for(milliseconds(10));
  server_->Kill();
  for (std::thread& producer : producers) producer.join();
  ASSERT_TRUE(server_->Start()) << server_->Log();

  auto client = Connect();
  QueueCalls queue(*client, "crash");
  std::multiset<std::string> recovered;
  std::vector<uint64_t> seqs;
  for (;;) {
    const std::vector<Message> got = queue.Dequeue(100);
    if (got.empty()) break;
    for (const Message& m : got) {
      recovered.insert(m.payload);
      seqs.push_back(m.seq);
    }
    queue.Ack(SeqsOf(got));
  }
  for (const std::string& payload : acknowledged) {
    EXPECT_EQ(recovered.count(payload), 1u) << payload << " was acknowledged";
  }
  for (const std::string& payload : recovered) {
    EXPECT_EQ(recovered.count(payload), 1u) << payload << " came back twice";
    EXPECT_EQ(sent.count(payload), 1u) << payload << " was never sent";
  }
  EXPECT_GE(recovered.size(), acknowledged.size());
  EXPECT_LE(recovered.size(), acknowledged.size() + kProducers);  // at most one in flight each
  ASSERT_FALSE(seqs.empty());
  EXPECT_GT(queue.Enqueue("after the crash"), *std::max_element(seqs.begin(), seqs.end()));
}

}  // namespace
}  // namespace flod::testing
