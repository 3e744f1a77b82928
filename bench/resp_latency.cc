// Latency at a fixed, moderate request rate over RESP: each connection sends SET and GET
// commands on an open-loop schedule (a request is due at start + k * interval whatever the
// previous one did), so a slow reply delays nothing but is charged in full: latency is
// measured from when the request was due, not from when it could be sent. Prints p50, p99
// and p99.9 in microseconds.
//
//   resp_latency --port 6379 --rate 20000 --connections 8 --seconds 5

#include <CLI/CLI.hpp>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/loopback.h"

namespace {

using Clock = std::chrono::steady_clock;

class RespConnection {
 public:
  explicit RespConnection(uint16_t port) : fd_(flod::testing::ConnectLoopback(port)) {
    if (fd_ < 0) throw std::runtime_error("cannot connect");
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  }
  ~RespConnection() { close(fd_); }

  void Send(const std::string& command) {
    if (::send(fd_, command.data(), command.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(command.size())) {
      throw std::runtime_error("send failed");
    }
  }

  // Reads one simple-string or bulk-string reply.
  void ReadReply() {
    while (true) {
      const size_t line_end = buffer_.find("\r\n");
      if (line_end != std::string::npos) {
        size_t total = line_end + 2;
        if (buffer_[0] == '$') {
          const long length = std::stol(buffer_.substr(1, line_end - 1));
          if (length >= 0) total += static_cast<size_t>(length) + 2;
        }
        if (buffer_.size() >= total) {
          buffer_.erase(0, total);
          return;
        }
      }
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
      if (n <= 0) throw std::runtime_error("connection closed");
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

 private:
  int fd_;
  std::string buffer_;
};

std::string Command(std::initializer_list<std::string> args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& arg : args) out += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
  return out;
}

double Percentile(std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const size_t index = std::min(sorted.size() - 1, static_cast<size_t>(p * sorted.size()));
  return sorted[index];
}

}  // namespace

int main(int argc, char** argv) {
  uint16_t port = 6379;
  double rate = 20000;
  int connections = 8;
  double seconds = 5;
  int value_bytes = 32;
  CLI::App app{"RESP latency at a fixed request rate"};
  app.add_option("--port", port);
  app.add_option("--rate", rate, "requests per second, all connections together");
  app.add_option("--connections", connections);
  app.add_option("--seconds", seconds);
  app.add_option("--value-bytes", value_bytes);
  CLI11_PARSE(app, argc, argv);

  const auto interval = std::chrono::duration<double>(connections / rate);
  const std::string value(static_cast<size_t>(value_bytes), 'v');
  std::vector<double> latencies_us;
  std::mutex mu;
  std::vector<std::thread> threads;
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  const auto end = start + std::chrono::duration<double>(seconds);
  // Connect before timing starts, and here, so a server that is not there is a clear error.
  std::vector<std::unique_ptr<RespConnection>> sockets;
  try {
    for (int c = 0; c < connections; ++c) sockets.push_back(std::make_unique<RespConnection>(port));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "resp_latency: 127.0.0.1:%u: %s\n", port, error.what());
    return 1;
  }
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      RespConnection& connection = *sockets[static_cast<size_t>(c)];
      std::vector<double> mine;
      const auto offset = interval * (static_cast<double>(c) / connections);
      for (uint64_t k = 0;; ++k) {
        const auto due = start + std::chrono::duration_cast<Clock::duration>(offset + interval * static_cast<double>(k));
        if (due >= end) break;
        std::this_thread::sleep_until(due);
        const std::string key = "lat:" + std::to_string(c) + ":" + std::to_string(k % 1000);
        connection.Send(k % 2 == 0 ? Command({"SET", key, value}) : Command({"GET", key}));
        connection.ReadReply();
        mine.push_back(std::chrono::duration<double, std::micro>(Clock::now() - due).count());
      }
      std::lock_guard lock(mu);
      latencies_us.insert(latencies_us.end(), mine.begin(), mine.end());
    });
  }
  for (auto& thread : threads) thread.join();
  std::sort(latencies_us.begin(), latencies_us.end());
  std::printf("requests %zu rate %.0f/s p50_us %.1f p99_us %.1f p999_us %.1f\n", latencies_us.size(),
              latencies_us.size() / seconds, Percentile(latencies_us, 0.50),
              Percentile(latencies_us, 0.99), Percentile(latencies_us, 0.999));
  return 0;
}
