#include "support/resp_client.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/loopback.h"

namespace flod::testing {
namespace {

// Where the RESP value starting at `at` ends, or npos while it is incomplete.
size_t End(const std::string& reply, size_t at) {
  const size_t crlf = reply.find("\r\n", at);
  if (crlf == std::string::npos) return std::string::npos;
  const char type = reply[at];
  if (type == '+' || type == '-' || type == ':') return crlf + 2;
  const long long n = std::stoll(reply.substr(at + 1, crlf - at - 1));
  if (type == '$') {
    if (n < 0) return crlf + 2;
    return reply.size() >= crlf + 2 + n + 2 ? crlf + 2 + n + 2 : std::string::npos;
  }
  size_t next = crlf + 2;
  for (long long i = 0; i < n && next != std::string::npos; ++i) next = End(reply, next);
  return next;
}

}  // namespace

RespClient::~RespClient() {
  if (fd_ >= 0) close(fd_);
}

bool RespClient::Connect(uint16_t port) {
  fd_ = ConnectLoopback(port);
  return fd_ >= 0;
}

std::string RespClient::Call(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& arg : args) {
    out += "$" + std::to_string(arg.size()) + "\r\n" + arg + "\r\n";
  }
  EXPECT_EQ(send(fd_, out.data(), out.size(), MSG_NOSIGNAL), static_cast<ssize_t>(out.size()));
  std::string reply;
  while (End(reply, 0) == std::string::npos) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 5'000) <= 0) break;
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n <= 0) break;
    reply.append(buffer, static_cast<size_t>(n));
  }
  return reply;
}

}  // namespace flod::testing
