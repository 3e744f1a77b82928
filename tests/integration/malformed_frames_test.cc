// Bad input on the binary protocol: answered with BAD_REQUEST while the framing holds,
// rejected and closed when it does not; other connections never notice.

#include <gtest/gtest.h>

#include <cstring>

#include "support/flo_wire.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace wire;

class MalformedFramesTest : public FlodTest {
 protected:
  // A connection that was not involved keeps working.
  void ExpectServerStillServes() {
    auto bystander = Connect();
    EXPECT_EQ(bystander->Call(kKvPut, "still", "alive").status, kOk);
    EXPECT_EQ(bystander->Call(kKvGet, "still").data.substr(8), "alive");
  }
};

TEST_F(MalformedFramesTest, BadCrcIsAnsweredWithItsIdAndTheConnectionStays) {
  auto client = Connect();
  std::string frame = BuildFloFrame(41, kKvPut, "default", "k", "v", "");
  frame[16] ^= 0x5A;
  client->SendRaw(frame);
  const FloReply reply = client->ReceiveFor(41);
  EXPECT_EQ(reply.status, kBadRequest);
  EXPECT_FALSE(reply.data.empty());
  EXPECT_EQ(client->Call(kPing, "", "", {}, "").data, "PONG");
}

TEST_F(MalformedFramesTest, EnvelopeLengthsThatOverrunArePlainBadRequests) {
  auto client = Connect();
  // The key length says 200 bytes but 3 follow; the CRC is valid, so the framing holds.
  const char envelope[] = {0x00, 0x00, static_cast<char>(200), 0x00, 'a', 'b', 'c'};
  client->SendRaw(BuildFloFrameWithPayload(7, kKvGet, std::string_view(envelope, sizeof(envelope))));
  const FloReply reply = client->ReceiveFor(7);
  EXPECT_EQ(reply.status, kBadRequest);
  EXPECT_FALSE(reply.data.empty());
  EXPECT_EQ(client->Call(kPing, "", "", {}, "").status, kOk);
  ExpectServerStillServes();
}

TEST_F(MalformedFramesTest, UnknownOpcodeIsABadRequest) {
  auto client = Connect();
  const FloReply reply = client->Call(0x2FF, "k");
  EXPECT_EQ(reply.status, kBadRequest);
  EXPECT_NE(reply.data.find("opcode"), std::string::npos);
  EXPECT_EQ(client->Call(kPing, "", "", {}, "").status, kOk);
}

TEST_F(MalformedFramesTest, BadMagicMidStreamIsRejectedWithIdZeroAndClosed) {
  auto client = Connect();
  EXPECT_EQ(client->Call(kPing, "", "", {}, "").status, kOk);
  client->SendRaw(std::string(40, 'X'));
  const auto reply = client->Receive(3000);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->request_id, 0u);
  EXPECT_EQ(reply->status, kBadRequest);
  EXPECT_TRUE(client->ServerClosed());
  ExpectServerStillServes();
}

TEST_F(MalformedFramesTest, OversizedFrameIsRejectedAndClosed) {
  auto client = Connect();
  std::string frame = BuildFloFrame(9, kKvPut, "default", "k", "v", "");
  const uint32_t absurd = 1u << 30;
  std::memcpy(frame.data() + 4, &absurd, 4);
  client->SendRaw(frame.substr(0, 32));
  const auto reply = client->Receive(3000);
  ASSERT_TRUE(reply.has_value());
  EXPECT_EQ(reply->status, kBadRequest);
  EXPECT_TRUE(client->ServerClosed());
  ExpectServerStillServes();
}

TEST_F(MalformedFramesTest, TruncatedFrameWaitsForTheRestAndAClientThatLeavesHarmsNobody) {
  auto client = Connect();
  const std::string frame = BuildFloFrame(11, kKvPut, "default", "split", "value", "");
  client->SendRaw(frame.substr(0, 20));
  ExpectServerStillServes();
  client->SendRaw(frame.substr(20));
  EXPECT_EQ(client->ReceiveFor(11).status, kOk);

  auto quitter = Connect();
  quitter->SendRaw(frame.substr(0, 45));
  quitter->Close();
  ExpectServerStillServes();
}

TEST_F(MalformedFramesTest, UnknownProtocolIsClosed) {
  auto client = Connect();
  client->SendRaw(std::string("\x01\x02\x03\x04garbage-bytes-that-mean-nothing\n", 38));
  EXPECT_TRUE(client->ServerClosed(3000));
  ExpectServerStillServes();
}

}  // namespace
}  // namespace flod::testing
