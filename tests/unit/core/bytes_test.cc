#include "flod/core/bytes.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace flod {
namespace {

TEST(ByteReaderTest, ReadsLittleEndianFieldsInOrder) {
  std::string buffer;
  ByteWriter writer(buffer);
  writer.U8(7);
  writer.U16(0x1234);
  writer.U32(0xDEADBEEF);
  writer.U64(0x0102030405060708ULL);
  writer.Str16("abc");

  ByteReader reader(buffer);
  uint8_t a = 0;
  uint16_t b = 0;
  uint32_t c = 0;
  uint64_t d = 0;
  std::string_view s;
  ASSERT_TRUE(reader.ReadU8(a) && reader.ReadU16(b) && reader.ReadU32(c) && reader.ReadU64(d));
  ASSERT_TRUE(reader.ReadStr16(s));
  EXPECT_EQ(a, 7);
  EXPECT_EQ(b, 0x1234);
  EXPECT_EQ(c, 0xDEADBEEF);
  EXPECT_EQ(d, 0x0102030405060708ULL);
  EXPECT_EQ(s, "abc");
  EXPECT_TRUE(reader.empty());
}

TEST(ByteReaderTest, RefusesToReadPastTheEnd) {
  const char raw[] = {0x05, 0x00, 'a', 'b'};  // length 5 but only 2 bytes follow
  std::string buffer(raw, sizeof(raw));
  ByteReader reader(buffer);
  std::string_view s;
  EXPECT_FALSE(reader.ReadStr16(s));
  uint64_t big = 0;
  ByteReader short_reader(std::string_view("\x01\x02", 2));
  EXPECT_FALSE(short_reader.ReadU64(big));
}

TEST(ByteReaderTest, BigEndianU64MatchesWriter) {
  std::string buffer;
  ByteWriter(buffer).U64Be(1700000000500ULL);
  EXPECT_EQ(static_cast<uint8_t>(buffer[0]), 0x00);
  uint64_t value = 0;
  ByteReader reader(buffer);
  ASSERT_TRUE(reader.ReadU64Be(value));
  EXPECT_EQ(value, 1700000000500ULL);
}

TEST(VarintTest, RoundTripsTheEdgesOfEachLength) {
  for (const uint64_t value : {uint64_t{0}, uint64_t{127}, uint64_t{128}, uint64_t{16'383},
                               uint64_t{16'384}, uint64_t{1'700'000'000'000},
                               std::numeric_limits<uint64_t>::max()}) {
    std::string bytes;
    ByteWriter(bytes).Varint(value);
    ByteReader reader(bytes);
    uint64_t read = 0;
    ASSERT_TRUE(reader.ReadVarint(read)) << value;
    EXPECT_EQ(read, value);
    EXPECT_TRUE(reader.empty()) << value;
  }
  std::string one;
  ByteWriter(one).Varint(127);
  EXPECT_EQ(one.size(), 1u);
  std::string max;
  ByteWriter(max).Varint(std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(max.size(), 10u);
}

TEST(RawWriterTest, WritesTheSameBytesAsByteWriter) {
  std::string appended;
  ByteWriter appender(appended);
  appender.U8(7);
  appender.U16(0xBEEF);
  appender.U32(0xDEADBEEF);
  appender.Varint(1'700'000'000'000);
  appender.VarStr("key");
  appender.VarStr("");
  appender.Varint(std::numeric_limits<uint64_t>::max());

  std::string room(64, '\xff');
  RawWriter raw(room.data());
  raw.U8(7);
  raw.U16(0xBEEF);
  raw.U32(0xDEADBEEF);
  raw.Varint(1'700'000'000'000);
  raw.VarStr("key");
  raw.VarStr(std::string_view());  // null data, nothing copied
  raw.Varint(std::numeric_limits<uint64_t>::max());
  room.resize(raw.end() - room.data());
  EXPECT_EQ(room, appended);
}

TEST(VarintTest, RefusesCutOverlongAndOversizedVarints) {
  uint64_t out = 0;
  ByteReader cut(std::string_view("\x80\x80", 2));  // continues past the end
  EXPECT_FALSE(cut.ReadVarint(out));
  const std::string eleven = std::string(10, '\xff') + '\x01';  // an eleventh byte
  ByteReader overlong(eleven);
  EXPECT_FALSE(overlong.ReadVarint(out));
  const std::string too_big = std::string(9, '\xff') + std::string(1, '\x02');  // bit 64
  ByteReader oversized(too_big);
  EXPECT_FALSE(oversized.ReadVarint(out));
}

TEST(VarintTest, VarStrRefusesALengthPastTheEnd) {
  std::string bytes;
  ByteWriter(bytes).VarStr("abc");
  std::string_view out;
  EXPECT_TRUE(ByteReader(bytes).ReadVarStr(out));
  EXPECT_EQ(out, "abc");
  EXPECT_FALSE(ByteReader(std::string_view(bytes).substr(0, 3)).ReadVarStr(out));
}

TEST(VarintTest, Varint32RefusesValuesOver32Bits) {
  std::string max;
  ByteWriter(max).Varint(UINT32_MAX);
  uint32_t out = 0;
  EXPECT_TRUE(ByteReader(max).ReadVarint32(out));
  EXPECT_EQ(out, UINT32_MAX);
  std::string over;
  ByteWriter(over).Varint(uint64_t{UINT32_MAX} + 1);
  EXPECT_FALSE(ByteReader(over).ReadVarint32(out));
}

TEST(VarintTest, VarCountRefusesMoreItemsThanTheBytesLeftCanHold) {
  std::string bytes;
  ByteWriter writer(bytes);
  writer.Varint(3);
  writer.Bytes("abcdef");  // room for three items of two bytes, not of three
  uint64_t count = 0;
  EXPECT_TRUE(ByteReader(bytes).ReadVarCount(2, count));
  EXPECT_EQ(count, 3u);
  EXPECT_FALSE(ByteReader(bytes).ReadVarCount(3, count));
}

}  // namespace
}  // namespace flod
