// A client whose requests all go to another shard's keys is moved to that shard, invisibly:
// its requests, pipelined or blocking, keep their answers and order.

#include <gtest/gtest.h>

#include "support/flo_wire.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace wire;

class ConnectionAffinityTest : public FlodTest {
 protected:
  FlodProcess::Options ServerOptions() override {
    FlodProcess::Options options = FlodTest::ServerOptions();
    options.shards = 4;
    options.log_level = "debug";
    return options;
  }
  size_t Moves() const {
    const std::string log = server_->Log();
    size_t count = 0;
    for (size_t at = log.find("moves from shard"); at != std::string::npos;
         at = log.find("moves from shard", at + 1)) {
      ++count;
    }
    return count;
  }
};

TEST_F(ConnectionAffinityTest, ClientHittingOneRemoteKeyMovesAndKeepsItsAnswers) {
  auto client = Connect();
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(client->Call(kKvIncr, "hot-counter").status, kOk);
  }
  EXPECT_EQ(static_cast<int64_t>(client->Call(kKvGet, "hot-counter").U64At(8)), 200);
  // With 4 shards a connection starts on the key's shard only one time in four: run a few
  // connections so at least one of them has to move.
  for (int c = 0; c < 4; ++c) {
    auto other = Connect();
    for (int i = 0; i < 40; ++i) ASSERT_EQ(other->Call(kKvIncr, "hot-counter").status, kOk);
  }
  EXPECT_EQ(static_cast<int64_t>(client->Call(kKvGet, "hot-counter").U64At(8)), 360);
  EXPECT_GE(Moves(), 1u) << server_->Log();
}

TEST_F(ConnectionAffinityTest, PipelinedAndBlockingRequestsSurviveAMove) {
  auto client = Connect();
  auto writer = Connect();
  for (int round = 0; round < 10; ++round) {
    std::vector<uint64_t> ids;
    for (int i = 0; i < 20; ++i) {
      ids.push_back(client->Send(kKvPut, "hot", "v" + std::to_string(round * 20 + i)));
    }
    for (uint64_t id : ids) ASSERT_EQ(client->ReceiveFor(id).status, kOk);
  }
  const uint64_t blocked = client->Send(kKvGet, "appears-later", "", FloOptions().U32(kOptBlockMs, 5000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(writer->Call(kKvPut, "appears-later", "now").status, kOk);
  EXPECT_EQ(client->ReceiveFor(blocked).data.substr(8), "now");
  EXPECT_EQ(client->Call(kKvGet, "hot").data.substr(8), "v199");
}

}  // namespace
}  // namespace flod::testing
