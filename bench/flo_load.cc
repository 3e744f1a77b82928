// Load generator for the Flo binary protocol: many connections, each pipelining `--pipeline`
// requests per round trip, for a fixed time. Prints operations per second for KV put/get,
// queue enqueue, dequeue+ack, stream append and group read+ack.
//
//   flo_load --port 9000 --connections 32 --pipeline 16 --seconds 5 [--workload kv_put,...]

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <thread>
#include <vector>

#include "support/flo_client.h"

namespace {

using flod::testing::BuildFloFrame;
using flod::testing::FloClient;
using flod::testing::FloOptions;
using flod::testing::FloReply;
using Clock = std::chrono::steady_clock;

constexpr uint16_t kKvPut = 0x100, kKvGet = 0x101, kEnqueue = 0x170, kDequeue = 0x171,
                   kComplete = 0x172, kStreamAppend = 0x130, kGroupRead = 0x153, kGroupAck = 0x154;
constexpr uint8_t kOptCount = 0x15;

struct Settings {
  uint16_t port = 9000;
  int connections = 32;
  int pipeline = 16;
  double seconds = 5;
  int keys = 100'000;
  int value_bytes = 32;
};

uint32_t U32At(const std::string& data, size_t at) {
  uint32_t v = 0;
  std::memcpy(&v, data.data() + at, 4);
  return v;
}
uint64_t U64At(const std::string& data, size_t at) {
  uint64_t v = 0;
  std::memcpy(&v, data.data() + at, 8);
  return v;
}
std::string Le(uint64_t v, size_t bytes) { return std::string(reinterpret_cast<const char*>(&v), bytes); }
std::string GroupConsumer(int connection) {
  const std::string group = "bench", consumer = "c" + std::to_string(connection);
  return Le(group.size(), 2) + group + Le(consumer.size(), 2) + consumer;
}

// One round trip of one connection: returns the operations it completed.
using Round = uint64_t (*)(FloClient&, const Settings&, int connection, uint64_t& counter);

uint64_t SendAll(FloClient& client, const std::string& batch, int replies) {
  client.SendRaw(batch);
  for (int i = 0; i < replies; ++i) {
    if (!client.Receive()) throw std::runtime_error("connection lost");
  }
  return static_cast<uint64_t>(replies);
}

uint64_t KvPutRound(FloClient& client, const Settings& s, int, uint64_t& counter) {
  std::string batch;
  const std::string value(static_cast<size_t>(s.value_bytes), 'v');
  for (int i = 0; i < s.pipeline; ++i) {
    const std::string key = "key:" + std::to_string(counter++ % static_cast<uint64_t>(s.keys));
    batch += BuildFloFrame(counter, kKvPut, "default", key, value, "");
  }
  return SendAll(client, batch, s.pipeline);
}

uint64_t KvGetRound(FloClient& client, const Settings& s, int, uint64_t& counter) {
  std::string batch;
  for (int i = 0; i < s.pipeline; ++i) {
    const std::string key = "key:" + std::to_string(counter++ % static_cast<uint64_t>(s.keys));
    batch += BuildFloFrame(counter, kKvGet, "default", key, "", "");
  }
  return SendAll(client, batch, s.pipeline);
}

uint64_t EnqueueRound(FloClient& client, const Settings& s, int connection, uint64_t& counter) {
  std::string batch;
  const std::string payload(static_cast<size_t>(s.value_bytes), 'p');
  const std::string queue = "bench-q" + std::to_string(connection % 8);
  for (int i = 0; i < s.pipeline; ++i) batch += BuildFloFrame(++counter, kEnqueue, "default", queue, payload, "");
  return SendAll(client, batch, s.pipeline);
}

// Dequeues up to `pipeline` messages in one request and acks them all in a second one.
uint64_t DequeueAckRound(FloClient& client, const Settings& s, int connection, uint64_t& counter) {
  const std::string queue = "bench-q" + std::to_string(connection % 8);
  const FloOptions count = FloOptions().U32(kOptCount, static_cast<uint32_t>(s.pipeline));
  client.SendRaw(BuildFloFrame(++counter, kDequeue, "default", queue, "", count.bytes()));
  const auto reply = client.Receive();
  if (!reply || reply->data.size() < 4) throw std::runtime_error("dequeue failed");
  const uint32_t messages = U32At(reply->data, 0);
  if (messages == 0) return 0;
  std::string seqs = Le(messages, 4);
  for (size_t at = 4, i = 0; i < messages; ++i) {
    seqs += Le(U64At(reply->data, at), 8);
    at += 12 + U32At(reply->data, at + 8);
  }
  client.SendRaw(BuildFloFrame(++counter, kComplete, "default", queue, seqs, ""));
  if (!client.Receive()) throw std::runtime_error("ack failed");
  return messages;
}

uint64_t StreamAppendRound(FloClient& client, const Settings& s, int connection, uint64_t& counter) {
  std::string batch;
  const std::string payload(static_cast<size_t>(s.value_bytes), 'e');
  const std::string stream = "bench-s" + std::to_string(connection % 4);
  for (int i = 0; i < s.pipeline; ++i) batch += BuildFloFrame(++counter, kStreamAppend, "default", stream, payload, "");
  return SendAll(client, batch, s.pipeline);
}

// Reads up to `pipeline` records through a consumer group and acks them in one request.
uint64_t GroupReadAckRound(FloClient& client, const Settings& s, int connection, uint64_t& counter) {
  const std::string stream = "bench-s" + std::to_string(connection % 4);
  const FloOptions count = FloOptions().U32(kOptCount, static_cast<uint32_t>(s.pipeline));
  client.SendRaw(BuildFloFrame(++counter, kGroupRead, "default", stream, GroupConsumer(connection), count.bytes()));
  const auto reply = client.Receive();
  if (!reply) throw std::runtime_error("group read failed");
  if (reply->data.size() < 4) return 0;
  const uint32_t records = U32At(reply->data, 0);
  std::string ids = Le(records, 4);
  size_t at = 4;
  for (uint32_t i = 0; i < records; ++i) {
    const uint64_t seq = U64At(reply->data, at), ts = U64At(reply->data, at + 8);
    ids += Le(ts, 8) + Le(seq, 8);
    at += 8 + 8 + 1 + 4;
    if (reply->data[at++] == 1) at += 4 + U32At(reply->data, at);  // key
    at += 4 + U32At(reply->data, at);                                // payload
    const uint32_t headers = U32At(reply->data, at);
    at += 4;
    for (uint32_t h = 0; h < headers; ++h) {
      at += 4 + U32At(reply->data, at);
      at += 4 + U32At(reply->data, at);
    }
  }
  if (records == 0) return 0;
  client.SendRaw(BuildFloFrame(++counter, kGroupAck, "default", stream, GroupConsumer(connection) + ids, ""));
  if (!client.Receive()) throw std::runtime_error("group ack failed");
  return records;
}

struct Workload {
  std::string name;
  Round round;
};

double Run(const Settings& s, const Workload& workload) {
  std::atomic<uint64_t> total{0};
  std::atomic<bool> failed{false};
  const auto deadline = Clock::now() + std::chrono::duration<double>(s.seconds);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int c = 0; c < s.connections; ++c) {
    threads.emplace_back([&, c] {
      FloClient client;
      if (!client.Connect(s.port)) {
        failed = true;
        return;
      }
      uint64_t counter = static_cast<uint64_t>(c) * 1'000'003u, done = 0;
      try {
        while (Clock::now() < deadline) done += workload.round(client, s, c, counter);
      } catch (const std::exception& error) {
        std::cerr << workload.name << ": " << error.what() << "\n";
        failed = true;
      }
      total += done;
    });
  }
  for (auto& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return failed ? -1 : static_cast<double>(total.load()) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  Settings s;
  std::string workloads = "kv_put,kv_get,queue_enqueue,queue_dequeue_ack,stream_append,stream_group_read_ack";
  CLI::App app{"Flo binary protocol load generator"};
  app.add_option("--port", s.port);
  app.add_option("--connections", s.connections);
  app.add_option("--pipeline", s.pipeline);
  app.add_option("--seconds", s.seconds);
  app.add_option("--keys", s.keys);
  app.add_option("--value-bytes", s.value_bytes);
  app.add_option("--workload", workloads, "comma-separated list");
  CLI11_PARSE(app, argc, argv);

  const std::vector<Workload> all = {
      {"kv_put", KvPutRound},           {"kv_get", KvGetRound},
      {"queue_enqueue", EnqueueRound},  {"queue_dequeue_ack", DequeueAckRound},
      {"stream_append", StreamAppendRound}, {"stream_group_read_ack", GroupReadAckRound}};
  std::cout << "workload                  ops/s   (" << s.connections << " connections, pipeline "
            << s.pipeline << ", " << s.value_bytes << "-byte values)\n";
  std::stringstream wanted(workloads);
  for (std::string name; std::getline(wanted, name, ',');) {
    for (const Workload& w : all) {
      if (w.name != name) continue;
      const double rate = Run(s, w);
      std::cout << std::left << std::setw(24) << w.name << std::right << std::setw(10)
                << static_cast<uint64_t>(rate < 0 ? 0 : rate) << (rate < 0 ? "  (errors)" : "") << "\n";
    }
  }
  return 0;
}
