// The flod process as an operator meets it: flags, refusals, shutdown, the data dir lock.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>

#include "support/flo_wire.h"
#include "flod/server/string_ops_choice.h"
#include "support/flod_fixture.h"

namespace flod::testing {
namespace {

using namespace wire;

std::string RunAndCapture(const std::string& command) {
  std::string output;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  char buffer[4096];
  while (pipe && fgets(buffer, sizeof(buffer), pipe.get())) output += buffer;
  return output;
}

class ServerLifecycleTest : public FlodTest {};

TEST_F(ServerLifecycleTest, SigtermDrainsAndExitsZero) {
  auto client = Connect();
  ASSERT_EQ(client->Call(kKvPut, "k", "v").status, kOk);
  EXPECT_EQ(server_->Stop(), 0);
  EXPECT_NE(server_->Log().find("stopped cleanly"), std::string::npos);
}

TEST_F(ServerLifecycleTest, ParkedRequestIsAnsweredOnShutdown) {
  auto client = Connect();
  const uint64_t id = client->Send(kKvGet, "never", "", FloOptions().U32(kOptBlockMs, 60000));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::thread stopper([this] { EXPECT_EQ(server_->Stop(), 0); });
  EXPECT_EQ(client->ReceiveFor(id).status, kNotFound);
  stopper.join();
}

TEST_F(ServerLifecycleTest, SecondServerOnTheSameDataDirIsRefused) {
  FlodProcess::Options options = ServerOptions();
  FlodProcess second(options);
  EXPECT_FALSE(second.Start());
  EXPECT_NE(second.Log().find("in use by another flod process"), std::string::npos) << second.Log();
}

TEST_F(ServerLifecycleTest, HttpClientGetsAClearRefusal) {
  auto client = Connect();
  client->SendRaw("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto answer = client->ReadUntilClosed(3000);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->rfind("HTTP/1.1 501", 0), 0u) << *answer;
}

std::string EnvironmentOf(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  std::string environ((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::replace(environ.begin(), environ.end(), '\0', '\n');
  return "\n" + environ;  // so every variable, the first too, follows a newline
}

// What ps, pgrep and top call the process.
std::string NameOf(pid_t pid) {
  std::ifstream file("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  std::getline(file, name);
  return name;
}

// The test's own reading of the CPU, not flod's, so that a wrong check in flod shows.
bool CpuHasAvx512() {
  return __builtin_cpu_supports("avx512f") || __builtin_cpu_supports("avx512vl");
}

// string_ops_choice.h: on an AVX-512 CPU flod serves from a restart of itself (same process id)
// that asks glibc for its AVX2 string functions; elsewhere it runs as started.
TEST_F(ServerLifecycleTest, ServesUnderTheStringOpsItChose) {
  const std::string wanted = "\nGLIBC_TUNABLES=" + std::string(server::kNoAvx512StringOps) + "\n";
  const std::string environ = EnvironmentOf(server_->pid());
  EXPECT_EQ(environ.find(wanted) != std::string::npos, CpuHasAvx512()) << environ;
  EXPECT_EQ(NameOf(server_->pid()), "flod");
  auto client = Connect();
  EXPECT_EQ(client->Call(kKvPut, "k", "v").status, kOk);
}

TEST_F(ServerLifecycleTest, AnOperatorsStringOpsChoiceStands) {
  ASSERT_EQ(server_->Stop(), 0);
  FlodProcess::Options options = ServerOptions();
  options.extra_env = {"GLIBC_TUNABLES=glibc.cpu.hwcaps=-ERMS"};
  FlodProcess chosen(options);
  ASSERT_TRUE(chosen.Start()) << chosen.Log();
  EXPECT_NE(EnvironmentOf(chosen.pid()).find("\nGLIBC_TUNABLES=glibc.cpu.hwcaps=-ERMS\n"),
            std::string::npos);
  EXPECT_EQ(chosen.Stop(), 0) << chosen.Log();
}

TEST(FlodCommandLineTest, DefaultConfigPrintsEverySection) {
  const std::string config = RunAndCapture(std::string(FLOD_BINARY) + " --default-config");
  for (const char* section : {"[server]", "[storage]", "[logging]", "[protocol]", "durability"}) {
    EXPECT_NE(config.find(section), std::string::npos) << section;
  }
}

TEST(FlodCommandLineTest, VersionIsPrinted) {
  EXPECT_NE(RunAndCapture(std::string(FLOD_BINARY) + " --version").find("flod "), std::string::npos);
}

TEST(FlodCommandLineTest, BadDurabilityIsRefused) {
  const std::string output =
      RunAndCapture(std::string(FLOD_BINARY) + " --durability maybe 2>&1; echo exit=$?");
  EXPECT_NE(output.find("durability"), std::string::npos) << output;
  EXPECT_EQ(output.find("exit=0"), std::string::npos) << output;
}

}  // namespace
}  // namespace flod::testing
