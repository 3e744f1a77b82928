#pragma once
// One client socket on one shard: reads, sniffs the protocol from the first bytes, hands
// input to the protocol Session, and writes replies in batches. Lives on its shard's thread;
// kept alive by its shard until it closes or moves, and by its calls while they are out.

#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <functional>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <sys/types.h>

#include "flod/core/request.h"
#include "call.h"
#include "session.h"
#include "socket_poller.h"

namespace flod::server {

class Shard;
class ShardSet;
struct ServerRuntime;

class Connection final : public std::enable_shared_from_this<Connection>,
                         public SocketPoller::Client {
 public:
  // Takes over `fd`, a connected TCP socket.
  Connection(int fd, ServerRuntime& runtime, Shard& shard, uint64_t id);
  // Closes the socket if it is still ours.
  ~Connection();

  // On `shard`'s thread: a connection for a descriptor released from a socket elsewhere (a
  // fresh accept, or a connection moving here), registered with this shard's poller here and
  // adopted by the shard. The shards' reactors run without per-socket locking, so every
  // socket reaches a shard this way.
  static std::shared_ptr<Connection> Adopt(ServerRuntime& runtime, Shard& shard, int fd,
                                           uint64_t id);

  void Start();
  // Starts serving a connection that moved here from another shard (see Migrate).
  void Resume(std::unique_ptr<Session> session, std::string input, size_t input_size);
  // The request SubmitNext sends: a pooled call's, filled in place by the session. It holds
  // stale values until the session starts it over.
  Request& NextRequest();
  // Sends NextRequest() (which the session has filled) to its owner shard; `on_result` runs
  // on this connection's thread, and only while the connection is open.
  void SubmitNext(std::function<void(Result&&)> on_result);
  // A call of ours came back (this thread).
  void Finish(CallPtr call);
  // Any thread: the client has gone away (EOF or closed).
  bool peer_gone() const { return peer_gone_.load(std::memory_order_relaxed); }
  // Queues bytes for the client; written as soon as the socket is free.
  void Send(std::string_view bytes);
  // End of the shard's loop turn: writes what is queued (and resumes reading if replies
  // held it back).
  void WriteReplies();
  // Stops reading; closes the socket once everything queued has been written.
  void CloseAfterWrite();
  void StopReading();
  // Closes now (server shutdown).
  void Shutdown();
  // The poller's report for our socket.
  void OnReady(uint32_t events) override;

  uint64_t id() const { return id_; }
  const std::string& peer() const { return peer_; }
  const ServerRuntime& runtime() const { return runtime_; }
  std::string& output() { return output_; }

 private:
  bool CanRead() const;
  void Read();
  void WaitReadable();
  // `error`: an errno value, or 0 for the client's end of stream.
  void OnReadError(int error);
  void ProcessInput();
  bool ChooseSession();
  // Connection affinity: a client whose requests keep going to one other shard is moved
  // there, so its requests stop paying two cross-thread hops each.
  void NoteOwner(std::optional<uint32_t> owner);
  void MaybeMigrate();
  void Migrate(uint32_t target);
  void RejectUnserved(std::string_view protocol, std::string_view reply);
  void Write();
  // Sends what is left of writing_; once all of it is gone, goes on with output_.
  void WriteRest();
  ssize_t SendSome(std::string_view bytes);
  void PostWrite();
  void CloseIfDone();
  void CloseSocket();

  int fd_;  // non-blocking; -1 once closed or handed to another shard
  ServerRuntime& runtime_;
  Shard& shard_;
  const uint64_t id_;
  std::string peer_;
  std::atomic<bool> peer_gone_{false};  // set at EOF or close: our parked calls are dropped
  bool socket_closed_ = false;
  bool write_posted_ = false;  // a Write is queued for the end of this loop turn
  std::unique_ptr<Session> session_;
  CallPtr next_call_;  // holds NextRequest(); taken from the shard's pool when first asked
  boost::asio::steady_timer sniff_timer_;

  std::string input_;
  size_t input_size_ = 0;   // bytes of input_ that hold data (the rest is read room)
  std::string output_;      // replies waiting for the socket
  std::string writing_;     // the batch being written
  size_t writing_sent_ = 0;  // bytes of writing_ the socket took
  bool reading_ = false;        // waiting for input, or a posted Read is outstanding
  bool awaiting_input_ = false;  // drained: the poller's next kReadable report reads again
  bool writing_now_ = false;     // writing_ waits for the poller's kWritable report
  bool read_stopped_ = false;   // EOF from the client, or the server stopped reading
  bool close_requested_ = false;
  bool processing_ = false;     // inside ProcessInput: batch replies into one write
  uint64_t in_flight_ = 0;
  uint32_t affinity_shard_ = 0;   // the other shard the latest requests went to
  uint32_t affinity_streak_ = 0;  // how many in a row
  bool migrating_ = false;
  std::chrono::steady_clock::time_point last_migration_{};
};

}  // namespace flod::server
