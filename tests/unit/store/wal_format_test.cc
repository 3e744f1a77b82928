#include "flod/store/wal_format.h"

#include <gtest/gtest.h>

#include <string>

#include "flod/core/bytes.h"
#include "flod/store/crc32c.h"

namespace flod::store {
namespace {

std::string Encoded(uint16_t type, std::string_view payload) {
  std::string out;
  EncodeRecord(type, payload, out);
  return out;
}

TEST(WalFormatTest, RecordRoundTrips) {
  const std::string bytes = Encoded(0x0101, "hello");
  ASSERT_EQ(bytes.size(), EncodedRecordBytes(5));
  DecodedRecord decoded = DecodeRecord(bytes);
  ASSERT_EQ(decoded.error, RecordError::kNone);
  EXPECT_EQ(decoded.type, 0x0101);
  EXPECT_EQ(decoded.payload, "hello");
  EXPECT_EQ(decoded.size, bytes.size());
}

TEST(WalFormatTest, LayoutIsCrcThenLengthThenTypeLittleEndian) {
  const std::string bytes = Encoded(0x0203, "ab");
  ByteReader reader(bytes);
  uint32_t crc = 0;
  uint32_t length = 0;
  uint16_t type = 0;
  ASSERT_TRUE(reader.ReadU32(crc) && reader.ReadU32(length) && reader.ReadU16(type));
  EXPECT_EQ(length, 2u);
  EXPECT_EQ(type, 0x0203);
  EXPECT_EQ(reader.rest(), "ab");
  // The checksum covers the type's two bytes and the payload, not the length.
  EXPECT_EQ(crc, Crc32c(std::string("\x03\x02"
                                    "ab",
                                    4)));
}

TEST(WalFormatTest, EmptyPayloadIsAValidRecord) {
  DecodedRecord decoded = DecodeRecord(Encoded(7, ""));
  ASSERT_EQ(decoded.error, RecordError::kNone);
  EXPECT_TRUE(decoded.payload.empty());
  EXPECT_EQ(decoded.size, kRecordHeaderBytes);
}

TEST(WalFormatTest, EveryCutOfARecordIsTruncated) {
  const std::string bytes = Encoded(9, "some payload bytes");
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    EXPECT_EQ(DecodeRecord(std::string_view(bytes).substr(0, cut)).error, RecordError::kTruncated)
        << "cut at " << cut;
  }
}

TEST(WalFormatTest, OversizeLengthIsRejectedBeforeLookingForThePayload) {
  std::string header;
  ByteWriter writer(header);
  writer.U32(0);
  writer.U32(kMaxRecordBytes + 1);
  writer.U16(1);
  // Only the header exists: a decoder that trusted the length would call this cut short.
  EXPECT_EQ(DecodeRecord(header).error, RecordError::kTooLarge);
  EXPECT_EQ(DecodeRecord(Encoded(1, "12345"), 4).error, RecordError::kTooLarge);
}

TEST(WalFormatTest, ZeroFilledHeaderIsNeverARecord) {
  EXPECT_EQ(DecodeRecord(std::string(64, '\0')).error, RecordError::kBadType);
}

TEST(WalFormatTest, ChangedPayloadOrTypeFailsTheChecksum) {
  std::string bytes = Encoded(5, "payload");
  bytes[kRecordHeaderBytes + 3] ^= 1;
  EXPECT_EQ(DecodeRecord(bytes).error, RecordError::kBadChecksum);
  bytes = Encoded(5, "payload");
  bytes[8] = 6;
  EXPECT_EQ(DecodeRecord(bytes).error, RecordError::kBadChecksum);
}

TEST(WalFormatTest, DecodingReadsOnlyTheFirstRecord) {
  const std::string bytes = Encoded(1, "first") + Encoded(2, "second");
  DecodedRecord first = DecodeRecord(bytes);
  ASSERT_EQ(first.error, RecordError::kNone);
  DecodedRecord second = DecodeRecord(std::string_view(bytes).substr(first.size));
  ASSERT_EQ(second.error, RecordError::kNone);
  EXPECT_EQ(second.type, 2);
  EXPECT_EQ(second.payload, "second");
}

TEST(WalFormatTest, SegmentHeaderRoundTrips) {
  std::string bytes;
  EncodeSegmentHeader({.shard = 3, .segment = 42}, bytes);
  ASSERT_EQ(bytes.size(), kSegmentHeaderBytes);
  EXPECT_EQ(bytes.substr(0, 4), "FWAL");
  DecodedSegmentHeader decoded = DecodeSegmentHeader(bytes);
  ASSERT_EQ(decoded.error, SegmentHeaderError::kNone);
  EXPECT_EQ(decoded.header.shard, 3u);
  EXPECT_EQ(decoded.header.segment, 42u);
}

TEST(WalFormatTest, SegmentHeaderProblemsAreTold) {
  std::string bytes;
  EncodeSegmentHeader({.shard = 0, .segment = 1}, bytes);
  EXPECT_EQ(DecodeSegmentHeader(bytes.substr(0, 23)).error, SegmentHeaderError::kTruncated);
  std::string flipped = bytes;
  flipped[12] ^= 1;
  EXPECT_EQ(DecodeSegmentHeader(flipped).error, SegmentHeaderError::kBadChecksum);

  std::string newer;
  EncodeSegmentHeader({.version = 2, .shard = 0, .segment = 1}, newer);
  EXPECT_EQ(DecodeSegmentHeader(newer).error, SegmentHeaderError::kUnsupportedVersion);

  std::string foreign = bytes.substr(0, 20);
  foreign[0] = 'X';
  ByteWriter(foreign).U32(Crc32c(foreign));
  EXPECT_EQ(DecodeSegmentHeader(foreign).error, SegmentHeaderError::kBadMagic);
}

TEST(WalFormatTest, PositionsOrderBySegmentThenOffset) {
  EXPECT_LT((WalPosition{1, 900}), (WalPosition{2, 24}));
  EXPECT_LT((WalPosition{2, 24}), (WalPosition{2, 25}));
  EXPECT_EQ(ToString(WalPosition{3, 4096}), "segment 3 offset 4096");
}

}  // namespace
}  // namespace flod::store
