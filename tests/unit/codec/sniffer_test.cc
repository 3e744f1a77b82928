#include "flod/codec/sniffer.h"

#include <gtest/gtest.h>

#include <string>

#include "flo_test_support.h"

namespace flod::codec {
namespace {

using flo::Framing;
using flo::testing::FramingOfVector;
using flo::testing::RequestVectorNames;
using flod::testing::LoadVector;

Protocol ProtocolOf(Framing framing) {
  switch (framing) {
    case Framing::kSdkV1:
      return Protocol::kFloSdkV1;
    case Framing::kSdkV2:
      return Protocol::kFloSdkV2;
    case Framing::kLegacy:
      return Protocol::kFloLegacy;
  }
  return Protocol::kFloUndecided;
}

void ExpectMatch(std::string_view bytes, Protocol expected) {
  const SniffResult result = Sniff(bytes);
  EXPECT_EQ(result.verdict, SniffVerdict::kMatch) << bytes;
  EXPECT_EQ(result.protocol, expected) << bytes << " → " << NameOf(result.protocol);
}

void ExpectVerdict(std::string_view bytes, SniffVerdict expected) {
  EXPECT_EQ(Sniff(bytes).verdict, expected) << bytes;
}

TEST(SnifferTest, EveryRequestVectorIsClassifiedByItsFraming) {
  const auto names = RequestVectorNames();
  ASSERT_GT(names.size(), 80u);
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    ExpectMatch(LoadVector(name), ProtocolOf(FramingOfVector(name)));
  }
}

TEST(SnifferTest, FloPrefixesShorterThanTheDecisionPointNeedMore) {
  for (const std::string& name : RequestVectorNames()) {
    const std::string bytes = LoadVector(name);
    for (size_t n = 0; n < 23; ++n) {
      ASSERT_EQ(Sniff(std::string_view(bytes).substr(0, n)).verdict, SniffVerdict::kNeedMore)
          << name << " cut at " << n;
    }
    EXPECT_EQ(Sniff(std::string_view(bytes).substr(0, 23)).verdict, SniffVerdict::kMatch) << name;
  }
}

TEST(SnifferTest, FloMagicWithUndecidableFramingAsksForTheRejection) {
  std::string bytes = LoadVector("ping");
  bytes[22] = 0x07;
  ExpectMatch(bytes, Protocol::kFloUndecided);
  bytes[22] = 0x00;  // legacy needs version 1 at byte 20; ping's byte 20 is opcode 0x00
  ExpectMatch(bytes, Protocol::kFloUndecided);
}

TEST(SnifferTest, DocumentedFramingIsRecognisedFromItsMagic) {
  ExpectMatch(std::string("FLO\x01", 4), Protocol::kFloDocumented);
}

TEST(SnifferTest, RespTypeBytesAreRespAtOnce) {
  ExpectMatch("*1\r\n$4\r\nPING\r\n", Protocol::kResp);
  ExpectMatch("*", Protocol::kResp);
  for (const char* first : {"$", "+", "-", ":"}) ExpectMatch(first, Protocol::kResp);
}

TEST(SnifferTest, InlineCommandsAreResp) {
  ExpectMatch("PING\r\n", Protocol::kResp);
  ExpectMatch("ping\n", Protocol::kResp);
  ExpectMatch("GET k\r\n", Protocol::kResp);
  ExpectMatch("SET k v\r\n", Protocol::kResp);
  ExpectMatch("FLUSHALL\r\n", Protocol::kResp);
  ExpectMatch("GET k HTTP\r\n", Protocol::kResp);  // not a valid HTTP version
}

TEST(SnifferTest, TextWaitsForTheEndOfTheFirstLine) {
  ExpectVerdict("PING", SniffVerdict::kNeedMore);
  ExpectVerdict("GET / HTTP/1.1", SniffVerdict::kNeedMore);
  ExpectVerdict("F", SniffVerdict::kNeedMore);
  ExpectVerdict("FL", SniffVerdict::kNeedMore);
  ExpectVerdict("FLO", SniffVerdict::kNeedMore);
}

TEST(SnifferTest, HttpRequestLineIsHttp) {
  ExpectMatch("POST /api HTTP/1.1\r\n", Protocol::kHttp);
  ExpectMatch("DELETE /x HTTP/1.0\r\n", Protocol::kHttp);
  ExpectMatch("GET /health HTTP/1.1\r\nHost: a\r\n\r\n", Protocol::kHttp);
}

TEST(SnifferTest, HttpGetWaitsForTheWholeHeaderBlock) {
  ExpectVerdict("GET / HTTP/1.1\r\n", SniffVerdict::kNeedMore);
  ExpectVerdict("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n", SniffVerdict::kNeedMore);
}

TEST(SnifferTest, GetWithUpgradeWebsocketIsWebSocket) {
  ExpectMatch(
      "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Protocol: flo-proto\r\n\r\n",
      Protocol::kWebSocket);
  ExpectMatch("GET / HTTP/1.1\r\nupgrade:  WebSocket \r\n\r\n", Protocol::kWebSocket);
  ExpectMatch("GET / HTTP/1.1\r\nUPGRADE: h2c, WEBSOCKET\r\n\r\n", Protocol::kWebSocket);
}

TEST(SnifferTest, UpgradeToAnotherProtocolIsPlainHttp) {
  ExpectMatch("GET / HTTP/1.1\r\nUpgrade: h2c\r\n\r\n", Protocol::kHttp);
  ExpectMatch("GET / HTTP/1.1\r\nX-Note: Upgrade: websocket\r\n\r\n", Protocol::kHttp);
}

TEST(SnifferTest, GarbageIsUnknown) {
  ExpectVerdict(std::string("\x00\x01\x02\x03", 4), SniffVerdict::kUnknown);
  ExpectVerdict("\x16\x03\x01", SniffVerdict::kUnknown);  // a TLS ClientHello
  ExpectVerdict(std::string("FLO\x02", 4), SniffVerdict::kUnknown);
  ExpectVerdict("PI\x01NG\r\n", SniffVerdict::kUnknown);
  ExpectVerdict(" PING\r\n", SniffVerdict::kUnknown);
}

TEST(SnifferTest, NeverAsksForMoreThanTheBound) {
  ExpectVerdict(std::string(kMaxSniffBytes - 1, 'A'), SniffVerdict::kNeedMore);
  ExpectVerdict(std::string(kMaxSniffBytes, 'A'), SniffVerdict::kUnknown);
  std::string endless_headers = "GET / HTTP/1.1\r\n";
  while (endless_headers.size() < kMaxSniffBytes) endless_headers += "X-Pad: aaaaaaaa\r\n";
  ExpectVerdict(endless_headers, SniffVerdict::kUnknown);
}

}  // namespace
}  // namespace flod::codec
