#include "support/flod_process.h"

#include "support/loopback.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace flod::testing {
namespace {

bool CanConnect(uint16_t port) {
  const int fd = ConnectLoopback(port);
  if (fd < 0) return false;
  close(fd);
  return true;
}

}  // namespace

FlodProcess::FlodProcess(Options options) : options_(std::move(options)) {
  log_path_ = options_.data_dir.parent_path() / (options_.data_dir.filename().string() + ".log");
}

FlodProcess::~FlodProcess() {
  if (running()) Kill();
}

bool FlodProcess::Start() {
  for (int attempt = 0; attempt < 5; ++attempt) {
    port_ = FreePort();
    std::vector<std::string> args = {FLOD_BINARY,
                                     "--port", std::to_string(port_),
                                     "--bind", "127.0.0.1",
                                     "--data-dir", options_.data_dir.string(),
                                     "--shards", std::to_string(options_.shards),
                                     "--durability", options_.durability,
                                     "--log-level", options_.log_level};
    args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
    pid_ = fork();
    if (pid_ == 0) {
      const int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(log_fd, STDERR_FILENO);
      dup2(log_fd, STDOUT_FILENO);
      for (auto& variable : options_.extra_env) putenv(variable.data());
      std::vector<char*> argv;
      for (auto& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;  // exited: maybe the port was taken; try another
      }
      if (CanConnect(port_)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (pid_ > 0) Kill();
  }
  return false;
}

int FlodProcess::Stop() {
  if (!running()) return -1;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

void FlodProcess::Kill() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void FlodProcess::Signal(int signal) {
  if (running()) kill(pid_, signal);
}

std::string FlodProcess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace flod::testing
