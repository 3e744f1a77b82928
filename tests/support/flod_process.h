#pragma once
// Starts the real flod binary on a free loopback port with a data dir of the test's, and stops
// it (SIGTERM) or kills it (SIGKILL) when asked or when destroyed.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace flod::testing {

class FlodProcess {
 public:
  struct Options {
    std::filesystem::path data_dir;
    uint32_t shards = 2;
    std::string durability = "async_flush";
    std::string log_level = "info";
    std::vector<std::string> extra_args;
    // NAME=value pairs added to flod's environment (the test's own is inherited).
    std::vector<std::string> extra_env;
  };

  explicit FlodProcess(Options options);
  ~FlodProcess();
  FlodProcess(const FlodProcess&) = delete;
  FlodProcess& operator=(const FlodProcess&) = delete;

  // Starts flod and waits until its port accepts connections; false on failure (the test
  // fails with flod's log).
  bool Start();
  // SIGTERM and wait; returns the exit status (0 = clean shutdown).
  int Stop();
  // SIGKILL and wait: a crash.
  void Kill();
  // Sends `signal` and returns at once (SIGUSR1: snapshot now).
  void Signal(int signal);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  uint16_t port() const { return port_; }
  // Everything flod wrote to stderr so far.
  std::string Log() const;

 private:
  Options options_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
  std::filesystem::path log_path_;
};

}  // namespace flod::testing
