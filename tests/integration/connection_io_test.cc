// The socket layer when replies outrun the client: what the socket cannot take waits in the
// server for room, arrives whole and in order, and a client that leaves with replies unsent
// is dropped without disturbing anyone else.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "support/flo_wire.h"
#include "support/flod_fixture.h"
#include "support/resp_client.h"

namespace flod::testing {
namespace {

using namespace wire;
using namespace std::chrono_literals;

constexpr int kPipelinedGets = 24;  // 24 MiB of replies: far more than loopback buffers hold

std::string PatternedValue() {
  std::string value(1u << 20, '\0');
  for (size_t i = 0; i < value.size(); ++i) value[i] = static_cast<char>('a' + i % 26);
  return value;
}

class ConnectionIoTest : public FlodTest {};

TEST_F(ConnectionIoTest, RepliesLargerThanTheSocketBuffersArriveWholeWhenTheClientReadsLate) {
  auto client = Connect();
  const std::string value = PatternedValue();
  ASSERT_EQ(client->Call(kKvPut, "big", value).status, kOk);
  std::vector<uint64_t> ids;
  for (int i = 0; i < kPipelinedGets; ++i) ids.push_back(client->Send(kKvGet, "big"));
  std::this_thread::sleep_for(300ms);  // the server fills the socket and waits for room

  for (uint64_t id : ids) {
    const FloReply reply = client->ReceiveFor(id);
    ASSERT_EQ(reply.status, kOk);
    ASSERT_EQ(reply.data.size(), 8 + value.size());
    EXPECT_TRUE(reply.data.compare(8, std::string::npos, value) == 0) << "request " << id;
  }
  EXPECT_EQ(client->Call(kKvPut, "after", "x").status, kOk) << "the connection goes on";
}

// connected_clients from INFO, as `observer` sees it.
int ConnectedClients(RespClient& observer) {
  const std::string info = observer.Call({"INFO", "clients"});
  const size_t at = info.find("connected_clients:");
  return at == std::string::npos ? -1 : std::stoi(info.substr(at + 18));
}

TEST_F(ConnectionIoTest, ClientLeavingWithRepliesUnsentIsClosedAndDisturbsNoOne) {
  auto bystander = Connect();
  RespClient observer;
  ASSERT_TRUE(observer.Connect(server_->port()));
  ASSERT_EQ(ConnectedClients(observer), 2);
  {
    auto leaving = Connect();
    ASSERT_EQ(leaving->Call(kKvPut, "big", PatternedValue()).status, kOk);
    for (int i = 0; i < kPipelinedGets; ++i) leaving->Send(kKvGet, "big");
    std::this_thread::sleep_for(100ms);
    ASSERT_EQ(ConnectedClients(observer), 3);
  }  // closed with most replies still in the server
  int connected = -1;
  for (int attempt = 0; attempt < 100 && connected != 2; ++attempt) {
    std::this_thread::sleep_for(20ms);
    connected = ConnectedClients(observer);
  }
  EXPECT_EQ(connected, 2) << "the server let go of the client that left";
  ASSERT_EQ(bystander->Call(kKvPut, "k", "v").status, kOk);
  EXPECT_EQ(bystander->Call(kKvGet, "k").data.substr(8), "v");
  auto newcomer = Connect();
  EXPECT_EQ(newcomer->Call(kKvGet, "k").data.substr(8), "v");
}

}  // namespace
}  // namespace flod::testing
