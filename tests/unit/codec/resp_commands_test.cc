// Every RESP command through the real command table, the dispatcher's handlers and the KV
// engines of two in-process shards (no sockets, a manual clock): Run({"set", "k", "v"})
// answers exactly the bytes a client would read.

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "flod/codec/resp/resp_processor.h"
#include "flod/core/change_sink.h"
#include "flod/core/clock.h"
#include "flod/dispatch/dispatcher.h"
#include "resp_test_support.h"

namespace flod::codec::resp {
namespace {

using testing::Multibulk;

class DiscardingSink final : public ChangeSink {
 public:
  void Append(uint16_t, std::string_view) override {}
};

// Runs requests synchronously on in-process shards with the dispatcher's routing rules.
class InProcessHost final : public RespHost {
 public:
  explicit InProcessHost(uint32_t shard_count) {
    for (uint32_t i = 0; i < shard_count; ++i) {
      shards_.push_back(std::make_unique<dispatch::ShardContext>(i, shard_count, clock, sink_));
    }
  }

  Request& NextRequest() override { return next_; }
  void SubmitNext(std::function<void(Result&&)> done) override {
    Request request = std::move(next_);
    request.wait.may_park = false;
    if (std::optional<Result> invalid = dispatch::Validate(request))
      return done(std::move(*invalid));
    const dispatch::Route route = dispatch::RouteOf(request, static_cast<uint32_t>(shards_.size()));
    if (route.kind == dispatch::Route::Kind::kAll) {
      std::vector<Result> parts;
      const auto count = static_cast<uint32_t>(shards_.size());
      for (uint32_t id = 0; id < count; ++id) {
        Request part = dispatch::PartFor(request, id, count);
        parts.push_back(dispatch::Execute(*shards_[id], part));
      }
      return done(dispatch::Merge(request, parts));
    }
    const uint32_t shard = route.kind == dispatch::Route::Kind::kLocal ? 0 : route.shard;
    done(dispatch::Execute(*shards_[shard], request));
  }
  std::string& Output() override { return output; }
  void CloseAfterWrite() override { closed = true; }
  ServerFacts Facts() const override {
    ServerFacts facts;
    facts.flod_version = "0.1.0";
    facts.durability = "async_flush";
    facts.data_dir = "/tmp/flod-test";
    facts.tcp_port = 9000;
    facts.shards = static_cast<uint32_t>(shards_.size());
    facts.now_us = clock.NowMs() * 1000 + 123;
    facts.connected_clients = 1;
    facts.max_clients = 10'000;
    facts.max_bulk_bytes = 16u << 20;
    return facts;
  }
  std::vector<ClientInfo> Clients() const override {
    ClientInfo self;
    self.id = 7;
    self.addr = "127.0.0.1:5000";
    self.name = last_name;
    return {self};
  }
  void ClientChanged(const ClientState& client) override { last_name = client.name; }

  ManualClock clock;
  std::string output;
  bool closed = false;
  std::string last_name;

 private:
  DiscardingSink sink_;
  std::vector<std::unique_ptr<dispatch::ShardContext>> shards_;
  Request next_;
};

class RespCommandsTest : public ::testing::Test {
 protected:
  // The reply bytes to one command.
  std::string Run(std::initializer_list<std::string_view> args) { return Send(Multibulk(args)); }
  std::string Send(const std::string& bytes) {
    host_.output.clear();
    EXPECT_EQ(processor_.OnInput(bytes), bytes.size());
    return host_.output;
  }
  std::string Bulk(std::string_view text) {
    return "$" + std::to_string(text.size()) + "\r\n" + std::string(text) + "\r\n";
  }
  // The keys of a KEYS/SCAN-style array reply, in order.
  static std::vector<std::string> BulksIn(std::string_view reply) {
    std::vector<std::string> out;
    size_t at = 0;
    while ((at = reply.find('$', at)) != std::string_view::npos) {
      const size_t crlf = reply.find("\r\n", at);
      const size_t length = std::stoul(std::string(reply.substr(at + 1, crlf - at - 1)));
      out.emplace_back(reply.substr(crlf + 2, length));
      at = crlf + 2 + length + 2;
    }
    return out;
  }

  InProcessHost host_{2};
  RespProcessor processor_{host_, 7, ParserLimits{}};
};

constexpr const char* kNil = "$-1\r\n";
constexpr const char* kOk = "+OK\r\n";
constexpr const char* kWrongType =
    "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
constexpr const char* kNotInteger = "-ERR value is not an integer or out of range\r\n";

// ---- Strings -----------------------------------------------------------------------------

TEST_F(RespCommandsTest, SetThenGetAnswersTheValue) {
  EXPECT_EQ(Run({"SET", "k", "v"}), kOk);
  EXPECT_EQ(Run({"get", "k"}), Bulk("v"));
  EXPECT_EQ(Run({"GET", "missing"}), kNil);
}

TEST_F(RespCommandsTest, ValuesAreBinarySafe) {
  const std::string value("a\r\n\0b", 5);
  EXPECT_EQ(Run({"SET", "bin", value}), kOk);
  EXPECT_EQ(Run({"GET", "bin"}), Bulk(value));
}

TEST_F(RespCommandsTest, SetNxAndXxAnswerNilWhenTheirConditionFails) {
  EXPECT_EQ(Run({"SET", "k", "1", "XX"}), kNil);
  EXPECT_EQ(Run({"SET", "k", "1", "NX"}), kOk);
  EXPECT_EQ(Run({"SET", "k", "2", "nx"}), kNil);
  EXPECT_EQ(Run({"SET", "k", "3", "XX"}), kOk);
  EXPECT_EQ(Run({"GET", "k"}), Bulk("3"));
}

TEST_F(RespCommandsTest, SetGetAnswersTheOldValueEvenWhenNxFails) {
  EXPECT_EQ(Run({"SET", "k", "old", "GET"}), kNil);
  EXPECT_EQ(Run({"SET", "k", "new", "GET"}), Bulk("old"));
  EXPECT_EQ(Run({"SET", "k", "other", "NX", "GET"}), Bulk("new"));
  EXPECT_EQ(Run({"GET", "k"}), Bulk("new"));
}

TEST_F(RespCommandsTest, SetExPxAndKeepTtlFollowTheClock) {
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "10"}), kOk);
  EXPECT_EQ(Run({"TTL", "k"}), ":10\r\n");
  host_.clock.Advance(2'400);
  EXPECT_EQ(Run({"TTL", "k"}), ":8\r\n");  // 7.6 s left rounds to 8, as in Redis
  EXPECT_EQ(Run({"PTTL", "k"}), ":7600\r\n");
  EXPECT_EQ(Run({"SET", "k", "v2", "KEEPTTL"}), kOk);
  EXPECT_EQ(Run({"PTTL", "k"}), ":7600\r\n");
  EXPECT_EQ(Run({"SET", "k", "v3"}), kOk);  // a plain SET clears the TTL
  EXPECT_EQ(Run({"TTL", "k"}), ":-1\r\n");
  EXPECT_EQ(Run({"SET", "p", "v", "PX", "500"}), kOk);
  host_.clock.Advance(500);
  EXPECT_EQ(Run({"GET", "p"}), kNil);
  EXPECT_EQ(Run({"TTL", "p"}), ":-2\r\n");
}

TEST_F(RespCommandsTest, SetOptionErrorsMatchRedis) {
  EXPECT_EQ(Run({"SET", "k", "v", "NX", "XX"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "1", "PX", "5"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "5", "KEEPTTL"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "EX"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "BOGUS"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "ten"}), kNotInteger);
  EXPECT_EQ(Run({"SET", "k", "v", "EX", "0"}), "-ERR invalid expire time in 'set' command\r\n");
  EXPECT_EQ(Run({"SET", "k", "v", "PX", "-5"}), "-ERR invalid expire time in 'set' command\r\n");
  EXPECT_EQ(Run({"SET", "k"}), "-ERR wrong number of arguments for 'set' command\r\n");
  EXPECT_EQ(Run({"GET", "k"}), kNil);  // nothing was written by the refused commands
}

TEST_F(RespCommandsTest, MsetAndMgetSpanBothShards) {
  EXPECT_EQ(Run({"MSET", "a", "1", "b", "2", "c", "3", "d", "4"}), kOk);
  EXPECT_EQ(Run({"MGET", "d", "nope", "a", "b", "c", "a"}),
            "*6\r\n" + Bulk("4") + kNil + Bulk("1") + Bulk("2") + Bulk("3") + Bulk("1"));
  EXPECT_EQ(Run({"MSET", "a", "1", "b"}), "-ERR wrong number of arguments for 'mset' command\r\n");
}

TEST_F(RespCommandsTest, MgetAnswersNilForAJsonDocument) {
  Run({"SET", "s", "text"});
  Run({"JSON.SET", "j", "$", "{}"});
  EXPECT_EQ(Run({"MGET", "s", "j"}), "*2\r\n" + Bulk("text") + kNil);
}

// ---- Counters ----------------------------------------------------------------------------

TEST_F(RespCommandsTest, IncrementsStartAtZeroAndAnswerTheNewValue) {
  EXPECT_EQ(Run({"INCR", "c"}), ":1\r\n");
  EXPECT_EQ(Run({"INCRBY", "c", "41"}), ":42\r\n");
  EXPECT_EQ(Run({"DECR", "c"}), ":41\r\n");
  EXPECT_EQ(Run({"DECRBY", "c", "50"}), ":-9\r\n");
}

TEST_F(RespCommandsTest, CountersReadAsDecimalTextAndSetReplacesThem) {
  Run({"INCRBY", "c", "1234567"});
  EXPECT_EQ(Run({"GET", "c"}), Bulk("1234567"));
  EXPECT_EQ(Run({"TYPE", "c"}), "+string\r\n");
  EXPECT_EQ(Run({"SET", "c", "hello"}), kOk);
  EXPECT_EQ(Run({"GET", "c"}), Bulk("hello"));
}

TEST_F(RespCommandsTest, IncrWorksOnDecimalStrings) {
  Run({"SET", "n", "12345678"});  // eight bytes of text, not a binary counter
  EXPECT_EQ(Run({"INCR", "n"}), ":12345679\r\n");
  Run({"SET", "neg", "-10"});
  EXPECT_EQ(Run({"INCRBY", "neg", "3"}), ":-7\r\n");
}

TEST_F(RespCommandsTest, IncrRefusesNonIntegersOverflowAndJson) {
  Run({"SET", "s", "abc"});
  EXPECT_EQ(Run({"INCR", "s"}), kNotInteger);
  Run({"SET", "sp", " 1"});
  EXPECT_EQ(Run({"INCR", "sp"}), kNotInteger);
  Run({"SET", "max", "9223372036854775807"});
  EXPECT_EQ(Run({"INCR", "max"}), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(Run({"INCRBY", "c", "1.5"}), kNotInteger);
  EXPECT_EQ(Run({"INCRBY", "c", "99999999999999999999"}), kNotInteger);
  EXPECT_EQ(Run({"DECRBY", "c", "-9223372036854775808"}), "-ERR decrement would overflow\r\n");
  Run({"JSON.SET", "doc", "$", "{}"});
  EXPECT_EQ(Run({"INCR", "doc"}), kWrongType);
}

// ---- Keys --------------------------------------------------------------------------------

TEST_F(RespCommandsTest, DelAndExistsCountKeysLikeRedis) {
  Run({"MSET", "a", "1", "b", "2", "c", "3"});
  EXPECT_EQ(Run({"EXISTS", "a"}), ":1\r\n");
  EXPECT_EQ(Run({"EXISTS", "a", "a", "b", "nope"}), ":3\r\n");
  EXPECT_EQ(Run({"DEL", "a"}), ":1\r\n");
  EXPECT_EQ(Run({"DEL", "a"}), ":0\r\n");
  EXPECT_EQ(Run({"DEL", "b", "c", "b", "nope"}), ":2\r\n");
  EXPECT_EQ(Run({"EXISTS", "a", "b", "c"}), ":0\r\n");
}

TEST_F(RespCommandsTest, ExpirePersistAndTtlAnswers) {
  EXPECT_EQ(Run({"EXPIRE", "k", "10"}), ":0\r\n");
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"PERSIST", "k"}), ":0\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "10"}), ":1\r\n");
  EXPECT_EQ(Run({"TTL", "k"}), ":10\r\n");
  EXPECT_EQ(Run({"PEXPIRE", "k", "2500"}), ":1\r\n");
  EXPECT_EQ(Run({"PTTL", "k"}), ":2500\r\n");
  EXPECT_EQ(Run({"PERSIST", "k"}), ":1\r\n");
  EXPECT_EQ(Run({"TTL", "k"}), ":-1\r\n");
  EXPECT_EQ(Run({"PERSIST", "nope"}), ":0\r\n");
  EXPECT_EQ(Run({"EXPIRE", "k", "x"}), kNotInteger);
  EXPECT_EQ(Run({"EXPIRE", "k", "10", "NX"}),
            "-ERR the NX, XX, GT and LT options of EXPIRE are not supported by flod\r\n");
}

TEST_F(RespCommandsTest, ExpireInThePastDeletesTheKey) {
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"EXPIRE", "k", "-1"}), ":1\r\n");
  EXPECT_EQ(Run({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(Run({"PEXPIRE", "k", "0"}), ":0\r\n");
}

TEST_F(RespCommandsTest, TypeNamesTheKindOfValue) {
  Run({"SET", "s", "v"});
  Run({"JSON.SET", "j", "$", "[1]"});
  EXPECT_EQ(Run({"TYPE", "s"}), "+string\r\n");
  EXPECT_EQ(Run({"TYPE", "j"}), "+ReJSON-RL\r\n");
  EXPECT_EQ(Run({"TYPE", "nope"}), "+none\r\n");
}

TEST_F(RespCommandsTest, DbSizeKeysAndFlush) {
  EXPECT_EQ(Run({"DBSIZE"}), ":0\r\n");
  Run({"MSET", "user:1", "a", "user:2", "b", "order:1", "c"});
  EXPECT_EQ(Run({"DBSIZE"}), ":3\r\n");
  EXPECT_EQ(BulksIn(Run({"KEYS", "user:*"})), (std::vector<std::string>{"user:1", "user:2"}));
  EXPECT_EQ(BulksIn(Run({"KEYS", "*"})).size(), 3u);
  EXPECT_EQ(Run({"KEYS", "zzz"}), "*0\r\n");
  EXPECT_EQ(Run({"FLUSHDB"}), kOk);
  EXPECT_EQ(Run({"DBSIZE"}), ":0\r\n");
  Run({"SET", "k", "v"});
  EXPECT_EQ(Run({"FLUSHALL", "ASYNC"}), kOk);
  EXPECT_EQ(Run({"DBSIZE"}), ":0\r\n");
  EXPECT_EQ(Run({"FLUSHDB", "LATER"}), "-ERR syntax error\r\n");
}

TEST_F(RespCommandsTest, ScanPagesThroughEveryKeyExactlyOnce) {
  std::set<std::string> written;
  for (int i = 0; i < 500; ++i) {
    const std::string key = "key:" + std::to_string(i);
    Run({"SET", key, "v"});
    written.insert(key);
  }
  std::multiset<std::string> seen;
  std::string cursor = "0";
  int pages = 0;
  do {
    const std::string reply = Run({"SCAN", cursor, "COUNT", "7"});
    std::vector<std::string> bulks = BulksIn(reply);
    ASSERT_FALSE(bulks.empty()) << reply;
    cursor = bulks[0];
    EXPECT_LE(bulks.size() - 1, 7u);
    seen.insert(bulks.begin() + 1, bulks.end());
    ++pages;
  } while (cursor != "0" && pages < 1000);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), written);
  EXPECT_EQ(seen.size(), written.size());  // no key twice
}

TEST_F(RespCommandsTest, ScanMatchAndTypeFilter) {
  for (int i = 0; i < 30; ++i) Run({"SET", "a:" + std::to_string(i), "v"});
  for (int i = 0; i < 30; ++i) Run({"SET", "b:" + std::to_string(i), "v"});
  Run({"JSON.SET", "a:doc", "$", "{}"});
  std::vector<std::string> matched;
  std::string cursor = "0";
  do {
    std::vector<std::string> bulks =
        BulksIn(Run({"SCAN", cursor, "MATCH", "a:*", "TYPE", "string"}));
    cursor = bulks[0];
    matched.insert(matched.end(), bulks.begin() + 1, bulks.end());
  } while (cursor != "0");
  EXPECT_EQ(matched.size(), 30u);
  for (const std::string& key : matched) EXPECT_EQ(key.substr(0, 2), "a:");
}

TEST_F(RespCommandsTest, ScanRefusesBadCursorsAndCounts) {
  EXPECT_EQ(Run({"SCAN", "abc"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(Run({"SCAN", "12345"}), "-ERR invalid cursor\r\n");
  EXPECT_EQ(Run({"SCAN", "0", "COUNT", "0"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"SCAN", "0", "MATCH"}), "-ERR syntax error\r\n");
  EXPECT_EQ(Run({"SCAN", "0"}), "*2\r\n" + Bulk("0") + "*0\r\n");
}

// ---- JSON --------------------------------------------------------------------------------

TEST_F(RespCommandsTest, JsonGetAnswersInTheStyleOfItsPath) {
  EXPECT_EQ(Run({"JSON.SET", "d", "$", R"({"a":{"b":[10,20]},"s":"x"})"}), kOk);
  EXPECT_EQ(Run({"JSON.GET", "d"}), Bulk(R"({"a":{"b":[10,20]},"s":"x"})"));
  EXPECT_EQ(Run({"JSON.GET", "d", "$"}), Bulk(R"([{"a":{"b":[10,20]},"s":"x"}])"));
  EXPECT_EQ(Run({"JSON.GET", "d", "$.a.b"}), Bulk("[[10,20]]"));
  EXPECT_EQ(Run({"JSON.GET", "d", ".a.b"}), Bulk("[10,20]"));
  EXPECT_EQ(Run({"JSON.GET", "d", "$.a.b[1]"}), Bulk("[20]"));
  EXPECT_EQ(Run({"JSON.GET", "d", ".a.b[0]"}), Bulk("10"));
  EXPECT_EQ(Run({"JSON.GET", "d", "s"}), Bulk("\"x\""));
  EXPECT_EQ(Run({"JSON.GET", "d", "$.nope"}), Bulk("[]"));
  EXPECT_EQ(Run({"JSON.GET", "d", ".nope"}), "-ERR Path does not exist\r\n");
  EXPECT_EQ(Run({"JSON.GET", "missing", "$"}), kNil);
}

TEST_F(RespCommandsTest, JsonArraysAnswerByIndex) {
  Run({"JSON.SET", "arr", ".", "[1,2,3]"});
  EXPECT_EQ(Run({"JSON.GET", "arr", "[2]"}), Bulk("3"));
  EXPECT_EQ(Run({"JSON.SET", "arr", "[0]", "9"}), kOk);
  EXPECT_EQ(Run({"JSON.GET", "arr", "."}), Bulk("[9,2,3]"));
}

TEST_F(RespCommandsTest, JsonSetConditionsAndRootRule) {
  EXPECT_EQ(Run({"JSON.SET", "d", "$.a", "1"}), "-ERR new objects must be created at the root\r\n");
  EXPECT_EQ(Run({"JSON.SET", "d", "$", "{}", "XX"}), kNil);
  EXPECT_EQ(Run({"JSON.SET", "d", "$", R"({"a":1})", "NX"}), kOk);
  EXPECT_EQ(Run({"JSON.SET", "d", "$", "{}", "NX"}), kNil);
  EXPECT_EQ(Run({"JSON.SET", "d", "$.a", "2", "NX"}), kNil);
  EXPECT_EQ(Run({"JSON.SET", "d", "$.b", "3", "XX"}), kNil);
  EXPECT_EQ(Run({"JSON.SET", "d", "$.b", "3", "NX"}), kOk);
  EXPECT_EQ(Run({"JSON.SET", "d", "$.x.y", "3"}), kNil);  // the parent does not exist
  EXPECT_EQ(Run({"JSON.SET", "d", "$", "{bad"}), "-ERR invalid JSON\r\n");
  EXPECT_EQ(Run({"JSON.GET", "d"}), Bulk(R"({"a":1,"b":3})"));
}

TEST_F(RespCommandsTest, JsonDelCountsWhatItRemoved) {
  Run({"JSON.SET", "d", "$", R"({"a":1,"b":2})"});
  EXPECT_EQ(Run({"JSON.DEL", "d", "$.a"}), ":1\r\n");
  EXPECT_EQ(Run({"JSON.DEL", "d", "$.a"}), ":0\r\n");
  EXPECT_EQ(Run({"JSON.FORGET", "d", ".b"}), ":1\r\n");
  EXPECT_EQ(Run({"JSON.DEL", "d"}), ":1\r\n");
  EXPECT_EQ(Run({"EXISTS", "d"}), ":0\r\n");
  EXPECT_EQ(Run({"JSON.DEL", "d"}), ":0\r\n");
}

TEST_F(RespCommandsTest, StringAndJsonCommandsRefuseEachOthersKeys) {
  Run({"JSON.SET", "j", "$", "{}"});
  Run({"SET", "s", "plain text"});
  EXPECT_EQ(Run({"GET", "j"}), kWrongType);
  EXPECT_EQ(Run({"JSON.GET", "s"}), kWrongType);
  EXPECT_EQ(Run({"SET", "j", "now text"}), kOk);  // SET replaces whatever was there
  EXPECT_EQ(Run({"GET", "j"}), Bulk("now text"));
}

// ---- Connection and server -----------------------------------------------------------------

TEST_F(RespCommandsTest, PingEchoAndInlineCommands) {
  EXPECT_EQ(Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(Run({"PING", "hello"}), Bulk("hello"));
  EXPECT_EQ(Run({"ECHO", "x y"}), Bulk("x y"));
  EXPECT_EQ(Send("PING\r\n"), "+PONG\r\n");
  EXPECT_EQ(Send("set k \"a b\"\r\nget k\r\n"), std::string(kOk) + Bulk("a b"));
}

TEST_F(RespCommandsTest, SelectServesDatabaseZeroOnly) {
  EXPECT_EQ(Run({"SELECT", "0"}), kOk);
  EXPECT_EQ(Run({"SELECT", "1"}).substr(0, 33), "-ERR DB index is out of range: fl");
  EXPECT_EQ(Run({"SELECT", "x"}), kNotInteger);
}

TEST_F(RespCommandsTest, HelloTwoAnswersServerInfoAndThreeIsRefused) {
  const std::string hello = Run({"HELLO", "2", "SETNAME", "app"});
  EXPECT_EQ(hello.substr(0, 4), "*14\r");
  EXPECT_NE(hello.find(Bulk("proto") + ":2\r\n"), std::string::npos);
  EXPECT_NE(hello.find(Bulk("id") + ":7\r\n"), std::string::npos);
  EXPECT_EQ(Run({"CLIENT", "GETNAME"}), Bulk("app"));
  EXPECT_EQ(Run({"HELLO", "3"}), "-NOPROTO sorry, this protocol version is not supported\r\n");
  EXPECT_EQ(Run({"HELLO", "x"}), "-ERR Protocol version is not an integer or out of range\r\n");
  EXPECT_EQ(Run({"HELLO", "2", "BOGUS"}), "-ERR Syntax error in HELLO option 'BOGUS'\r\n");
  EXPECT_EQ(Run({"HELLO"}).substr(0, 4), "*14\r");
}

TEST_F(RespCommandsTest, ClientCommands) {
  EXPECT_EQ(Run({"CLIENT", "GETNAME"}), kNil);
  EXPECT_EQ(Run({"CLIENT", "SETNAME", "worker-1"}), kOk);
  EXPECT_EQ(Run({"client", "getname"}), Bulk("worker-1"));
  EXPECT_EQ(host_.last_name, "worker-1");
  EXPECT_EQ(Run({"CLIENT", "SETNAME", "has space"}),
            "-ERR Client names cannot contain spaces, newlines or special characters.\r\n");
  EXPECT_EQ(Run({"CLIENT", "ID"}), ":7\r\n");
  EXPECT_EQ(Run({"CLIENT", "SETINFO", "LIB-NAME", "redis-py"}), kOk);
  EXPECT_EQ(Run({"CLIENT", "SETINFO", "LIB-VER", "5.0"}), kOk);
  EXPECT_EQ(Run({"CLIENT", "SETINFO", "COLOR", "red"}), "-ERR Unrecognized option 'COLOR'\r\n");
  const std::string list = Run({"CLIENT", "LIST"});
  EXPECT_NE(list.find("id=7 addr=127.0.0.1:5000"), std::string::npos);
  EXPECT_NE(list.find("name=worker-1"), std::string::npos);
  EXPECT_EQ(Run({"CLIENT", "LIST", "TYPE", "pubsub"}), Bulk(""));
  EXPECT_EQ(Run({"CLIENT", "KILL", "x"}), "-ERR unknown subcommand 'KILL'. Try CLIENT HELP.\r\n");
  EXPECT_EQ(Run({"CLIENT"}), "-ERR wrong number of arguments for 'client' command\r\n");
  EXPECT_EQ(Run({"CLIENT", "SETNAME"}),
            "-ERR wrong number of arguments for 'client|setname' command\r\n");
  EXPECT_EQ(Run({"CLIENT", "HELP"}).substr(0, 1), "*");
}

TEST_F(RespCommandsTest, TimeConfigGetAndAuth) {
  const std::vector<std::string> time = BulksIn(Run({"TIME"}));
  ASSERT_EQ(time.size(), 2u);
  EXPECT_EQ(std::stoll(time[0]), host_.clock.NowMs() / 1000);
  EXPECT_EQ(Run({"CONFIG", "GET", "save"}), "*2\r\n" + Bulk("save") + Bulk(""));
  EXPECT_EQ(Run({"CONFIG", "GET", "appendonly"}), "*2\r\n" + Bulk("appendonly") + Bulk("yes"));
  EXPECT_EQ(BulksIn(Run({"CONFIG", "GET", "MAXMEM*"})),
            (std::vector<std::string>{"maxmemory", "0", "maxmemory-policy", "noeviction"}));
  EXPECT_EQ(Run({"CONFIG", "GET", "nothing"}), "*0\r\n");
  EXPECT_EQ(Run({"CONFIG", "SET", "save", ""}),
            "-ERR CONFIG SET is not supported by flod; use flod.toml or command-line flags, then "
            "a restart\r\n");
  EXPECT_EQ(Run({"AUTH", "pw"}).substr(0, 41), "-ERR AUTH <password> called without any p");
}

TEST_F(RespCommandsTest, InfoHasRedisSectionsAndCountsKeys) {
  Run({"SET", "a", "1", "EX", "100"});
  Run({"SET", "b", "2"});
  const std::string info = Run({"INFO"});
  for (const char* section : {"# Server\r\n", "# Clients\r\n", "# Memory\r\n", "# Persistence\r\n",
                              "# Stats\r\n", "# Keyspace\r\n"}) {
    EXPECT_NE(info.find(section), std::string::npos) << section;
  }
  EXPECT_NE(info.find("redis_version:"), std::string::npos);
  EXPECT_NE(info.find("db0:keys=2,expires=1,avg_ttl=0\r\n"), std::string::npos);
  const std::string keyspace = Run({"INFO", "keyspace"});
  EXPECT_EQ(keyspace.find("# Server"), std::string::npos);
  EXPECT_NE(keyspace.find("# Keyspace"), std::string::npos);
  EXPECT_NE(Run({"INFO", "SERVER", "clients"}).find("connected_clients:1\r\n"), std::string::npos);
}

TEST_F(RespCommandsTest, QuitAnswersOkAndCloses) {
  EXPECT_EQ(Run({"QUIT"}), kOk);
  EXPECT_TRUE(host_.closed);
}

// ---- Errors --------------------------------------------------------------------------------

TEST_F(RespCommandsTest, UnknownCommandsAndArityUseRedisWording) {
  EXPECT_EQ(Run({"FOO"}), "-ERR unknown command 'FOO', with args beginning with: \r\n");
  EXPECT_EQ(Run({"FOO", "a", "b"}),
            "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n");
  EXPECT_EQ(Run({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(Run({"GET", "a", "b"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(Run({"PING"}), "+PONG\r\n");  // the connection is still usable
  EXPECT_FALSE(host_.closed);
}

TEST_F(RespCommandsTest, RepeatedCommandsResolveWhateverCaseAndNeighbours) {
  EXPECT_EQ(Run({"PING"}), "+PONG\r\n");
  EXPECT_EQ(Run({"ping"}), "+PONG\r\n");
  EXPECT_EQ(Run({"FOO"}), "-ERR unknown command 'FOO', with args beginning with: \r\n");
  EXPECT_EQ(Run({"PiNg"}), "+PONG\r\n");
  EXPECT_EQ(Run({"ECHO", "a"}), Bulk("a"));
  EXPECT_EQ(Run({"PING"}), "+PONG\r\n");
}

TEST_F(RespCommandsTest, ASubcommandNameSentAsOneArgumentIsUnknownEvenRightAfterIt) {
  EXPECT_EQ(Run({"CLIENT", "SETNAME", "x"}), "+OK\r\n");
  EXPECT_EQ(Run({"client setname", "y"}),
            "-ERR unknown command 'client setname', with args beginning with: 'y' \r\n");
}

TEST_F(RespCommandsTest, RedisFeaturesFlodLacksNameTheFloAlternative) {
  EXPECT_EQ(Run({"MULTI"}),
            "-ERR MULTI is not supported by flod; use Flo KV transactions (txn begin/commit) "
            "through a Flo SDK\r\n");
  EXPECT_NE(Run({"EXEC"}).find("Flo KV transactions"), std::string::npos);
  EXPECT_NE(Run({"WATCH", "k"}).find("compare-and-set"), std::string::npos);
  EXPECT_NE(Run({"EVAL", "return 1", "0"}).find("Flo actions"), std::string::npos);
  EXPECT_NE(Run({"SUBSCRIBE", "ch"}).find("Flo streams"), std::string::npos);
  EXPECT_NE(Run({"PUBLISH", "ch", "m"}).find("Flo streams"), std::string::npos);
  EXPECT_EQ(Run({"PING"}), "+PONG\r\n");
  EXPECT_FALSE(host_.closed);
}

TEST_F(RespCommandsTest, EmptyKeysAndReservedPrefixesAreRefusedClearly) {
  EXPECT_EQ(Run({"SET", "", "v"}), "-ERR key is required\r\n");
  EXPECT_EQ(Run({"SET", "_sys:x", "v"}), "-ERR key prefix is reserved\r\n");
}

// ---- COMMAND -------------------------------------------------------------------------------

TEST_F(RespCommandsTest, CommandCountInfoAndDocs) {
  size_t top_level = 0;
  for (const CommandSpec& spec : AllCommands()) top_level += spec.is_subcommand() ? 0 : 1;
  EXPECT_EQ(Run({"COMMAND", "COUNT"}), ":" + std::to_string(top_level) + "\r\n");
  EXPECT_EQ(Run({"COMMAND"}).substr(0, 1 + std::to_string(top_level).size()),
            "*" + std::to_string(top_level));
  const std::string get = Run({"COMMAND", "INFO", "get", "nosuch"});
  EXPECT_EQ(get.substr(0, 4), "*2\r\n");
  EXPECT_NE(get.find(Bulk("get") + ":2\r\n"), std::string::npos);
  EXPECT_NE(get.find("*-1\r\n"), std::string::npos);
  const std::string docs = Run({"COMMAND", "DOCS", "set"});
  EXPECT_NE(docs.find(Bulk("arguments")), std::string::npos);
  EXPECT_NE(docs.find(Bulk("token") + Bulk("EX")), std::string::npos);
  EXPECT_NE(docs.find("+optional\r\n"), std::string::npos);
  const std::string client_docs = Run({"COMMAND", "DOCS", "client"});
  EXPECT_NE(client_docs.find(Bulk("client|setname")), std::string::npos);
}

}  // namespace
}  // namespace flod::codec::resp
