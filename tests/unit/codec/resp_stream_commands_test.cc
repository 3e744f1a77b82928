// Redis stream commands (XADD, XLEN, XRANGE, XREVRANGE, XTRIM, XDEL, XINFO STREAM, XREAD)
// through the real command table, handlers and stream engines of two in-process shards, with
// a manual clock (ids start at 1700000000000-0). Blocking reads park like on the server.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "resp_in_process_host.h"

namespace flod::codec::resp {
namespace {

using namespace testing;

constexpr std::string_view kT0 = "1700000000000";

std::string Id(int seq) { return std::string(kT0) + "-" + std::to_string(seq); }

// What the Flo codec builds for a single append (no headers, no RESP type rule).
Request MakeFloAppend(std::string_view stream, std::string payload) {
  Request request;
  request.op = Op::kStreamAppend;
  request.key = std::string(stream);
  request.value = std::move(payload);
  return request;
}

class RespStreamCommandsTest : public ::testing::Test {
 protected:
  std::string Run(std::initializer_list<std::string_view> args) { return client_.Run(args); }

  // The engine's copy of the first record of `stream` (whichever shard owns it).
  StreamRecord StoredRecord(std::string_view stream) {
    for (uint32_t i = 0; i < 2; ++i) {
      const Result read = shards_.shard(i).stream.Read(kDefaultNamespace, stream, {});
      if (read.ok()) return std::get<RecordsBody>(read.body).records.at(0);
    }
    ADD_FAILURE() << "no stream " << stream;
    return {};
  }

  InProcessShards shards_{2};
  InProcessConnection client_{shards_};
  InProcessConnection other_{shards_, 8};
};

TEST_F(RespStreamCommandsTest, XaddAssignsIdsAndXrangeAnswersTheFields) {
  EXPECT_EQ(Run({"XADD", "s", "*", "name", "ada", "age", "36"}), Bulk(Id(0)));
  EXPECT_EQ(Run({"XADD", "s", "*", "name", "bob"}), Bulk(Id(1)));
  EXPECT_EQ(Run({"XLEN", "s"}), Integer(2));
  EXPECT_EQ(Run({"XRANGE", "s", "-", "+"}),
            Array({Entry(Id(0), {"name", "ada", "age", "36"}), Entry(Id(1), {"name", "bob"})}));
  EXPECT_EQ(Run({"XLEN", "missing"}), Integer(0));
  EXPECT_EQ(Run({"XRANGE", "missing", "-", "+"}), "*0\r\n");
}

TEST_F(RespStreamCommandsTest, FieldsAreStoredAsAJsonObjectFloClientsCanRead) {
  Run({"XADD", "s", "*", "name", "ada", "note", "say \"hi\"\n", "emoji", "\xc3\xa9"});
  const StreamRecord record = StoredRecord("s");
  EXPECT_EQ(record.payload, R"({"name":"ada","note":"say \"hi\"\n","emoji":"é"})");
  EXPECT_TRUE(record.headers.empty());
  EXPECT_EQ(Run({"XRANGE", "s", "-", "+"}),
            Array({Entry(Id(0), {"name", "ada", "note", "say \"hi\"\n", "emoji", "\xc3\xa9"})}));
}

TEST_F(RespStreamCommandsTest, BinaryValuesAndRepeatedFieldsRoundTripExactly) {
  const std::string binary("\xff\x00\x01", 3);
  Run({"XADD", "s", "*", "blob", binary, "blob", "again"});
  const StreamRecord record = StoredRecord("s");
  ASSERT_EQ(record.headers.size(), 1u);
  EXPECT_EQ(record.headers[0].first, "redis-fields");
  EXPECT_EQ(record.headers[0].second, "binary");
  EXPECT_EQ(Run({"XRANGE", "s", "-", "+"}),
            Array({Entry(Id(0), {"blob", binary, "blob", "again"})}));
}

TEST_F(RespStreamCommandsTest, RecordsAppendedThroughFloReadAsFields) {
  const auto append = [&](std::string payload) {
    Request request = MakeFloAppend("flo", std::move(payload));
    shards_.Run(std::move(request), [](Result&& result) { EXPECT_TRUE(result.ok()); });
  };
  append("plain bytes");
  append(R"({"n":1,"s":"x","o":{"a":[1]}})");
  append("{}");
  EXPECT_EQ(BulksOf(Run({"XRANGE", "flo", "-", "+"})),
            (std::vector<std::string>{Id(0), "payload", "plain bytes", Id(1), "n", "1", "s", "x",
                                      "o", R"({"a":[1]})", Id(2), "payload", "{}"}));
}

TEST_F(RespStreamCommandsTest, ExplicitIdsFollowRedisRules) {
  EXPECT_EQ(Run({"XADD", "s", "5-1", "a", "1"}), Bulk("5-1"));
  EXPECT_EQ(Run({"XADD", "s", "5-1", "a", "2"}),
            "-ERR The ID specified in XADD is equal or smaller than the target stream top "
            "item\r\n");
  EXPECT_EQ(Run({"XADD", "s", "5-*", "a", "3"}), Bulk("5-2"));
  EXPECT_EQ(Run({"XADD", "s", "7", "a", "4"}), Bulk("7-0"));
  EXPECT_EQ(Run({"XADD", "s", "*", "a", "5"}), Bulk(Id(0)));
  EXPECT_EQ(Run({"XADD", "t", "0-0", "a", "1"}),
            "-ERR The ID specified in XADD must be greater than 0-0\r\n");
  EXPECT_EQ(Run({"XADD", "t", "1-x", "a", "1"}),
            "-ERR Invalid stream ID specified as stream command argument\r\n");
  EXPECT_EQ(Run({"XADD", "t", "*", "a"}), "-ERR wrong number of arguments for 'xadd' command\r\n");
  EXPECT_EQ(Run({"XLEN", "t"}), Integer(0));
}

TEST_F(RespStreamCommandsTest, NomkstreamMaxlenAndMinid) {
  EXPECT_EQ(Run({"XADD", "s", "NOMKSTREAM", "*", "a", "1"}), kNil);
  EXPECT_EQ(Run({"TYPE", "s"}), "+none\r\n");
  for (int i = 0; i < 4; ++i) Run({"XADD", "s", "MAXLEN", "2", "*", "i", std::to_string(i)});
  EXPECT_EQ(Run({"XRANGE", "s", "-", "+"}),
            Array({Entry(Id(2), {"i", "2"}), Entry(Id(3), {"i", "3"})}));
  EXPECT_EQ(Run({"XADD", "s", "NOMKSTREAM", "MAXLEN", "~", "2", "LIMIT", "10", "*", "i", "4"}),
            Bulk(Id(4)));
  EXPECT_EQ(Run({"XLEN", "s"}), Integer(2));
  EXPECT_EQ(Run({"XADD", "s", "MINID", Id(4), "*", "i", "5"}), Bulk(Id(5)));
  EXPECT_EQ(Run({"XRANGE", "s", "-", "+"}),
            Array({Entry(Id(4), {"i", "4"}), Entry(Id(5), {"i", "5"})}));
  EXPECT_EQ(Run({"XADD", "s", "MAXLEN", "-1", "*", "a", "1"}),
            "-ERR The MAXLEN argument must be >= 0.\r\n");
  EXPECT_EQ(Run({"XADD", "s", "MAXLEN", "5", "LIMIT", "2", "*", "a", "1"}),
            "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n");
}

TEST_F(RespStreamCommandsTest, XtrimRemovesFromTheFront) {
  for (int i = 0; i < 5; ++i) Run({"XADD", "s", "*", "i", std::to_string(i)});
  EXPECT_EQ(Run({"XTRIM", "s", "MAXLEN", "=", "3"}), Integer(2));
  EXPECT_EQ(Run({"XTRIM", "s", "MINID", Id(4)}), Integer(2));
  EXPECT_EQ(Run({"XRANGE", "s", "-", "+"}), Array({Entry(Id(4), {"i", "4"})}));
  EXPECT_EQ(Run({"XTRIM", "missing", "MAXLEN", "0"}), Integer(0));
  EXPECT_EQ(Run({"XTRIM", "s", "SIZE", "1"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"XDEL", "s", Id(4)}),
            "-ERR XDEL is not supported by flod; use XTRIM MAXLEN or MINID (flod streams remove "
            "records only from the front)\r\n");
}

TEST_F(RespStreamCommandsTest, RangeBoundsExclusiveIdsAndCounts) {
  for (int i = 0; i < 4; ++i) Run({"XADD", "s", "*", "i", std::to_string(i)});
  EXPECT_EQ(BulksOf(Run({"XRANGE", "s", "(" + Id(0), Id(2)}))[0], Id(1));
  EXPECT_EQ(Run({"XRANGE", "s", "(" + Id(0), "(" + Id(2)}), Array({Entry(Id(1), {"i", "1"})}));
  EXPECT_EQ(Run({"XRANGE", "s", "-", "+", "COUNT", "1"}), Array({Entry(Id(0), {"i", "0"})}));
  EXPECT_EQ(Run({"XREVRANGE", "s", "+", "-", "COUNT", "2"}),
            Array({Entry(Id(3), {"i", "3"}), Entry(Id(2), {"i", "2"})}));
  EXPECT_EQ(Run({"XREVRANGE", "s", "(" + Id(3), Id(2)}), Array({Entry(Id(2), {"i", "2"})}));
  EXPECT_EQ(BulksOf(Run({"XRANGE", "s", std::string(kT0), std::string(kT0)})).size(), 12u);
  EXPECT_EQ(Run({"XRANGE", "s", "-", "+", "COUNT", "0"}), kNilArray);
  EXPECT_EQ(Run({"XRANGE", "s", Id(3), Id(1)}), "*0\r\n");
  EXPECT_EQ(Run({"XRANGE", "s", "x", "+"}),
            "-ERR Invalid stream ID specified as stream command argument\r\n");
  EXPECT_EQ(Run({"XRANGE", "s", "-", "+", "LIMIT", "1"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"}),
            "-ERR invalid start ID for the interval\r\n");
}

TEST_F(RespStreamCommandsTest, RangesWithoutCountPageThroughLongStreams) {
  std::string batch;
  for (int i = 0; i < 2'500; ++i) batch += Multibulk({"XADD", "s", "*", "i", std::to_string(i)});
  client_.Send(batch);
  const std::vector<std::string> all = BulksOf(Run({"XRANGE", "s", "-", "+"}));
  ASSERT_EQ(all.size(), 2'500u * 3);
  EXPECT_EQ(all[3 * 2'499 + 2], "2499");
  const std::vector<std::string> newest =
      BulksOf(Run({"XREVRANGE", "s", "+", "-", "COUNT", "1500"}));
  ASSERT_EQ(newest.size(), 1'500u * 3);
  EXPECT_EQ(newest[2], "2499");
  EXPECT_EQ(newest[3 * 1'499 + 2], "1000");
}

TEST_F(RespStreamCommandsTest, XinfoStreamDescribesTheStream) {
  EXPECT_EQ(Run({"XINFO", "STREAM", "s"}), "-ERR no such key\r\n");
  Run({"XADD", "s", "*", "a", "1"});
  Run({"XADD", "s", "*", "b", "2"});
  Run({"XGROUP", "CREATE", "s", "g", "$"});
  EXPECT_EQ(Run({"XINFO", "STREAM", "s"}),
            Array({Bulk("length"), Integer(2), Bulk("last-generated-id"), Bulk(Id(1)),
                   Bulk("recorded-first-entry-id"), Bulk(Id(0)), Bulk("groups"), Integer(1),
                   Bulk("partitions"), Integer(1), Bulk("first-entry"), Entry(Id(0), {"a", "1"}),
                   Bulk("last-entry"), Entry(Id(1), {"b", "2"})}));
  EXPECT_EQ(Run({"XINFO", "STREAM", "s", "FULL"}),
            "-ERR XINFO STREAM FULL is not supported by flod\r\n");
  EXPECT_EQ(Run({"XINFO", "HELP"}).substr(0, 1), "*");
}

TEST_F(RespStreamCommandsTest, XreadAnswersEntriesAfterTheGivenIds) {
  Run({"XADD", "a", "*", "x", "1"});
  Run({"XADD", "a", "*", "x", "2"});
  Run({"XADD", "b", "*", "y", "1"});
  EXPECT_EQ(
      Run({"XREAD", "STREAMS", "a", "b", "0", Id(0)}),
      Array({Array({Bulk("a"), Array({Entry(Id(0), {"x", "1"}), Entry(Id(1), {"x", "2"})})})}));
  EXPECT_EQ(Run({"XREAD", "COUNT", "1", "STREAMS", "a", "b", Id(0), "0-0"}),
            Array({Array({Bulk("a"), Array({Entry(Id(1), {"x", "2"})})}),
                   Array({Bulk("b"), Array({Entry(Id(0), {"y", "1"})})})}));
  EXPECT_EQ(Run({"XREAD", "STREAMS", "a", "$"}), kNilArray);  // nothing is newer than now
  EXPECT_EQ(Run({"XREAD", "STREAMS", "a", Id(1)}), kNilArray);
  EXPECT_EQ(Run({"XREAD", "STREAMS", "a", "b", "0"}),
            "-ERR Unbalanced 'xread' list of streams: for each stream key an ID or '$' must be "
            "specified.\r\n");
  EXPECT_EQ(Run({"XREAD", "BLOCK", "-1", "STREAMS", "a", "0"}), "-ERR timeout is negative\r\n");
  EXPECT_EQ(Run({"XREAD", "STREAMS", "a", "nope"}),
            "-ERR Invalid stream ID specified as stream command argument\r\n");
}

TEST_F(RespStreamCommandsTest, BlockingXreadAnswersAsSoonAsAnotherConnectionAppends) {
  Run({"XADD", "s", "*", "old", "1"});
  EXPECT_EQ(Run({"XREAD", "BLOCK", "5000", "STREAMS", "s", "$"}), "");
  EXPECT_EQ(Run({"PING"}), "");  // held behind the blocked read, as in Redis
  EXPECT_EQ(other_.Run({"XADD", "s", "*", "new", "2"}), Bulk(Id(1)));
  EXPECT_EQ(client_.Take(),
            Array({Array({Bulk("s"), Array({Entry(Id(1), {"new", "2"})})})}) + "+PONG\r\n");
}

TEST_F(RespStreamCommandsTest, BlockingXreadTimesOutWithNil) {
  EXPECT_EQ(Run({"XREAD", "BLOCK", "100", "STREAMS", "s", "$"}), "");
  shards_.Advance(99);
  EXPECT_EQ(client_.Take(), "");
  shards_.Advance(1);
  EXPECT_EQ(client_.Take(), kNilArray);
}

TEST_F(RespStreamCommandsTest, BlockZeroWaitsLongerThanOneRequestMayPark) {
  EXPECT_EQ(Run({"XREAD", "BLOCK", "0", "STREAMS", "s", "0"}), "");
  for (int round = 0; round < 3; ++round) {
    shards_.Advance(kMaxBlockMs);
    EXPECT_EQ(client_.Take(), "");
    EXPECT_EQ(shards_.parked(), 1u);
  }
  const std::string id = BulksOf(other_.Run({"XADD", "s", "*", "at", "last"})).at(0);
  EXPECT_EQ(client_.Take(), Array({Array({Bulk("s"), Array({Entry(id, {"at", "last"})})})}));
}

TEST_F(RespStreamCommandsTest, BlockingXreadOnSeveralStreamsAnswersWithTheFirstToGetRecords) {
  EXPECT_EQ(Run({"XREAD", "BLOCK", "0", "STREAMS", "a", "b", "c", "$", "$", "$"}), "");
  for (int round = 0; round < 5; ++round) shards_.Advance(1'000);  // rounds come and go
  EXPECT_EQ(client_.Take(), "");
  EXPECT_EQ(shards_.parked(), 3u);
  const std::string id = BulksOf(other_.Run({"XADD", "b", "*", "k", "v"})).at(0);
  EXPECT_EQ(client_.Take(), Array({Array({Bulk("b"), Array({Entry(id, {"k", "v"})})})}));
  shards_.Advance(1'000);  // the losing reads end with their round and answer nobody
  EXPECT_EQ(shards_.parked(), 0u);
  EXPECT_EQ(client_.Take(), "");
  EXPECT_EQ(Run({"PING"}), "+PONG\r\n");
}

TEST_F(RespStreamCommandsTest, BlockingXreadWithATimeoutOnSeveralStreamsEndsOnTime) {
  EXPECT_EQ(Run({"XREAD", "BLOCK", "2500", "STREAMS", "a", "b", "0", "0"}), "");
  shards_.Advance(1'000);
  shards_.Advance(1'000);
  EXPECT_EQ(client_.Take(), "");
  shards_.Advance(500);
  EXPECT_EQ(client_.Take(), kNilArray);
}

}  // namespace
}  // namespace flod::codec::resp
