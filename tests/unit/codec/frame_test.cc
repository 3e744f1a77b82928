#include "flod/codec/flo/frame.h"

#include <gtest/gtest.h>

#include <string>

#include "flo_test_support.h"
#include "support/vector_state_probe.h"

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

ConnectionProfile ProfileFor(Framing framing) { return MakeProfile(framing); }

TEST(FrameTest, EveryRequestVectorParsesWithItsRequestId) {
  const auto ids = IndexedRequestIds();
  for (const std::string& name : RequestVectorNames()) {
    SCOPED_TRACE(name);
    const std::string bytes = LoadVector(name);
    const FrameResult result = ParseFrame(bytes, ProfileFor(FramingOfVector(name)));
    ASSERT_EQ(result.status, FrameStatus::kFrame) << result.error;
    ASSERT_TRUE(ids.count(name)) << "INDEX.md has no request id for " << name;
    EXPECT_EQ(result.frame.header.request_id, ids.at(name));
    EXPECT_EQ(result.frame.size, bytes.size());
    EXPECT_EQ(result.frame.payload.size(), result.frame.header.payload_length);
  }
}

TEST(FrameTest, EveryRequestVectorFailsItsChecksumUnderTheOtherHeaderSize) {
  for (const std::string& name : RequestVectorNames()) {
    SCOPED_TRACE(name);
    const std::string bytes = LoadVector(name) + std::string(8, '\0');  // room for the longer read
    const Framing other =
        FramingOfVector(name) == Framing::kLegacy ? Framing::kSdkV1 : Framing::kLegacy;
    const FrameResult result = ParseFrame(bytes, ProfileFor(other));
    EXPECT_EQ(result.status, FrameStatus::kBadFrame);
    EXPECT_EQ(result.error, "checksum mismatch");
  }
}

TEST(FrameTest, EveryProperPrefixNeedsMore) {
  for (const std::string& name : RequestVectorNames()) {
    const std::string bytes = LoadVector(name);
    const ConnectionProfile profile = ProfileFor(FramingOfVector(name));
    for (size_t n = 0; n < bytes.size(); ++n) {
      ASSERT_EQ(ParseFrame(std::string_view(bytes).substr(0, n), profile).status,
                FrameStatus::kNeedMore)
          << name << " cut at " << n;
    }
  }
}

TEST(FrameTest, OnlyTheFirstFrameOfABufferIsTaken) {
  const std::string first = LoadVector("kv_put_plain");
  const std::string buffer = first + LoadVector("kv_get_plain");
  const FrameResult result = ParseFrame(buffer, ProfileFor(Framing::kSdkV1));
  ASSERT_EQ(result.status, FrameStatus::kFrame);
  EXPECT_EQ(result.frame.size, first.size());
  EXPECT_EQ(result.frame.header.request_id, 2u);
}

TEST(FrameTest, BadMagicIsFatalAsSoonAsItShows) {
  EXPECT_EQ(ParseFrame("FLX", ProfileFor(Framing::kSdkV1)).status, FrameStatus::kFatal);
  EXPECT_EQ(ParseFrame("*1\r\n", ProfileFor(Framing::kSdkV1)).status, FrameStatus::kFatal);
  std::string bytes = LoadVector("ping");
  bytes[3] = 0x01;
  const FrameResult result = ParseFrame(bytes, ProfileFor(Framing::kSdkV1));
  EXPECT_EQ(result.status, FrameStatus::kFatal);
  EXPECT_EQ(result.error, "Invalid request: bad magic");
}

TEST(FrameTest, OversizedPayloadLengthIsFatalBeforeThePayloadArrives) {
  const ConnectionProfile profile = ProfileFor(Framing::kSdkV1);
  std::string header = RequestFrame(Framing::kSdkV1, 5, kOpcodeKvPut, "");
  std::string length;
  ByteWriter(length).U32(static_cast<uint32_t>(profile.max_payload_bytes() + 1));
  header.replace(4, 4, length);
  EXPECT_EQ(ParseFrame(std::string_view(header).substr(0, 8), profile).status, FrameStatus::kFatal);
  EXPECT_EQ(ParseFrame(header, profile).status, FrameStatus::kFatal);
}

TEST(FrameTest, DefaultLimitAcceptsAFullValuePlusEnvelope) {
  const ConnectionProfile profile = ProfileFor(Framing::kSdkV1);
  const uint32_t wanted = (16u << 20) + (64u << 10) + 300;
  EXPECT_GE(profile.max_payload_bytes(), wanted);
  std::string header = RequestFrame(Framing::kSdkV1, 5, kOpcodeKvPut, "");
  std::string length;
  ByteWriter(length).U32(wanted);
  header.replace(4, 4, length);
  EXPECT_EQ(ParseFrame(header, profile).status, FrameStatus::kNeedMore);
}

TEST(FrameTest, ChecksumMismatchIsABadFrameOfKnownSize) {
  std::string bytes = LoadVector("kv_put_plain");
  bytes.back() ^= 0x01;
  const FrameResult result = ParseFrame(bytes, ProfileFor(Framing::kSdkV1));
  EXPECT_EQ(result.status, FrameStatus::kBadFrame);
  EXPECT_EQ(result.frame.size, bytes.size());
  EXPECT_EQ(result.frame.header.request_id, 2u);
}

// CRC-32 (IEEE, reflected) one bit at a time: the definition FrameCrc must reproduce.
uint32_t BitwiseCrc32(std::string_view data) {
  uint32_t state = 0xFFFFFFFFu;
  for (unsigned char byte : data) {
    state ^= byte;
    for (int bit = 0; bit < 8; ++bit) state = (state >> 1) ^ (0xEDB88320u & (0u - (state & 1)));
  }
  return ~state;
}

TEST(FrameTest, ChecksumCoversHeaderAroundItsCrcFieldThenPayloadAtEverySize) {
  for (const size_t header_size : {kSdkHeaderBytes, kLegacyHeaderBytes}) {
    std::string header;
    for (size_t i = 0; i < header_size; ++i) header.push_back(static_cast<char>(i * 37 + 1));
    for (const size_t payload_size : {0, 1, 100, 255, 256, 257, 300, 5000}) {
      SCOPED_TRACE(std::to_string(header_size) + "-byte header, payload " +
                   std::to_string(payload_size));
      std::string payload;
      for (size_t i = 0; i < payload_size; ++i) payload.push_back(static_cast<char>(i * 131 + 7));
      const std::string covered = header.substr(0, 16) + header.substr(20) + payload;
      EXPECT_EQ(FrameCrc(header, payload), BitwiseCrc32(covered));
    }
  }
}

TEST(FrameTest, ChecksumLeavesNoUpperVectorStateInUse) {
  // ISA-L's AVX-512 code leaves it; SSE code after it would pay (flod/core/vector_state.h).
  const std::string header(kSdkHeaderBytes, 'h');
  (void)FrameCrc(header, std::string(1024, 'p'));
  EXPECT_FALSE(flod::testing::UpperVectorStateInUse());
}

TEST(FrameTest, VersionOtherThanTheConnectionsIsABadFrame) {
  const std::string v2_frame =
      RequestFrame(Framing::kSdkV1, 9, kOpcodeKvPut, Envelope("default", "k", "v"), 0, 2);
  const FrameResult result = ParseFrame(v2_frame, ProfileFor(Framing::kSdkV1));
  EXPECT_EQ(result.status, FrameStatus::kBadFrame);
  EXPECT_EQ(result.error, "protocol version 2 on a version 1 connection");

  const std::string legacy_v3 =
      RequestFrame(Framing::kLegacy, 9, 0x30, Envelope("", "k", ""), 0, 3);
  EXPECT_EQ(ParseFrame(legacy_v3, ProfileFor(Framing::kLegacy)).status, FrameStatus::kBadFrame);
}

TEST(FrameTest, NonZeroReservedBytesOnVersionOneAreABadFrame) {
  const std::string bytes =
      RequestFrame(Framing::kSdkV1, 9, kOpcodeKvPut, Envelope("default", "k", "v"), 1);
  const FrameResult result = ParseFrame(bytes, ProfileFor(Framing::kSdkV1));
  EXPECT_EQ(result.status, FrameStatus::kBadFrame);
  EXPECT_EQ(result.error, "reserved header bytes must be zero");
}

TEST(FrameTest, VersionTwoWithAKnownHashIsAccepted) {
  const std::string bytes = RequestFrame(Framing::kSdkV2, 3, kOpcodeKvPut,
                                         Envelope("default", "k", "v"), kPreferredTableHash);
  const FrameResult result = ParseFrame(bytes, ProfileFor(Framing::kSdkV2));
  ASSERT_EQ(result.status, FrameStatus::kFrame);
  EXPECT_EQ(result.frame.header.reserved, kPreferredTableHash);
}

TEST(FrameTest, VersionTwoWithAnUnknownHashIsFatalOnTheHeaderAlone) {
  const std::string bytes = RequestFrame(Framing::kSdkV2, 3, kOpcodeKvPut,
                                         Envelope("default", "k", "v"), kPreferredTableHash + 1);
  const FrameResult result =
      ParseFrame(std::string_view(bytes).substr(0, kSdkHeaderBytes), ProfileFor(Framing::kSdkV2));
  EXPECT_EQ(result.status, FrameStatus::kFatal);
  EXPECT_NE(result.error.find("0x4e9243eeab771a03"), std::string::npos) << result.error;
  EXPECT_NE(result.error.find("0x4e9243eeab771a02"), std::string::npos) << result.error;
}

TEST(FrameTest, VersionTwoHashMustStayTheConnectionsHash) {
  ConnectionProfile profile = ProfileFor(Framing::kSdkV2);
  profile.table_hash = 0x1111;  // as if the connection had started with another known build
  const std::string bytes = RequestFrame(Framing::kSdkV2, 3, kOpcodeKvPut,
                                         Envelope("default", "k", "v"), kPreferredTableHash);
  EXPECT_EQ(ParseFrame(bytes, profile).status, FrameStatus::kFatal);
}

TEST(FrameTest, RejectionMatchesTheGoldenVector) {
  std::string out;
  AppendFrameRejection(ProfileFor(Framing::kSdkV1), kRejectionMessage, out);
  EXPECT_EQ(flod::testing::BytesToHex(out),
            flod::testing::BytesToHex(LoadVector("resp_frame_rejected")));
}

TEST(FrameTest, RejectionOnVersionTwoCarriesTheHash) {
  std::string out;
  AppendFrameRejection(ProfileFor(Framing::kSdkV2), kRejectionMessage, out);
  const auto reply = ParseReply(out, Framing::kSdkV2);
  EXPECT_TRUE(reply.crc_ok);
  EXPECT_EQ(reply.request_id, 0u);
  EXPECT_EQ(reply.version, 2);
  EXPECT_EQ(reply.status, 3);
  EXPECT_EQ(reply.hash, kPreferredTableHash);
  EXPECT_EQ(reply.data, kRejectionMessage);
}

TEST(FrameTest, LegacyReplyHasTheShortHeader) {
  std::string out;
  AppendReplyFrame(ProfileFor(Framing::kLegacy), 3, 0, "hello", out);
  EXPECT_EQ(flod::testing::BytesToHex(out),
            flod::testing::BytesToHex(LoadVector("py_resp_kv_get_found")));
}

}  // namespace
}  // namespace flod::codec::flo
