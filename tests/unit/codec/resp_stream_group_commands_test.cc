// Redis consumer-group commands (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM,
// XINFO GROUPS/CONSUMERS) through the real handlers and stream engines of two in-process
// shards with a manual clock. Ids start at 1700000000000-0.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/resp/stream_read_util.h"
#include "resp_in_process_host.h"

namespace flod::codec::resp {
namespace {

using namespace testing;

std::string Id(int seq) { return "1700000000000-" + std::to_string(seq); }

std::string Streams(const std::vector<std::pair<std::string, std::vector<std::string>>>& parts) {
  std::vector<std::string> items;
  for (const auto& [key, entries] : parts) items.push_back(Array({Bulk(key), Array(entries)}));
  return Array(items);
}

class RespStreamGroupCommandsTest : public ::testing::Test {
 protected:
  std::string Run(std::initializer_list<std::string_view> args) { return client_.Run(args); }

  // Three entries in "s" and a group "g" that delivers them from the start.
  void ThreeEntriesAndAGroup() {
    for (int i = 0; i < 3; ++i) Run({"XADD", "s", "*", "i", std::to_string(i)});
    ASSERT_EQ(Run({"XGROUP", "CREATE", "s", "g", "0"}), kOk);
  }

  InProcessShards shards_{2};
  InProcessConnection client_{shards_};
  InProcessConnection other_{shards_, 8};
};

TEST_F(RespStreamGroupCommandsTest, XgroupCreateNeedsTheStreamUnlessMkstream) {
  EXPECT_EQ(Run({"XGROUP", "CREATE", "s", "g", "$"}),
            "-ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may "
            "want to use the MKSTREAM option to create an empty stream automatically.\r\n");
  EXPECT_EQ(Run({"TYPE", "s"}), "+none\r\n");
  EXPECT_EQ(Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"}), kOk);
  EXPECT_EQ(Run({"XGROUP", "CREATE", "s", "g", "$"}),
            "-BUSYGROUP Consumer Group name already exists\r\n");
  EXPECT_EQ(Run({"TYPE", "s"}), "+stream\r\n");
  EXPECT_EQ(Run({"XGROUP", "CREATE", "s", "h", "bad"}),
            "-ERR Invalid stream ID specified as stream command argument\r\n");
  EXPECT_EQ(Run({"XGROUP", "CREATE", "s", "h", "0", "ENTRIESREAD", "3"}), kOk);
  EXPECT_EQ(Run({"XGROUP", "NOPE"}), "-ERR unknown subcommand 'NOPE'. Try XGROUP HELP.\r\n");
}

TEST_F(RespStreamGroupCommandsTest, EachEntryGoesToOneConsumerOfTheGroup) {
  ThreeEntriesAndAGroup();
  EXPECT_EQ(Run({"XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">"}),
            Streams({{"s", {Entry(Id(0), {"i", "0"}), Entry(Id(1), {"i", "1"})}}}));
  EXPECT_EQ(Run({"XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">"}),
            Streams({{"s", {Entry(Id(2), {"i", "2"})}}}));
  EXPECT_EQ(Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"}), kNilArray);
  EXPECT_EQ(Run({"XPENDING", "s", "g"}),
            Array({Integer(3), Bulk(Id(0)), Bulk(Id(2)),
                   Array({Array({Bulk("c1"), Bulk("2")}), Array({Bulk("c2"), Bulk("1")})})}));
  EXPECT_EQ(Run({"XACK", "s", "g", Id(0), Id(2), "5-5"}), Integer(2));
  EXPECT_EQ(Run({"XACK", "s", "g", Id(0)}), Integer(0));
  EXPECT_EQ(Run({"XACK", "s", "nogroup", Id(1)}), Integer(0));
  EXPECT_EQ(Run({"XPENDING", "s", "g"}),
            Array({Integer(1), Bulk(Id(1)), Bulk(Id(1)), Array({Array({Bulk("c1"), Bulk("1")})})}));
}

TEST_F(RespStreamGroupCommandsTest, AnIdReadsTheConsumersOwnPendingEntries) {
  ThreeEntriesAndAGroup();
  Run({"XREADGROUP", "GROUP", "g", "c1", "COUNT", "2", "STREAMS", "s", ">"});
  EXPECT_EQ(Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", "0"}),
            Streams({{"s", {Entry(Id(0), {"i", "0"}), Entry(Id(1), {"i", "1"})}}}));
  EXPECT_EQ(Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", Id(0)}),
            Streams({{"s", {Entry(Id(1), {"i", "1"})}}}));
  Run({"XACK", "s", "g", Id(0), Id(1)});
  EXPECT_EQ(Run({"XREADGROUP", "GROUP", "g", "c1", "BLOCK", "0", "STREAMS", "s", "0"}),
            Streams({{"s", {}}}));  // history never blocks, and shows the stream even when empty
}

TEST_F(RespStreamGroupCommandsTest, MissingGroupsAnswerNogroup) {
  Run({"XADD", "s", "*", "a", "1"});
  EXPECT_EQ(Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}),
            "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n");
  EXPECT_EQ(Run({"XINFO", "GROUPS", "s"}), "*0\r\n");  // the read did not create the group
  EXPECT_EQ(Run({"XPENDING", "s", "g"}), "-NOGROUP No such key 's' or consumer group 'g'\r\n");
  EXPECT_EQ(Run({"XCLAIM", "s", "g", "c", "0", Id(0)}),
            "-NOGROUP No such key 's' or consumer group 'g'\r\n");
  EXPECT_EQ(Run({"XGROUP", "CREATECONSUMER", "s", "g", "c"}),
            "-NOGROUP No such key 's' or consumer group 'g'\r\n");
  EXPECT_EQ(Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "t", ">"}),
            "-ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must "
            "be specified.\r\n");
}

TEST_F(RespStreamGroupCommandsTest, NoackDeliversWithoutAPendingEntry) {
  ThreeEntriesAndAGroup();
  EXPECT_EQ(BulksOf(Run({"XREADGROUP", "GROUP", "g", "c", "NOACK", "STREAMS", "s", ">"})).size(),
            1u + 3 * 3);
  EXPECT_EQ(Run({"XPENDING", "s", "g"}),
            Array({Integer(0), std::string(kNil), std::string(kNil), std::string(kNilArray)}));
}

TEST_F(RespStreamGroupCommandsTest, GroupsCreatedThroughRespNeverRedeliverByThemselves) {
  ThreeEntriesAndAGroup();
  Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"});
  shards_.Advance(10 * 60'000);  // far past Flo's default ack timeout
  EXPECT_EQ(Run({"XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">"}), kNilArray);
  EXPECT_EQ(Run({"XPENDING", "s", "g", "-", "+", "10", "c1"}).substr(0, 4), "*3\r\n");
}

TEST_F(RespStreamGroupCommandsTest, XpendingExtendedFormFiltersByIdleTimeRangeAndConsumer) {
  ThreeEntriesAndAGroup();
  Run({"XREADGROUP", "GROUP", "g", "c1", "COUNT", "1", "STREAMS", "s", ">"});
  shards_.Advance(5'000);
  Run({"XREADGROUP", "GROUP", "g", "c2", "STREAMS", "s", ">"});
  shards_.Advance(1'000);
  EXPECT_EQ(Run({"XPENDING", "s", "g", "-", "+", "10"}),
            Array({Array({Bulk(Id(0)), Bulk("c1"), Integer(6'000), Integer(1)}),
                   Array({Bulk(Id(1)), Bulk("c2"), Integer(1'000), Integer(1)}),
                   Array({Bulk(Id(2)), Bulk("c2"), Integer(1'000), Integer(1)})}));
  EXPECT_EQ(Run({"XPENDING", "s", "g", "IDLE", "2000", "-", "+", "10"}),
            Array({Array({Bulk(Id(0)), Bulk("c1"), Integer(6'000), Integer(1)})}));
  EXPECT_EQ(Run({"XPENDING", "s", "g", "(" + Id(0), "+", "1"}),
            Array({Array({Bulk(Id(1)), Bulk("c2"), Integer(1'000), Integer(1)})}));
  EXPECT_EQ(Run({"XPENDING", "s", "g", "-", "+", "10", "c1"}).substr(0, 4), "*1\r\n");
  EXPECT_EQ(Run({"XPENDING", "s", "g", "-", "+", "0"}), "*0\r\n");
  EXPECT_EQ(Run({"XPENDING", "s", "g", "-", "+"}), "-ERR syntax error\r\n");
}

TEST_F(RespStreamGroupCommandsTest, XclaimMovesEntriesIdleLongEnough) {
  ThreeEntriesAndAGroup();
  Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"});
  shards_.Advance(1'000);
  EXPECT_EQ(Run({"XCLAIM", "s", "g", "c2", "5000", Id(0)}), "*0\r\n");  // not idle long enough
  EXPECT_EQ(Run({"XCLAIM", "s", "g", "c2", "500", Id(0), Id(1)}),
            Array({Entry(Id(0), {"i", "0"}), Entry(Id(1), {"i", "1"})}));
  EXPECT_EQ(Run({"XPENDING", "s", "g", "-", Id(0), "1"}),
            Array({Array({Bulk(Id(0)), Bulk("c2"), Integer(0), Integer(2)})}));
  shards_.Advance(1'000);
  EXPECT_EQ(Run({"XCLAIM", "s", "g", "c3", "0", Id(2), "JUSTID"}), Array({Bulk(Id(2))}));
  EXPECT_EQ(Run({"XCLAIM", "s", "g", "c3", "0", Id(2), "FORCE"}),
            "-ERR XCLAIM option FORCE is not supported by flod\r\n");
  EXPECT_EQ(Run({"XCLAIM", "s", "g", "c3", "x", Id(2)}),
            "-ERR value is not an integer or out of range\r\n");
}

TEST_F(RespStreamGroupCommandsTest, XautoclaimScansThePendingList) {
  ThreeEntriesAndAGroup();
  Run({"XREADGROUP", "GROUP", "g", "c1", "STREAMS", "s", ">"});
  shards_.Advance(1'000);
  EXPECT_EQ(
      Run({"XAUTOCLAIM", "s", "g", "c2", "500", "0-0", "COUNT", "2"}),
      Array({Bulk(Id(2)), Array({Entry(Id(0), {"i", "0"}), Entry(Id(1), {"i", "1"})}), "*0\r\n"}));
  EXPECT_EQ(Run({"XAUTOCLAIM", "s", "g", "c2", "500", Id(2), "JUSTID"}),
            Array({Bulk("0-0"), Array({Bulk(Id(2))}), "*0\r\n"}));
  EXPECT_EQ(Run({"XAUTOCLAIM", "s", "g", "c2", "0", "-", "COUNT", "0"}),
            "-ERR COUNT must be > 0\r\n");
}

TEST_F(RespStreamGroupCommandsTest, SetIdDestroyAndConsumers) {
  ThreeEntriesAndAGroup();
  EXPECT_EQ(Run({"XGROUP", "SETID", "s", "g", Id(1)}), kOk);
  EXPECT_EQ(Run({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"}),
            Streams({{"s", {Entry(Id(2), {"i", "2"})}}}));
  EXPECT_EQ(Run({"XGROUP", "SETID", "s", "g", "$"}), kOk);
  EXPECT_EQ(Run({"XGROUP", "SETID", "s", "nope", "$"}),
            "-NOGROUP No such key 's' or consumer group 'nope'\r\n");
  EXPECT_EQ(Run({"XGROUP", "CREATECONSUMER", "s", "g", "idle"}), Integer(1));
  EXPECT_EQ(Run({"XGROUP", "CREATECONSUMER", "s", "g", "idle"}), Integer(0));
  EXPECT_EQ(Run({"XINFO", "CONSUMERS", "s", "g"}),
            Array({Array({Bulk("name"), Bulk("c"), Bulk("pending"), Integer(1), Bulk("idle"),
                          Integer(0)}),
                   Array({Bulk("name"), Bulk("idle"), Bulk("pending"), Integer(0), Bulk("idle"),
                          Integer(0)})}));
  EXPECT_EQ(Run({"XGROUP", "DELCONSUMER", "s", "g", "c"}), Integer(1));
  EXPECT_EQ(Run({"XPENDING", "s", "g"}).substr(0, 8), "*4\r\n:0\r\n");  // forgotten, as Redis
  EXPECT_EQ(Run({"XINFO", "GROUPS", "s"}),
            Array({Array({Bulk("name"), Bulk("g"), Bulk("consumers"), Integer(1), Bulk("pending"),
                          Integer(0), Bulk("last-delivered-id"), Bulk(Id(2))})}));
  EXPECT_EQ(Run({"XGROUP", "DESTROY", "s", "g"}), Integer(1));
  EXPECT_EQ(Run({"XGROUP", "DESTROY", "s", "g"}), Integer(0));
  EXPECT_EQ(Run({"XINFO", "CONSUMERS", "s", "g"}),
            "-NOGROUP No such key 's' or consumer group 'g'\r\n");
  EXPECT_EQ(Run({"XINFO", "GROUPS", "nope"}), "-ERR no such key\r\n");
}

TEST_F(RespStreamGroupCommandsTest, BlockingXreadgroupAnswersWhenAnotherConnectionAppends) {
  Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"});
  EXPECT_EQ(Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">"}), "");
  shards_.Advance(kMaxBlockMs);  // one park's longest wait passes; BLOCK 0 keeps waiting
  EXPECT_EQ(client_.Take(), "");
  const std::string id = BulksOf(other_.Run({"XADD", "s", "*", "job", "1"})).at(0);
  EXPECT_EQ(client_.Take(), Streams({{"s", {Entry(id, {"job", "1"})}}}));
  EXPECT_EQ(Run({"XPENDING", "s", "g"}).substr(0, 8), "*4\r\n:1\r\n");
}

TEST_F(RespStreamGroupCommandsTest, BlockingXreadgroupTimesOutWithNil) {
  Run({"XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"});
  EXPECT_EQ(Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "250", "STREAMS", "s", ">"}), "");
  shards_.Advance(250);
  EXPECT_EQ(client_.Take(), kNilArray);
}

TEST_F(RespStreamGroupCommandsTest, BlockingOnSeveralStreamsDeliversOnlyWhatItAnswers) {
  for (const char* key : {"a", "b"}) Run({"XGROUP", "CREATE", key, "g", "$", "MKSTREAM"});
  EXPECT_EQ(Run({"XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "a", "b", ">", ">"}),
            "");
  shards_.Advance(kSliceMs);
  shards_.Advance(kSliceMs);
  EXPECT_EQ(client_.Take(), "");
  const std::string id = BulksOf(other_.Run({"XADD", "b", "*", "k", "v"})).at(0);
  EXPECT_EQ(client_.Take(), Streams({{"b", {Entry(id, {"k", "v"})}}}));
  // The probe left parked on "a" took nothing: a later record there goes to whoever reads.
  other_.Run({"XADD", "a", "*", "k", "w"});
  EXPECT_EQ(Run({"XPENDING", "a", "g"}).substr(0, 8), "*4\r\n:0\r\n");
  EXPECT_EQ(BulksOf(other_.Run({"XREADGROUP", "GROUP", "g", "d", "STREAMS", "a", ">"})).size(), 4u);
}

}  // namespace
}  // namespace flod::codec::resp
