// Blocking reads, watches and concurrent writers across shards, against the real flod.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "support/flo_wire.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace wire;
using Clock = std::chrono::steady_clock;

class KvBlockingTest : public FlodTest {};

TEST_F(KvBlockingTest, BlockingGetIsWokenByAPutFromAnotherConnection) {
  auto waiter = Connect();
  auto writer = Connect();
  const auto start = Clock::now();
  const uint64_t id = waiter->Send(kKvGet, "job:result", "", FloOptions().U32(kOptBlockMs, 5000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(writer->Call(kKvPut, "job:result", "done").status, kOk);
  const FloReply reply = waiter->ReceiveFor(id);
  EXPECT_EQ(reply.status, kOk);
  EXPECT_EQ(reply.data.substr(8), "done");
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
}

TEST_F(KvBlockingTest, BlockingGetTimesOutWithNotFound) {
  auto client = Connect();
  const auto start = Clock::now();
  const FloReply reply = client->Call(kKvGet, "never", "", FloOptions().U32(kOptBlockMs, 300));
  const auto waited = Clock::now() - start;
  EXPECT_EQ(reply.status, kNotFound);
  EXPECT_GE(waited, std::chrono::milliseconds(280));
  EXPECT_LT(waited, std::chrono::seconds(3));
}

TEST_F(KvBlockingTest, BlockingGetOnAnExistingKeyAnswersAtOnce) {
  auto client = Connect();
  ASSERT_EQ(client->Call(kKvPut, "ready", "v").status, kOk);
  const auto start = Clock::now();
  EXPECT_EQ(client->Call(kKvGet, "ready", "", FloOptions().U32(kOptBlockMs, 5000)).status, kOk);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
}

TEST_F(KvBlockingTest, WatchIsWokenByTheNextVersionOnly) {
  auto watcher = Connect();
  auto writer = Connect();
  ASSERT_EQ(writer->Call(kKvPut, "config", "v1").status, kOk);
  const uint64_t id = watcher->Send(kKvGet, "config", "", FloOptions().U32(kOptWaitMs, 5000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const uint64_t v2 = writer->Call(kKvPut, "config", "v2").U64At(0);
  const FloReply reply = watcher->ReceiveFor(id);
  ASSERT_EQ(reply.status, kOk);
  EXPECT_EQ(reply.U64At(0), v2);
  EXPECT_EQ(reply.data.substr(8), "v2");
}

TEST_F(KvBlockingTest, ParkedRequestDoesNotHoldBackLaterRequestsOnTheSameConnection) {
  auto client = Connect();
  auto writer = Connect();
  const uint64_t blocked = client->Send(kKvGet, "later", "", FloOptions().U32(kOptBlockMs, 5000));
  const uint64_t ping = client->Send(kPing, "", "", {}, "");
  const FloReply first = *client->Receive(3000);
  EXPECT_EQ(first.request_id, ping) << "the ping must overtake the parked get";
  ASSERT_EQ(writer->Call(kKvPut, "later", "x").status, kOk);
  EXPECT_EQ(client->ReceiveFor(blocked).status, kOk);
}

TEST_F(KvBlockingTest, ConcurrentIncrementsFromManyConnectionsAreNotLost) {
  constexpr int kClients = 6;
  constexpr int kPerClient = 500;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      FloClient client;
      if (!client.Connect(server_->port())) {
        ++failures;
        return;
      }
      for (int i = 0; i < kPerClient; ++i) {
        if (client.Call(kKvIncr, "shared-counter").status != kOk) ++failures;
        const std::string key = "own:" + std::to_string(c) + ":" + std::to_string(i);
        if (client.Call(kKvPut, key, std::to_string(i)).status != kOk) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  ASSERT_EQ(failures.load(), 0);
  auto client = Connect();
  const FloReply counter = client->Call(kKvGet, "shared-counter");
  EXPECT_EQ(static_cast<int64_t>(counter.U64At(8)), kClients * kPerClient);
  for (int c = 0; c < kClients; ++c) {
    const FloReply last = client->Call(kKvGet, "own:" + std::to_string(c) + ":" +
                                                   std::to_string(kPerClient - 1));
    EXPECT_EQ(last.data.substr(8), std::to_string(kPerClient - 1));
  }
}

// More parked requests than a connection may have in flight (4096) make the server stop
// reading it; the rest of what the client sent waits in the socket. Once the parked requests
// are answered the server must read on by itself, although the client sends nothing new.
TEST_F(KvBlockingTest, AConnectionPausedByItsParkedRequestsResumesWithWhatItAlreadySent) {
  constexpr int kWaiters = 5000;
  auto client = Connect();
  auto writer = Connect();
  std::vector<uint64_t> ids;
  for (int i = 0; i < kWaiters; ++i) {
    ids.push_back(client->Send(kKvGet, "gate", "", FloOptions().U32(kOptBlockMs, 30'000)));
  }
  const uint64_t last = client->Send(kKvPut, "after-the-waiters", "x");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(writer->Call(kKvPut, "gate", "open").status, kOk);
  for (const uint64_t id : ids) {
    const FloReply reply = client->ReceiveFor(id);
    ASSERT_EQ(reply.status, kOk) << "request " << id;
    ASSERT_EQ(reply.data.substr(8), "open");
  }
  EXPECT_EQ(client->ReceiveFor(last).status, kOk);
  EXPECT_EQ(writer->Call(kKvGet, "after-the-waiters").data.substr(8), "x");
}

}  // namespace
}  // namespace flod::testing
