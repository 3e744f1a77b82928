#include "codec/flo/tlv_options.h"

#include <gtest/gtest.h>

#include "flo_test_support.h"

namespace flod::codec::flo {
namespace {

using testing::Tlv;
using testing::U32Bytes;
using testing::U64Bytes;

TEST(TlvOptionsTest, IntegersAreReadAtAnyOfTheFourWidths) {
  const std::string block = Tlv(0x15, "\x07") + Tlv(0x17, std::string("\x10\x27", 2)) +
                            Tlv(0x50, U32Bytes(60000)) + Tlv(0x02, U64Bytes(9));
  const TlvOptions tlv = TlvOptions::Parse(block);
  EXPECT_EQ(tlv.Uint(0x15), 7u);
  EXPECT_EQ(tlv.Uint(0x17), 10000u);
  EXPECT_EQ(tlv.Uint(0x50), 60000u);
  EXPECT_EQ(tlv.Uint(0x02), 9u);
}

TEST(TlvOptionsTest, IntegerOfAnOddWidthReadsAsAbsent) {
  const std::string block = Tlv(0x02, "abc");
  const TlvOptions tlv = TlvOptions::Parse(block);
  EXPECT_EQ(tlv.Uint(0x02), std::nullopt);
  EXPECT_EQ(tlv.Get(0x02), "abc");
}

TEST(TlvOptionsTest, FirstOccurrenceWins) {
  const std::string block = Tlv(0x05, U32Bytes(5)) + Tlv(0x05, U32Bytes(50));
  const TlvOptions tlv = TlvOptions::Parse(block);
  EXPECT_EQ(tlv.Uint(0x05), 5u);
}

TEST(TlvOptionsTest, TruncatedTrailingOptionEndsTheParse) {
  const std::string block = Tlv(0x05, U32Bytes(5)) + std::string("\x02\x08\x01\x02", 4);
  const TlvOptions tlv = TlvOptions::Parse(block);
  EXPECT_EQ(tlv.Uint(0x05), 5u);
  EXPECT_EQ(tlv.Get(0x02), std::nullopt);
}

TEST(TlvOptionsTest, FlagsArePresenceOrNonZero) {
  const std::string block = Tlv(0x03, "") + Tlv(0x04, "\x01") + Tlv(0x16, std::string("\x00", 1));
  const TlvOptions tlv = TlvOptions::Parse(block);
  EXPECT_TRUE(tlv.Flag(0x03));
  EXPECT_TRUE(tlv.Flag(0x04));
  EXPECT_FALSE(tlv.Flag(0x16));
  EXPECT_FALSE(tlv.Flag(0x28));
}

TEST(TlvOptionsTest, UnknownTagsAreSkipped) {
  Options options;
  const std::string block = Tlv(0xEE, "whatever") + Tlv(0x09, U64Bytes(77));
  const TlvOptions tlv = TlvOptions::Parse(block);
  EXPECT_EQ(ApplyOptions(tlv, MakeProfile(Framing::kSdkV1), options), std::nullopt);
  EXPECT_EQ(options.txn_id, 77u);
}

TEST(TlvOptionsTest, TtlFollowsTheConnectionsUnit) {
  const std::string block = Tlv(0x01, U64Bytes(3600));
  const TlvOptions tlv = TlvOptions::Parse(block);
  Options go, js;
  ApplyOptions(tlv, MakeProfile(Framing::kSdkV1, ClientProfile::kGo), go);
  ApplyOptions(tlv, MakeProfile(Framing::kSdkV1, ClientProfile::kJs), js);
  EXPECT_EQ(go.ttl_ms, 3'600'000u);
  EXPECT_EQ(js.ttl_ms, 3600u);
}

TEST(TlvOptionsTest, TtlThatOverflowsMillisecondsIsRejected) {
  Options options;
  const auto error = ApplyOptions(TlvOptions::Parse(Tlv(0x01, U64Bytes(UINT64_MAX / 10))),
                                  MakeProfile(Framing::kSdkV1), options);
  EXPECT_EQ(error, "option 0x1 is out of range");
}

TEST(TlvOptionsTest, BlockZeroMeansDoNotWaitAndLongWaitsAreClamped) {
  Options zero, huge;
  ApplyOptions(TlvOptions::Parse(Tlv(0x17, U32Bytes(0))), MakeProfile(Framing::kSdkV1), zero);
  ApplyOptions(TlvOptions::Parse(Tlv(0x17, U32Bytes(900000)) + Tlv(0x18, U32Bytes(400000))),
               MakeProfile(Framing::kSdkV1), huge);
  EXPECT_EQ(zero.block_ms, std::nullopt);
  EXPECT_EQ(huge.block_ms, kMaxBlockMs);
  EXPECT_EQ(huge.wait_ms, kMaxBlockMs);
}

TEST(TlvOptionsTest, LimitZeroMeansTheServerDefault) {
  Options options;
  ApplyOptions(TlvOptions::Parse(Tlv(0x05, U32Bytes(0))), MakeProfile(Framing::kSdkV1), options);
  EXPECT_EQ(options.limit, std::nullopt);
}

TEST(TlvOptionsTest, ValueTooWideForItsFieldIsRejected) {
  Options options;
  const auto error = ApplyOptions(TlvOptions::Parse(Tlv(0x10, U32Bytes(300))),
                                  MakeProfile(Framing::kSdkV1), options);
  EXPECT_EQ(error, "option 0x10 is out of range");
}

TEST(TlvOptionsTest, StreamOptionsAreDecoded) {
  std::string start;
  ByteWriter(start).U64Be(1700000000500);
  ByteWriter(start).U64Be(7);
  Options options;
  ApplyOptions(TlvOptions::Parse(Tlv(0x21, start) + Tlv(0x23, "") + Tlv(0x2A, U64Bytes(60)) +
                                 Tlv(0x25, "pk")),
               MakeProfile(Framing::kSdkV1), options);
  ASSERT_TRUE(options.stream_start.has_value());
  EXPECT_EQ(options.stream_start->ms, 1700000000500u);
  EXPECT_EQ(options.stream_start->seq, 7u);
  EXPECT_TRUE(options.stream_tail);
  EXPECT_EQ(options.retention_age_ms, 60'000u);
  EXPECT_EQ(options.partition_key, "pk");
}

}  // namespace
}  // namespace flod::codec::flo
