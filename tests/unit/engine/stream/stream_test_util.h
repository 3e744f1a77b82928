#pragma once
// Helpers for the stream engine tests: a sink that keeps every WAL record, short ways to
// append and read, and a text dump of everything a client can observe, to compare engines.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flod/core/change_sink.h"
#include "flod/core/result.h"
#include "flod/engine/stream/stream_engine.h"

namespace flod::engine::stream_test {

class RecordingSink final : public ChangeSink {
 public:
  void Append(uint16_t type, std::string_view payload) override {
    records.emplace_back(type, std::string(payload));
  }
  std::vector<std::pair<uint16_t, std::string>> records;
};

inline std::string Text(StreamId id) {
  return std::to_string(id.ms) + "-" + std::to_string(id.seq);
}

template <typename Body>
const Body& BodyOf(const Result& result) {
  return std::get<Body>(result.body);
}

inline std::vector<std::string> Payloads(const Result& result) {
  std::vector<std::string> out;
  for (const StreamRecord& r : BodyOf<RecordsBody>(result).records) out.push_back(r.payload);
  return out;
}

inline std::vector<StreamId> Ids(const Result& result) {
  std::vector<StreamId> out;
  for (const StreamRecord& r : BodyOf<RecordsBody>(result).records) out.push_back(r.id);
  return out;
}

// Everything observable about the streams of `ns`: info, records, groups, pending lists and
// dead letters, plus the engine's next due time.
inline std::string Dump(const StreamEngine& engine, std::string_view ns) {
  std::string out;
  const auto names = BodyOf<NameListBody>(engine.List(ns, "", 100000)).names;
  for (const std::string& name : names) {
    const auto info = BodyOf<StreamInfoBody>(engine.Info(ns, name));
    out += "stream " + name + " first=" + Text(info.first) + " last=" + Text(info.last) +
           " count=" + std::to_string(info.count) + " bytes=" + std::to_string(info.bytes) +
           " parts=" + std::to_string(info.partition_count) +
           " ret=" + std::to_string(info.max_count) + "/" + std::to_string(info.max_age_ms) + "/" +
           std::to_string(info.max_bytes) + "\n";
    StreamReadOptions read;
    read.count = 1000;
    while (true) {
      Result page = engine.Read(ns, name, read);
      const auto& body = BodyOf<RecordsBody>(page);
      for (const StreamRecord& r : body.records) {
        out += "  " + Text(r.id) + " p" + std::to_string(r.partition) + " k=" + r.key + " " +
               r.payload + " h=" + std::to_string(r.headers.size()) + "\n";
      }
      if (body.records.empty()) break;
      read.start = body.next;
    }
    const Result groups = engine.DescribeGroups(ns, name, "");
    for (const GroupInfo& g : BodyOf<GroupInfoBody>(groups).groups) {
      out += " group " + g.name + " cursor=" + Text(g.last_delivered) +
             " pending=" + std::to_string(g.pending) + " dead=" + std::to_string(g.dead_letters) +
             " cfg=" + std::to_string(g.ack_timeout_ms) + "/" + std::to_string(g.max_deliver) +
             "\n";
      for (const GroupConsumerInfo& c : g.consumer_details) {
        out += "  consumer " + c.name + " pending=" + std::to_string(c.pending) +
               " idle=" + std::to_string(c.idle_ms) + "\n";
      }
      GroupPendingOptions pending;
      pending.count = 1'000'000;
      const Result pel = engine.GroupPending(ns, name, g.name, pending);
      for (const PendingEntry& e : BodyOf<PendingBody>(pel).entries) {
        out += "  pel " + Text(e.id) + " " + e.consumer + " idle=" + std::to_string(e.idle_ms) +
               " n=" + std::to_string(e.delivery_count) + "\n";
      }
      Result dead = engine.GroupDeadLetters(ns, name, g.name, StreamId{}, 1000);
      for (const StreamRecord& r : BodyOf<RecordsBody>(dead).records) {
        out += "  dead " + Text(r.id) + " n=" + std::to_string(r.delivery_count) + "\n";
      }
    }
  }
  const auto due = engine.NextDueMs();
  out += "next_due=" + (due ? std::to_string(*due) : std::string("none")) + "\n";
  return out;
}

}  // namespace flod::engine::stream_test
