#include "engine/stream/stream_changes.h"

#include <gtest/gtest.h>

#include <limits>

#include "flod/core/bytes.h"

namespace flod::engine::stream {
namespace {

GroupOp SampleOp() {
  GroupOp op;
  op.ns = "ns";
  op.name = "events";
  op.group = "g";
  op.consumer = "worker-1";
  op.now_ms = 1'700'000'000'000;
  op.due_ms = 1'700'000'030'000;
  op.flags = GroupOp::kNoAck;
  op.created = GroupSettings{30'000, 10};
  op.cursor = StreamId{5, 6};
  op.ids = {StreamId{1, 0}, StreamId{2, 0}};
  op.dead = {StreamId{3, 0}};
  op.dropped = {StreamId{4, 1}};
  return op;
}

AppendChange SampleAppend() {
  AppendChange change{"ns", "events", 2, {}};
  change.records.push_back(StoredRecord{StreamId{9, 0}, "key", "payload", {{"h", "v"}}});
  change.records.push_back(StoredRecord{StreamId{9, 1}, "", std::string("\0bin", 4), {}});
  return change;
}

template <typename Change>
std::string RoundTrip(const Change& change) {
  Change decoded;
  const std::string payload = Encode(change);
  EXPECT_TRUE(Decode(payload, decoded));
  return Encode(decoded);
}

TEST(StreamChangesTest, EveryChangeSurvivesEncodeAndDecode) {
  const CreateChange create{"ns", "events", 4, StreamRetention{1, 2, 3}};
  EXPECT_EQ(RoundTrip(create), Encode(create));
  const DeleteChange del{"ns", "events"};
  EXPECT_EQ(RoundTrip(del), Encode(del));
  EXPECT_EQ(RoundTrip(SampleAppend()), Encode(SampleAppend()));
  const TrimChange trim{"ns", "events", {{0, 5}, {3, 1}}};
  EXPECT_EQ(RoundTrip(trim), Encode(trim));
  const MarkChange mark{"ns", "events", StreamId{7, 8}};
  EXPECT_EQ(RoundTrip(mark), Encode(mark));
  EXPECT_EQ(RoundTrip(SampleOp()), Encode(SampleOp()));
  const GroupStateChange state{"ns", "events", "g", GroupSettings{1, 2}, StreamId{3, 4}};
  EXPECT_EQ(RoundTrip(state), Encode(state));
  const PendingChunk pending{"ns", "events", "g", {{StreamId{1, 2}, 1, "c1", 5, 6, 7}}};
  EXPECT_EQ(RoundTrip(pending), Encode(pending));
  const DeadChunk dead{"ns", "events", "g", {{StreamId{1, 2}, 0, 3, 4}}};
  EXPECT_EQ(RoundTrip(dead), Encode(dead));
}

TEST(StreamChangesTest, DecodedGroupOpKeepsEveryField) {
  GroupOp decoded;
  ASSERT_TRUE(Decode(Encode(SampleOp()), decoded));
  EXPECT_EQ(decoded.consumer, "worker-1");
  EXPECT_EQ(decoded.due_ms, 1'700'000'030'000);
  EXPECT_TRUE(decoded.Has(GroupOp::kNoAck));
  ASSERT_TRUE(decoded.created.has_value());
  EXPECT_EQ(decoded.created->max_deliver, 10u);
  EXPECT_EQ(decoded.ids.size(), 2u);
  EXPECT_EQ(decoded.dropped.at(0), (StreamId{4, 1}));
}

TEST(StreamChangesTest, DecodedAppendKeepsBinaryPayloadsAndHeaders) {
  AppendChange decoded;
  ASSERT_TRUE(Decode(Encode(SampleAppend()), decoded));
  ASSERT_EQ(decoded.records.size(), 2u);
  EXPECT_EQ(decoded.records[0].headers().at(0).second, "v");
  EXPECT_EQ(decoded.records[1].payload, std::string("\0bin", 4));
}

TEST(StreamChangesTest, TrailingBytesAreRejected) {
  GroupOp op;
  EXPECT_FALSE(Decode(Encode(SampleOp()) + "x", op));
  AppendChange append;
  EXPECT_FALSE(Decode(Encode(SampleAppend()) + "x", append));
}

TEST(StreamChangesTest, EveryTruncationIsRejected) {
  const std::string payload = Encode(SampleOp());
  for (size_t cut = 0; cut < payload.size(); ++cut) {
    GroupOp op;
    EXPECT_FALSE(Decode(payload.substr(0, cut), op)) << cut;
  }
  const std::string append = Encode(SampleAppend());
  for (size_t cut = 0; cut < append.size(); ++cut) {
    AppendChange change;
    EXPECT_FALSE(Decode(append.substr(0, cut), change)) << cut;
  }
}

TEST(StreamChangesTest, AHugeCountFailsWithoutAllocating) {
  std::string payload;
  ByteWriter out(payload);
  out.U8(0);
  out.VarStr("events");
  out.Varint(0);
  out.Varint(std::numeric_limits<uint64_t>::max());  // records claimed
  AppendChange change;
  EXPECT_FALSE(Decode(payload, change));
  EXPECT_TRUE(change.records.empty());

  std::string first;
  ByteWriter w(first);
  w.Str16("ns");
  w.Str16("events");
  w.U32(0);
  w.U32(std::numeric_limits<uint32_t>::max());
  EXPECT_FALSE(DecodeFirstAppend(first, change));
  EXPECT_TRUE(change.records.empty());
}

// What XADD s * field xxx writes: the first form took 80 bytes with its record header.
TEST(StreamChangesTest, APlainAppendIsSmall) {
  AppendChange change{"default", "mystream", 0, {}};
  change.records.push_back(StoredRecord{StreamId{1'800'000'000'000, 0}, "", "field xxx", {}});
  const std::string payload = Encode(change);
  // flags, name, partition, count; record flags, ms (6), seq, payload
  EXPECT_EQ(payload.size(), 1u + 9 + 1 + 1 + 1 + 6 + 1 + 10);
  AppendChange decoded;
  ASSERT_TRUE(Decode(payload, decoded));
  EXPECT_EQ(decoded.ns, "default");
  EXPECT_EQ(decoded.name, "mystream");
  ASSERT_EQ(decoded.records.size(), 1u);
  EXPECT_EQ(decoded.records[0].id, (StreamId{1'800'000'000'000, 0}));
  EXPECT_TRUE(decoded.records[0].key().empty());
  EXPECT_EQ(decoded.records[0].payload, "field xxx");
  EXPECT_TRUE(decoded.records[0].headers().empty());
}

// SampleAppend's stream and first record.
void ExpectSampleHead(const AppendChange& decoded) {
  EXPECT_EQ(decoded.ns, "ns");
  EXPECT_EQ(decoded.name, "events");
  EXPECT_EQ(decoded.partition, 2u);
  ASSERT_FALSE(decoded.records.empty());
  const StoredRecord& first = decoded.records[0];
  EXPECT_EQ(first.id, (StreamId{9, 0}));
  EXPECT_EQ(first.key(), "key");
  EXPECT_EQ(first.payload, "payload");
  EXPECT_EQ(first.headers(), (StreamHeaders{{"h", "v"}}));
}

TEST(StreamChangesTest, DecodedAppendKeepsEveryField) {
  AppendChange decoded;
  ASSERT_TRUE(Decode(Encode(SampleAppend()), decoded));
  ExpectSampleHead(decoded);
  ASSERT_EQ(decoded.records.size(), 2u);
  EXPECT_EQ(decoded.records[1].id, (StreamId{9, 1}));
  EXPECT_TRUE(decoded.records[1].key().empty());
}

// Logs written before the compact form keep replaying.
TEST(StreamChangesTest, TheFirstAppendFormIsStillRead) {
  std::string payload;
  ByteWriter w(payload);
  w.Str16("ns");
  w.Str16("events");
  w.U32(2);  // partition
  w.U32(1);  // records
  w.U64(9);
  w.U64(0);
  w.Str32("key");
  w.Str32("payload");
  w.U32(1);  // headers
  w.Str32("h");
  w.Str32("v");
  AppendChange decoded;
  ASSERT_TRUE(DecodeFirstAppend(payload, decoded));
  ExpectSampleHead(decoded);
  EXPECT_EQ(decoded.records.size(), 1u);
  EXPECT_FALSE(DecodeFirstAppend(payload + "x", decoded));
}

TEST(StreamChangesTest, UnknownAppendFlagsAreRejected) {
  AppendChange change;
  std::string bad_head = Encode(SampleAppend());
  bad_head[0] = '\x02';
  EXPECT_FALSE(Decode(bad_head, change));
  AppendChange plain{"default", "s", 0, {}};
  plain.records.push_back(StoredRecord{StreamId{1, 0}, "", "p", {}});
  std::string bad_record = Encode(plain);
  // flags, name (2), partition, count, then the record's flags
  bad_record[1 + 2 + 1 + 1] = '\x04';
  EXPECT_FALSE(Decode(bad_record, change));
}

TEST(StreamChangesTest, AnInvalidCreatedFlagIsRejected) {
  std::string payload = Encode(SampleOp());
  // ns(2+2) name(2+6) group(2+1) consumer(2+8) now(8) due(8) flags(1), then the flag.
  const size_t created_at = 4 + 8 + 3 + 10 + 8 + 8 + 1;
  payload[created_at] = 2;
  GroupOp op;
  EXPECT_FALSE(Decode(payload, op));
}

}  // namespace
}  // namespace flod::engine::stream
