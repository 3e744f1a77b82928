#pragma once
// A gtest fixture that runs one flod for the test: started in SetUp with a fresh temp data
// dir, stopped (SIGTERM) in TearDown. Restart() keeps the data dir.

#include <gtest/gtest.h>

#include <memory>

#include "support/flo_client.h"
#include "support/flod_process.h"
#include "support/temp_dir.h"

namespace flod::testing {

class FlodTest : public ::testing::Test {
 protected:
  // Override to change how flod is started (shards, durability, flags).
  virtual FlodProcess::Options ServerOptions() {
    FlodProcess::Options options;
    options.data_dir = temp_.path() / "data";
    return options;
  }

  void SetUp() override {
    server_ = std::make_unique<FlodProcess>(ServerOptions());
    ASSERT_TRUE(server_->Start()) << server_->Log();
  }
  void TearDown() override {
    if (server_->running()) {
      EXPECT_EQ(server_->Stop(), 0) << server_->Log();
    }
  }

  // A new connection to the running server.
  std::unique_ptr<FloClient> Connect() {
    auto client = std::make_unique<FloClient>();
    EXPECT_TRUE(client->Connect(server_->port()));
    return client;
  }
  void Restart() {
    ASSERT_EQ(server_->Stop(), 0) << server_->Log();
    ASSERT_TRUE(server_->Start()) << server_->Log();
  }
  void CrashAndRestart() {
    server_->Kill();
    ASSERT_TRUE(server_->Start()) << server_->Log();
  }

  TempDir temp_;
  std::unique_ptr<FlodProcess> server_;
};

}  // namespace flod::testing
