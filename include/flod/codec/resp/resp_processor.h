#pragma once
// One RESP connection's command loop, without the socket: bytes in, commands run, replies out
// in request order. The server's session wraps it (src/server/resp_session.cc); tests drive
// it with a host of their own.
//
// Ordering: every command takes the next reply slot. Local answers and argument errors are
// ready at once; an op's reply is ready when its Result comes back, which may be out of order
// when the requests ran on different shards. Slots leave strictly in order, so a client sees
// Redis's pipelining semantics however many commands it sends in one read.
//
// Blocking commands hold the connection as in Redis: while one waits, later commands are
// parsed and kept, not run; they run in order once it has answered. Flows (command_flow.h)
// that wait or depend on earlier answers hold it the same way.
//
// Protocol errors (broken framing) answer "-ERR Protocol error: ..." after the replies already
// owed, then close. Every other error answers and keeps the connection.
//
// Not thread-safe: used on the connection's thread only.

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "flod/codec/resp/command_flow.h"
#include "flod/codec/resp/command_table.h"
#include "flod/codec/resp/resp_parser.h"

namespace flod::codec::resp {

class RespHost : public CommandHost {
 public:
  // The request SubmitNext sends. Commands are built straight into it (a request is large,
  // and moving it costs more than filling it); it holds whatever it held last.
  virtual Request& NextRequest() = 0;
  // Runs NextRequest() where it belongs (after checking it). Calls `done` exactly once, on the
  // connection's thread, possibly before SubmitNext returns; never after the connection
  // closed.
  virtual void SubmitNext(std::function<void(Result&&)> done) = 0;
  // SubmitNext for a request built elsewhere.
  void Submit(Request&& request, std::function<void(Result&&)> done) {
    NextRequest() = std::move(request);
    SubmitNext(std::move(done));
  }
  // The connection's output buffer; whatever is appended here is sent.
  virtual std::string& Output() = 0;
  // Stop reading; close once every reply queued so far has been written.
  virtual void CloseAfterWrite() = 0;
};

class RespProcessor {
 public:
  // Commands held behind a blocking command may take this many bytes; a client that sends
  // more meanwhile gets a protocol error.
  static constexpr size_t kMaxHeldBytes = 64u << 20;

  RespProcessor(RespHost& host, uint64_t client_id, ParserLimits limits,
                const CommandTable& table = DefaultCommandTable());
  RespProcessor(const RespProcessor&) = delete;
  RespProcessor& operator=(const RespProcessor&) = delete;

  // Handles every complete command in `input`; returns the bytes consumed (an incomplete
  // command stays for the next call, with the same bytes in front).
  size_t OnInput(std::string_view input);

  const ClientState& client() const { return client_; }
  uint64_t commands_processed() const { return commands_processed_; }
  // The last command run (for CLIENT LIST), nullptr before the first.
  const CommandSpec* last_command() const { return last_command_; }
  size_t replies_owed() const { return slots_.size(); }
  bool blocked() const { return blocked_; }

 private:
  struct Slot {
    bool ready = false;
    std::string bytes;
    // For a submitted command: how to write its answer. Kept here rather than in the
    // completion callback, so the callback stays small enough not to allocate.
    const CommandSpec* spec = nullptr;
    ReplyNote note;
  };
  class RunningFlow;  // a flow's FlowRunner (resp_processor.cc)

  void Execute(std::span<const std::string_view> args);
  // Where an answer that is ready now goes: the output when nothing is owed before it,
  // otherwise a new ready slot.
  std::string& ReadySink();
  void Submit(const CommandSpec& spec, BuiltCommand&& built);
  void Complete(uint64_t seq, Result& result);
  void StartFlow(std::unique_ptr<CommandFlow> flow);
  // Fills slot `seq` with `reply`; releases the connection when that command held it.
  void FinishSlot(uint64_t seq, std::string reply);
  void Release(uint64_t seq);
  void FlushReadySlots();
  void Hold(std::span<const std::string_view> args);
  void RunHeld();
  void ProtocolError(std::string_view message);

  RespHost& host_;
  const CommandTable& table_;
  RespParser parser_;
  ParsedCommand parsed_;
  ClientState client_;
  CommandContext context_;

  std::deque<Slot> slots_;  // replies owed, oldest first
  uint64_t first_seq_ = 0;  // sequence number of slots_.front()
  uint64_t next_seq_ = 0;

  bool blocked_ = false;
  uint64_t blocked_seq_ = 0;
  bool running_held_ = false;
  std::deque<std::vector<std::string>> held_;
  size_t held_bytes_ = 0;

  bool closing_ = false;
  uint64_t commands_processed_ = 0;
  const CommandSpec* last_command_ = nullptr;
  const CommandSpec* last_found_ = nullptr;  // table_.Find's last answer (a top-level command)
};

}  // namespace flod::codec::resp
