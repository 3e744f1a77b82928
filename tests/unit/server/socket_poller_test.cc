#include "socket_poller.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

namespace flod::server {
namespace {

using namespace std::chrono_literals;

// A connected, non-blocking socket pair: `ours` is watched, `peer` plays the client.
struct SocketPair {
  int ours = -1;
  int peer = -1;
  SocketPair() {
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds) == 0) {
      ours = fds[0];
      peer = fds[1];
    }
  }
  ~SocketPair() {
    if (ours >= 0) ::close(ours);
    if (peer >= 0) ::close(peer);
  }
  void PeerSends(const std::string& bytes) const {
    ASSERT_EQ(::write(peer, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  }
  // Reads what `ours` holds, as a reader must before an edge-triggered wait.
  std::string Drain() const {
    std::string all;
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::read(ours, buffer, sizeof(buffer));
      if (n <= 0) return all;
      all.append(buffer, static_cast<size_t>(n));
    }
  }
};

class RecordingClient final : public SocketPoller::Client {
 public:
  void OnReady(uint32_t events) override {
    reports.push_back(events);
    if (on_ready) on_ready();
  }
  std::vector<uint32_t> reports;
  std::function<void()> on_ready;

  bool SawReadable() const {
    for (uint32_t events : reports) {
      if ((events & SocketPoller::kReadable) != 0) return true;
    }
    return false;
  }
};

class SocketPollerTest : public ::testing::Test {
 protected:
  // Runs the loop until it has nothing ready (the poller's wait stays armed, so run() would
  // not return).
  void Settle() {
    io_.restart();
    for (int i = 0; i < 10; ++i) io_.run_for(2ms);
  }

  boost::asio::io_context io_;
  SocketPoller poller_{io_};
};

TEST_F(SocketPollerTest, ReportsInputThatArrivesAfterRegistration) {
  SocketPair pair;
  RecordingClient client;
  ASSERT_TRUE(poller_.Add(pair.ours, client));
  Settle();
  client.reports.clear();  // what registration itself reports (room to write)

  pair.PeerSends("PING\r\n");
  Settle();
  ASSERT_TRUE(client.SawReadable());
  EXPECT_EQ(pair.Drain(), "PING\r\n");
  poller_.Remove(pair.ours, client);
}

TEST_F(SocketPollerTest, ReportsOnlyNewInputOncePerArrival) {
  SocketPair pair;
  RecordingClient client;
  ASSERT_TRUE(poller_.Add(pair.ours, client));
  pair.PeerSends("a");
  Settle();
  ASSERT_TRUE(client.SawReadable());
  pair.Drain();

  client.reports.clear();
  Settle();
  EXPECT_TRUE(client.reports.empty()) << "nothing new arrived";

  pair.PeerSends("b");
  Settle();
  EXPECT_TRUE(client.SawReadable());
  poller_.Remove(pair.ours, client);
}

TEST_F(SocketPollerTest, RemovedSocketIsNotReported) {
  SocketPair pair;
  RecordingClient client;
  ASSERT_TRUE(poller_.Add(pair.ours, client));
  Settle();
  client.reports.clear();
  poller_.Remove(pair.ours, client);

  pair.PeerSends("late");
  Settle();
  EXPECT_TRUE(client.reports.empty());
}

// Two sockets ready in the same turn, each client closing the other when reported: the
// report already collected for the removed one must not reach it.
TEST_F(SocketPollerTest, RemoveDuringATurnDropsTheReportAlreadyCollected) {
  SocketPair first;
  SocketPair second;
  RecordingClient first_client;
  RecordingClient second_client;
  ASSERT_TRUE(poller_.Add(first.ours, first_client));
  ASSERT_TRUE(poller_.Add(second.ours, second_client));
  Settle();
  first_client.reports.clear();
  second_client.reports.clear();
  first_client.on_ready = [&] { poller_.Remove(second.ours, second_client); };
  second_client.on_ready = [&] { poller_.Remove(first.ours, first_client); };

  first.PeerSends("x");
  second.PeerSends("y");
  Settle();
  EXPECT_EQ(first_client.reports.size() + second_client.reports.size(), 1u);
}

TEST_F(SocketPollerTest, ReportsRoomToWriteAfterTheSocketWasFull) {
  SocketPair pair;
  RecordingClient client;
  ASSERT_TRUE(poller_.Add(pair.ours, client));
  Settle();
  const std::string chunk(64 * 1024, 'x');
  while (::write(pair.ours, chunk.data(), chunk.size()) > 0) {
  }
  ASSERT_TRUE(errno == EAGAIN || errno == EWOULDBLOCK);
  client.reports.clear();
  Settle();
  EXPECT_TRUE(client.reports.empty()) << "still full";

  char sink[64 * 1024];
  while (::read(pair.peer, sink, sizeof(sink)) > 0) {
  }
  Settle();
  ASSERT_FALSE(client.reports.empty());
  EXPECT_NE(client.reports.back() & SocketPoller::kWritable, 0u);
  poller_.Remove(pair.ours, client);
}

TEST_F(SocketPollerTest, ReportsEverySocketWhenMoreAreReadyThanOneTurnTakes) {
  constexpr int kSockets = 600;  // more than the poller collects per turn
  std::vector<std::unique_ptr<SocketPair>> pairs;
  std::vector<std::unique_ptr<RecordingClient>> clients;
  for (int i = 0; i < kSockets; ++i) {
    pairs.push_back(std::make_unique<SocketPair>());
    clients.push_back(std::make_unique<RecordingClient>());
    ASSERT_TRUE(poller_.Add(pairs.back()->ours, *clients.back()));
  }
  Settle();
  for (int i = 0; i < kSockets; ++i) {
    clients[i]->reports.clear();
    pairs[i]->PeerSends("z");
  }
  Settle();
  for (int i = 0; i < kSockets; ++i) {
    EXPECT_TRUE(clients[i]->SawReadable()) << "socket " << i;
    poller_.Remove(pairs[i]->ours, *clients[i]);
  }
}

TEST_F(SocketPollerTest, AddRefusesWhatEpollCannotWatch) {
  RecordingClient client;
  const int unpollable = ::open("/dev/null", O_RDONLY);  // its driver has no poll
  ASSERT_GE(unpollable, 0);
  EXPECT_FALSE(poller_.Add(unpollable, client));
  ::close(unpollable);
}

}  // namespace
}  // namespace flod::server
