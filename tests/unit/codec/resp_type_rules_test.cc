// One name, one type: TYPE names KV keys, streams and queues, and commands of one type refuse
// a name another engine holds (-WRONGTYPE), as Redis refuses a key of another type.

#include <gtest/gtest.h>

#include <string>

#include "resp_in_process_host.h"

namespace flod::codec::resp {
namespace {

using namespace testing;

class RespTypeRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(Run({"SET", "text", "v"}), kOk);
    ASSERT_EQ(Run({"JSON.SET", "doc", "$", "{}"}), kOk);
    ASSERT_EQ(Run({"XADD", "events", "*", "a", "1"}).substr(0, 4), "$15\r");
    ASSERT_EQ(Run({"LPUSH", "jobs", "j"}), Integer(1));
  }
  std::string Run(std::initializer_list<std::string_view> args) { return client_.Run(args); }

  InProcessShards shards_{2};
  InProcessConnection client_{shards_};
};

TEST_F(RespTypeRulesTest, TypeNamesEveryKindOfValue) {
  EXPECT_EQ(Run({"TYPE", "text"}), "+string\r\n");
  EXPECT_EQ(Run({"TYPE", "doc"}), "+ReJSON-RL\r\n");
  EXPECT_EQ(Run({"TYPE", "events"}), "+stream\r\n");
  EXPECT_EQ(Run({"TYPE", "jobs"}), "+list\r\n");
  EXPECT_EQ(Run({"TYPE", "nothing"}), "+none\r\n");
  Run({"RPOP", "jobs"});
  Run({"QACK", "jobs"});
  EXPECT_EQ(Run({"TYPE", "jobs"}), "+list\r\n");  // an emptied queue still exists
}

TEST_F(RespTypeRulesTest, StringAndJsonCommandsRefuseStreamsAndQueues) {
  for (const char* name : {"events", "jobs"}) {
    EXPECT_EQ(Run({"GET", name}), kWrongType) << name;
    EXPECT_EQ(Run({"SET", name, "v"}), kWrongType) << name;
    EXPECT_EQ(Run({"INCR", name}), kWrongType) << name;
    EXPECT_EQ(Run({"JSON.GET", name}), kWrongType) << name;
  }
  EXPECT_EQ(Run({"XLEN", "events"}), Integer(1));  // nothing was overwritten
  EXPECT_EQ(Run({"LLEN", "jobs"}), Integer(1));
}

TEST_F(RespTypeRulesTest, QueueAndStreamCommandsRefuseKeysOfOtherTypes) {
  for (const char* name : {"text", "doc"}) {
    EXPECT_EQ(Run({"LPUSH", name, "x"}), kWrongType) << name;
    EXPECT_EQ(Run({"RPOP", name}), kWrongType) << name;
    EXPECT_EQ(Run({"LLEN", name}), kWrongType) << name;
    EXPECT_EQ(Run({"BRPOP", name, "1"}), kWrongType) << name;
    EXPECT_EQ(Run({"XADD", name, "*", "a", "1"}), kWrongType) << name;
    EXPECT_EQ(Run({"XLEN", name}), kWrongType) << name;
    EXPECT_EQ(Run({"XRANGE", name, "-", "+"}), kWrongType) << name;
    EXPECT_EQ(Run({"XREAD", "STREAMS", name, "0"}), kWrongType) << name;
    EXPECT_EQ(Run({"XGROUP", "CREATE", name, "g", "$", "MKSTREAM"}), kWrongType) << name;
  }
  EXPECT_EQ(Run({"LPUSH", "events", "x"}), kWrongType);
  EXPECT_EQ(Run({"XADD", "jobs", "*", "a", "1"}), kWrongType);
  EXPECT_EQ(Run({"XINFO", "STREAM", "jobs"}), kWrongType);
  EXPECT_EQ(Run({"GET", "text"}), Bulk("v"));
}

TEST_F(RespTypeRulesTest, KeyspaceCommandsSeeKvKeysOnly) {
  EXPECT_EQ(Run({"EXISTS", "text", "events", "jobs"}), Integer(1));
  EXPECT_EQ(Run({"DEL", "events", "jobs"}), Integer(0));
  EXPECT_EQ(Run({"DBSIZE"}), Integer(2));
  EXPECT_EQ(Run({"XLEN", "events"}), Integer(1));
}

}  // namespace
}  // namespace flod::codec::resp
