// The write-ahead log and snapshots as an operator meets them: restart after snapshots, a torn
// tail, damage in the middle of the log and --repair, a changed shard count, a full disk.

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "support/flo_wire.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace wire;
namespace fs = std::filesystem;

std::vector<fs::path> FilesOf(const fs::path& dir, std::string_view extension) {
  std::vector<fs::path> files;
  if (!fs::exists(dir)) return files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == extension) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

void PutMany(FloClient& client, int from, int to, size_t value_bytes = 100) {
  for (int i = from; i < to; ++i) {
    const FloReply reply = client.Call(kKvPut, "key:" + std::to_string(i),
                                       std::string(value_bytes, static_cast<char>('a' + i % 26)));
    ASSERT_EQ(reply.status, kOk) << "key " << i << ": " << reply.data;
  }
}

void ExpectMany(FloClient& client, int from, int to) {
  for (int i = from; i < to; ++i) {
    const FloReply reply = client.Call(kKvGet, "key:" + std::to_string(i));
    ASSERT_EQ(reply.status, kOk) << "key " << i;
    ASSERT_EQ(reply.data[8], static_cast<char>('a' + i % 26)) << "key " << i;
  }
}

class DurabilityTest : public FlodTest {
 protected:
  FlodProcess::Options ServerOptions() override {
    FlodProcess::Options options = FlodTest::ServerOptions();
    options.durability = "sync";
    const fs::path config = temp_.path() / "flod.toml";
    std::ofstream(config) << "[storage]\nsnapshot_threshold_bytes = 262144\n"
                             "wal_segment_bytes = 1048576\n";
    options.extra_args = {"--config", config.string()};
    return options;
  }
  fs::path ShardDir(int shard) const {
    return temp_.path() / "data" / ("shard-" + std::to_string(shard));
  }
};

TEST_F(DurabilityTest, SnapshotsReplaceCoveredSegmentsAndRestartRestoresEverything) {
  auto client = Connect();
  PutMany(*client, 0, 12000, 400);  // ~2.5 MB per shard: segments rotate at 1 MiB
  // A snapshot starts within ~100 ms of passing the threshold; give it time to finish.
  for (int i = 0; i < 100 && FilesOf(ShardDir(0), ".snap").empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(FilesOf(ShardDir(0), ".snap").empty()) << server_->Log();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_NE(FilesOf(ShardDir(0), ".log").front().filename(), "wal-0000000000000001.log")
      << "segments the snapshot covers are deleted";
  PutMany(*client, 12000, 13000);
  ASSERT_EQ(client->Call(kKvDelete, "key:5").status, kOk);
  client.reset();
  Restart();
  client = Connect();
  ExpectMany(*client, 0, 5);
  ExpectMany(*client, 6, 13000);
  EXPECT_EQ(client->Call(kKvGet, "key:5").status, kNotFound);
  EXPECT_NE(server_->Log().find("loaded snapshot"), std::string::npos);
}

// The name of shard 0's newest snapshot once no snapshot is being written, waiting until it
// differs from `previous` (empty: any) or the wait gives up.
fs::path SettledSnapshot(const fs::path& shard_dir, const fs::path& previous = {}) {
  fs::path newest;
  for (int i = 0; i < 200; ++i) {
    const auto snapshots = FilesOf(shard_dir, ".snap");
    newest = snapshots.empty() ? fs::path() : snapshots.back();
    if (!newest.empty() && newest != previous && !fs::exists(shard_dir / "snap.tmp")) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return newest;
}

TEST_F(DurabilityTest, TheNextSnapshotWaitsUntilTheWalHoldsAsMuchAsTheLastSnapshot) {
  auto client = Connect();
  PutMany(*client, 0, 4800, 2000);  // ~2.4 MB of state per shard
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // automatic snapshots settle
  const auto automatic = FilesOf(ShardDir(0), ".snap");
  const fs::path before = automatic.empty() ? fs::path() : automatic.back();
  server_->Signal(SIGUSR1);
  const fs::path full = SettledSnapshot(ShardDir(0), before);
  ASSERT_NE(full, before) << server_->Log();
  ASSERT_GT(fs::file_size(full), 2'000'000u);

  // ~600 KB of WAL per shard: past snapshot_threshold_bytes, short of the snapshot's size.
  PutMany(*client, 0, 600, 2000);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // five maintenance checks
  EXPECT_EQ(SettledSnapshot(ShardDir(0)), full);

  PutMany(*client, 600, 4800, 2000);  // now the WAL outgrows the snapshot
  EXPECT_NE(SettledSnapshot(ShardDir(0), full), full) << server_->Log();
}

TEST_F(DurabilityTest, TornTailIsTruncatedWithAWarning) {
  {
    auto client = Connect();
    PutMany(*client, 0, 200);
  }
  ASSERT_EQ(server_->Stop(), 0);
  for (int shard = 0; shard < 2; ++shard) {
    const fs::path last = FilesOf(ShardDir(shard), ".log").back();
    std::ofstream(last, std::ios::app | std::ios::binary) << std::string("\x10\x20\x30\x40\x09", 5);
  }
  ASSERT_TRUE(server_->Start()) << server_->Log();
  EXPECT_NE(server_->Log().find("torn tail"), std::string::npos) << server_->Log();
  auto client = Connect();
  ExpectMany(*client, 0, 200);
}

// Rotation moves into a segment made ahead before the full one is synced (wal-format.md); a
// crash right after several rotations finds every acknowledged write, and no damage.
TEST_F(DurabilityTest, ACrashRightAfterRotationsLosesNothing) {
  ASSERT_EQ(server_->Stop(), 0);
  FlodProcess::Options async = ServerOptions();
  async.durability = "async_flush";  // segments made ahead by the background syncer
  const fs::path config = temp_.path() / "async.toml";
  std::ofstream(config) << "[storage]\nwal_segment_bytes = 1048576\n";
  async.extra_args = {"--config", config.string()};
  server_ = std::make_unique<FlodProcess>(async);
  ASSERT_TRUE(server_->Start()) << server_->Log();
  {
    auto client = Connect();
    PutMany(*client, 0, 8000, 600);  // ~2.4 MB per shard: two or three rotations each
  }
  ASSERT_GE(FilesOf(ShardDir(0), ".log").size(), 3u);
  ASSERT_NO_FATAL_FAILURE(CrashAndRestart());
  const std::string log = server_->Log();
  EXPECT_EQ(log.find("torn"), std::string::npos) << log;
  EXPECT_EQ(log.find("corrupt"), std::string::npos) << log;
  auto client = Connect();
  ExpectMany(*client, 0, 8000);
}

// The writer keeps zeros ahead of its records (wal_zero_fill_bytes, capped here by the 1 MiB
// segments): a crash leaves them, recovery cuts them without calling it damage, and a clean
// stop cuts them itself.
TEST_F(DurabilityTest, ZerosAheadOfTheLogAreCutAfterACrashAndByACleanStop) {
  const auto last_segment = [&] { return FilesOf(ShardDir(0), ".log").back(); };
  {
    auto client = Connect();
    PutMany(*client, 0, 200);
  }
  const fs::path crashed = last_segment();
  EXPECT_EQ(fs::file_size(crashed), 1u << 20);
  ASSERT_NO_FATAL_FAILURE(CrashAndRestart());
  EXPECT_EQ(server_->Log().find("torn"), std::string::npos) << server_->Log();
  EXPECT_LT(fs::file_size(crashed), 1u << 20);
  {
    auto client = Connect();
    ExpectMany(*client, 0, 200);
    PutMany(*client, 200, 300);
  }
  const fs::path stopped = last_segment();
  ASSERT_NE(stopped, crashed);
  ASSERT_EQ(server_->Stop(), 0) << server_->Log();
  EXPECT_LT(fs::file_size(stopped), 1u << 20);
  std::ifstream file(stopped, std::ios::binary);
  file.seekg(-1, std::ios::end);
  EXPECT_NE(file.get(), 0) << "the segment ends at its last record";
  ASSERT_TRUE(server_->Start()) << server_->Log();
  auto client = Connect();
  ExpectMany(*client, 0, 300);
}

TEST_F(DurabilityTest, DamageInTheMiddleStopsTheStartAndRepairTruncatesThere) {
  {
    auto client = Connect();
    PutMany(*client, 0, 400);
  }
  ASSERT_EQ(server_->Stop(), 0);
  const fs::path segment = FilesOf(ShardDir(0), ".log").back();
  const auto size = fs::file_size(segment);
  {
    std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(static_cast<std::streamoff>(size / 2));
    file.put('\x7f').put('\x7f').put('\x7f');
  }
  EXPECT_FALSE(server_->Start());
  const std::string log = server_->Log();
  EXPECT_NE(log.find(segment.filename().string()), std::string::npos) << log;
  EXPECT_NE(log.find("--repair"), std::string::npos) << log;

  FlodProcess::Options repair = ServerOptions();
  repair.extra_args.push_back("--repair");
  server_ = std::make_unique<FlodProcess>(repair);
  ASSERT_TRUE(server_->Start()) << server_->Log();
  EXPECT_NE(server_->Log().find("repair: dropping"), std::string::npos);
  auto client = Connect();
  int present = 0;
  for (int i = 0; i < 400; ++i) present += client->Call(kKvGet, "key:" + std::to_string(i)).status == kOk;
  EXPECT_GT(present, 200) << "shard 1 is intact and shard 0 keeps its records before the damage";
  EXPECT_LT(present, 400);
  EXPECT_EQ(client->Call(kKvPut, "after-repair", "ok").status, kOk);
}

TEST_F(DurabilityTest, ChangingTheShardCountIsRefused) {
  ASSERT_EQ(server_->Stop(), 0);
  FlodProcess::Options four_shards = ServerOptions();
  four_shards.shards = 4;
  FlodProcess other(four_shards);
  EXPECT_FALSE(other.Start());
  EXPECT_NE(other.Log().find("2 shards"), std::string::npos) << other.Log();
}

// A full disk: writes fail with a clear error, reads and the process carry on, and writes
// resume once space returns. Needs a small filesystem: a tmpfs mounted as root.
TEST(DiskFullTest, WritesFailCleanlyAndResumeWhenSpaceReturns) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs; not run";
  TempDir temp;
  const fs::path mount_point = temp.path() / "small";
  fs::create_directories(mount_point);
  if (mount("tmpfs", mount_point.c_str(), "tmpfs", 0, "size=3m") != 0) {
    GTEST_SKIP() << "mounting a tmpfs failed (" << std::strerror(errno) << "); not run";
  }
  struct Unmount {
    fs::path path;
    ~Unmount() { umount2(path.c_str(), MNT_DETACH); }
  } unmount{mount_point};

  FlodProcess::Options options;
  options.data_dir = mount_point / "data";
  options.durability = "sync";
  FlodProcess server(options);
  ASSERT_TRUE(server.Start()) << server.Log();
  FloClient client;
  ASSERT_TRUE(client.Connect(server.port()));
  ASSERT_EQ(client.Call(kKvPut, "before", "full").status, kOk);
  int written = 0;
  FloReply failed;
  std::string failed_key;
  for (; written < 10000; ++written) {
    failed_key = "fill:" + std::to_string(written);
    failed = client.Call(kKvPut, failed_key, std::string(4096, 'x'));
    if (failed.status != kOk) break;
  }
  ASSERT_LT(written, 10000) << "the disk never filled up";
  EXPECT_TRUE(failed.status == 9 || failed.status == 10) << int(failed.status);
  EXPECT_NE(failed.data.find("space"), std::string::npos) << failed.data;
  EXPECT_EQ(client.Call(kKvGet, "before").data.substr(8), "full") << "reads keep working";
  // The same key, so the same shard: its log failed and refuses writes until it recovers.
  // (Another shard may still take small writes into pages it already holds.)
  const FloReply refused = client.Call(kKvPut, failed_key, "x");
  EXPECT_NE(refused.status, kOk);

  ASSERT_EQ(mount("tmpfs", mount_point.c_str(), "tmpfs", MS_REMOUNT, "size=64m"), 0);
  FloReply resumed;
  for (int attempt = 0; attempt < 40; ++attempt) {
    resumed = client.Call(kKvPut, failed_key, "space");
    if (resumed.status == kOk) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(resumed.status, kOk) << resumed.data;
  EXPECT_EQ(server.Stop(), 0) << server.Log();
  ASSERT_TRUE(server.Start()) << server.Log();
  FloClient again;
  ASSERT_TRUE(again.Connect(server.port()));
  EXPECT_EQ(again.Call(kKvGet, "before").status, kOk);
  EXPECT_EQ(again.Call(kKvGet, failed_key).data.substr(8), "space");
  EXPECT_EQ(server.Stop(), 0);
}

}  // namespace
}  // namespace flod::testing
