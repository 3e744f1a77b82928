// Redis list commands over Flo queues (LPUSH, RPOP, BRPOP, LLEN) and the Q* lease-cycle
// family, through the real handlers and queue engines of two in-process shards with a manual
// clock. Popped messages are leased for 30 s by default.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resp_in_process_host.h"

namespace flod::codec::resp {
namespace {

using namespace testing;

constexpr int64_t kDefaultLeaseMs = 30'000;

std::string Message(int64_t seq, std::string_view payload, int64_t deliveries) {
  return Array({Integer(seq), Bulk(payload), Integer(deliveries)});
}

class RespQueueCommandsTest : public ::testing::Test {
 protected:
  std::string Run(std::initializer_list<std::string_view> args) { return client_.Run(args); }

  InProcessShards shards_{2};
  InProcessConnection client_{shards_};
  InProcessConnection other_{shards_, 8};
};

TEST_F(RespQueueCommandsTest, LpushAnswersTheNumberOfReadyMessages) {
  EXPECT_EQ(Run({"LPUSH", "q", "a", "b", "c"}), Integer(3));
  EXPECT_EQ(Run({"LPUSH", "q", "d"}), Integer(4));
  EXPECT_EQ(Run({"LLEN", "q"}), Integer(4));
  EXPECT_EQ(Run({"LLEN", "missing"}), Integer(0));
}

TEST_F(RespQueueCommandsTest, RpopLeasesTheOldestMessagesFirst) {
  Run({"LPUSH", "q", "a", "b", "c", "d"});
  EXPECT_EQ(Run({"RPOP", "q"}), Bulk("a"));
  EXPECT_EQ(Run({"LLEN", "q"}), Integer(3));
  EXPECT_EQ(Run({"RPOP", "q", "2"}), Array({Bulk("b"), Bulk("c")}));
  EXPECT_EQ(Run({"RPOP", "q", "5"}), Array({Bulk("d")}));
  EXPECT_EQ(Run({"RPOP", "q"}), kNil);
  EXPECT_EQ(Run({"RPOP", "q", "3"}), kNilArray);
  EXPECT_EQ(Run({"RPOP", "q", "0"}), "*0\r\n");
  EXPECT_EQ(Run({"RPOP", "missing", "0"}), kNilArray);
  EXPECT_EQ(Run({"RPOP", "q", "-1"}), "-ERR value is out of range, must be positive\r\n");
  EXPECT_EQ(Run({"QSTATS", "q"}),
            Array({Bulk("ready"), Integer(0), Bulk("in_flight"), Integer(4), Bulk("delayed"),
                   Integer(0), Bulk("dlq"), Integer(0), Bulk("enqueued_total"), Integer(4),
                   Bulk("dequeued_total"), Integer(4)}));
}

TEST_F(RespQueueCommandsTest, AnUnackedMessageComesBackAfterItsLease) {
  Run({"LPUSH", "q", "job"});
  EXPECT_EQ(Run({"RPOP", "q"}), Bulk("job"));
  shards_.Advance(kDefaultLeaseMs - 1);
  EXPECT_EQ(Run({"LLEN", "q"}), Integer(0));
  shards_.Advance(1);
  EXPECT_EQ(Run({"LLEN", "q"}), Integer(1));
  EXPECT_EQ(Run({"QPOP", "q"}), Array({Message(1, "job", 2)}));
}

TEST_F(RespQueueCommandsTest, QackWithoutSeqsSettlesWhatThisConnectionPopped) {
  Run({"LPUSH", "q", "a", "b", "c"});
  EXPECT_EQ(Run({"RPOP", "q", "2"}), Array({Bulk("a"), Bulk("b")}));
  EXPECT_EQ(Run({"QACK", "q"}), Integer(2));
  EXPECT_EQ(Run({"QACK", "q"}),
            "-ERR no message of 'q' was popped on this connection; give the seqs (QPOP shows "
            "them)\r\n");
  EXPECT_EQ(other_.Run({"QACK", "q"}).substr(0, 20), "-ERR no message of '");
  shards_.Advance(kDefaultLeaseMs);
  EXPECT_EQ(Run({"LLEN", "q"}), Integer(1));  // only "c" is left: the acked ones are gone
}

TEST_F(RespQueueCommandsTest, QackWithoutSeqsSettlesOnlyTheLatestPopOfTheQueue) {
  Run({"LPUSH", "q", "a", "b", "c"});
  EXPECT_EQ(Run({"RPOP", "q", "2"}), Array({Bulk("a"), Bulk("b")}));
  EXPECT_EQ(Run({"RPOP", "q"}), Bulk("c"));
  EXPECT_EQ(Run({"QACK", "q"}), Integer(1));
  shards_.Advance(kDefaultLeaseMs);
  EXPECT_EQ(Run({"LLEN", "q"}), Integer(2));  // "a" and "b" were never acked and came back
}

TEST_F(RespQueueCommandsTest, QpopShowsSeqsForQackQnackAndQtouch) {
  Run({"LPUSH", "q", "a", "b", "c"});
  EXPECT_EQ(Run({"QPOP", "q", "COUNT", "2", "VISIBILITY", "1000"}),
            Array({Message(1, "a", 1), Message(2, "b", 1)}));
  EXPECT_EQ(Run({"QACK", "q", "1", "99"}), Integer(1));
  shards_.Advance(800);
  EXPECT_EQ(Run({"QTOUCH", "q", "2", "VISIBILITY", "1000"}), Integer(1));
  shards_.Advance(800);
  EXPECT_EQ(Run({"LLEN", "q"}), Integer(1));  // "b" is still leased
  EXPECT_EQ(Run({"QNACK", "q", "2"}), Integer(1));
  EXPECT_EQ(Run({"LLEN", "q"}), Integer(2));
  EXPECT_EQ(Run({"QPEEK", "q", "COUNT", "5"}), Array({Message(2, "b", 1), Message(3, "c", 0)}));
  EXPECT_EQ(Run({"QACK", "q", "x"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(Run({"QPOP", "q", "COUNT", "0"}), "-ERR value is out of range, must be positive\r\n");
  EXPECT_EQ(Run({"QPOP", "q", "SOON", "1"}), "-ERR syntax error\r\n");
}

TEST_F(RespQueueCommandsTest, DeadLetterCycle) {
  Run({"LPUSH", "q", "poison", "fine"});
  EXPECT_EQ(Run({"QPOP", "q"}), Array({Message(1, "poison", 1)}));
  EXPECT_EQ(Run({"QNACK", "q", "DLQ"}), Integer(1));  // the seq this connection popped
  EXPECT_EQ(Run({"QDLQ", "q"}), Array({Message(1, "poison", 1)}));
  EXPECT_EQ(Run({"QSTATS", "q"}).substr(0, 4), "*12\r");
  EXPECT_EQ(Run({"QREQUEUE", "q", "1"}), Integer(1));
  EXPECT_EQ(Run({"QDLQ", "q", "LIMIT", "10"}), "*0\r\n");
  EXPECT_EQ(Run({"RPOP", "q"}), Bulk("poison"));
  EXPECT_EQ(Run({"QNACK", "q", "DELAY", "500", "DLQ"}), Integer(1));
  EXPECT_EQ(Run({"QDLQDEL", "q", "1"}), Integer(1));
  EXPECT_EQ(Run({"QDLQ", "q"}), "*0\r\n");
  EXPECT_EQ(Run({"QNACK", "q", "1", "LATER"}), "-ERR syntax error\r\n");
}

TEST_F(RespQueueCommandsTest, QpurgeRemovesReadyMessagesAndQlistNamesQueues) {
  Run({"LPUSH", "jobs", "a", "b", "c"});
  Run({"LPUSH", "mail", "m"});
  Run({"RPOP", "jobs"});
  EXPECT_EQ(Run({"QPURGE", "jobs"}), Integer(2));
  EXPECT_EQ(Run({"LLEN", "jobs"}), Integer(0));
  EXPECT_EQ(Run({"QACK", "jobs"}), Integer(1));  // the leased one stayed and can be acked
  EXPECT_EQ(Run({"QLIST"}), Array({Bulk("jobs"), Bulk("mail")}));
}

TEST_F(RespQueueCommandsTest, BrpopAnswersAsSoonAsAnotherConnectionPushes) {
  EXPECT_EQ(Run({"BRPOP", "q", "5"}), "");
  EXPECT_EQ(Run({"PING"}), "");                              // held behind the blocked pop
  // Like Redis: LPUSH answers the length after its push; then the waiter takes the message.
  EXPECT_EQ(other_.Run({"LPUSH", "q", "job"}), Integer(1));
  EXPECT_EQ(client_.Take(), Array({Bulk("q"), Bulk("job")}) + "+PONG\r\n");
  EXPECT_EQ(Run({"QACK", "q"}), Integer(1));
}

TEST_F(RespQueueCommandsTest, BrpopTimesOutWithNilAndZeroWaitsForever) {
  EXPECT_EQ(Run({"BRPOP", "q", "0.5"}), "");
  shards_.Advance(499);
  EXPECT_EQ(client_.Take(), "");
  shards_.Advance(1);
  EXPECT_EQ(client_.Take(), kNilArray);
  EXPECT_EQ(Run({"BRPOP", "q", "0"}), "");
  for (int i = 0; i < 3; ++i) shards_.Advance(kMaxBlockMs);
  EXPECT_EQ(client_.Take(), "");
  other_.Run({"LPUSH", "q", "late"});
  EXPECT_EQ(client_.Take(), Array({Bulk("q"), Bulk("late")}));
}

TEST_F(RespQueueCommandsTest, BrpopServesTheFirstQueueThatHasMessages) {
  Run({"LPUSH", "q2", "two"});
  Run({"LPUSH", "q3", "three"});
  EXPECT_EQ(Run({"BRPOP", "q1", "q2", "q3", "1"}), Array({Bulk("q2"), Bulk("two")}));
  EXPECT_EQ(Run({"LLEN", "q3"}), Integer(1));  // the later queue was not touched
  EXPECT_EQ(Run({"BRPOP", "q", "-1"}), "-ERR timeout is negative\r\n");
  EXPECT_EQ(Run({"BRPOP", "q", "soon"}), "-ERR timeout is not a float or out of range\r\n");
}

TEST_F(RespQueueCommandsTest, BrpopOnSeveralQueuesGivesBackWhatALosingWaitTook) {
  EXPECT_EQ(Run({"BRPOP", "q1", "q2", "0"}), "");
  EXPECT_EQ(shards_.parked(), 2u);
  other_.Run({"LPUSH", "q1", "first"});
  EXPECT_EQ(client_.Take(), Array({Bulk("q1"), Bulk("first")}));
  // The wait on q2 is still parked until its round ends; a message arriving now is taken by
  // it and handed straight back.
  EXPECT_EQ(shards_.parked(), 1u);
  other_.Run({"LPUSH", "q2", "second"});
  EXPECT_EQ(shards_.parked(), 0u);
  EXPECT_EQ(Run({"LLEN", "q2"}), Integer(1));
  EXPECT_EQ(Run({"QPOP", "q2"}), Array({Message(1, "second", 2)}));
  EXPECT_EQ(client_.Take(), "");
}

TEST_F(RespQueueCommandsTest, QpopBlockWaitsAndAnswersAnEmptyArrayOnTimeout) {
  EXPECT_EQ(Run({"QPOP", "q", "BLOCK", "100"}), "");
  shards_.Advance(100);
  EXPECT_EQ(client_.Take(), "*0\r\n");
  EXPECT_EQ(Run({"QPOP", "q", "COUNT", "2", "BLOCK", "0"}), "");
  other_.Run({"LPUSH", "q", "x", "y"});
  EXPECT_EQ(client_.Take(), Array({Message(1, "x", 1), Message(2, "y", 1)}));
}

}  // namespace
}  // namespace flod::codec::resp
