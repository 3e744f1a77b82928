#include "flod/store/crc32c.h"

#include <gtest/gtest.h>

#include <string>

#include "support/vector_state_probe.h"

namespace flod::store {
namespace {

TEST(Crc32cTest, MatchesTheCastagnoliCheckValue) {
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);
}

TEST(Crc32cTest, EmptyInputHasZeroChecksum) { EXPECT_EQ(Crc32c(""), 0u); }

TEST(Crc32cTest, ThirtyTwoZeroBytesMatchTheKnownValue) {
  // RFC 3720 (iSCSI) B.4 test pattern.
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
}

TEST(Crc32cTest, LeavesNoUpperVectorStateInUse) {
  // ISA-L's AVX-512 code leaves it; SSE code after it would pay (flod/core/vector_state.h).
  const std::string record(1024, 'r');
  (void)Crc32c(record);
  EXPECT_FALSE(flod::testing::UpperVectorStateInUse());
}

TEST(Crc32cTest, ExtendingEqualsChecksummingTheConcatenation) {
  const std::string a = "write-ahead ";
  const std::string b = "log record payload";
  EXPECT_EQ(Crc32cExtend(Crc32c(a), b), Crc32c(a + b));
}

// The definition, one bit at a time: what the library's fast paths must reproduce.
uint32_t BitwiseCrc32cExtend(uint32_t crc, std::string_view data) {
  uint32_t state = ~crc;
  for (unsigned char byte : data) {
    state ^= byte;
    for (int bit = 0; bit < 8; ++bit) state = (state >> 1) ^ (0x82F63B78u & (0u - (state & 1)));
  }
  return ~state;
}

TEST(Crc32cTest, AgreesWithTheBitwiseDefinitionOnEveryLengthAndAlignment) {
  std::string data;
  for (int i = 0; i < 1100; ++i) data.push_back(static_cast<char>(i * 131 + 7));
  for (size_t start = 0; start < 9; ++start) {
    for (size_t length = 0; start + length <= data.size(); length += 7) {
      std::string_view piece = std::string_view(data).substr(start, length);
      ASSERT_EQ(Crc32cExtend(0x12345678u, piece), BitwiseCrc32cExtend(0x12345678u, piece))
          << "start " << start << " length " << length;
    }
  }
}

TEST(Crc32cTest, ASingleFlippedBitChangesTheChecksum) {
  std::string data(100, 'x');
  const uint32_t before = Crc32c(data);
  data[57] ^= 0x04;
  EXPECT_NE(Crc32c(data), before);
}

}  // namespace
}  // namespace flod::store
