// Load generator for the Flo binary protocol: many connections, each pipelining `--pipeline`
// requests per round trip, spread over a few client threads, for a fixed time. Prints
// operations per second for KV put/get, queue enqueue, dequeue+ack, stream append and group
// read+ack.
//
//   flo_load --port 9000 --connections 32 --threads 2 --pipeline 16 --seconds 5
//            [--workload kv_put,...]

#include <CLI/CLI.hpp>
#include <poll.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <iostream>
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
  int threads = 2;
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

// One connection of a client thread: the counter its request ids and keys come from, and
// how many replies its requests in flight still owe.
struct Lane {
  FloClient client;
  int connection = 0;
  uint64_t counter = 0;
  int awaiting = 0;
  bool acking = false;  // two-request workloads: the ack, not the read, is in flight
};

// One step of a workload on one connection: given the replies to its previous step (none at
// the start), sends the next requests and returns how many replies they owe. Adds the
// operations those replies complete to `done`.
using Replies = std::vector<FloReply>;
using Step = int (*)(Lane&, const Settings&, const Replies& replies, uint64_t& done);

// Counts the replies to the previous batch, then sends `pipeline` requests, the one numbered
// n (its id, and where the key comes from) built by `frame(n)`.
template <typename MakeFrame>
int SendPipelined(Lane& lane, const Settings& s, const Replies& replies,
                  uint64_t& done, MakeFrame frame) {
  done += replies.size();
  std::string batch;
  for (int i = 0; i < s.pipeline; ++i) batch += frame(lane.counter++);
  lane.client.SendRaw(batch);
  return s.pipeline;
}

std::string KeyOf(uint64_t n, const Settings& s) {
  return "key:" + std::to_string(n % static_cast<uint64_t>(s.keys));
}
std::string QueueName(const Lane& lane) { return "bench-q" + std::to_string(lane.connection % 8); }
std::string StreamName(const Lane& lane) { return "bench-s" + std::to_string(lane.connection % 4); }

int KvPutStep(Lane& lane, const Settings& s, const Replies& replies, uint64_t& done) {
  const std::string value(static_cast<size_t>(s.value_bytes), 'v');
  return SendPipelined(lane, s, replies, done, [&](uint64_t n) {
    return BuildFloFrame(n, kKvPut, "default", KeyOf(n, s), value, "");
  });
}

int KvGetStep(Lane& lane, const Settings& s, const Replies& replies, uint64_t& done) {
  return SendPipelined(lane, s, replies, done, [&](uint64_t n) {
    return BuildFloFrame(n, kKvGet, "default", KeyOf(n, s), "", "");
  });
}

int EnqueueStep(Lane& lane, const Settings& s, const Replies& replies, uint64_t& done) {
  const std::string payload(static_cast<size_t>(s.value_bytes), 'p');
  const std::string queue = QueueName(lane);
  return SendPipelined(lane, s, replies, done, [&](uint64_t n) {
    return BuildFloFrame(n, kEnqueue, "default", queue, payload, "");
  });
}

int StreamAppendStep(Lane& lane, const Settings& s, const Replies& replies, uint64_t& done) {
  const std::string payload(static_cast<size_t>(s.value_bytes), 'e');
  const std::string stream = StreamName(lane);
  return SendPipelined(lane, s, replies, done, [&](uint64_t n) {
    return BuildFloFrame(n, kStreamAppend, "default", stream, payload, "");
  });
}

// The ack for a dequeue reply ([count:u32] then [seq:u64][length:u32][payload] each); empty
// when the reply holds no message.
std::string AckOfDequeued(const std::string& data) {
  if (data.size() < 4) throw std::runtime_error("dequeue failed");
  const uint32_t messages = U32At(data, 0);
  if (messages == 0) return {};
  std::string seqs = Le(messages, 4);
  for (size_t at = 4, i = 0; i < messages; ++i) {
    seqs += Le(U64At(data, at), 8);
    at += 12 + U32At(data, at + 8);
  }
  return seqs;
}

// A read followed by an ack of what it read: `ack_body` turns the read's reply into the ack's
// body (a u32 count first), empty when nothing was read; the ack's reply, or an empty read,
// leads to the next read.
template <typename ReadFrame, typename AckFrame>
int ReadThenAck(Lane& lane, const Replies& replies, uint64_t& done,
                std::string (*ack_body)(const std::string&), ReadFrame read, AckFrame ack) {
  if (!lane.acking && !replies.empty()) {
    const std::string body = ack_body(replies.front().data);
    if (!body.empty()) {
      done += U32At(body, 0);
      lane.client.SendRaw(ack(body));
      lane.acking = true;
      return 1;
    }
  }
  lane.acking = false;
  lane.client.SendRaw(read());
  return 1;
}

std::string ReadCountOption(const Settings& s) {
  return FloOptions().U32(kOptCount, static_cast<uint32_t>(s.pipeline)).bytes();
}

// Dequeues up to `pipeline` messages in one request, then acks them all in a second one.
int DequeueAckStep(Lane& lane, const Settings& s, const Replies& replies, uint64_t& done) {
  const std::string queue = QueueName(lane);
  return ReadThenAck(
      lane, replies, done, AckOfDequeued,
      [&] {
        return BuildFloFrame(++lane.counter, kDequeue, "default", queue, "", ReadCountOption(s));
      },
      [&](const std::string& seqs) {
        return BuildFloFrame(++lane.counter, kComplete, "default", queue, seqs, "");
      });
}

// The ids to ack for a group read reply ([count:u32] then per record [seq:u64][ts:u64]
// [partition:u8][key?][payload][headers]), count first; empty when it holds no record.
std::string IdsOfGroupRead(const std::string& data) {
  if (data.size() < 4) return {};
  const uint32_t records = U32At(data, 0);
  if (records == 0) return {};
  std::string ids = Le(records, 4);
  size_t at = 4;
  for (uint32_t i = 0; i < records; ++i) {
    const uint64_t seq = U64At(data, at), ts = U64At(data, at + 8);
    ids += Le(ts, 8) + Le(seq, 8);
    at += 8 + 8 + 1 + 4;
    if (data[at++] == 1) at += 4 + U32At(data, at);  // key
    at += 4 + U32At(data, at);                       // payload
    const uint32_t headers = U32At(data, at);
    at += 4;
    for (uint32_t h = 0; h < headers; ++h) {
      at += 4 + U32At(data, at);
      at += 4 + U32At(data, at);
    }
  }
  return ids;
}

// Reads up to `pipeline` records through a consumer group, then acks them in one request.
int GroupReadAckStep(Lane& lane, const Settings& s, const Replies& replies, uint64_t& done) {
  const std::string stream = StreamName(lane);
  const std::string group_consumer = GroupConsumer(lane.connection);
  return ReadThenAck(
      lane, replies, done, IdsOfGroupRead,
      [&] {
        return BuildFloFrame(++lane.counter, kGroupRead, "default", stream, group_consumer,
                             ReadCountOption(s));
      },
      [&](const std::string& ids) {
        return BuildFloFrame(++lane.counter, kGroupAck, "default", stream, group_consumer + ids,
                             "");
      });
}

struct Workload {
  std::string name;
  Step step;
};

// One client thread: waits on all its connections at once and gives each the next step as
// soon as its replies are in, as redis-benchmark's threads do. Returns the operations done.
uint64_t DriveLanes(std::vector<Lane>& lanes, const Settings& s, const Workload& workload,
                    Clock::time_point deadline) {
  uint64_t done = 0;
  std::vector<FloReply> replies;
  for (Lane& lane : lanes) lane.awaiting = workload.step(lane, s, replies, done);
  std::vector<pollfd> fds;
  for (const Lane& lane : lanes) fds.push_back(pollfd{lane.client.fd(), POLLIN, 0});
  while (Clock::now() < deadline) {
    if (poll(fds.data(), fds.size(), 1000) <= 0) throw std::runtime_error("no reply within 1 s");
    for (size_t i = 0; i < lanes.size(); ++i) {
      if (fds[i].revents == 0) continue;
      Lane& lane = lanes[i];
      replies.clear();
      for (int r = 0; r < lane.awaiting; ++r) {
        auto reply = lane.client.Receive();
        if (!reply) throw std::runtime_error("connection lost");
        replies.push_back(std::move(*reply));
      }
      lane.awaiting = workload.step(lane, s, replies, done);
    }
  }
  return done;
}

// Connections are dealt out to `threads` client threads.
double Run(const Settings& s, const Workload& workload) {
  std::atomic<uint64_t> total{0};
  std::atomic<bool> failed{false};
  const auto length = std::chrono::duration<double>(s.seconds);
  const Clock::time_point deadline =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(length);
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  for (int t = 0; t < s.threads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<Lane> lanes(static_cast<size_t>((s.connections - t + s.threads - 1) / s.threads));
      for (size_t i = 0; i < lanes.size(); ++i) {
        Lane& lane = lanes[i];
        lane.connection = t + static_cast<int>(i) * s.threads;
        lane.counter = static_cast<uint64_t>(lane.connection) * 1'000'003u;
        if (!lane.client.Connect(s.port)) {
          failed = true;
          return;
        }
      }
      try {
        if (!lanes.empty()) total += DriveLanes(lanes, s, workload, deadline);
      } catch (const std::exception& error) {
        std::cerr << workload.name << ": " << error.what() << "\n";
        failed = true;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  return failed ? -1 : static_cast<double>(total.load()) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<Workload> all = {
      {"kv_put", KvPutStep},           {"kv_get", KvGetStep},
      {"queue_enqueue", EnqueueStep},  {"queue_dequeue_ack", DequeueAckStep},
      {"stream_append", StreamAppendStep}, {"stream_group_read_ack", GroupReadAckStep}};
  std::vector<std::string> names;
  for (const Workload& w : all) names.push_back(w.name);

  Settings s;
  std::vector<std::string> workloads = names;
  CLI::App app{"Flo binary protocol load generator"};
  app.add_option("--port", s.port);
  app.add_option("--connections", s.connections)->check(CLI::PositiveNumber);
  app.add_option("--threads", s.threads, "client threads; connections are dealt out to them")
      ->check(CLI::PositiveNumber);
  app.add_option("--pipeline", s.pipeline)->check(CLI::PositiveNumber);
  app.add_option("--seconds", s.seconds)->check(CLI::PositiveNumber);
  app.add_option("--keys", s.keys)->check(CLI::PositiveNumber);
  app.add_option("--value-bytes", s.value_bytes);
  app.add_option("--workload", workloads, "comma-separated list, run in the order given")
      ->delimiter(',')
      ->check(CLI::IsMember(names));
  CLI11_PARSE(app, argc, argv);

  std::cout << "workload                  ops/s   (" << s.connections << " connections on "
            << s.threads << " threads, pipeline "
            << s.pipeline << ", " << s.value_bytes << "-byte values)\n";
  for (const std::string& name : workloads) {
    const Workload& w = *std::find_if(all.begin(), all.end(),
                                      [&](const Workload& each) { return each.name == name; });
    const double rate = Run(s, w);
    std::cout << std::left << std::setw(24) << w.name << std::right << std::setw(10)
              << static_cast<uint64_t>(rate < 0 ? 0 : rate) << (rate < 0 ? "  (errors)" : "")
              << "\n";
  }
  return 0;
}
