#include "flod/codec/resp/resp_writer.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace flod::codec::resp {
namespace {

TEST(RespWriterTest, EncodesEveryRespTwoType) {
  std::string out;
  RespWriter w(out);
  w.Simple("OK");
  w.Integer(-42);
  w.Bulk("hi");
  w.Null();
  w.NullArray();
  w.Array(2);
  w.Bulk("");
  w.BulkInteger(7);
  EXPECT_EQ(out, "+OK\r\n:-42\r\n$2\r\nhi\r\n$-1\r\n*-1\r\n*2\r\n$0\r\n\r\n$1\r\n7\r\n");
}

TEST(RespWriterTest, BulkStringsAreBinarySafe) {
  std::string out;
  RespWriter(out).Bulk(std::string("a\r\n\0b", 5));
  EXPECT_EQ(out, std::string("$5\r\na\r\n\0b\r\n", 11));
}

TEST(RespWriterTest, ErrorsCannotBreakTheFraming) {
  std::string out;
  RespWriter(out).Error("ERR bad\r\nthing\n");
  EXPECT_EQ(out, "-ERR bad  thing \r\n");
}

TEST(RespWriterTest, IntegersAtTheLimits) {
  std::string out;
  RespWriter w(out);
  w.Integer(std::numeric_limits<int64_t>::min());
  w.Integer(std::numeric_limits<int64_t>::max());
  EXPECT_EQ(out, ":-9223372036854775808\r\n:9223372036854775807\r\n");
  EXPECT_EQ(DecimalText(0), "0");
}

}  // namespace
}  // namespace flod::codec::resp
