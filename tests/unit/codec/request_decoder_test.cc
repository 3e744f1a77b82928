#include "flod/codec/flo/request_decoder.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "flo_test_support.h"
#include "flod/core/expected.h"

namespace flod::codec::flo {
namespace {

using flod::testing::BytesToHex;
using flod::testing::LoadVector;
using testing::Envelope;
using testing::RequestFrame;
using testing::Str16;
using testing::Tlv;
using testing::U32Bytes;
using testing::U64Bytes;

// A canonical text of every field a decoded request can set, so a mismatch shows as a diff.
std::string Describe(const Request& r) {
  std::ostringstream s;
  s << NameOf(r.op) << " ns=" << r.ns << " key=" << r.key << " value=" << BytesToHex(r.value);
  for (const std::string& key : r.args.keys) s << " mget_key=" << key;
  for (const std::string& value : r.args.values) s << " item=" << value;
  if (!r.args.path.empty()) s << " path=" << r.args.path;
  if (!r.args.cursor.empty()) s << " cursor=" << BytesToHex(r.args.cursor);
  if (r.args.delta != 1) s << " delta=" << r.args.delta;
  for (uint64_t seq : r.args.seqs) s << " seq=" << seq;
  const Options& o = r.options;
  if (o.ttl_ms) s << " ttl_ms=" << *o.ttl_ms;
  if (o.cas_version) s << " cas=" << *o.cas_version;
  if (o.if_not_exists) s << " nx";
  if (o.if_exists) s << " xx";
  if (o.limit) s << " limit=" << *o.limit;
  if (o.keys_only) s << " keys_only";
  if (o.routing_key) s << " routing_key=" << *o.routing_key;
  if (o.txn_id) s << " txn_id=" << *o.txn_id;
  if (o.block_ms) s << " block_ms=" << *o.block_ms;
  if (o.wait_ms) s << " wait_ms=" << *o.wait_ms;
  if (o.count) s << " count=" << *o.count;
  if (o.priority) s << " priority=" << int{*o.priority};
  if (o.delay_ms) s << " delay_ms=" << *o.delay_ms;
  if (o.visibility_timeout_ms) s << " visibility_ms=" << *o.visibility_timeout_ms;
  if (o.dedup_key) s << " dedup=" << *o.dedup_key;
  if (o.max_retries) s << " max_retries=" << *o.max_retries;
  if (o.send_to_dlq) s << " to_dlq";
  return s.str();
}

Expected<Request> DecodeBytes(std::string_view bytes, const ConnectionProfile& profile) {
  const FrameResult frame = ParseFrame(bytes, profile);
  EXPECT_EQ(frame.status, FrameStatus::kFrame) << frame.error;
  Request request;
  if (auto error = DecodeRequest(frame.frame, profile, request)) return std::move(*error);
  return request;
}

std::string DecodeVector(const std::string& name, ClientProfile client = ClientProfile::kGo) {
  const Expected<Request> request =
      DecodeBytes(LoadVector(name), MakeProfile(testing::FramingOfVector(name), client));
  if (!request) return "error: " + request.error().message;
  return Describe(request.value());
}

std::string Hex(std::string_view bytes) { return BytesToHex(bytes); }

struct VectorCase {
  const char* name;
  ClientProfile client;
  std::string expected;
};

// A connection decodes every frame into its pooled request: nothing of the previous
// request (namespace, options, MGET keys, TTL) may survive into the next.
TEST(RequestDecoderTest, DecodingIntoAUsedRequestGivesWhatAFreshOneWould) {
  Request reused;
  for (const char* earlier : {"kv_put_ttl_cas", "kv_mget", "kv_txn_put", "kv_scan_cursor_keysonly"}) {
    for (const char* next : {"kv_get_plain", "kv_put_plain", "kv_incr"}) {
      const ConnectionProfile earlier_profile = MakeProfile(testing::FramingOfVector(earlier));
      const ConnectionProfile next_profile = MakeProfile(testing::FramingOfVector(next));
      const std::string first_bytes = LoadVector(earlier);
      const std::string second_bytes = LoadVector(next);
      const FrameResult first = ParseFrame(first_bytes, earlier_profile);
      const FrameResult second = ParseFrame(second_bytes, next_profile);
      ASSERT_FALSE(DecodeRequest(first.frame, earlier_profile, reused).has_value()) << earlier;
      ASSERT_FALSE(DecodeRequest(second.frame, next_profile, reused).has_value()) << next;
      Request fresh;
      ASSERT_FALSE(DecodeRequest(second.frame, next_profile, fresh).has_value()) << next;
      EXPECT_EQ(reused, fresh) << earlier << " then " << next;
    }
  }
}

class KvVectorTest : public ::testing::TestWithParam<VectorCase> {};

TEST_P(KvVectorTest, DecodesToTheRequestInTheIndex) {
  EXPECT_EQ(DecodeVector(GetParam().name, GetParam().client), GetParam().expected);
}

const ClientProfile kGo = ClientProfile::kGo;
const ClientProfile kJs = ClientProfile::kJs;

INSTANTIATE_TEST_SUITE_P(
    GoldenVectors, KvVectorTest,
    ::testing::Values(
        VectorCase{"ping", kGo, "Ping ns=default key= value="},
        VectorCase{"kv_put_plain", kGo, "KvPut ns=default key=user:1 value=" + Hex("hello")},
        VectorCase{"kv_put_ttl", kGo,
                   "KvPut ns=default key=session:abc value=" + Hex("data") + " ttl_ms=3600000"},
        VectorCase{"kv_put_cas", kGo, "KvPut ns=default key=counter value=" + Hex("v2") + " cas=7"},
        VectorCase{"kv_put_nx", kGo,
                   "KvPut ns=default key=lock:job1 value=" + Hex("owner-a") + " nx"},
        VectorCase{"kv_put_xx", kGo,
                   "KvPut ns=default key=lock:job1 value=" + Hex("owner-b") + " xx"},
        VectorCase{"kv_put_ttl_cas", kGo,
                   "KvPut ns=myapp key=cfg value=" + Hex("{}") + " ttl_ms=60000 cas=3"},
        VectorCase{"kv_get_plain", kGo, "KvGet ns=default key=user:1 value="},
        VectorCase{"kv_get_blocking", kGo, "KvGet ns=default key=job:result value= block_ms=5000"},
        VectorCase{"kv_delete", kGo, "KvDelete ns=default key=user:1 value="},
        VectorCase{"kv_delete_ifmatch", kGo, "KvDelete ns=default key=lock:job1 value= cas=9"},
        VectorCase{"kv_scan_limit", kGo, "KvScan ns=default key=user: value= limit=10"},
        VectorCase{"kv_scan_cursor_keysonly", kGo,
                   "KvScan ns=default key=user: value= cursor=" + Hex("CUR1") + " keys_only"},
        VectorCase{"kv_history", kGo, "KvHistory ns=default key=user:1 value= limit=5"},
        VectorCase{"kv_incr", kGo, "KvIncr ns=default key=visits value="},
        VectorCase{"kv_incr_delta", kGo, "KvIncr ns=default key=visits value= delta=-3"},
        VectorCase{"kv_touch", kGo, "KvTouch ns=default key=session:abc value= ttl_ms=600000"},
        VectorCase{"kv_persist", kGo, "KvPersist ns=default key=session:abc value="},
        VectorCase{"kv_exists", kGo, "KvExists ns=default key=user:1 value="},
        VectorCase{"kv_mget", kGo, "KvMget ns=default key= value= mget_key=a mget_key=b"},
        VectorCase{"kv_json_set", kGo,
                   "KvJsonSet ns=default key=doc:1 value=" + Hex("\"bob\"") + " path=$.name"},
        VectorCase{"kv_json_get", kGo, "KvJsonGet ns=default key=doc:1 value= path=$.name"},
        VectorCase{"kv_txn_begin", kGo,
                   "KvTxnBegin ns=default key=acct:1 value= routing_key=acct:1"},
        VectorCase{
            "kv_txn_put", kGo,
            "KvPut ns=default key=acct:1 value=" + Hex("100") + " routing_key=acct:1 txn_id=77"},
        VectorCase{"kv_txn_commit", kGo,
                   "KvTxnCommit ns=default key=acct:1 value= routing_key=acct:1 txn_id=77"},
        VectorCase{"py_ping", kGo, "Ping ns=default key= value="},
        VectorCase{"py_kv_put_ttl", kGo,
                   "KvPut ns=default key=session:abc value=" + Hex("data") + " ttl_ms=3600000"},
        VectorCase{"py_kv_get_blocking", kGo,
                   "KvGet ns=default key=job:result value= block_ms=5000"},
        VectorCase{"v2_ping", kGo, "Ping ns=default key= value="},
        VectorCase{"v2_kv_put_ttl", kGo,  // version 2 TTLs are ms whatever the configuration
                   "KvPut ns=default key=session:abc value=" + Hex("data") + " ttl_ms=3600000"},
        VectorCase{"v2_kv_get", kGo, "KvGet ns=default key=user:1 value="},
        VectorCase{"dialect_go_kv_put_ttl", kGo,
                   "KvPut ns=default key=session:abc value=" + Hex("data") + " ttl_ms=3600000"},
        VectorCase{"dialect_js_kv_put_ttl", kJs,
                   "KvPut ns=default key=session:abc value=" + Hex("data") + " ttl_ms=3600000"},
        VectorCase{"dialect_js_kv_put_ttl_3600", kJs,
                   "KvPut ns=default key=session:abc value=" + Hex("data") + " ttl_ms=3600"},
        VectorCase{"dialect_go_kv_scan", kGo, "KvScan ns=default key=user: value= limit=10"},
        VectorCase{"dialect_js_kv_scan", kJs, "KvScan ns=default key=user: value= limit=10"}),
    [](const ::testing::TestParamInfo<VectorCase>& info) { return std::string(info.param.name); });

class QueueVectorTest : public ::testing::TestWithParam<VectorCase> {};

TEST_P(QueueVectorTest, DecodesToTheRequestInTheIndex) {
  EXPECT_EQ(DecodeVector(GetParam().name, GetParam().client), GetParam().expected);
}

// Every queue request vector of INDEX.md, in the profile its client wants.
INSTANTIATE_TEST_SUITE_P(
    GoldenVectors, QueueVectorTest,
    ::testing::Values(
        VectorCase{"queue_enqueue_plain", kGo,
                   "QueueEnqueue ns=default key=tasks value=" + Hex("job-1")},
        VectorCase{"queue_enqueue_priority", kGo,
                   "QueueEnqueue ns=default key=tasks value=" + Hex("job-2") + " priority=5"},
        VectorCase{"queue_enqueue_delay", kGo,
                   "QueueEnqueue ns=default key=tasks value=" + Hex("job-3") + " delay_ms=1000"},
        VectorCase{"queue_enqueue_dedup", kGo,
                   "QueueEnqueue ns=default key=tasks value=" + Hex("job-4") + " dedup=order-42"},
        VectorCase{"queue_enqueue_priority_delay_dedup", kGo,
                   "QueueEnqueue ns=default key=tasks value=" + Hex("job-5") +
                       " priority=9 delay_ms=250 dedup=d-5"},
        VectorCase{"queue_dequeue_count", kGo, "QueueDequeue ns=default key=tasks value= count=10"},
        VectorCase{"queue_dequeue_block", kGo,
                   "QueueDequeue ns=default key=tasks value= block_ms=30000 count=1"},
        VectorCase{"queue_dequeue_visibility", kGo,
                   "QueueDequeue ns=default key=tasks value= block_ms=1000 count=5 "
                   "visibility_ms=60000"},
        VectorCase{"queue_ack", kGo, "QueueAck ns=default key=tasks value= seq=101 seq=102"},
        VectorCase{"queue_nack", kGo, "QueueNack ns=default key=tasks value= seq=103"},
        VectorCase{"queue_nack_dlq", kGo, "QueueNack ns=default key=tasks value= seq=104 to_dlq"},
        VectorCase{"queue_peek", kGo, "QueuePeek ns=default key=tasks value= count=3"},
        VectorCase{"queue_touch", kGo, "QueueTouch ns=default key=tasks value= seq=101"},
        VectorCase{"queue_dlq_list", kGo, "QueueDlqList ns=default key=tasks value= limit=100"},
        VectorCase{"queue_dlq_requeue", kGo, "QueueDlqRequeue ns=default key=tasks value= seq=104"},
        VectorCase{"py_queue_enqueue_priority", kGo,
                   "QueueEnqueue ns=default key=tasks value=" + Hex("job-2") + " priority=5"},
        VectorCase{"v2_queue_enqueue_priority", kGo,
                   "QueueEnqueue ns=default key=tasks value=" + Hex("job-2") + " priority=5"},
        VectorCase{"v2_queue_dequeue_block", kGo,
                   "QueueDequeue ns=default key=tasks value= block_ms=30000 count=1"},
        VectorCase{"dialect_go_queue_dequeue", kGo,
                   "QueueDequeue ns=default key=tasks value= block_ms=30000 count=1"},
        VectorCase{"dialect_js_queue_dequeue", kJs,
                   "QueueDequeue ns=default key=tasks value= block_ms=30000 count=1"}),
    [](const ::testing::TestParamInfo<VectorCase>& info) { return std::string(info.param.name); });

// ---- Envelope ------------------------------------------------------------------------------

constexpr uint16_t kPing = 0x000;
constexpr uint16_t kPut = 0x100;
constexpr uint16_t kMget = 0x102;
constexpr uint16_t kScan = 0x104;
constexpr uint16_t kIncr = 0x10B;
constexpr uint16_t kJsonGet = 0x10C;
constexpr uint16_t kJsonSet = 0x10D;
constexpr uint16_t kTouch = 0x113;

std::string DecodeSdk(uint16_t opcode, std::string_view payload,
                      const ConnectionProfile& profile = MakeProfile(Framing::kSdkV1)) {
  const Expected<Request> request =
      DecodeBytes(RequestFrame(profile.framing, 1, opcode, payload, profile.reply_hash()), profile);
  if (!request) return "error: " + request.error().message;
  return Describe(request.value());
}

std::string ErrorOf(uint16_t opcode, std::string_view payload,
                    const ConnectionProfile& profile = MakeProfile(Framing::kSdkV1)) {
  const Expected<Request> request =
      DecodeBytes(RequestFrame(profile.framing, 1, opcode, payload, profile.reply_hash()), profile);
  if (request) return "decoded: " + Describe(request.value());
  EXPECT_EQ(request.error().status, Status::kBadRequest);
  return request.error().message;
}

TEST(RequestDecoderTest, EmptyPayloadIsAnEmptyEnvelope) {
  EXPECT_EQ(DecodeSdk(kPing, ""), "Ping ns=default key= value=");
}

TEST(RequestDecoderTest, PayloadMayStopAfterTheValue) {
  std::string payload = Str16("ns") + Str16("k") + U32Bytes(1) + "v";
  EXPECT_EQ(DecodeSdk(kPut, payload), "KvPut ns=ns key=k value=" + Hex("v"));
}

TEST(RequestDecoderTest, InnerLengthOverrunningThePayloadIsABadRequest) {
  const std::string payload = Str16("default") + Str16("k") + U32Bytes(100) + "short";
  EXPECT_EQ(ErrorOf(kPut, payload), "request envelope lengths do not match payload_length");
  EXPECT_EQ(ErrorOf(kPut, "\x07"), "request envelope lengths do not match payload_length");
}

TEST(RequestDecoderTest, BytesLeftAfterTheOptionsAreABadRequest) {
  EXPECT_EQ(ErrorOf(kPut, Envelope("default", "k", "v") + "xx"),
            "request envelope lengths do not match payload_length");
}

TEST(RequestDecoderTest, UnknownOpcodeIsNamedInHex) {
  EXPECT_EQ(ErrorOf(0x175, Envelope("default", "tasks", "job")), "unknown opcode 0x175");
  EXPECT_EQ(ErrorOf(0x45, Envelope("default", "tasks", "job"), MakeProfile(Framing::kLegacy)),
            "unknown opcode 0x45");
}

TEST(RequestDecoderTest, NamespaceOver255BytesIsABadRequest) {
  EXPECT_EQ(ErrorOf(kPut, Envelope(std::string(256, 'n'), "k", "v")),
            "namespace is longer than 255 bytes");
}

TEST(RequestDecoderTest, ValueOverTheConfiguredLimitIsABadRequest) {
  const ConnectionProfile profile = MakeProfile(Framing::kSdkV1, ClientProfile::kGo, 4);
  EXPECT_EQ(ErrorOf(kPut, Envelope("default", "k", "12345"), profile),
            "value of 5 bytes exceeds the limit of 4");
}

TEST(RequestDecoderTest, MgetRefusesMoreThan256Keys) {
  std::string value = std::string("\x01\x01", 2);  // 257
  for (int i = 0; i < 257; ++i) value += Str16("k");
  EXPECT_EQ(ErrorOf(kMget, Envelope("default", "", value)), "kv_mget takes at most 256 keys");
}

TEST(RequestDecoderTest, MgetKeyListMustMatchItsCount) {
  const std::string short_list = std::string("\x02\x00", 2) + Str16("a");
  EXPECT_EQ(ErrorOf(kMget, Envelope("default", "", short_list)),
            "kv_mget key list is shorter than its count");
  const std::string long_list = std::string("\x01\x00", 2) + Str16("a") + Str16("b");
  EXPECT_EQ(ErrorOf(kMget, Envelope("default", "", long_list)),
            "kv_mget key list is longer than its count");
}

TEST(RequestDecoderTest, ScanCursorWithMarkerIsStripped) {
  const std::string cursor = std::string(kScanCursorMarker) + "user:7";
  EXPECT_EQ(DecodeSdk(kScan, Envelope("default", "user:", U32Bytes(20) + cursor)),
            "KvScan ns=default key=user: value= cursor=" + Hex("user:7") + " limit=20");
}

TEST(RequestDecoderTest, ScanBareCursorTakesTheLimitFromTheOption) {
  const std::string cursor = std::string(kScanCursorMarker) + "user:7";
  EXPECT_EQ(DecodeSdk(kScan, Envelope("default", "user:", cursor, Tlv(0x05, U32Bytes(5)))),
            "KvScan ns=default key=user: value= cursor=" + Hex("user:7") + " limit=5");
}

TEST(RequestDecoderTest, LegacyScanValueIsAlwaysABareCursor) {
  const ConnectionProfile legacy = MakeProfile(Framing::kLegacy);
  EXPECT_EQ(DecodeSdk(0x33, Envelope("default", "user:", "abcd"), legacy),
            "KvScan ns=default key=user: value= cursor=" + Hex("abcd"));
}

TEST(RequestDecoderTest, ScanValueShorterThanALimitIsABadRequest) {
  EXPECT_EQ(ErrorOf(kScan, Envelope("default", "user:", "ab")),
            "kv_scan value must be [limit:u32][cursor]");
}

TEST(RequestDecoderTest, IncrDeltaMustBeEightBytes) {
  EXPECT_EQ(ErrorOf(kIncr, Envelope("default", "visits", U32Bytes(3))),
            "kv_incr delta must be empty or 8 bytes");
}

TEST(RequestDecoderTest, JsonGetWithoutPathMeansTheWholeDocument) {
  EXPECT_EQ(DecodeSdk(kJsonGet, Envelope("default", "doc", "")),
            "KvJsonGet ns=default key=doc value= path=$");
}

TEST(RequestDecoderTest, JsonSetValueMustHoldItsPath) {
  EXPECT_EQ(ErrorOf(kJsonSet, Envelope("default", "doc", "\x09")),
            "kv_json_set value must be [path_len:u16][path][json]");
  EXPECT_EQ(DecodeSdk(kJsonSet, Envelope("default", "doc", Str16("") + "{}")),
            "KvJsonSet ns=default key=doc value=" + Hex("{}") + " path=$");
}

TEST(RequestDecoderTest, TouchValueMustBeAnEightByteTtl) {
  EXPECT_EQ(ErrorOf(kTouch, Envelope("default", "k", "")), "kv_touch value must be an 8-byte ttl");
}

TEST(RequestDecoderTest, TouchTtlIsMillisecondsOnVersionTwo) {
  EXPECT_EQ(
      DecodeSdk(kTouch, Envelope("default", "k", U64Bytes(1500)), MakeProfile(Framing::kSdkV2)),
      "KvTouch ns=default key=k value= ttl_ms=1500");
}

TEST(RequestDecoderTest, OptionOutOfRangeIsABadRequest) {
  EXPECT_EQ(ErrorOf(kPut, Envelope("default", "k", "v", Tlv(0x01, U64Bytes(UINT64_MAX)))),
            "option 0x1 is out of range");
}

// ---- Queues --------------------------------------------------------------------------------

constexpr uint16_t kDequeue = 0x171;
constexpr uint16_t kAck = 0x172;
constexpr uint16_t kExtendLease = 0x173;
constexpr uint16_t kDlqList = 0x176;
constexpr uint16_t kDlqDelete = 0x177;
constexpr uint16_t kStats = 0x17B;
constexpr uint16_t kPeek = 0x17C;
constexpr uint16_t kQueueTouch = 0x17D;
constexpr uint16_t kBatchEnqueue = 0x17E;
constexpr uint16_t kPurge = 0x17F;
constexpr uint16_t kQueueList = 0x198;

std::string SeqList(std::initializer_list<uint64_t> seqs) {
  std::string out = U32Bytes(static_cast<uint32_t>(seqs.size()));
  for (uint64_t seq : seqs) out += U64Bytes(seq);
  return out;
}

TEST(RequestDecoderTest, SeqListMustMatchItsCount) {
  EXPECT_EQ(ErrorOf(kAck, Envelope("default", "tasks", SeqList({1, 2}) + "x")),
            "QueueAck value must be [n:u32]([seq:u64])*");
  EXPECT_EQ(ErrorOf(kAck, Envelope("default", "tasks", U32Bytes(3) + U64Bytes(1))),
            "QueueAck value must be [n:u32]([seq:u64])*");
  EXPECT_EQ(ErrorOf(kAck, Envelope("default", "tasks", "")),
            "QueueAck value must be [n:u32]([seq:u64])*");
}

TEST(RequestDecoderTest, DecimalSeqTextIsNotASeqList) {  // an old reference revision's form
  EXPECT_EQ(ErrorOf(kAck, Envelope("default", "tasks", "101")),
            "QueueAck value must be [n:u32]([seq:u64])*");
}

TEST(RequestDecoderTest, EmptySeqListIsValid) {
  EXPECT_EQ(DecodeSdk(kDlqDelete, Envelope("default", "tasks", SeqList({}))),
            "QueueDlqDelete ns=default key=tasks value=");
}

TEST(RequestDecoderTest, ExtendLeaseIsATouch) {
  EXPECT_EQ(DecodeSdk(kExtendLease, Envelope("default", "tasks", SeqList({7}))),
            "QueueTouch ns=default key=tasks value= seq=7");
}

TEST(RequestDecoderTest, TouchTakesTheLeaseLengthFromExtendMs) {
  EXPECT_EQ(
      DecodeSdk(kQueueTouch, Envelope("default", "tasks", SeqList({7}), Tlv(0x41, U32Bytes(5000)))),
      "QueueTouch ns=default key=tasks value= seq=7 visibility_ms=5000");
  const std::string both = Tlv(0x12, U32Bytes(9000)) + Tlv(0x41, U32Bytes(5000));
  EXPECT_EQ(DecodeSdk(kQueueTouch, Envelope("default", "tasks", SeqList({7}), both)),
            "QueueTouch ns=default key=tasks value= seq=7 visibility_ms=9000");
}

TEST(RequestDecoderTest, BatchEnqueueCarriesOnePayloadPerMessage) {
  std::string value = U32Bytes(2);
  ByteWriter writer(value);
  writer.Str32("a");
  writer.Str32("bc");
  EXPECT_EQ(DecodeSdk(kBatchEnqueue, Envelope("default", "tasks", value, Tlv(0x10, "\x03"))),
            "QueueBatchEnqueue ns=default key=tasks value= item=a item=bc priority=3");
}

TEST(RequestDecoderTest, BatchEnqueueListMustMatchItsCount) {
  std::string value = U32Bytes(2);
  ByteWriter(value).Str32("a");
  EXPECT_EQ(ErrorOf(kBatchEnqueue, Envelope("default", "tasks", value)),
            "queue_batch_enqueue message list is shorter than its count");
  ByteWriter(value).Str32("b");
  ByteWriter(value).Str32("c");
  EXPECT_EQ(ErrorOf(kBatchEnqueue, Envelope("default", "tasks", value)),
            "queue_batch_enqueue message list is longer than its count");
}

TEST(RequestDecoderTest, BatchEnqueueRefusesAnEmptyOrHugeBatch) {
  EXPECT_EQ(ErrorOf(kBatchEnqueue, Envelope("default", "tasks", U32Bytes(0))),
            "queue_batch_enqueue takes 1 to 10000 messages");
  EXPECT_EQ(ErrorOf(kBatchEnqueue, Envelope("default", "tasks", U32Bytes(10'001))),
            "queue_batch_enqueue takes 1 to 10000 messages");
}

TEST(RequestDecoderTest, JsProfileAsksForOneMessagePerReply) {
  const ConnectionProfile js = MakeProfile(Framing::kSdkV1, ClientProfile::kJs);
  EXPECT_EQ(DecodeSdk(kDequeue, Envelope("default", "tasks", "", Tlv(0x15, U32Bytes(10))), js),
            "QueueDequeue ns=default key=tasks value= count=1");
  EXPECT_EQ(DecodeSdk(kPeek, Envelope("default", "tasks", "", Tlv(0x15, U32Bytes(3))), js),
            "QueuePeek ns=default key=tasks value= count=1");
  EXPECT_EQ(DecodeSdk(kDlqList, Envelope("default", "tasks", "", Tlv(0x05, U32Bytes(100))), js),
            "QueueDlqList ns=default key=tasks value= limit=1");
  EXPECT_EQ(DecodeSdk(kDequeue, Envelope("default", "tasks", "", Tlv(0x15, U32Bytes(10))),
                      MakeProfile(Framing::kSdkV2)),
            "QueueDequeue ns=default key=tasks value= count=1");
}

TEST(RequestDecoderTest, QueueOpsWithoutAValueIgnoreIt) {
  EXPECT_EQ(DecodeSdk(kStats, Envelope("default", "tasks", "")),
            "QueueStats ns=default key=tasks value=");
  EXPECT_EQ(DecodeSdk(kPurge, Envelope("default", "tasks", "")),
            "QueuePurge ns=default key=tasks value=");
  EXPECT_EQ(DecodeSdk(kQueueList, Envelope("default", "", U32Bytes(50))),
            "QueueList ns=default key= value=");
}

}  // namespace
}  // namespace flod::codec::flo
