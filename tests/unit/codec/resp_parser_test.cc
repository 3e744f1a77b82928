#include "flod/codec/resp/resp_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resp_test_support.h"

namespace flod::codec::resp {
namespace {

using testing::Multibulk;

std::vector<std::string> ArgsOf(const ParsedCommand& command) {
  return std::vector<std::string>(command.args.begin(), command.args.end());
}

// Parses one command from `input`, expecting it to take all of it.
std::vector<std::string> ParseWhole(std::string_view input, ParserLimits limits = {}) {
  RespParser parser(limits);
  ParsedCommand command;
  EXPECT_EQ(parser.Parse(input, command), ParseStatus::kCommand) << command.error;
  EXPECT_EQ(command.size, input.size());
  return ArgsOf(command);
}

std::string ParseError(std::string_view input, ParserLimits limits = {}) {
  RespParser parser(limits);
  ParsedCommand command;
  EXPECT_EQ(parser.Parse(input, command), ParseStatus::kError);
  return command.error;
}

TEST(RespParserTest, ParsesAMultibulkCommand) {
  EXPECT_EQ(ParseWhole("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n"),
            (std::vector<std::string>{"SET", "k", "value"}));
}

TEST(RespParserTest, ValuesAreBinarySafeWithCrLfAndNulInside) {
  const std::string value("a\r\nb\0c\r\n", 8);
  EXPECT_EQ(ParseWhole(Multibulk({"SET", "k", value})),
            (std::vector<std::string>{"SET", "k", value}));
  EXPECT_EQ(ParseWhole(Multibulk({"SET", "k", ""})), (std::vector<std::string>{"SET", "k", ""}));
}

TEST(RespParserTest, EveryByteBoundaryNeedsMoreUntilTheLastByte) {
  const std::vector<std::string> vectors = {
      Multibulk({"SET", "key", std::string("v\r\n\0x", 5)}),
      Multibulk({"PING"}),
      "*0\r\n",
      "PING\r\n",
      "set \"a b\" 'c d' \"\\x41\\n\"\r\n",
      "\r\n",
  };
  for (const std::string& input : vectors) {
    std::vector<std::string> whole;
    {
      RespParser parser;
      ParsedCommand command;
      ASSERT_EQ(parser.Parse(input, command), ParseStatus::kCommand) << input;
      whole = ArgsOf(command);
    }
    // Feed the bytes one more at a time, as a slow client would; the same parser resumes.
    RespParser parser;
    ParsedCommand command;
    for (size_t cut = 1; cut < input.size(); ++cut) {
      ASSERT_EQ(parser.Parse(std::string_view(input).substr(0, cut), command),
                ParseStatus::kNeedMore)
          << "cut at " << cut << " of " << input.size();
    }
    ASSERT_EQ(parser.Parse(input, command), ParseStatus::kCommand);
    EXPECT_EQ(command.size, input.size());
    EXPECT_EQ(ArgsOf(command), whole);
    // A fresh parser given only a prefix agrees too.
    for (size_t cut = 0; cut < input.size(); ++cut) {
      RespParser fresh;
      EXPECT_EQ(fresh.Parse(std::string_view(input).substr(0, cut), command),
                ParseStatus::kNeedMore);
    }
  }
}

TEST(RespParserTest, AHugePipelineParsesInOrder) {
  std::string input;
  for (int i = 0; i < 10'000; ++i) {
    input += i % 2 == 0 ? Multibulk({"SET", "k" + std::to_string(i), std::to_string(i)})
                        : "GET k" + std::to_string(i - 1) + "\r\n";
  }
  RespParser parser;
  ParsedCommand command;
  size_t offset = 0;
  for (int i = 0; i < 10'000; ++i) {
    ASSERT_EQ(parser.Parse(std::string_view(input).substr(offset), command), ParseStatus::kCommand);
    if (i % 2 == 0) {
      EXPECT_EQ(ArgsOf(command),
                (std::vector<std::string>{"SET", "k" + std::to_string(i), std::to_string(i)}));
    } else {
      EXPECT_EQ(ArgsOf(command), (std::vector<std::string>{"GET", "k" + std::to_string(i - 1)}));
    }
    offset += command.size;
  }
  EXPECT_EQ(offset, input.size());
  EXPECT_EQ(parser.Parse(std::string_view(input).substr(offset), command), ParseStatus::kNeedMore);
}

TEST(RespParserTest, ALargeValueArrivingInPiecesIsComplete) {
  const std::string value(1 << 20, 'x');
  const std::string input = Multibulk({"SET", "big", value});
  RespParser parser;
  ParsedCommand command;
  for (size_t have = 4096; have < input.size(); have += 4096) {
    ASSERT_EQ(parser.Parse(std::string_view(input).substr(0, have), command),
              ParseStatus::kNeedMore);
  }
  ASSERT_EQ(parser.Parse(input, command), ParseStatus::kCommand);
  EXPECT_EQ(command.args[2].size(), value.size());
}

TEST(RespParserTest, EmptyMultibulkCarriesNoCommand) {
  EXPECT_TRUE(ParseWhole("*0\r\n").empty());
  EXPECT_TRUE(ParseWhole("*-1\r\n").empty());
}

TEST(RespParserTest, InlineCommandsSplitLikeRedis) {
  EXPECT_EQ(ParseWhole("PING\r\n"), (std::vector<std::string>{"PING"}));
  EXPECT_EQ(ParseWhole("get k\n"), (std::vector<std::string>{"get", "k"}));
  EXPECT_EQ(ParseWhole("  set   k   v  \r\n"), (std::vector<std::string>{"set", "k", "v"}));
  EXPECT_EQ(ParseWhole("set k \"hello world\"\r\n"),
            (std::vector<std::string>{"set", "k", "hello world"}));
  EXPECT_EQ(ParseWhole("set k 'it\\'s'\r\n"), (std::vector<std::string>{"set", "k", "it's"}));
  EXPECT_EQ(ParseWhole("set k \"a\\tb\\r\\n\\x41\\\"\"\r\n"),
            (std::vector<std::string>{"set", "k", "a\tb\r\nA\""}));
  EXPECT_EQ(ParseWhole("set k \"\"\r\n"), (std::vector<std::string>{"set", "k", ""}));
  EXPECT_TRUE(ParseWhole("\r\n").empty());  // a blank line is skipped, as redis-cli --pipe sends
}

TEST(RespParserTest, UnbalancedQuotesAreAProtocolError) {
  EXPECT_EQ(ParseError("set k \"abc\r\n"), "Protocol error: unbalanced quotes in request");
  EXPECT_EQ(ParseError("set k 'abc\r\n"), "Protocol error: unbalanced quotes in request");
  EXPECT_EQ(ParseError("set k \"a\"b\r\n"), "Protocol error: unbalanced quotes in request");
}

TEST(RespParserTest, BadLengthsAreProtocolErrors) {
  EXPECT_EQ(ParseError("*abc\r\n"), "Protocol error: invalid multibulk length");
  EXPECT_EQ(ParseError("*01\r\n"), "Protocol error: invalid multibulk length");
  EXPECT_EQ(ParseError("*1\r\n:3\r\n"), "Protocol error: expected '$', got ':'");
  EXPECT_EQ(ParseError("*1\r\n$x\r\n"), "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseError("*1\r\n$-3\r\n"), "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseError("*1\r\n$3\r\nabcXY"), "Protocol error: bulk string not followed by CRLF");
}

TEST(RespParserTest, LengthLinesOutsideTheCanonicalFormFollowRedisRules) {
  EXPECT_EQ(ParseWhole("*1\r\n$0\r\n\r\n"), std::vector<std::string>{""});
  EXPECT_EQ(ParseError("*1\r\n$00\r\n\r\n"), "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseError("*1\r\n$3 \r\nabc\r\n"), "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseError("*1\r\n$3\rXabc\r\n"), "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseError("*+1\r\n"), "Protocol error: invalid multibulk length");
  // 19 and 20 digits: past the one-pass reader, judged by the general one.
  EXPECT_EQ(ParseError("*1\r\n$1000000000000000000\r\n"), "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseError("*1\r\n$99999999999999999999\r\n"), "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseError("*1000000000000000000\r\n"), "Protocol error: invalid multibulk length");

  RespParser parser;
  ParsedCommand command;
  EXPECT_EQ(parser.Parse("*1\r\n$3\r", command), ParseStatus::kNeedMore);
  EXPECT_EQ(parser.Parse("*1\r\n$3\r\nabc\r\n", command), ParseStatus::kCommand);
  EXPECT_EQ(ArgsOf(command), std::vector<std::string>{"abc"});
}

TEST(RespParserTest, LimitsAreEnforcedBeforeAllocating) {
  ParserLimits limits;
  limits.max_arguments = 4;
  limits.max_bulk_bytes = 10;
  limits.max_inline_bytes = 32;
  EXPECT_EQ(ParseError("*5\r\n", limits), "Protocol error: invalid multibulk length");
  EXPECT_EQ(ParseError("*1\r\n$11\r\n", limits), "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseError("*1\r\n$2147483648000\r\n", limits), "Protocol error: invalid bulk length");
  EXPECT_EQ(ParseError(std::string(40, 'a'), limits), "Protocol error: too big inline request");
  EXPECT_EQ(ParseError("*" + std::string(40, '1'), limits),
            "Protocol error: too big mbulk count string");
  EXPECT_EQ(ParseError("*1\r\n$" + std::string(40, '1'), limits),
            "Protocol error: too big bulk count string");
  EXPECT_EQ(ParseWhole("*1\r\n$10\r\n0123456789\r\n", limits).size(), 1u);
}

TEST(RespParserTest, ResumedParseSeesTheSameBytesAfterTheCallerCompacts) {
  // The connection drops consumed bytes between calls; the partial command moves to offset 0.
  const std::string first = Multibulk({"GET", "a"});
  const std::string second = Multibulk({"SET", "b", "vv"});
  RespParser parser;
  ParsedCommand command;
  std::string buffer = first + second.substr(0, 9);
  ASSERT_EQ(parser.Parse(buffer, command), ParseStatus::kCommand);
  buffer.erase(0, command.size);
  ASSERT_EQ(parser.Parse(buffer, command), ParseStatus::kNeedMore);
  EXPECT_TRUE(parser.mid_command());
  buffer += second.substr(9);
  ASSERT_EQ(parser.Parse(buffer, command), ParseStatus::kCommand);
  EXPECT_EQ(ArgsOf(command), (std::vector<std::string>{"SET", "b", "vv"}));
  EXPECT_FALSE(parser.mid_command());
}

}  // namespace
}  // namespace flod::codec::resp
