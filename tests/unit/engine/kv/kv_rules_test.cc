#include "engine/kv/kv_rules.h"

#include <gtest/gtest.h>

#include <limits>

namespace flod::engine::kv {
namespace {

TEST(KvRulesTest, ParseDecimalFollowsRedisIntegerRules) {
  EXPECT_EQ(ParseDecimal("0"), 0);
  EXPECT_EQ(ParseDecimal("42"), 42);
  EXPECT_EQ(ParseDecimal("-17"), -17);
  EXPECT_EQ(ParseDecimal("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(ParseDecimal("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  for (std::string_view bad :
       {"", "-", "-0", "00", "01", "+1", " 1", "1 ", "1a", "1e3", "9223372036854775808",
        "-9223372036854775809", "99999999999999999999"}) {
    EXPECT_EQ(ParseDecimal(bad), std::nullopt) << bad;
  }
}

TEST(KvRulesTest, ExpiryAfterSaturates) {
  EXPECT_EQ(ExpiryAfter(1000, 0), 0);
  EXPECT_EQ(ExpiryAfter(1000, 5), 1005);
  EXPECT_EQ(ExpiryAfter(1000, std::numeric_limits<uint64_t>::max()),
            std::numeric_limits<int64_t>::max());
}

TEST(KvRulesTest, ExpiryOfPutPrefersTtlThenKeepTtl) {
  KeyState live{true, 1, ValueKind::kBytes, "v", 500};
  KvPutOptions options;
  EXPECT_EQ(ExpiryOfPut(live, options, 100), 0);
  options.keep_ttl = true;
  EXPECT_EQ(ExpiryOfPut(live, options, 100), 500);
  EXPECT_EQ(ExpiryOfPut(KeyState{}, options, 100), 0);
  options.ttl_ms = 10;
  EXPECT_EQ(ExpiryOfPut(live, options, 100), 110);
}

TEST(KvRulesTest, IncrementReadsEachKind) {
  std::string le = std::string(EncodeCounter(7).view());
  EXPECT_EQ(*Increment(KeyState{true, 1, ValueKind::kCounter, le, 0}, 1), 8);
  EXPECT_EQ(*Increment(KeyState{true, 1, ValueKind::kBytes, le, 0}, 1), 8);
  EXPECT_EQ(*Increment(KeyState{true, 1, ValueKind::kBytes, "-3", 0}, 1), -2);
  EXPECT_EQ(*Increment(KeyState{}, -4), -4);
  EXPECT_EQ(Increment(KeyState{true, 1, ValueKind::kJson, "1", 0}, 1).error().status,
            Status::kWrongType);
  EXPECT_EQ(Increment(KeyState{true, 1, ValueKind::kCounter, "short", 0}, 1).error().status,
            Status::kNotInteger);
}

TEST(KvRulesTest, CheckKeyRejectsReservedPrefixesFirst) {
  EXPECT_EQ(CheckKey("ns", "_worker:1")->status, Status::kUnauthorized);
  EXPECT_EQ(CheckKey("ns", "")->status, Status::kBadRequest);
  EXPECT_FALSE(CheckKey("ns", "_work").has_value());
}

}  // namespace
}  // namespace flod::engine::kv
