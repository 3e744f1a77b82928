#include "flod/codec/flo/reply_encoder.h"

#include <gtest/gtest.h>

#include <string>

#include "flo_test_support.h"

namespace flod::codec::flo {
namespace {

using flod::testing::BytesToHex;
using flod::testing::LoadVector;
using testing::ParseReply;

std::string Encode(const ConnectionProfile& profile, uint64_t id, Op op, const Result& result) {
  std::string out;
  EncodeReply(profile, id, op, result, out);
  return BytesToHex(out);
}

std::string EncodeV1(uint64_t id, Op op, const Result& result) {
  return Encode(MakeProfile(Framing::kSdkV1), id, op, result);
}

std::string Vector(std::string_view name) { return BytesToHex(LoadVector(name)); }

std::string DataOf(const std::string& hex, Framing framing = Framing::kSdkV1) {
  return ParseReply(flod::testing::HexToBytes(hex), framing).data;
}

// ---- Golden replies ------------------------------------------------------------------------

TEST(ReplyEncoderTest, PingAnswersPong) {
  EXPECT_EQ(EncodeV1(1, Op::kPing, Result::Ok(TextBody{"PONG"})), Vector("resp_ping_pong"));
  EXPECT_EQ(EncodeV1(1, Op::kPing, Result::Ok()), Vector("resp_ping_pong"));
}

TEST(ReplyEncoderTest, PutAnswersTheNewVersion) {
  EXPECT_EQ(EncodeV1(4, Op::kKvPut, Result::Ok(VersionBody{8})), Vector("resp_kv_put_ok"));
}

TEST(ReplyEncoderTest, PutWithOldValueStillAnswersOnlyTheVersion) {
  PutOldValueBody body{8, true, ValueKind::kBytes, "old"};
  EXPECT_EQ(EncodeV1(4, Op::kKvPut, Result::Ok(body)), Vector("resp_kv_put_ok"));
}

TEST(ReplyEncoderTest, ConflictCarriesItsMessage) {
  EXPECT_EQ(EncodeV1(8, Op::kKvPut, Result::Error(Status::kConflict, "version mismatch")),
            Vector("resp_kv_put_conflict"));
}

TEST(ReplyEncoderTest, GetAnswersVersionThenValue) {
  EXPECT_EQ(EncodeV1(9, Op::kKvGet, Result::Ok(ValueBody{42, ValueKind::kBytes, "hello"})),
            Vector("resp_kv_get_found"));
}

TEST(ReplyEncoderTest, GetMissAnswersStatusTwoWithEmptyData) {
  EXPECT_EQ(EncodeV1(10, Op::kKvGet, Result::Error(Status::kNotFound, "key not found")),
            Vector("resp_kv_get_not_found"));
}

TEST(ReplyEncoderTest, LegacyGetAnswersTheRawValue) {
  EXPECT_EQ(Encode(MakeProfile(Framing::kLegacy), 3, Op::kKvGet,
                   Result::Ok(ValueBody{42, ValueKind::kBytes, "hello"})),
            Vector("py_resp_kv_get_found"));
}

TEST(ReplyEncoderTest, HistoryUsesTheSdkLayout) {
  HistoryBody body;
  body.items = {{2, 1700000000002, "v2"}, {1, 1700000000001, "v1"}};
  EXPECT_EQ(EncodeV1(15, Op::kKvHistory, Result::Ok(body)), Vector("resp_kv_history"));
}

TEST(ReplyEncoderTest, IncrAnswersVersionThenCounter) {
  EXPECT_EQ(EncodeV1(16, Op::kKvIncr, Result::Ok(CounterBody{12, 5})), Vector("resp_kv_incr"));
}

TEST(ReplyEncoderTest, ExistsAnswersVersionThenPresence) {
  EXPECT_EQ(EncodeV1(20, Op::kKvExists, Result::Ok(ExistsBody{3, true})), Vector("resp_kv_exists"));
}

TEST(ReplyEncoderTest, MgetAnswersOneEntryPerKeyInOrder) {
  MGetBody body;
  body.items = {{true, "a", 4, ValueKind::kBytes, "va"}, {false, "b", 0, ValueKind::kBytes, ""}};
  EXPECT_EQ(EncodeV1(21, Op::kKvMget, Result::Ok(body)), Vector("resp_kv_mget"));
}

TEST(ReplyEncoderTest, TxnBeginAndCommitUseTheirVariants) {
  EXPECT_EQ(EncodeV1(24, Op::kKvTxnBegin, Result::Ok(TxnBeginBody{77, 0xABCDEF})),
            Vector("resp_kv_txn_begin"));
  EXPECT_EQ(EncodeV1(26, Op::kKvTxnCommit, Result::Ok(TxnCommitBody{1234, 1})),
            Vector("resp_kv_txn_commit"));
}

TEST(ReplyEncoderTest, BadRequestCarriesItsMessage) {
  std::string out;
  AppendErrorReply(MakeProfile(Framing::kSdkV1), 72, Status::kBadRequest, "queue name is required",
                   out);
  EXPECT_EQ(BytesToHex(out), Vector("resp_error_bad_request"));
  EXPECT_EQ(EncodeV1(72, Op::kKvPut, Result::Error(Status::kBadRequest, "queue name is required")),
            Vector("resp_error_bad_request"));
}

TEST(ReplyEncoderTest, VersionTwoReplyEchoesVersionAndHash) {
  ConnectionProfile profile = MakeProfile(Framing::kSdkV2);
  profile.table_hash = kPreferredTableHash;
  EXPECT_EQ(Encode(profile, 1, Op::kPing, Result::Ok(TextBody{"PONG"})),
            Vector("v2_resp_ping_pong"));
}

// The golden scan page carries the cursor "CUR1"; flod issues every cursor behind its marker
// (§12 D12), so its page for the same result is the vector with the marker spliced in.
TEST(ReplyEncoderTest, ScanHeaderFirstPageMatchesTheVectorWithTheCursorMarker) {
  std::string data = ParseReply(LoadVector("resp_kv_scan_header_first"), Framing::kSdkV1).data;
  ASSERT_EQ(data.substr(1, 8), std::string("\x04\x00\x00\x00"
                                           "CUR1",
                                           8));
  data.replace(1, 4, std::string("\x08\x00\x00\x00", 4));
  data.insert(5, kScanCursorMarker);
  std::string expected;
  AppendReplyFrame(MakeProfile(Framing::kSdkV1), 13, 0, data, expected);

  ScanBody body;
  body.items = {{"user:1", ValueKind::kBytes, "alice"}, {"user:2", ValueKind::kBytes, ""}};
  body.has_more = true;
  body.cursor = "CUR1";
  EXPECT_EQ(EncodeV1(13, Op::kKvScan, Result::Ok(body)), BytesToHex(expected));
}

TEST(ReplyEncoderTest, ScanTrailerLayoutForJsClients) {
  ScanBody body;
  body.items = {{"k", ValueKind::kBytes, "v"}};
  body.has_more = true;
  body.cursor = "k";
  const std::string hex =
      Encode(MakeProfile(Framing::kSdkV1, ClientProfile::kJs), 5, Op::kKvScan, Result::Ok(body));
  const std::string expected = std::string("\x01\x00\x00\x00", 4) + std::string("\x01\x00k", 3) +
                               std::string("\x01\x00\x00\x00", 4) + "v" + "\x01" +
                               std::string("\x05\x00", 2) + std::string(kScanCursorMarker) + "k";
  EXPECT_EQ(DataOf(hex), expected);
}

TEST(ReplyEncoderTest, EmptyScanPageIsNineZeroBytesInBothLayouts) {
  for (ClientProfile client : {ClientProfile::kGo, ClientProfile::kJs}) {
    const std::string hex =
        Encode(MakeProfile(Framing::kSdkV1, client), 5, Op::kKvScan, Result::Ok(ScanBody{}));
    EXPECT_EQ(DataOf(hex), std::string(9, '\0'));
  }
}

TEST(ReplyEncoderTest, LastScanPageSendsNoCursor) {
  ScanBody body;
  body.items = {{"k", ValueKind::kBytes, ""}};
  body.cursor = "k";
  const std::string data = DataOf(EncodeV1(5, Op::kKvScan, Result::Ok(body)));
  EXPECT_EQ(data.substr(0, 5), std::string(5, '\0'));  // has_more 0, cursor_len 0
}

TEST(ReplyEncoderTest, JsonRepliesUseVersionLayouts) {
  EXPECT_EQ(
      DataOf(EncodeV1(5, Op::kKvJsonGet, Result::Ok(ValueBody{3, ValueKind::kJson, "\"bob\""}))),
      std::string("\x03\x00\x00\x00\x00\x00\x00\x00", 8) + "\"bob\"");
  EXPECT_EQ(DataOf(EncodeV1(5, Op::kKvJsonSet, Result::Ok(VersionBody{4}))),
            std::string("\x04\x00\x00\x00\x00\x00\x00\x00", 8));
  EXPECT_EQ(DataOf(EncodeV1(5, Op::kKvJsonDel, Result::Ok(VersionBody{0}))), std::string(8, '\0'));
}

TEST(ReplyEncoderTest, CounterValueInAGetIsItsEightBytes) {
  const std::string counter("\x05\x00\x00\x00\x00\x00\x00\x00", 8);
  EXPECT_EQ(DataOf(EncodeV1(5, Op::kKvGet, Result::Ok(ValueBody{2, ValueKind::kCounter, counter}))),
            std::string("\x02\x00\x00\x00\x00\x00\x00\x00", 8) + counter);
}

TEST(ReplyEncoderTest, WritesWithoutDataAnswerEmpty) {
  for (Op op : {Op::kKvDelete, Op::kKvTouch, Op::kKvPersist, Op::kKvTxnRollback}) {
    const auto reply =
        ParseReply(flod::testing::HexToBytes(EncodeV1(5, op, Result::Ok())), Framing::kSdkV1);
    EXPECT_EQ(reply.status, 0) << NameOf(op);
    EXPECT_EQ(reply.data, "") << NameOf(op);
  }
}

TEST(ReplyEncoderTest, SuccessWithoutItsBodyIsAnInternalError) {
  const auto reply =
      ParseReply(flod::testing::HexToBytes(EncodeV1(5, Op::kKvGet, Result::Ok(VersionBody{1}))),
                 Framing::kSdkV1);
  EXPECT_EQ(reply.status, 9);
  EXPECT_EQ(reply.data, "internal error: no reply layout for KvGet");
}

// ---- Queues --------------------------------------------------------------------------------

QueueMessage Message(uint64_t seq, std::string payload, int64_t enqueued_at_ms = 0,
                     uint32_t delivery_count = 0, uint8_t priority = 0) {
  QueueMessage message;
  message.seq = seq;
  message.payload = std::move(payload);
  message.enqueued_at_ms = enqueued_at_ms;
  message.delivery_count = delivery_count;
  message.priority = priority;
  return message;
}

std::string U32Of(uint32_t v) { return testing::U32Bytes(v); }
std::string U64Of(uint64_t v) { return testing::U64Bytes(v); }

TEST(ReplyEncoderTest, EnqueueAnswersTheSeq) {
  EXPECT_EQ(EncodeV1(27, Op::kQueueEnqueue, Result::Ok(SeqBody{101})),
            Vector("resp_queue_enqueue"));
}

TEST(ReplyEncoderTest, DequeueAnswersPlainMessagesByDefault) {
  MessagesBody body;
  // The trailer fields are set but the plain layout leaves them out.
  body.messages = {Message(101, "job-1", 1700000000000, 1, 4), Message(102, "job-2")};
  EXPECT_EQ(EncodeV1(32, Op::kQueueDequeue, Result::Ok(body)),
            Vector("resp_queue_dequeue_2msgs_plain"));
}

TEST(ReplyEncoderTest, DequeueAnswersTheTrailerToJsClients) {
  MessagesBody body;
  body.messages = {Message(103, "job-3", 1700000000123, 1, 0)};
  EXPECT_EQ(Encode(MakeProfile(Framing::kSdkV1, ClientProfile::kJs), 33, Op::kQueueDequeue,
                   Result::Ok(body)),
            Vector("resp_queue_dequeue_1msg_trailer"));
}

TEST(ReplyEncoderTest, VersionTwoDequeueCarriesTheTrailer) {
  ConnectionProfile profile = MakeProfile(Framing::kSdkV2);
  profile.table_hash = kPreferredTableHash;
  MessagesBody body;
  body.messages = {Message(103, "job-3", 1700000000123, 1, 0)};
  const std::string hex = Encode(profile, 33, Op::kQueueDequeue, Result::Ok(body));
  EXPECT_EQ(DataOf(hex, Framing::kSdkV2), DataOf(Vector("resp_queue_dequeue_1msg_trailer")));
}

TEST(ReplyEncoderTest, NothingToDequeueAnswersCountZero) {
  EXPECT_EQ(EncodeV1(34, Op::kQueueDequeue, Result::Ok(MessagesBody{})),
            Vector("resp_queue_dequeue_empty"));
}

TEST(ReplyEncoderTest, PeekAndDlqListUseTheMessageLayout) {
  MessagesBody body;
  body.messages = {Message(7, "x", 5, 2, 1)};
  const std::string plain = U32Of(1) + U64Of(7) + U32Of(1) + "x";
  for (Op op : {Op::kQueuePeek, Op::kQueueDlqList}) {
    EXPECT_EQ(DataOf(EncodeV1(5, op, Result::Ok(body))), plain) << NameOf(op);
    const std::string js =
        Encode(MakeProfile(Framing::kSdkV1, ClientProfile::kJs), 5, op, Result::Ok(body));
    EXPECT_EQ(DataOf(js), plain + std::string(U64Of(5)) + U32Of(2) + "\x01") << NameOf(op);
  }
}

TEST(ReplyEncoderTest, LegacyQueueRepliesArePlain) {
  MessagesBody body;
  body.messages = {Message(7, "x", 5, 2, 1)};
  const std::string hex =
      Encode(MakeProfile(Framing::kLegacy), 5, Op::kQueueDequeue, Result::Ok(body));
  EXPECT_EQ(DataOf(hex, Framing::kLegacy), U32Of(1) + U64Of(7) + U32Of(1) + "x");
}

TEST(ReplyEncoderTest, BatchEnqueueAnswersTheSeqsInOrder) {
  EXPECT_EQ(DataOf(EncodeV1(5, Op::kQueueBatchEnqueue, Result::Ok(SeqListBody{{4, 5, 4}}))),
            U32Of(3) + U64Of(4) + U64Of(5) + U64Of(4));
}

TEST(ReplyEncoderTest, QueueWritesAnswerTheCountTheyAffected) {
  for (Op op : {Op::kQueueAck, Op::kQueueNack, Op::kQueueTouch, Op::kQueueDlqRequeue,
                Op::kQueueDlqDelete, Op::kQueuePurge}) {
    EXPECT_EQ(DataOf(EncodeV1(5, op, Result::Ok(CountBody{3}))), U32Of(3)) << NameOf(op);
  }
}

TEST(ReplyEncoderTest, QueueStatsAnswerSixCounters) {
  const QueueStatsBody stats{
      .ready = 1, .in_flight = 2, .delayed = 3, .dlq = 4, .enqueued_total = 5, .dequeued_total = 6};
  EXPECT_EQ(DataOf(EncodeV1(5, Op::kQueueStats, Result::Ok(stats))),
            U64Of(1) + U64Of(2) + U64Of(3) + U64Of(4) + U64Of(5) + U64Of(6));
}

TEST(ReplyEncoderTest, QueueListIsOneCompletePage) {
  EXPECT_EQ(DataOf(EncodeV1(5, Op::kQueueList, Result::Ok(NameListBody{{"a", "bc"}}))),
            U32Of(2) + testing::Str16("a") + testing::Str16("bc") + std::string(3, '\0'));
}

TEST(ReplyEncoderTest, QueueEnqueueWithoutItsSeqIsAnInternalError) {
  const auto reply = ParseReply(
      flod::testing::HexToBytes(EncodeV1(5, Op::kQueueEnqueue, Result::Ok(CountBody{1}))),
      Framing::kSdkV1);
  EXPECT_EQ(reply.status, 9);
  EXPECT_EQ(reply.data, "internal error: no reply layout for QueueEnqueue");
}

TEST(ReplyEncoderTest, EmptyQueueNameAnswersTheGoldenBadRequest) {
  EXPECT_EQ(
      EncodeV1(72, Op::kQueueEnqueue, Result::Error(Status::kBadRequest, "queue name is required")),
      Vector("resp_error_bad_request"));
}

// ---- Status and messages -------------------------------------------------------------------

TEST(ReplyEncoderTest, StatusBytesFollowTheWireTable) {
  EXPECT_EQ(WireStatus(Status::kOk, Framing::kSdkV1), 0);
  EXPECT_EQ(WireStatus(Status::kNotFound, Framing::kSdkV1), 2);
  EXPECT_EQ(WireStatus(Status::kBadRequest, Framing::kSdkV1), 3);
  EXPECT_EQ(WireStatus(Status::kWrongType, Framing::kSdkV1), 3);
  EXPECT_EQ(WireStatus(Status::kNotInteger, Framing::kSdkV1), 3);
  EXPECT_EQ(WireStatus(Status::kGroupLocked, Framing::kSdkV1), 6);
  EXPECT_EQ(WireStatus(Status::kUnauthorized, Framing::kSdkV1), 7);
  EXPECT_EQ(WireStatus(Status::kConflict, Framing::kSdkV1), 8);
  EXPECT_EQ(WireStatus(Status::kInternal, Framing::kSdkV1), 9);
  EXPECT_EQ(WireStatus(Status::kOverloaded, Framing::kSdkV1), 10);
  EXPECT_EQ(WireStatus(Status::kRateLimited, Framing::kSdkV1), 11);
}

TEST(ReplyEncoderTest, UnavailableIsTwelveOnlyOnVersionTwo) {
  EXPECT_EQ(WireStatus(Status::kUnavailable, Framing::kSdkV2), 12);
  EXPECT_EQ(WireStatus(Status::kUnavailable, Framing::kSdkV1), 10);
  EXPECT_EQ(WireStatus(Status::kUnavailable, Framing::kLegacy), 10);
}

TEST(ReplyEncoderTest, LongMessagesAreCutAt400BytesOnACharacterBoundary) {
  std::string message(399, 'x');
  message += "\xC3\xA9\xC3\xA9";  // "éé": the first é straddles byte 400
  const std::string data =
      DataOf(EncodeV1(5, Op::kKvPut, Result::Error(Status::kBadRequest, message)));
  EXPECT_EQ(data, std::string(399, 'x'));
  const std::string ascii =
      DataOf(EncodeV1(5, Op::kKvPut, Result::Error(Status::kBadRequest, std::string(500, 'y'))));
  EXPECT_EQ(ascii.size(), kMaxErrorMessageBytes);
}

}  // namespace
}  // namespace flod::codec::flo
