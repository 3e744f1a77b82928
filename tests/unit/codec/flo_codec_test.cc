#include "flod/codec/flo/flo_codec.h"

#include <gtest/gtest.h>

#include <string>

#include "flo_test_support.h"
#include "flod/codec/flo/opcodes.h"

namespace flod::codec::flo {
namespace {

using flod::testing::LoadVector;
using testing::Envelope;
using testing::FramingOfVector;
using testing::IndexedRequestIds;
using testing::ParseReply;
using testing::RequestFrame;
using testing::RequestVectorNames;

constexpr uint16_t kOpcodeKvPut = 0x100;

FloCodec CodecFor(Framing framing) { return FloCodec(MakeProfile(framing)); }

bool ServesOpcodeOf(std::string_view frame, Framing framing) {
  ByteReader reader(frame.substr(20));
  if (framing == Framing::kLegacy) {
    uint8_t version = 0, opcode = 0;
    reader.ReadU8(version);
    reader.ReadU8(opcode);
    return OpFromLegacyOpcode(opcode).has_value();
  }
  uint16_t opcode = 0;
  reader.ReadU16(opcode);
  return OpFromSdkOpcode(opcode).has_value();
}

TEST(FloCodecTest, ServedVectorsBecomeRequestsWithTheirIds) {
  const auto ids = IndexedRequestIds();
  size_t served = 0;
  for (const std::string& name : RequestVectorNames()) {
    const Framing framing = FramingOfVector(name);
    const std::string bytes = LoadVector(name);
    if (!ServesOpcodeOf(bytes, framing)) continue;
    SCOPED_TRACE(name);
    FloCodec codec = CodecFor(framing);
    const FloStep step = codec.Next(bytes);
    EXPECT_EQ(step.kind, FloStepKind::kRequest) << step.reply;
    EXPECT_EQ(step.consumed, bytes.size());
    EXPECT_EQ(step.request_id, ids.at(name));
    ++served;
  }
  EXPECT_GE(served, 56u);  // 36 KV and ping vectors, 20 queue vectors
}

TEST(FloCodecTest, EveryQueueVectorIsServed) {
  size_t queue_vectors = 0;
  for (const std::string& name : RequestVectorNames()) {
    if (name.find("queue") == std::string::npos) continue;
    EXPECT_TRUE(ServesOpcodeOf(LoadVector(name), FramingOfVector(name))) << name;
    ++queue_vectors;
  }
  EXPECT_EQ(queue_vectors, 20u);
}

// The boundary of what this codec serves today: every other family is refused per frame.
TEST(FloCodecTest, OtherFamiliesAnswerUnknownOpcodeWithTheirRequestId) {
  const auto ids = IndexedRequestIds();
  size_t refused = 0;
  for (const std::string& name : RequestVectorNames()) {
    const Framing framing = FramingOfVector(name);
    const std::string bytes = LoadVector(name);
    if (ServesOpcodeOf(bytes, framing)) continue;
    SCOPED_TRACE(name);
    FloCodec codec = CodecFor(framing);
    const FloStep step = codec.Next(bytes);
    ASSERT_EQ(step.kind, FloStepKind::kReply);
    EXPECT_EQ(step.consumed, bytes.size());
    const auto reply = ParseReply(step.reply, framing);
    EXPECT_TRUE(reply.crc_ok);
    EXPECT_EQ(reply.request_id, ids.at(name));
    EXPECT_EQ(reply.status, 3);
    EXPECT_TRUE(reply.data.starts_with("unknown opcode 0x")) << reply.data;
    ++refused;
  }
  EXPECT_GT(refused, 0u);
}

TEST(FloCodecTest, FrameSplitAtEveryOffsetDecodesTheSame) {
  for (const std::string& name : RequestVectorNames()) {
    const Framing framing = FramingOfVector(name);
    const std::string bytes = LoadVector(name);
    const FloStep whole = CodecFor(framing).Next(bytes);
    for (size_t cut = 0; cut < bytes.size(); ++cut) {
      FloCodec codec = CodecFor(framing);
      std::string buffer = bytes.substr(0, cut);
      ASSERT_EQ(codec.Next(buffer).kind, FloStepKind::kNeedMore) << name << " cut at " << cut;
      buffer += bytes.substr(cut);
      const FloStep step = codec.Next(buffer);
      ASSERT_EQ(step.kind, whole.kind) << name << " cut at " << cut;
      EXPECT_EQ(step.consumed, whole.consumed);
      EXPECT_EQ(step.request_id, whole.request_id);
      EXPECT_EQ(step.request.op, whole.request.op);
      EXPECT_EQ(step.request.key, whole.request.key);
      EXPECT_EQ(step.reply, whole.reply);
    }
  }
}

TEST(FloCodecTest, SeveralFramesInOneBufferComeOutInOrder) {
  std::string buffer =
      LoadVector("kv_put_plain") + LoadVector("kv_get_plain") + LoadVector("kv_delete");
  FloCodec codec = CodecFor(Framing::kSdkV1);
  std::vector<uint64_t> ids;
  std::vector<Op> ops;
  for (;;) {
    const FloStep step = codec.Next(buffer);
    if (step.kind == FloStepKind::kNeedMore) break;
    ASSERT_EQ(step.kind, FloStepKind::kRequest);
    ids.push_back(step.request_id);
    ops.push_back(step.request.op);
    buffer.erase(0, step.consumed);
  }
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(ids, (std::vector<uint64_t>{2, 9, 11}));
  EXPECT_EQ(ops, (std::vector<Op>{Op::kKvPut, Op::kKvGet, Op::kKvDelete}));
}

TEST(FloCodecTest, BadChecksumAnswersTheRequestIdAndKeepsReading) {
  std::string bad = LoadVector("kv_put_plain");
  bad[40] ^= 0x20;
  std::string buffer = bad + LoadVector("kv_get_plain");
  FloCodec codec = CodecFor(Framing::kSdkV1);
  const FloStep first = codec.Next(buffer);
  ASSERT_EQ(first.kind, FloStepKind::kReply);
  EXPECT_EQ(first.consumed, bad.size());
  const auto reply = ParseReply(first.reply, Framing::kSdkV1);
  EXPECT_EQ(reply.request_id, 2u);
  EXPECT_EQ(reply.status, 3);
  EXPECT_EQ(reply.data, "checksum mismatch");
  buffer.erase(0, first.consumed);
  const FloStep second = codec.Next(buffer);
  EXPECT_EQ(second.kind, FloStepKind::kRequest);
  EXPECT_EQ(second.request_id, 9u);
}

TEST(FloCodecTest, BadMagicMidStreamRejectsWithIdZeroAndCloses) {
  std::string buffer = LoadVector("ping");
  FloCodec codec = CodecFor(Framing::kSdkV1);
  buffer.erase(0, codec.Next(buffer).consumed);
  buffer += "GARBAGE!";
  const FloStep step = codec.Next(buffer);
  ASSERT_EQ(step.kind, FloStepKind::kClose);
  const auto reply = ParseReply(step.reply, Framing::kSdkV1);
  EXPECT_TRUE(reply.crc_ok);
  EXPECT_EQ(reply.request_id, 0u);
  EXPECT_EQ(reply.status, 3);
  EXPECT_EQ(reply.data, "Invalid request: bad magic");
}

TEST(FloCodecTest, TruncatedFrameWaitsForTheRest) {
  const std::string bytes = LoadVector("kv_put_ttl");
  FloStep step =
      CodecFor(Framing::kSdkV1).Next(std::string_view(bytes).substr(0, bytes.size() - 1));
  EXPECT_EQ(step.kind, FloStepKind::kNeedMore);
  EXPECT_EQ(step.consumed, 0u);
  EXPECT_TRUE(step.reply.empty());
}

TEST(FloCodecTest, OversizedLengthRejectsAndCloses) {
  FloCodec codec(MakeProfile(Framing::kSdkV1, ClientProfile::kGo, 1024));
  const std::string value(codec.profile().max_payload_bytes(), 'v');
  const std::string bytes =
      RequestFrame(Framing::kSdkV1, 6, kOpcodeKvPut, Envelope("default", "k", value));
  const FloStep step = codec.Next(std::string_view(bytes).substr(0, 8));
  ASSERT_EQ(step.kind, FloStepKind::kClose);
  const auto reply = ParseReply(step.reply, Framing::kSdkV1);
  EXPECT_EQ(reply.request_id, 0u);
  EXPECT_EQ(reply.status, 3);
}

TEST(FloCodecTest, EnvelopeOverrunAnswersStatusThreeAndKeepsReading) {
  std::string payload = testing::Str16("default") + testing::Str16("k") + testing::U32Bytes(99);
  std::string buffer = RequestFrame(Framing::kSdkV1, 7, kOpcodeKvPut, payload) + LoadVector("ping");
  FloCodec codec = CodecFor(Framing::kSdkV1);
  const FloStep first = codec.Next(buffer);
  ASSERT_EQ(first.kind, FloStepKind::kReply);
  const auto reply = ParseReply(first.reply, Framing::kSdkV1);
  EXPECT_EQ(reply.request_id, 7u);
  EXPECT_EQ(reply.status, 3);
  EXPECT_EQ(reply.data, "request envelope lengths do not match payload_length");
  buffer.erase(0, first.consumed);
  EXPECT_EQ(codec.Next(buffer).kind, FloStepKind::kRequest);
}

TEST(FloCodecTest, UnknownOpcodeAnswersStatusThreeWithTheOpcode) {
  const std::string bytes = RequestFrame(Framing::kSdkV1, 12, 0x0AB, Envelope("", "", ""));
  const FloStep step = CodecFor(Framing::kSdkV1).Next(bytes);
  ASSERT_EQ(step.kind, FloStepKind::kReply);
  EXPECT_EQ(step.consumed, bytes.size());
  const auto reply = ParseReply(step.reply, Framing::kSdkV1);
  EXPECT_EQ(reply.request_id, 12u);
  EXPECT_EQ(reply.data, "unknown opcode 0xab");
}

TEST(FloCodecTest, VersionTwoUnknownHashRejectsWithFlodsHashAndCloses) {
  const std::string bytes =
      RequestFrame(Framing::kSdkV2, 1, 0x000, Envelope("", "", ""), 0x2827f6f0631754feull);
  const FloStep step = CodecFor(Framing::kSdkV2).Next(bytes);
  ASSERT_EQ(step.kind, FloStepKind::kClose);
  const auto reply = ParseReply(step.reply, Framing::kSdkV2);
  EXPECT_TRUE(reply.crc_ok);
  EXPECT_EQ(reply.request_id, 0u);
  EXPECT_EQ(reply.version, 2);
  EXPECT_EQ(reply.status, 3);
  EXPECT_EQ(reply.hash, kPreferredTableHash);
}

TEST(FloCodecTest, VersionTwoConnectionEchoesTheClientsHash) {
  FloCodec codec = CodecFor(Framing::kSdkV2);
  const FloStep step = codec.Next(LoadVector("v2_ping"));
  ASSERT_EQ(step.kind, FloStepKind::kRequest);
  EXPECT_EQ(codec.profile().table_hash, kPreferredTableHash);
  std::string out;
  codec.EncodeReply(step.request_id, step.request.op, Result::Ok(TextBody{"PONG"}), out);
  EXPECT_EQ(flod::testing::BytesToHex(out),
            flod::testing::BytesToHex(LoadVector("v2_resp_ping_pong")));
}

TEST(FloCodecTest, VersionOneFrameOnAVersionTwoConnectionIsAnsweredInVersionTwo) {
  FloCodec codec = CodecFor(Framing::kSdkV2);
  ASSERT_EQ(codec.Next(LoadVector("v2_ping")).kind, FloStepKind::kRequest);
  const std::string v1 = LoadVector("kv_get_plain");
  const FloStep step = codec.Next(v1);
  ASSERT_EQ(step.kind, FloStepKind::kReply);
  EXPECT_EQ(step.consumed, v1.size());
  const auto reply = ParseReply(step.reply, Framing::kSdkV2);
  EXPECT_EQ(reply.request_id, 9u);
  EXPECT_EQ(reply.version, 2);
  EXPECT_EQ(reply.hash, kPreferredTableHash);
  EXPECT_EQ(reply.data, "protocol version 1 on a version 2 connection");
}

TEST(FloCodecTest, LegacyConnectionDecodesAndAnswersInTheShortFraming) {
  FloCodec codec = CodecFor(Framing::kLegacy);
  const FloStep step = codec.Next(LoadVector("py_kv_get_blocking"));
  ASSERT_EQ(step.kind, FloStepKind::kRequest);
  EXPECT_EQ(step.request.op, Op::kKvGet);
  std::string out;
  codec.EncodeReply(step.request_id, step.request.op,
                    Result::Ok(ValueBody{1, ValueKind::kBytes, "hello"}), out);
  EXPECT_EQ(flod::testing::BytesToHex(out),
            flod::testing::BytesToHex(LoadVector("py_resp_kv_get_found")));
}

}  // namespace
}  // namespace flod::codec::flo
