// kill -9 at random moments while several connections write KV puts, counters, queue
// enqueues and acks and stream appends; after every restart, everything the server
// acknowledged must be there. FLOD_CRASH_CYCLES sets the number of cycles (default 20).

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "queue_test_support.h"
#include "stream_test_support.h"
#include "support/flo_wire.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace wire;

constexpr int kWriters = 4;

int Cycles(int fallback) {
  const char* env = std::getenv("FLOD_CRASH_CYCLES");
  return env ? std::max(1, std::atoi(env)) : fallback;
}

// What the server acknowledged, accumulated across every writer of one cycle.
struct Acknowledged {
  std::mutex mu;
  std::map<std::string, std::string> puts;           // key -> value (each key written once)
  std::map<std::string, int64_t> increments;         // counter -> acknowledged increments
  std::map<std::string, int64_t> in_flight_increments;  // sent when the server died
  std::set<std::string> enqueued;                    // payloads
  std::set<std::string> completed;                   // payloads whose ack was acknowledged
  std::set<std::string> completing;                  // ack sent, no answer: either outcome
  std::vector<std::pair<stream::Id, std::string>> appended;
};

class Writer {
 public:
  Writer(int id, int cycle, uint16_t port, Acknowledged& acked)
      : id_(id), cycle_(cycle), acked_(acked) {
    connected_ = client_.Connect(port);
  }

  // Writes until the connection breaks (the server was killed).
  void Run() {
    if (!connected_) return;
    try {
      for (int n = 0;; ++n) Step(n);
    } catch (const std::exception&) {
      // The server died; whatever was in flight is neither acknowledged nor refused.
    }
  }

 private:
  std::string Tag(int n) const {
    return "c" + std::to_string(cycle_) + "w" + std::to_string(id_) + "n" + std::to_string(n);
  }
  std::string Queue() const { return "crash-q" + std::to_string(cycle_); }
  std::string Stream() const { return "crash-s" + std::to_string(cycle_); }
  std::string Counter() const { return "crash-counter" + std::to_string(id_); }

  void Step(int n) {
    switch (n % 5) {
      case 0: Put(n); break;
      case 1: Increment(); break;
      case 2: Enqueue(n); break;
      case 3: ConsumeOne(); break;
      case 4: Append(n); break;
    }
  }

  void Put(int n) {
    const std::string key = "crash-key:" + Tag(n), value = "value-" + Tag(n);
    if (client_.Call(kKvPut, key, value).status != kOk) return;
    std::lock_guard lock(acked_.mu);
    acked_.puts[key] = value;
  }

  void Increment() {
    {
      std::lock_guard lock(acked_.mu);
      ++acked_.in_flight_increments[Counter()];
    }
    const bool ok = client_.Call(kKvIncr, Counter()).status == kOk;
    std::lock_guard lock(acked_.mu);
    --acked_.in_flight_increments[Counter()];
    if (ok) ++acked_.increments[Counter()];
  }

  void Enqueue(int n) {
    const std::string payload = "job-" + Tag(n);
    if (client_.Call(queue::kEnqueue, Queue(), payload).status != kOk) return;
    std::lock_guard lock(acked_.mu);
    acked_.enqueued.insert(payload);
  }

  // Leases one message for 200 ms and acks it.
  void ConsumeOne() {
    const FloReply leased = client_.Call(
        queue::kDequeue, Queue(), "",
        FloOptions().U32(queue::kOptCount, 1).U32(queue::kOptVisibilityMs, 200));
    const auto messages = queue::ParseMessages(leased.data);
    if (messages.empty()) return;
    {
      std::lock_guard lock(acked_.mu);
      acked_.completing.insert(messages[0].payload);
    }
    if (client_.Call(queue::kComplete, Queue(), queue::SeqList({messages[0].seq})).status != kOk) return;
    std::lock_guard lock(acked_.mu);
    acked_.completing.erase(messages[0].payload);
    acked_.completed.insert(messages[0].payload);
  }

  void Append(int n) {
    const std::string payload = "event-" + Tag(n);
    const FloReply reply = client_.Call(kStreamAppend, Stream(), payload);
    if (reply.status != kOk) return;
    const stream::Id id = stream::ParseAppend(reply.data);
    std::lock_guard lock(acked_.mu);
    acked_.appended.emplace_back(id, payload);
  }

  FloClient client_;
  bool connected_ = false;
  const int id_;
  const int cycle_;
  Acknowledged& acked_;
};

class CrashTest : public FlodTest {
 protected:
  void RunCycles(int cycles) {
    std::mt19937 random(20261121);
    std::map<std::string, int64_t> counters;  // acknowledged across all cycles
    size_t checked_puts = 0, checked_messages = 0, checked_records = 0, unacked_applied = 0;
    for (int cycle = 0; cycle < cycles; ++cycle) {
      Acknowledged acked;
      std::vector<std::thread> writers;
      for (int w = 0; w < kWriters; ++w) {
        writers.emplace_back([&, w] { Writer(w, cycle, server_->port(), acked).Run(); });
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100 + random() % 400));
      CrashAndRestart();
      for (auto& writer : writers) writer.join();
      for (const auto& [name, n] : acked.increments) counters[name] += n;

      auto client = Connect();
      checked_puts += CheckPuts(*client, acked);
      unacked_applied += CheckCounters(*client, acked, counters);
      checked_messages += CheckQueue(*client, acked, cycle);
      checked_records += CheckStream(*client, acked, cycle);
      if (HasFailure()) {
        ADD_FAILURE() << "cycle " << cycle << " lost acknowledged data; server log:\n" << server_->Log();
        return;
      }
    }
    std::cout << "[ crash    ] " << cycles << " kill -9 cycles: checked " << checked_puts
              << " puts, " << checked_messages << " queue messages, " << checked_records
              << " stream records; " << unacked_applied
              << " unacknowledged increments were applied anyway\n";
  }

  static size_t CheckPuts(FloClient& client, Acknowledged& acked) {
    for (const auto& [key, value] : acked.puts) {
      const FloReply reply = client.Call(kKvGet, key);
      EXPECT_EQ(reply.status, kOk) << "acknowledged put lost: " << key;
      if (reply.status == kOk) {
        EXPECT_EQ(reply.data.substr(8), value) << key;
      }
    }
    return acked.puts.size();
  }

  // A counter holds every acknowledged increment, plus at most the one per writer that was in
  // flight when the server died (it may have become durable without its reply arriving).
  static size_t CheckCounters(FloClient& client, Acknowledged& acked,
                              std::map<std::string, int64_t>& counters) {
    size_t unacked_applied = 0;
    for (auto& [name, expected] : counters) {
      const FloReply reply = client.Call(kKvGet, name);
      const int64_t value = reply.status == kOk ? static_cast<int64_t>(reply.U64At(8)) : 0;
      const int64_t in_flight = acked.in_flight_increments[name];
      EXPECT_GE(value, expected) << name;
      EXPECT_LE(value, expected + in_flight) << name;
      unacked_applied += static_cast<size_t>(value - expected);
      expected = value;  // later cycles count on from what is durable
    }
    return unacked_applied;
  }

  // Every acknowledged enqueue is still there unless it was acked (an ack whose answer never
  // came may or may not have taken effect); no message whose ack was acknowledged comes back.
  static size_t CheckQueue(FloClient& client, Acknowledged& acked, int cycle) {
    std::this_thread::sleep_for(std::chrono::milliseconds(250));  // leases of 200 ms expire
    std::set<std::string> found;
    const std::string name = "crash-q" + std::to_string(cycle);
    while (true) {
      const FloReply reply = client.Call(queue::kDequeue, name, "",
                                         FloOptions().U32(queue::kOptCount, 100));
      const auto messages = queue::ParseMessages(reply.data);
      if (messages.empty()) break;
      for (const auto& message : messages) {
        EXPECT_TRUE(found.insert(message.payload).second) << "duplicate " << message.payload;
      }
    }
    for (const auto& payload : acked.enqueued) {
      if (acked.completed.count(payload) || acked.completing.count(payload)) continue;
      EXPECT_TRUE(found.count(payload)) << "lost " << payload;
    }
    for (const auto& payload : acked.completed) {
      EXPECT_FALSE(found.count(payload)) << "acknowledged ack undone: " << payload;
    }
    return acked.enqueued.size();
  }

  static size_t CheckStream(FloClient& client, Acknowledged& acked, int cycle) {
    std::map<stream::Id, std::string> found;
    const std::string name = "crash-s" + std::to_string(cycle);
    stream::Id next{0, 0};
    while (true) {
      const auto records = stream::ReadFrom(client, name, next, 1000);
      if (records.empty()) break;
      for (const auto& record : records) found[record.id] = record.payload;
      next = records.back().id;
      ++next.seq;
    }
    for (const auto& [id, payload] : acked.appended) {
      auto it = found.find(id);
      EXPECT_TRUE(it != found.end() && it->second == payload) << "lost record " << id.Text();
    }
    return acked.appended.size();
  }
};

class SyncCrashTest : public CrashTest {
 protected:
  FlodProcess::Options ServerOptions() override {
    FlodProcess::Options options = FlodTest::ServerOptions();
    options.durability = "sync";
    return options;
  }
};

TEST_F(SyncCrashTest, KillNineNeverLosesAnAcknowledgedWrite) { RunCycles(Cycles(20)); }

// async_flush acknowledges after write(2): a killed process loses nothing acknowledged (the
// bytes are in the kernel's page cache); only a power loss could lose the last fsync interval,
// which a kill cannot show. The bound checked here is the documented one for process crashes.
class AsyncFlushCrashTest : public CrashTest {};

TEST_F(AsyncFlushCrashTest, KillNineLosesNothingAcknowledgedAfterWrite) { RunCycles(Cycles(20) / 4); }

}  // namespace
}  // namespace flod::testing
