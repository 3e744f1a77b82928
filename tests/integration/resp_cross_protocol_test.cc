// A value written through one protocol reads through the other (docs/protocol-resp.md §4):
// RESP and the Flo binary protocol share the "default" namespace of the same KV, queue and
// stream engines.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "queue_test_support.h"
#include "stream_test_support.h"
#include "support/flo_wire.h"
#include "support/flod_fixture.h"
#include "support/le_bytes.h"
#include "support/resp_client.h"

namespace flod::testing {
namespace {

using namespace wire;

class RespCrossProtocolTest : public FlodTest {
 protected:
  std::unique_ptr<RespClient> ConnectResp() {
    auto client = std::make_unique<RespClient>();
    EXPECT_TRUE(client->Connect(server_->port()));
    return client;
  }
};

TEST_F(RespCrossProtocolTest, RespCounterIsAnEightByteCounterForFlo) {
  auto resp = ConnectResp();
  auto flo = Connect();
  EXPECT_EQ(resp->Call({"INCRBY", "hits", "41"}), ":41\r\n");
  const FloReply get = flo->Call(kKvGet, "hits");
  ASSERT_EQ(get.status, kOk);
  EXPECT_EQ(get.data.substr(8), U64(41));
  EXPECT_EQ(flo->Call(kKvIncr, "hits").U64At(8), 42u);
  EXPECT_EQ(resp->Call({"GET", "hits"}), "$2\r\n42\r\n");
}

TEST_F(RespCrossProtocolTest, FloBytesAreRespStringsAndBack) {
  auto resp = ConnectResp();
  auto flo = Connect();
  ASSERT_EQ(flo->Call(kKvPut, "greeting", std::string("hi\0there", 8)).status, kOk);
  EXPECT_EQ(resp->Call({"GET", "greeting"}), std::string("$8\r\nhi\0there\r\n", 14));
  EXPECT_EQ(resp->Call({"SET", "from-resp", "value"}), "+OK\r\n");
  EXPECT_EQ(flo->Call(kKvGet, "from-resp").data.substr(8), "value");
  // A decimal string written through RESP counts through Flo as its number.
  EXPECT_EQ(resp->Call({"SET", "n", "100"}), "+OK\r\n");
  EXPECT_EQ(flo->Call(kKvIncr, "n").U64At(8), 101u);
}

TEST_F(RespCrossProtocolTest, JsonDocumentsAreSharedAndWrongTypeForGet) {
  auto resp = ConnectResp();
  auto flo = Connect();
  ASSERT_EQ(flo->Call(kKvJsonSet, "doc", Str16("$") + R"({"a":[1,2]})").status, kOk);
  EXPECT_EQ(resp->Call({"JSON.GET", "doc", "$.a[1]"}), "$3\r\n[2]\r\n");
  EXPECT_EQ(resp->Call({"GET", "doc"}),
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
  EXPECT_EQ(resp->Call({"JSON.SET", "doc", "$.b", "true"}), "+OK\r\n");
  EXPECT_EQ(flo->Call(kKvJsonGet, "doc", "$.b").data.substr(8), "true");
}

TEST_F(RespCrossProtocolTest, TtlSetThroughOneProtocolShowsInTheOther) {
  auto resp = ConnectResp();
  auto flo = Connect();
  EXPECT_EQ(resp->Call({"SET", "t", "v", "EX", "100"}), "+OK\r\n");
  ASSERT_EQ(flo->Call(kKvPersist, "t").status, kOk);
  EXPECT_EQ(resp->Call({"TTL", "t"}), ":-1\r\n");
}

TEST_F(RespCrossProtocolTest, RespWritesSurviveARestart) {
  {
    auto resp = ConnectResp();
    EXPECT_EQ(resp->Call({"MSET", "a", "1", "b", "2"}), "+OK\r\n");
    EXPECT_EQ(resp->Call({"INCR", "c"}), ":1\r\n");
    EXPECT_EQ(resp->Call({"JSON.SET", "d", "$", "[1]"}), "+OK\r\n");
  }
  Restart();
  auto resp = ConnectResp();
  EXPECT_EQ(resp->Call({"MGET", "a", "b", "c"}), "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n1\r\n");
  EXPECT_EQ(resp->Call({"JSON.GET", "d"}), "$3\r\n[1]\r\n");
  EXPECT_EQ(resp->Call({"DBSIZE"}), ":4\r\n");
}


// ---- Streams and queues --------------------------------------------------------------------

// The id of an XADD reply ("$15\r\n1700000000000-0\r\n").
std::string IdOfXadd(const std::string& reply) {
  const size_t start = reply.find("\r\n");
  return start == std::string::npos ? reply : reply.substr(start + 2, reply.size() - start - 4);
}

TEST_F(RespCrossProtocolTest, XaddFieldsReadThroughFloAsAJsonObject) {
  auto resp = ConnectResp();
  auto flo = Connect();
  const std::string id = IdOfXadd(resp->Call({"XADD", "events", "*", "name", "ada", "age", "36"}));
  const std::vector<stream::Record> records = stream::Read(*flo, "events");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].id.Text(), id);
  EXPECT_EQ(records[0].payload, R"({"name":"ada","age":"36"})");
}

TEST_F(RespCrossProtocolTest, FloAppendsReadThroughRespAsFields) {
  auto resp = ConnectResp();
  auto flo = Connect();
  const stream::Id plain = stream::Append(*flo, "events", "raw bytes");
  const stream::Id json = stream::Append(*flo, "events", R"({"kind":"signup","n":3})");
  EXPECT_EQ(resp->Call({"XRANGE", "events", "-", "+"}),
            "*2\r\n*2\r\n$" + std::to_string(plain.Text().size()) + "\r\n" + plain.Text() +
                "\r\n*2\r\n$7\r\npayload\r\n$9\r\nraw bytes\r\n*2\r\n$" +
                std::to_string(json.Text().size()) + "\r\n" + json.Text() +
                "\r\n*4\r\n$4\r\nkind\r\n$6\r\nsignup\r\n$1\r\nn\r\n$1\r\n3\r\n");
  EXPECT_EQ(resp->Call({"XLEN", "events"}), ":2\r\n");
  EXPECT_EQ(resp->Call({"TYPE", "events"}), "+stream\r\n");
}

TEST_F(RespCrossProtocolTest, ARespGroupIsTheGroupFloConsumersRead) {
  auto resp = ConnectResp();
  auto flo = Connect();
  EXPECT_EQ(resp->Call({"XGROUP", "CREATE", "jobs", "workers", "$", "MKSTREAM"}), "+OK\r\n");
  const std::string id = IdOfXadd(resp->Call({"XADD", "jobs", "*", "task", "resize"}));
  const std::vector<stream::Record> got = stream::GroupRead(*flo, "jobs", "workers", "go-1", 10);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload, R"({"task":"resize"})");
  EXPECT_EQ(resp->Call({"XPENDING", "jobs", "workers"}),
            "*4\r\n:1\r\n$" + std::to_string(id.size()) + "\r\n" + id + "\r\n$" +
                std::to_string(id.size()) + "\r\n" + id +
                "\r\n*1\r\n*2\r\n$4\r\ngo-1\r\n$1\r\n1\r\n");
  EXPECT_EQ(resp->Call({"XACK", "jobs", "workers", id}), ":1\r\n");
  EXPECT_EQ(stream::GroupPending(*flo, "jobs", "workers").total, 0u);
  const stream::GroupInfo info = stream::DescribeGroup(*flo, "jobs", "workers");
  EXPECT_EQ(info.ack_timeout_ms, 0u);  // a Redis group: never redelivered by time
  EXPECT_EQ(info.max_deliver, 0u);
}

TEST_F(RespCrossProtocolTest, QueueMessagesCrossBothWays) {
  auto resp = ConnectResp();
  auto flo = Connect();
  queue::QueueCalls jobs(*flo, "jobs");
  EXPECT_EQ(resp->Call({"LPUSH", "jobs", "from-resp"}), ":1\r\n");
  const std::vector<queue::Message> taken = jobs.Dequeue(10);
  ASSERT_EQ(taken.size(), 1u);
  EXPECT_EQ(taken[0].payload, "from-resp");
  EXPECT_EQ(jobs.Ack(queue::SeqsOf(taken)), 1u);
  jobs.Enqueue("from-flo");
  EXPECT_EQ(resp->Call({"LLEN", "jobs"}), ":1\r\n");
  EXPECT_EQ(resp->Call({"RPOP", "jobs"}), "$8\r\nfrom-flo\r\n");
  EXPECT_EQ(jobs.GetStats().in_flight, 1u);  // RPOP leased it
  EXPECT_EQ(resp->Call({"QACK", "jobs"}), ":1\r\n");
  EXPECT_EQ(jobs.GetStats().in_flight, 0u);
  EXPECT_EQ(resp->Call({"TYPE", "jobs"}), "+list\r\n");
  EXPECT_EQ(resp->Call({"GET", "jobs"}),
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

TEST_F(RespCrossProtocolTest, RespStreamsGroupsAndQueuesSurviveARestart) {
  std::string id;
  {
    auto resp = ConnectResp();
    id = IdOfXadd(resp->Call({"XADD", "events", "*", "a", "1"}));
    EXPECT_EQ(resp->Call({"XGROUP", "CREATE", "events", "g", "0"}), "+OK\r\n");
    EXPECT_EQ(resp->Call({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "events", ">"}).substr(0, 4),
              "*1\r\n");
    EXPECT_EQ(resp->Call({"LPUSH", "jobs", "x", "y"}), ":2\r\n");
  }
  Restart();
  auto resp = ConnectResp();
  EXPECT_EQ(resp->Call({"XLEN", "events"}), ":1\r\n");
  EXPECT_EQ(resp->Call({"XPENDING", "events", "g", "-", "+", "10"}).substr(0, 4), "*1\r\n");
  EXPECT_EQ(resp->Call({"XREADGROUP", "GROUP", "g", "c", "STREAMS", "events", "0"}).find(id) !=
                std::string::npos,
            true);
  EXPECT_EQ(resp->Call({"LLEN", "jobs"}), ":2\r\n");
}

}  // namespace
}  // namespace flod::testing
