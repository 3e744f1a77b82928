// The stream and consumer-group part of the Flo codec: opcodes, request values (golden
// vectors from flo-go, hand-built frames for the layouts no SDK sends) and reply layouts.

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "flo_test_support.h"
#include "flod/codec/flo/opcodes.h"
#include "flod/codec/flo/reply_encoder.h"
#include "flod/codec/flo/request_decoder.h"

namespace flod::codec::flo {
namespace {

using flod::testing::BytesToHex;
using flod::testing::LoadVector;
using testing::Envelope;
using testing::ParseReply;
using testing::RequestFrame;
using testing::Str16;
using testing::Tlv;
using testing::U32Bytes;
using testing::U64Bytes;

std::string IdText(StreamId id) { return std::to_string(id.ms) + "-" + std::to_string(id.seq); }

// Every stream field a decoded request can set, as one line.
std::string Describe(const Request& r) {
  std::ostringstream s;
  s << NameOf(r.op) << " ns=" << r.ns << " key=" << r.key;
  if (!r.value.empty()) s << " value=" << r.value;
  if (!r.args.group.empty()) s << " group=" << r.args.group;
  if (!r.args.consumer.empty()) s << " consumer=" << r.args.consumer;
  for (StreamId id : r.args.stream_ids) s << " id=" << IdText(id);
  if (r.args.ids_are_sequences) s << " by_seq";
  if (r.args.partition_count != 1) s << " partitions=" << r.args.partition_count;
  if (!r.args.cursor.empty()) s << " cursor=" << r.args.cursor;
  for (size_t i = 0; i < r.args.values.size(); ++i) {
    s << " record=" << r.args.values[i];
    for (const auto& [name, value] : r.args.headers.at(i)) s << "{" << name << ":" << value << "}";
  }
  const Options& o = r.options;
  if (o.stream_start) s << " start=" << IdText(*o.stream_start);
  if (o.stream_end) s << " end=" << IdText(*o.stream_end);
  if (o.stream_tail) s << " tail";
  if (o.partition) s << " partition=" << *o.partition;
  if (o.partition_key) s << " partition_key=" << *o.partition_key;
  if (o.count) s << " count=" << *o.count;
  if (o.block_ms) s << " block_ms=" << *o.block_ms;
  if (o.retention_count) s << " retention_count=" << *o.retention_count;
  if (o.retention_age_ms) s << " retention_age_ms=" << *o.retention_age_ms;
  if (o.retention_bytes) s << " retention_bytes=" << *o.retention_bytes;
  if (o.dry_run) s << " dry_run";
  if (o.force) s << " force";
  if (o.ack_timeout_ms) s << " ack_timeout_ms=" << *o.ack_timeout_ms;
  if (o.max_deliver) s << " max_deliver=" << *o.max_deliver;
  if (o.redelivery_delay_ms) s << " redelivery_ms=" << *o.redelivery_delay_ms;
  if (o.no_ack) s << " no_ack";
  if (o.idle_timeout_ms) s << " min_idle_ms=" << *o.idle_timeout_ms;
  if (o.extend_ack_ms) s << " extend_ms=" << *o.extend_ack_ms;
  return s.str();
}

std::string DecodeFrame(std::string_view bytes, Framing framing) {
  const ConnectionProfile profile = MakeProfile(framing);
  const FrameResult frame = ParseFrame(bytes, profile);
  if (frame.status != FrameStatus::kFrame) return "frame error: " + frame.error;
  Request request;
  if (auto error = DecodeRequest(frame.frame, profile, request)) return "error: " + error->message;
  return Describe(request);
}

std::string DecodeVector(const std::string& name) {
  return DecodeFrame(LoadVector(name), testing::FramingOfVector(name));
}

// A hand-built SDK-framing (or legacy) request to stream "events".
std::string Decode(uint16_t opcode, std::string_view value, std::string_view options = {},
                   Framing framing = Framing::kSdkV1) {
  return DecodeFrame(
      RequestFrame(framing, 7, opcode, Envelope("default", "events", value, options)), framing);
}

std::string GroupAndConsumer(std::string_view group, std::string_view consumer) {
  return Str16(group) + Str16(consumer);
}

std::string IdList(std::initializer_list<StreamId> ids) {
  std::string out = U32Bytes(static_cast<uint32_t>(ids.size()));
  for (StreamId id : ids) out += U64Bytes(id.ms) + U64Bytes(id.seq);
  return out;
}

std::string BigEndianId(StreamId id) {
  std::string out;
  ByteWriter writer(out);
  writer.U64Be(id.ms);
  writer.U64Be(id.seq);
  return out;
}

// ---- Opcodes ------------------------------------------------------------------------------

TEST(StreamOpcodesTest, SdkOpcodesMapToStreamOps) {
  EXPECT_EQ(OpFromSdkOpcode(0x130), Op::kStreamAppend);
  EXPECT_EQ(OpFromSdkOpcode(0x131), Op::kStreamRead);
  EXPECT_EQ(OpFromSdkOpcode(0x132), Op::kStreamTrim);
  EXPECT_EQ(OpFromSdkOpcode(0x133), Op::kStreamInfo);
  EXPECT_EQ(OpFromSdkOpcode(0x13B), Op::kStreamList);
  EXPECT_EQ(OpFromSdkOpcode(0x13D), Op::kStreamCreate);
  EXPECT_EQ(OpFromSdkOpcode(0x140), Op::kStreamDelete);
  EXPECT_EQ(OpFromSdkOpcode(0x150), Op::kStreamGroupCreate);
  EXPECT_EQ(OpFromSdkOpcode(0x151), Op::kStreamGroupJoin);
  EXPECT_EQ(OpFromSdkOpcode(0x152), Op::kStreamGroupLeave);
  EXPECT_EQ(OpFromSdkOpcode(0x153), Op::kStreamGroupRead);
  EXPECT_EQ(OpFromSdkOpcode(0x154), Op::kStreamGroupAck);
  EXPECT_EQ(OpFromSdkOpcode(0x155), Op::kStreamGroupClaim);
  EXPECT_EQ(OpFromSdkOpcode(0x156), Op::kStreamGroupPending);
  EXPECT_EQ(OpFromSdkOpcode(0x159), Op::kStreamGroupNack);
  EXPECT_EQ(OpFromSdkOpcode(0x15A), Op::kStreamGroupTouch);
  EXPECT_EQ(OpFromSdkOpcode(0x15B), Op::kStreamGroupInfo);
  EXPECT_EQ(OpFromSdkOpcode(0x15C), Op::kStreamGroupDelete);
}

TEST(StreamOpcodesTest, LegacyOpcodesMapToStreamOps) {
  EXPECT_EQ(OpFromLegacyOpcode(0x10), Op::kStreamAppend);
  EXPECT_EQ(OpFromLegacyOpcode(0x11), Op::kStreamRead);
  EXPECT_EQ(OpFromLegacyOpcode(0x12), Op::kStreamTrim);
  EXPECT_EQ(OpFromLegacyOpcode(0x13), Op::kStreamInfo);
  EXPECT_EQ(OpFromLegacyOpcode(0x1B), Op::kStreamList);
  EXPECT_EQ(OpFromLegacyOpcode(0x1D), Op::kStreamCreate);
  EXPECT_EQ(OpFromLegacyOpcode(0x20), Op::kStreamGroupCreate);
  EXPECT_EQ(OpFromLegacyOpcode(0x21), Op::kStreamGroupJoin);
  EXPECT_EQ(OpFromLegacyOpcode(0x22), Op::kStreamGroupLeave);
  EXPECT_EQ(OpFromLegacyOpcode(0x23), Op::kStreamGroupRead);
  EXPECT_EQ(OpFromLegacyOpcode(0x24), Op::kStreamGroupAck);
  EXPECT_EQ(OpFromLegacyOpcode(0x29), Op::kStreamGroupNack);
  EXPECT_EQ(OpFromLegacyOpcode(0x2C), Op::kStreamGroupDelete);
}

TEST(StreamOpcodesTest, ReplyOnlyRemovedAndUnservedStreamOpcodesAreUnknown) {
  EXPECT_EQ(OpFromSdkOpcode(0x134), std::nullopt);  // stream_append_response
  EXPECT_EQ(OpFromSdkOpcode(0x136), std::nullopt);  // stream_event (removed push)
  EXPECT_EQ(OpFromSdkOpcode(0x137), std::nullopt);  // stream_subscribe (removed)
  EXPECT_EQ(OpFromSdkOpcode(0x13F), std::nullopt);  // stream_alter
  EXPECT_EQ(OpFromSdkOpcode(0x157), std::nullopt);  // configure_sweeper
  EXPECT_EQ(OpFromSdkOpcode(0x158), std::nullopt);  // stream_group_read_response
  EXPECT_EQ(OpFromLegacyOpcode(0x14), std::nullopt);
  EXPECT_EQ(OpFromLegacyOpcode(0x28), std::nullopt);
}

// ---- Golden request vectors ---------------------------------------------------------------

struct VectorCase {
  const char* name;
  const char* expected;
};

class StreamVectorTest : public ::testing::TestWithParam<VectorCase> {};

TEST_P(StreamVectorTest, DecodesToTheRequestInTheIndex) {
  EXPECT_EQ(DecodeVector(GetParam().name), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    GoSdk, StreamVectorTest,
    ::testing::Values(
        VectorCase{"stream_append",
                   "StreamAppend ns=default key=events value={\"type\":\"signup\"}"},
        VectorCase{"v2_stream_append",
                   "StreamAppend ns=default key=events value={\"type\":\"signup\"}"},
        VectorCase{"stream_read_from_start",
                   "StreamRead ns=default key=events start=0-0 count=100"},
        VectorCase{"stream_read_tail",
                   "StreamRead ns=default key=events tail count=10 block_ms=30000"},
        VectorCase{"stream_read_range",
                   "StreamRead ns=default key=events start=1700000000500-7 "
                   "end=1700000000999-0 partition=0"},
        VectorCase{"stream_info", "StreamInfo ns=default key=events"},
        VectorCase{"stream_trim", "StreamTrim ns=default key=events retention_count=1000 dry_run"},
        VectorCase{"stream_group_join",
                   "StreamGroupJoin ns=default key=events group=workers consumer=c1"},
        VectorCase{"stream_group_read",
                   "StreamGroupRead ns=default key=events group=workers consumer=c1 count=10 "
                   "block_ms=5000"},
        VectorCase{"stream_group_ack",
                   "StreamGroupAck ns=default key=events group=workers consumer=c1 "
                   "id=1700000000500-7"},
        VectorCase{"stream_group_nack",
                   "StreamGroupNack ns=default key=events group=workers consumer=c1 "
                   "id=1700000000500-7 redelivery_ms=2000"},
        VectorCase{"stream_group_leave",
                   "StreamGroupLeave ns=default key=events group=workers consumer=c1"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(StreamVectorCoverageTest, EveryStreamRequestVectorDecodes) {
  size_t stream_vectors = 0;
  for (const std::string& name : testing::RequestVectorNames()) {
    if (name.find("stream_") == std::string::npos || name.starts_with("worker_")) continue;
    EXPECT_EQ(DecodeVector(name).find("error"), std::string::npos) << name;
    ++stream_vectors;
  }
  EXPECT_EQ(stream_vectors, 12u);
}

// ---- Hand-built values (layouts no SDK sends, legacy dialect) ------------------------------

TEST(StreamValueTest, BatchFlagTurnsAnAppendIntoABatchWithHeaders) {
  std::string value = U32Bytes(2);
  value += U32Bytes(1) + "a";
  value += std::string("\x01\x00", 2) + Str16("ct") + Str16("json");
  value += U32Bytes(2) + "bb" + std::string("\x00\x00", 2);
  EXPECT_EQ(Decode(0x130, value, Tlv(0x2D, "") + Tlv(0x25, "user-1")),
            "StreamAppendBatch ns=default key=events record=a{ct:json} record=bb "
            "partition_key=user-1");
}

TEST(StreamValueTest, MalformedBatchesAreRefused) {
  const std::string flag = Tlv(0x2D, "");
  EXPECT_EQ(Decode(0x130, U32Bytes(0), flag),
            "error: a stream_append batch holds 1 to 10000 records");
  EXPECT_EQ(
      Decode(0x130, U32Bytes(2) + U32Bytes(1) + "a" + std::string(2, '\0'), flag).substr(0, 48),
      "error: StreamAppendBatch value must be [n:u32]([");
  EXPECT_EQ(Decode(0x130, U32Bytes(1) + U32Bytes(1) + "a" + std::string(3, '\0'), flag),
            "error: stream_append batch is longer than its count");
}

TEST(StreamValueTest, WithoutTheFlagAnAppendValueIsThePayload) {
  EXPECT_EQ(Decode(0x130, U32Bytes(1), Tlv(0x24, U32Bytes(3))),
            "StreamAppend ns=default key=events value=" + U32Bytes(1) + " partition=3");
}

TEST(StreamValueTest, CreateTakesAPartitionCountAndRetentionInSeconds) {
  EXPECT_EQ(Decode(0x13D, U32Bytes(4), Tlv(0x29, U64Bytes(500)) + Tlv(0x2A, U64Bytes(60))),
            "StreamCreate ns=default key=events partitions=4 retention_count=500 "
            "retention_age_ms=60000");
  EXPECT_EQ(Decode(0x13D, ""), "StreamCreate ns=default key=events");
  EXPECT_EQ(Decode(0x13D, "abc"),
            "error: StreamCreate value must be empty or [partition_count:u32]");
}

TEST(StreamValueTest, DeleteCarriesForce) {
  EXPECT_EQ(Decode(0x140, "", Tlv(0x2C, "")), "StreamDelete ns=default key=events force");
}

TEST(StreamValueTest, ListTakesTheCursorAfterTheLimit) {
  EXPECT_EQ(DecodeFrame(RequestFrame(Framing::kSdkV1, 7, 0x13B,
                                     Envelope("default", "", U32Bytes(10) + "orders")),
                        Framing::kSdkV1),
            "StreamList ns=default key= cursor=orders");
}

TEST(StreamValueTest, GroupCreateTakesTheGroupAndItsSettings) {
  EXPECT_EQ(Decode(0x150, Str16("workers"),
                   Tlv(0x30, U32Bytes(500)) + Tlv(0x31, "\x03") +
                       Tlv(0x21, BigEndianId({1700000000000, 2}))),
            "StreamGroupCreate ns=default key=events group=workers start=1700000000000-2 "
            "ack_timeout_ms=500 max_deliver=3");
  EXPECT_EQ(Decode(0x150, Str16("workers") + "x"),
            "error: StreamGroupCreate value must be [group_len:u16][group]");
}

TEST(StreamValueTest, GroupInfoTakesOneGroupOrNone) {
  EXPECT_EQ(Decode(0x15B, Str16("workers")), "StreamGroupInfo ns=default key=events group=workers");
  EXPECT_EQ(Decode(0x15B, ""), "StreamGroupInfo ns=default key=events");
}

TEST(StreamValueTest, PendingTakesAnOptionalConsumerAndFilters) {
  EXPECT_EQ(Decode(0x156, Str16("workers"), Tlv(0x15, U32Bytes(5)) + Tlv(0x36, U64Bytes(1000))),
            "StreamGroupPending ns=default key=events group=workers count=5 min_idle_ms=1000");
  EXPECT_EQ(Decode(0x156, GroupAndConsumer("workers", "c2")),
            "StreamGroupPending ns=default key=events group=workers consumer=c2");
}

TEST(StreamValueTest, TouchTakesIdsAndAnExtension) {
  EXPECT_EQ(Decode(0x15A, GroupAndConsumer("workers", "") + IdList({{5, 1}, {6, 0}}),
                   Tlv(0x38, U32Bytes(9000))),
            "StreamGroupTouch ns=default key=events group=workers id=5-1 id=6-0 extend_ms=9000");
}

TEST(StreamValueTest, IdListsMustMatchTheirCount) {
  EXPECT_EQ(Decode(0x154, GroupAndConsumer("g", "c") + U32Bytes(2) + U64Bytes(1) + U64Bytes(2))
                .substr(0, 40),
            "error: StreamGroupAck value must be [gro");
}

TEST(StreamValueTest, ClaimTakesScanParametersAndExplicitIds) {
  const std::string scan = U32Bytes(250) + U64Bytes(10) + U64Bytes(3) + U32Bytes(20);
  EXPECT_EQ(Decode(0x155, GroupAndConsumer("workers", "c3") + scan),
            "StreamGroupClaim ns=default key=events group=workers consumer=c3 start=10-3 "
            "count=20 min_idle_ms=250");
  EXPECT_EQ(Decode(0x155, GroupAndConsumer("workers", "c3") + scan + IdList({{11, 0}})),
            "StreamGroupClaim ns=default key=events group=workers consumer=c3 id=11-0 "
            "start=10-3 count=20 min_idle_ms=250");
  EXPECT_EQ(Decode(0x155, GroupAndConsumer("workers", "c3"), Tlv(0x36, U64Bytes(7))),
            "StreamGroupClaim ns=default key=events group=workers consumer=c3 min_idle_ms=7");
}

TEST(StreamValueTest, GroupReadTakesNoAck) {
  EXPECT_EQ(Decode(0x153, GroupAndConsumer("g", "c"), Tlv(0x35, "")),
            "StreamGroupRead ns=default key=events group=g consumer=c no_ack");
}

TEST(StreamValueTest, LegacyAckCarriesOnlyTheGroupAndSequences) {
  const std::string value = Str16("processors") + U32Bytes(2) + U64Bytes(4) + U64Bytes(9);
  EXPECT_EQ(Decode(0x24, value, {}, Framing::kLegacy),
            "StreamGroupAck ns=default key=events group=processors id=0-4 id=0-9 by_seq");
}

TEST(StreamValueTest, LegacyNackKeepsTheSdkLayout) {
  EXPECT_EQ(Decode(0x29, GroupAndConsumer("g", "c") + IdList({{3, 1}}), {}, Framing::kLegacy),
            "StreamGroupNack ns=default key=events group=g consumer=c id=3-1");
}

// ---- Replies ------------------------------------------------------------------------------

std::string EncodeHex(Framing framing, uint64_t id, Op op, const Result& result) {
  std::string out;
  EncodeReply(MakeProfile(framing), id, op, result, out);
  return BytesToHex(out);
}

std::string DataOf(Framing framing, Op op, const Result& result) {
  std::string out;
  EncodeReply(MakeProfile(framing), 1, op, result, out);
  const auto reply = ParseReply(out, framing);
  EXPECT_EQ(reply.status, 0) << reply.data;
  return reply.data;
}

std::string Vector(std::string_view name) { return BytesToHex(LoadVector(name)); }

TEST(StreamReplyTest, AppendAnswersSequenceThenTimestamp) {
  StreamAppendBody body{{StreamId{1700000000500, 7}}, 0};
  EXPECT_EQ(EncodeHex(Framing::kSdkV1, 42, Op::kStreamAppend, Result::Ok(body)),
            Vector("resp_stream_append"));
}

TEST(StreamReplyTest, GroupReadAnswersTheRecordLayout) {
  RecordsBody body;
  body.records.push_back(StreamRecord{{1700000000500, 7}, 0, "", "hi", {}, 1});
  EXPECT_EQ(EncodeHex(Framing::kSdkV1, 49, Op::kStreamGroupRead, Result::Ok(body)),
            Vector("resp_stream_group_read"));
}

TEST(StreamReplyTest, AnEmptyReadAnswersEmptyData) {
  EXPECT_EQ(EncodeHex(Framing::kSdkV1, 44, Op::kStreamRead, Result::Ok(RecordsBody{})),
            Vector("resp_stream_read_empty"));
}

TEST(StreamReplyTest, InfoAnswersFiftyTwoBytes) {
  StreamInfoBody info;
  info.first = {1700000000000, 1};
  info.last = {1700000000501, 8};
  info.count = 8;
  info.bytes = 512;
  info.partition_count = 1;
  info.max_count = 99;  // retention is not part of the SDK layout
  EXPECT_EQ(EncodeHex(Framing::kSdkV1, 46, Op::kStreamInfo, Result::Ok(info)),
            Vector("resp_stream_info"));
}

TEST(StreamReplyTest, LegacyInfoAnswersThirtyTwoBytes) {
  StreamInfoBody info{{10, 1}, {20, 8}, 8, 512, 1};
  EXPECT_EQ(DataOf(Framing::kLegacy, Op::kStreamInfo, Result::Ok(info)),
            U64Bytes(1) + U64Bytes(8) + U64Bytes(8) + U64Bytes(512));
}

// The vector's first record has no key and no headers: flod writes it byte for byte. Its second
// record carries a header, which flod never sends (WIRE.md D14).
TEST(StreamReplyTest, RecordsWithoutHeadersMatchTheReadVector) {
  RecordsBody body;
  body.records.push_back(StreamRecord{{1700000000500, 7}, 0, "", "{\"type\":\"signup\"}", {}, 0});
  const std::string data = DataOf(Framing::kSdkV1, Op::kStreamRead, Result::Ok(body));
  const std::string vector_data =
      ParseReply(LoadVector("resp_stream_read_2records"), Framing::kSdkV1).data;
  EXPECT_EQ(BytesToHex(data.substr(4)), BytesToHex(vector_data.substr(4, data.size() - 4)));
}

TEST(StreamReplyTest, RecordsCarryTheirPartitionKeyButNeverHeaders) {
  RecordsBody body;
  body.records.push_back(StreamRecord{{5, 1}, 3, "user-1", "p", {{"ct", "json"}}, 0});
  std::string expected = U32Bytes(1) + U64Bytes(1) + U64Bytes(5) + std::string(1, '\0') +
                         U32Bytes(3) + std::string(1, '\1') + U32Bytes(6) + "user-1" + U32Bytes(1) +
                         "p" + U32Bytes(0);
  EXPECT_EQ(BytesToHex(DataOf(Framing::kSdkV1, Op::kStreamRead, Result::Ok(body))),
            BytesToHex(expected));
}

TEST(StreamReplyTest, BatchAppendAnswersTheFirstIdThenEveryId) {
  StreamAppendBody body{{{5, 0}, {5, 1}}, 0};
  EXPECT_EQ(BytesToHex(DataOf(Framing::kSdkV1, Op::kStreamAppendBatch, Result::Ok(body))),
            BytesToHex(U64Bytes(0) + U64Bytes(5) + U32Bytes(2) + U64Bytes(0) + U64Bytes(5) +
                       U64Bytes(1) + U64Bytes(5)));
}

TEST(StreamReplyTest, TrimAnswersDeletedAndTheNewFirstSequence) {
  EXPECT_EQ(DataOf(Framing::kSdkV1, Op::kStreamTrim, Result::Ok(TrimBody{12, {99, 4}})),
            U64Bytes(12) + U64Bytes(4));
}

TEST(StreamReplyTest, CountsAnswerFourBytes) {
  for (Op op :
       {Op::kStreamGroupAck, Op::kStreamGroupNack, Op::kStreamGroupTouch, Op::kStreamGroupJoin,
        Op::kStreamGroupLeave, Op::kStreamDelete, Op::kStreamGroupDelete}) {
    EXPECT_EQ(DataOf(Framing::kSdkV1, op, Result::Ok(CountBody{3})), U32Bytes(3)) << NameOf(op);
  }
  EXPECT_EQ(DataOf(Framing::kSdkV1, Op::kStreamCreate, Result::Ok()), "");
  EXPECT_EQ(DataOf(Framing::kSdkV1, Op::kStreamGroupCreate, Result::Ok()), "");
}

TEST(StreamReplyTest, ListAnswersACompletePage) {
  EXPECT_EQ(DataOf(Framing::kSdkV1, Op::kStreamList, Result::Ok(NameListBody{{"a", "bc"}})),
            U32Bytes(2) + Str16("a") + Str16("bc") + std::string(3, '\0'));
}

TEST(StreamReplyTest, PendingAnswersTheSummaryThenTheEntries) {
  PendingBody body;
  body.total = 2;
  body.min_id = {5, 0};
  body.max_id = {6, 1};
  body.per_consumer = {{"c1", 2}};
  body.entries.push_back(PendingEntry{{5, 0}, "c1", 40, 2});
  const std::string expected = U64Bytes(2) + U64Bytes(5) + U64Bytes(0) + U64Bytes(6) + U64Bytes(1) +
                               U32Bytes(1) + Str16("c1") + U64Bytes(2) + U32Bytes(1) + U64Bytes(5) +
                               U64Bytes(0) + Str16("c1") + U64Bytes(40) + U32Bytes(2);
  EXPECT_EQ(BytesToHex(DataOf(Framing::kSdkV1, Op::kStreamGroupPending, Result::Ok(body))),
            BytesToHex(expected));
}

TEST(StreamReplyTest, GroupInfoAnswersEveryGroupWithItsConsumers) {
  GroupInfo group;
  group.name = "g";
  group.pending = 1;
  group.last_delivered = {9, 2};
  group.dead_letters = 4;
  group.ack_timeout_ms = 500;
  group.max_deliver = 3;
  group.consumer_details.push_back(GroupConsumerInfo{"c", 1, 70});
  const std::string expected = U32Bytes(1) + Str16("g") + U64Bytes(1) + U64Bytes(9) + U64Bytes(2) +
                               U64Bytes(4) + U32Bytes(500) + U32Bytes(3) + U32Bytes(1) +
                               Str16("c") + U64Bytes(1) + U64Bytes(70);
  EXPECT_EQ(
      BytesToHex(DataOf(Framing::kSdkV1, Op::kStreamGroupInfo, Result::Ok(GroupInfoBody{{group}}))),
      BytesToHex(expected));
}

TEST(StreamReplyTest, ClaimAnswersRecordsTheCursorAndDroppedIds) {
  RecordsBody body;
  body.next = {8, 0};
  body.deleted = {{1, 1}};
  EXPECT_EQ(BytesToHex(DataOf(Framing::kSdkV1, Op::kStreamGroupClaim, Result::Ok(body))),
            BytesToHex(U32Bytes(0) + U64Bytes(8) + U64Bytes(0) + U32Bytes(1) + U64Bytes(1) +
                       U64Bytes(1)));
}

TEST(StreamReplyTest, AWrongBodyIsAnInternalErrorNotAMisreadReply) {
  std::string out;
  EncodeReply(MakeProfile(Framing::kSdkV1), 3, Op::kStreamRead, Result::Ok(CountBody{1}), out);
  EXPECT_EQ(ParseReply(out, Framing::kSdkV1).status, 9);
}

}  // namespace
}  // namespace flod::codec::flo
