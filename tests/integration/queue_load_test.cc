// Many producers and consumers on separate connections move 100 000 messages through one
// queue of the real flod: every message is delivered, none twice, none lost.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "queue_test_support.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace queue;

constexpr int kProducers = 4;
constexpr int kConsumers = 4;
constexpr int kMessages = 100'000;
constexpr int kPerProducer = kMessages / kProducers;
constexpr int kPipelineDepth = 100;  // requests a producer keeps in flight
constexpr uint32_t kDequeueBatch = 32;
constexpr auto kDeadline = std::chrono::minutes(3);

std::string PayloadOf(int producer, int index) {
  return "p" + std::to_string(producer) + "-" + std::to_string(index);
}

class QueueLoadTest : public FlodTest {
 protected:
  // Enqueues kPerProducer messages, kPipelineDepth at a time; returns their seqs in order.
  std::vector<uint64_t> Produce(int producer) {
    auto client = Connect();
    std::vector<uint64_t> seqs;
    seqs.reserve(kPerProducer);
    for (int start = 0; start < kPerProducer; start += kPipelineDepth) {
      std::vector<uint64_t> ids;
      for (int i = start; i < start + kPipelineDepth && i < kPerProducer; ++i) {
        ids.push_back(client->Send(kEnqueue, "load", PayloadOf(producer, i)));
      }
      for (uint64_t id : ids) {
        const FloReply reply = client->ReceiveFor(id);
        if (reply.status != kStatusOk) return seqs;
        seqs.push_back(U64At(reply.data, 0));
      }
    }
    return seqs;
  }

  // Dequeues and acks until every message has been seen by some consumer.
  void Consume(std::atomic<int>& delivered, std::mutex& mutex,
               std::unordered_map<std::string, int>& deliveries) {
    auto client = Connect();
    QueueCalls load(*client, "load");
    const auto deadline = std::chrono::steady_clock::now() + kDeadline;
    while (delivered.load() < kMessages && std::chrono::steady_clock::now() < deadline) {
      const std::vector<Message> got = load.Dequeue(kDequeueBatch, {}, /*block_ms=*/500);
      if (got.empty()) continue;
      {
        std::lock_guard<std::mutex> lock(mutex);
        for (const Message& m : got) ++deliveries[m.payload];
      }
      EXPECT_EQ(load.Ack(SeqsOf(got)), got.size());
      delivered += static_cast<int>(got.size());
    }
  }
};

TEST_F(QueueLoadTest, FourProducersAndFourConsumersMoveEveryMessageExactlyOnce) {
  std::atomic<int> delivered{0};
  std::mutex mutex;
  std::unordered_map<std::string, int> deliveries;
  deliveries.reserve(kMessages);
  std::vector<std::vector<uint64_t>> produced(kProducers);

  std::vector<std::thread> threads;
  for (int c = 0; c < kConsumers; ++c) {
    threads.emplace_back([&] { Consume(delivered, mutex, deliveries); });
  }
  for (int p = 0; p < kProducers; ++p) {
    threads.emplace_back([&, p] { produced[p] = Produce(p); });
  }
  for (std::thread& thread : threads) thread.join();

  std::vector<uint64_t> all_seqs;
  for (int p = 0; p < kProducers; ++p) {
    ASSERT_EQ(produced[p].size(), static_cast<size_t>(kPerProducer)) << "producer " << p;
    EXPECT_TRUE(std::is_sorted(produced[p].begin(), produced[p].end())) << "producer " << p;
    all_seqs.insert(all_seqs.end(), produced[p].begin(), produced[p].end());
  }
  std::sort(all_seqs.begin(), all_seqs.end());
  EXPECT_EQ(std::adjacent_find(all_seqs.begin(), all_seqs.end()), all_seqs.end())
      << "a seq was assigned twice";

  EXPECT_EQ(delivered.load(), kMessages);
  ASSERT_EQ(deliveries.size(), static_cast<size_t>(kMessages)) << "messages lost";
  int twice = 0;
  for (const auto& [payload, count] : deliveries) twice += count > 1 ? 1 : 0;
  EXPECT_EQ(twice, 0) << "messages delivered more than once";
  for (int p = 0; p < kProducers; ++p) {
    EXPECT_EQ(deliveries.count(PayloadOf(p, kPerProducer - 1)), 1u) << "producer " << p;
  }

  auto checker = Connect();
  const QueueCalls::Stats stats = QueueCalls(*checker, "load").GetStats();
  EXPECT_EQ(stats.ready + stats.in_flight + stats.delayed + stats.dlq, 0u);
  EXPECT_EQ(stats.enqueued_total, static_cast<uint64_t>(kMessages));
  EXPECT_EQ(stats.dequeued_total, static_cast<uint64_t>(kMessages));
}

}  // namespace
}  // namespace flod::testing
