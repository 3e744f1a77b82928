// Durability of KV data across a clean restart and a crash, with the same data dir.

#include <gtest/gtest.h>

#include "support/flo_wire.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace wire;

class KvRestartTest : public FlodTest {
 protected:
  FlodProcess::Options ServerOptions() override {
    FlodProcess::Options options = FlodTest::ServerOptions();
    options.durability = "sync";
    return options;
  }
};

struct Written {
  std::string key;
  std::string value;
  uint64_t version;
};

std::vector<Written> WriteSome(FloClient& client, int count) {
  std::vector<Written> written;
  for (int i = 0; i < count; ++i) {
    const std::string key = "key:" + std::to_string(i);
    const std::string value = "value-" + std::to_string(i * 7);
    const FloReply reply = client.Call(kKvPut, key, value);
    EXPECT_EQ(reply.status, kOk);
    written.push_back({key, value, reply.U64At(0)});
  }
  return written;
}

void ExpectPresent(FloClient& client, const std::vector<Written>& written) {
  for (const Written& w : written) {
    const FloReply reply = client.Call(kKvGet, w.key);
    ASSERT_EQ(reply.status, kOk) << w.key;
    EXPECT_EQ(reply.U64At(0), w.version) << w.key;
    EXPECT_EQ(reply.data.substr(8), w.value) << w.key;
  }
}

TEST_F(KvRestartTest, CleanRestartKeepsValuesVersionsCountersAndDeletes) {
  std::vector<Written> written;
  {
    auto client = Connect();
    written = WriteSome(*client, 200);
    for (int i = 0; i < 5; ++i) ASSERT_EQ(client->Call(kKvIncr, "counter").status, kOk);
    ASSERT_EQ(client->Call(kKvDelete, "key:0").status, kOk);
    ASSERT_EQ(client->Call(kKvPut, "doomed", "x", FloOptions().U64(kOptTtl, 1)).status, kOk);
  }
  written.erase(written.begin());
  Restart();
  auto client = Connect();
  ExpectPresent(*client, written);
  EXPECT_EQ(client->Call(kKvGet, "key:0").status, kNotFound);
  EXPECT_EQ(static_cast<int64_t>(client->Call(kKvGet, "counter").U64At(8)), 5);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(client->Call(kKvGet, "doomed").status, kNotFound);
  // Versions keep growing after a restart.
  EXPECT_GT(client->Call(kKvPut, "key:5", "new").U64At(0), written[4].version);
}

TEST_F(KvRestartTest, CrashLosesNothingThatWasAcknowledged) {
  std::vector<Written> written;
  {
    auto client = Connect();
    written = WriteSome(*client, 300);
  }
  CrashAndRestart();
  auto client = Connect();
  ExpectPresent(*client, written);
  EXPECT_NE(server_->Log().find("replayed"), std::string::npos);
}

}  // namespace
}  // namespace flod::testing
