// The per-connection command loop: reply order under out-of-order completion, holding
// commands behind a blocking one, flows (several requests per command), protocol errors and
// QUIT. The host here completes requests only when the test says so (or at once, when asked).

#include "flod/codec/resp/resp_processor.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "resp_test_support.h"

namespace flod::codec::resp {
namespace {

using testing::Multibulk;

class DeferringHost final : public RespHost {
 public:
  struct Pending {
    Request request;
    std::function<void(Result&&)> done;
  };

  Request& NextRequest() override { return next_; }
  void SubmitNext(std::function<void(Result&&)> done) override {
    Request request = std::move(next_);
    if (immediate) return done(Result::Ok(TextBody{"PONG"}));
    pending.push_back(Pending{std::move(request), std::move(done)});
  }
  std::string& Output() override { return output; }
  void CloseAfterWrite() override { closed = true; }
  ServerFacts Facts() const override { return {}; }
  std::vector<ClientInfo> Clients() const override { return {}; }
  void ClientChanged(const ClientState&) override {}

  // Completes the i-th request submitted so far with `text` as a ping answer.
  void Complete(size_t i) { pending[i].done(Result::Ok(TextBody{"PONG"})); }

  std::vector<Pending> pending;
  std::string output;
  bool closed = false;
  bool immediate = false;  // complete every request inside SubmitNext

 private:
  Request next_;
};

// Test rows: PING through an op, ECHO answered locally, and a command whose request blocks.
bool BuildPingOp(CommandContext&, Args, BuiltCommand& built, RespWriter&) {
  built.request.Restart(Op::kPing, {});
  return true;
}
bool BuildBlockingGet(CommandContext&, Args args, BuiltCommand& built, RespWriter&) {
  built.request.Restart(Op::kKvGet, args[1]);
  built.request.options.block_ms = 1000;
  return true;
}
void ReplyText(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  out.Simple(std::get<TextBody>(result.body).text);
}
void RunEchoLocal(CommandContext&, Args args, RespWriter& out) { out.Bulk(args[1]); }
void RunQuitLocal(CommandContext& context, Args, RespWriter& out) {
  context.client.close_after_reply = true;
  out.Simple("OK");
}

// Test flows. PAIR sends two pings at once and answers when both came back; CHAIN holds the
// connection and sends its second ping only after the first answered; RACE answers with the
// first of two and counts the late one; LOST forgets to answer.
int g_late_results = 0;
bool g_reentered = false;

class PairFlow final : public CommandFlow {
 public:
  void Start(FlowRunner& runner) override {
    in_start_ = true;
    runner.Submit(Request{}, 0);
    runner.Submit(Request{}, 1);
    in_start_ = false;
  }
  void OnResult(FlowRunner& runner, uint32_t, Result&) override {
    g_reentered = g_reentered || in_start_ || in_result_;
    in_result_ = true;
    if (++arrived_ == 2) runner.Finish("+both\r\n");
    in_result_ = false;
  }

 private:
  bool in_start_ = false;
  bool in_result_ = false;
  int arrived_ = 0;
};

class ChainFlow final : public CommandFlow {
 public:
  void Start(FlowRunner& runner) override {
    runner.Hold();
    runner.Submit(Request{}, 0);
  }
  void OnResult(FlowRunner& runner, uint32_t tag, Result&) override {
    if (tag == 0) return runner.Submit(Request{}, 1);
    runner.Finish("+chained\r\n");
  }
};

class RaceFlow final : public CommandFlow {
 public:
  void Start(FlowRunner& runner) override {
    runner.Submit(Request{}, 0);
    runner.Submit(Request{}, 1);
  }
  void OnResult(FlowRunner& runner, uint32_t, Result&) override { runner.Finish("+first\r\n"); }
  void OnLateResult(FlowRunner&, uint32_t, Result&) override { ++g_late_results; }
};

class LostFlow final : public CommandFlow {
 public:
  void Start(FlowRunner&) override {}
  void OnResult(FlowRunner&, uint32_t, Result&) override {}
};

template <typename F>
std::unique_ptr<CommandFlow> MakeFlow(CommandContext&, Args, RespWriter&) {
  return std::make_unique<F>();
}

const CommandSpec kTestRows[] = {
    {"PING", 1, 0, {}, "connection", "", "", ViaOp(BuildPingOp, ReplyText)},
    {"BGET",
     2,
     command_flags::kBlocking,
     {1, 1, 1},
     "string",
     "key",
     "",
     ViaOp(BuildBlockingGet, ReplyText)},
    {"ECHO", 2, 0, {}, "connection", "message", "", Local(RunEchoLocal)},
    {"QUIT", 1, 0, {}, "connection", "", "", Local(RunQuitLocal)},
    {"PAIR", 1, 0, {}, "connection", "", "", Flow(MakeFlow<PairFlow>)},
    {"CHAIN", 1, 0, {}, "connection", "", "", Flow(MakeFlow<ChainFlow>)},
    {"RACE", 1, 0, {}, "connection", "", "", Flow(MakeFlow<RaceFlow>)},
    {"LOST", 1, 0, {}, "connection", "", "", Flow(MakeFlow<LostFlow>)},
};

class RespProcessorTest : public ::testing::Test {
 protected:
  size_t Feed(std::string_view bytes) {
    input_ += bytes;
    const size_t consumed = processor_.OnInput(input_);
    input_.erase(0, consumed);
    return consumed;
  }

  CommandTable table_{kTestRows};
  DeferringHost host_;
  RespProcessor processor_{host_, 7, ParserLimits{}, table_};
  std::string input_;
};

TEST_F(RespProcessorTest, RepliesLeaveInRequestOrderWhenResultsArriveOutOfOrder) {
  Feed(Multibulk({"PING"}) + Multibulk({"ECHO", "two"}) + Multibulk({"PING"}) +
       Multibulk({"ECHO", "four"}));
  ASSERT_EQ(host_.pending.size(), 2u);
  EXPECT_EQ(host_.output, "");  // the first reply owed blocks every later one
  host_.Complete(1);
  EXPECT_EQ(host_.output, "");
  host_.Complete(0);
  EXPECT_EQ(host_.output, "+PONG\r\n$3\r\ntwo\r\n+PONG\r\n$4\r\nfour\r\n");
  EXPECT_EQ(processor_.replies_owed(), 0u);
}

TEST_F(RespProcessorTest, LocalAnswersGoStraightOutWhenNothingIsOwed) {
  Feed(Multibulk({"ECHO", "a"}) + "ECHO b\r\n");
  EXPECT_EQ(host_.output, "$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(processor_.commands_processed(), 2u);
}

TEST_F(RespProcessorTest, ErrorsKeepTheirPlaceInTheOrder) {
  Feed(Multibulk({"PING"}) + Multibulk({"NOPE", "x"}) + Multibulk({"ECHO"}));
  EXPECT_EQ(host_.output, "");
  host_.Complete(0);
  EXPECT_EQ(host_.output,
            "+PONG\r\n-ERR unknown command 'NOPE', with args beginning with: 'x' \r\n"
            "-ERR wrong number of arguments for 'echo' command\r\n");
  EXPECT_FALSE(host_.closed);
}

TEST_F(RespProcessorTest, ThousandsOfPipelinedCommandsInOneReadAllAnswer) {
  std::string batch;
  for (int i = 0; i < 5'000; ++i) batch += Multibulk({"PING"});
  Feed(batch);
  ASSERT_EQ(host_.pending.size(), 5'000u);
  for (size_t i = host_.pending.size(); i-- > 0;) host_.Complete(i);  // newest first
  std::string expected;
  for (int i = 0; i < 5'000; ++i) expected += "+PONG\r\n";
  EXPECT_EQ(host_.output, expected);
}

TEST_F(RespProcessorTest, IncompleteCommandStaysForTheNextRead) {
  const std::string command = Multibulk({"ECHO", "hello"});
  EXPECT_EQ(Feed(command.substr(0, 10)), 0u);
  EXPECT_EQ(Feed(command.substr(10)), command.size());
  EXPECT_EQ(host_.output, "$5\r\nhello\r\n");
}

TEST_F(RespProcessorTest, ABlockingCommandHoldsLaterCommandsUntilItAnswers) {
  Feed(Multibulk({"BGET", "q"}) + Multibulk({"ECHO", "after"}) + Multibulk({"PING"}));
  EXPECT_TRUE(processor_.blocked());
  ASSERT_EQ(host_.pending.size(), 1u);  // PING was not submitted: it waits behind BGET
  EXPECT_EQ(host_.output, "");
  host_.Complete(0);
  EXPECT_FALSE(processor_.blocked());
  ASSERT_EQ(host_.pending.size(), 2u);
  EXPECT_EQ(host_.output, "+PONG\r\n$5\r\nafter\r\n");
  host_.Complete(1);
  EXPECT_EQ(host_.output, "+PONG\r\n$5\r\nafter\r\n+PONG\r\n");
}

TEST_F(RespProcessorTest, CommandsArrivingWhileBlockedAreHeldToo) {
  Feed(Multibulk({"BGET", "q"}));
  Feed(Multibulk({"ECHO", "later"}));
  EXPECT_EQ(host_.output, "");
  host_.Complete(0);
  EXPECT_EQ(host_.output, "+PONG\r\n$5\r\nlater\r\n");
}

TEST_F(RespProcessorTest, AFlowWithoutHoldPipelinesAndKeepsItsPlace) {
  Feed(Multibulk({"PAIR"}) + Multibulk({"PING"}));
  ASSERT_EQ(host_.pending.size(), 3u);  // both of PAIR's requests, then PING's
  EXPECT_FALSE(processor_.blocked());
  host_.Complete(2);
  host_.Complete(0);
  EXPECT_EQ(host_.output, "");
  host_.Complete(1);
  EXPECT_EQ(host_.output, "+both\r\n+PONG\r\n");
}

TEST_F(RespProcessorTest, AFlowThatHoldsRunsLaterCommandsOnlyAfterItAnswers) {
  Feed(Multibulk({"CHAIN"}) + Multibulk({"PING"}) + Multibulk({"ECHO", "x"}));
  EXPECT_TRUE(processor_.blocked());
  ASSERT_EQ(host_.pending.size(), 1u);
  host_.Complete(0);
  ASSERT_EQ(host_.pending.size(), 2u);  // CHAIN's second request; PING still waits
  host_.Complete(1);
  EXPECT_FALSE(processor_.blocked());
  ASSERT_EQ(host_.pending.size(), 3u);
  host_.Complete(2);
  EXPECT_EQ(host_.output, "+chained\r\n+PONG\r\n$1\r\nx\r\n");
}

TEST_F(RespProcessorTest, AFlowSeesResultsOneAtATimeEvenWhenTheyComeBackAtOnce) {
  g_reentered = false;
  host_.immediate = true;
  Feed(Multibulk({"PAIR"}) + Multibulk({"CHAIN"}) + Multibulk({"ECHO", "end"}));
  EXPECT_FALSE(g_reentered);
  EXPECT_EQ(host_.output, "+both\r\n+chained\r\n$3\r\nend\r\n");
}

TEST_F(RespProcessorTest, ResultsAfterAFlowAnsweredGoToItsLateHandler) {
  g_late_results = 0;
  Feed(Multibulk({"RACE"}));
  host_.Complete(1);
  EXPECT_EQ(host_.output, "+first\r\n");
  host_.Complete(0);
  EXPECT_EQ(g_late_results, 1);
  EXPECT_EQ(host_.output, "+first\r\n");
}

TEST_F(RespProcessorTest, AFlowThatCannotAnswerGetsAnErrorInsteadOfHangingTheConnection) {
  Feed(Multibulk({"LOST"}) + Multibulk({"ECHO", "next"}));
  EXPECT_EQ(host_.output, "-ERR internal error: the command did not answer\r\n$4\r\nnext\r\n");
}

TEST_F(RespProcessorTest, ProtocolErrorAnswersAfterOwedRepliesThenCloses) {
  Feed(Multibulk({"PING"}) + "*1\r\n$x\r\n" + Multibulk({"ECHO", "never"}));
  EXPECT_TRUE(input_.empty());  // everything is consumed: the connection is going away
  EXPECT_TRUE(host_.closed);
  host_.Complete(0);
  EXPECT_EQ(host_.output, "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n");
  EXPECT_EQ(host_.pending.size(), 1u);
}

TEST_F(RespProcessorTest, QuitAnswersThenClosesAndIgnoresTheRest) {
  Feed(Multibulk({"QUIT"}) + Multibulk({"ECHO", "ignored"}));
  EXPECT_TRUE(host_.closed);
  EXPECT_EQ(host_.output, "+OK\r\n");
}

}  // namespace
}  // namespace flod::codec::resp
