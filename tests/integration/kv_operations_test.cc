// Every KV operation of the Go SDK against the real flod over a real socket.

#include <gtest/gtest.h>

#include <cstring>
#include <set>

#include "support/flo_wire.h"
#include "support/flod_fixture.h"
#include "support/le_bytes.h"

namespace flod::testing {
namespace {

using namespace wire;

int64_t I64At(const FloReply& reply, size_t offset) {
  return static_cast<int64_t>(reply.U64At(offset));
}

struct ScanPage {
  bool has_more = false;
  std::string cursor;
  std::vector<std::pair<std::string, std::string>> entries;
};

// Layout H: [has_more][cursor_len:u32][cursor][count:u32]([key_len:u16][key][len:u32][value])*
ScanPage ParseScan(const std::string& data) {
  ScanPage page;
  size_t at = 0;
  auto take = [&](size_t n) {
    std::string out = data.substr(at, n);
    at += n;
    return out;
  };
  auto u = [&](size_t n) {
    uint64_t v = 0;
    std::memcpy(&v, data.data() + at, n);
    at += n;
    return v;
  };
  page.has_more = u(1) != 0;
  page.cursor = take(u(4));
  const uint64_t count = u(4);
  for (uint64_t i = 0; i < count; ++i) {
    std::string key = take(u(2));
    std::string value = take(u(4));
    page.entries.emplace_back(std::move(key), std::move(value));
  }
  return page;
}

class KvOperationsTest : public FlodTest {};

TEST_F(KvOperationsTest, PutThenGetReturnsValueAndVersion) {
  auto client = Connect();
  const FloReply put = client->Call(kKvPut, "user:1", "hello");
  ASSERT_EQ(put.status, kOk);
  const uint64_t version = put.U64At(0);
  EXPECT_GT(version, 0u);
  const FloReply get = client->Call(kKvGet, "user:1");
  ASSERT_EQ(get.status, kOk);
  EXPECT_EQ(get.U64At(0), version);
  EXPECT_EQ(get.data.substr(8), "hello");
}

TEST_F(KvOperationsTest, MissingKeyIsNotFoundWithEmptyData) {
  auto client = Connect();
  const FloReply get = client->Call(kKvGet, "nope");
  EXPECT_EQ(get.status, kNotFound);
  EXPECT_TRUE(get.data.empty());
}

TEST_F(KvOperationsTest, CasNxAndXxPreconditions) {
  auto client = Connect();
  const uint64_t v1 = client->Call(kKvPut, "lock", "a").U64At(0);
  EXPECT_EQ(client->Call(kKvPut, "lock", "b", FloOptions().U64(kOptCasVersion, v1 + 100)).status,
            kConflict);
  const FloReply cas_ok = client->Call(kKvPut, "lock", "b", FloOptions().U64(kOptCasVersion, v1));
  ASSERT_EQ(cas_ok.status, kOk);
  EXPECT_GT(cas_ok.U64At(0), v1);
  EXPECT_EQ(client->Call(kKvPut, "lock", "c", FloOptions().Flag(kOptIfNotExists)).status, kConflict);
  EXPECT_EQ(client->Call(kKvPut, "fresh", "c", FloOptions().Flag(kOptIfExists)).status, kConflict);
  EXPECT_EQ(client->Call(kKvPut, "fresh", "c", FloOptions().Flag(kOptIfNotExists)).status, kOk);
  EXPECT_EQ(client->Call(kKvPut, "other", "x", FloOptions().U64(kOptCasVersion, 0)).status, kOk);
}

TEST_F(KvOperationsTest, DeleteWithAndWithoutIfMatch) {
  auto client = Connect();
  const uint64_t version = client->Call(kKvPut, "k", "v").U64At(0);
  EXPECT_EQ(client->Call(kKvDelete, "k", "", FloOptions().U64(kOptCasVersion, version + 1)).status,
            kConflict);
  EXPECT_EQ(client->Call(kKvDelete, "k", "", FloOptions().U64(kOptCasVersion, version)).status, kOk);
  EXPECT_EQ(client->Call(kKvGet, "k").status, kNotFound);
  EXPECT_EQ(client->Call(kKvDelete, "k").status, kNotFound);
  EXPECT_EQ(client->Call(kKvDelete, "k", "", FloOptions().U64(kOptCasVersion, 1)).status, kConflict);
}

TEST_F(KvOperationsTest, MgetAnswersEveryKeyInRequestOrderAcrossShards) {
  auto client = Connect();
  std::string value = std::string("\x04\x00", 2);
  const std::vector<std::string> keys = {"a", "missing", "b", "c"};
  for (const auto& key : keys) {
    if (key != "missing") {
      ASSERT_EQ(client->Call(kKvPut, key, "v-" + key).status, kOk);
    }
    value += Str16(key);
  }
  const FloReply reply = client->Call(kKvMget, "", value);
  ASSERT_EQ(reply.status, kOk);
  size_t at = 4;
  EXPECT_EQ(reply.data.substr(0, 4), U32(4));
  for (const auto& key : keys) {
    const uint8_t status = static_cast<uint8_t>(reply.data[at]);
    const uint16_t key_len = static_cast<uint8_t>(reply.data[at + 1]);
    EXPECT_EQ(reply.data.substr(at + 3, key_len), key);
    at += 3 + key_len + 8;
    uint32_t value_len = 0;
    std::memcpy(&value_len, reply.data.data() + at, 4);
    at += 4;
    if (key == "missing") {
      EXPECT_EQ(status, kNotFound);
      EXPECT_EQ(value_len, 0u);
    } else {
      EXPECT_EQ(status, kOk);
      EXPECT_EQ(reply.data.substr(at, value_len), "v-" + key);
    }
    at += value_len;
  }
}

TEST_F(KvOperationsTest, ScanPagesThroughEveryKeyOnceWithPrefixAndKeysOnly) {
  auto client = Connect();
  std::set<std::string> expected;
  for (int i = 0; i < 250; ++i) {
    const std::string key = "user:" + std::to_string(i);
    ASSERT_EQ(client->Call(kKvPut, key, "v").status, kOk);
    expected.insert(key);
    ASSERT_EQ(client->Call(kKvPut, "other:" + std::to_string(i), "v").status, kOk);
  }
  std::set<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    const FloReply reply = client->Call(kKvScan, "user:", U32(40) + cursor,
                                        FloOptions().U8(kOptKeysOnly, 1));
    ASSERT_EQ(reply.status, kOk);
    const ScanPage page = ParseScan(reply.data);
    EXPECT_LE(page.entries.size(), 40u);
    for (const auto& [key, value] : page.entries) {
      EXPECT_TRUE(value.empty());
      EXPECT_TRUE(seen.insert(key).second) << "key returned twice: " << key;
    }
    cursor = page.has_more ? page.cursor : "";
    ASSERT_LT(++pages, 20);
  } while (!cursor.empty());
  EXPECT_EQ(seen, expected);
}

TEST_F(KvOperationsTest, HistoryListsVersionsNewestFirst) {
  auto client = Connect();
  for (const char* value : {"one", "two", "three"}) ASSERT_EQ(client->Call(kKvPut, "h", value).status, kOk);
  const FloReply reply = client->Call(kKvHistory, "h", "", FloOptions().U32(kOptLimit, 2));
  ASSERT_EQ(reply.status, kOk);
  EXPECT_EQ(reply.data.substr(0, 4), U32(2));
  EXPECT_EQ(reply.data.substr(4 + 20, 5), "three");
  EXPECT_EQ(reply.data.substr(4 + 20 + 5 + 20, 3), "two");
  EXPECT_GT(reply.U64At(4), reply.U64At(4 + 20 + 5));
}

TEST_F(KvOperationsTest, IncrCountsAndRejectsNonCounters) {
  auto client = Connect();
  EXPECT_EQ(I64At(client->Call(kKvIncr, "visits"), 8), 1);
  EXPECT_EQ(I64At(client->Call(kKvIncr, "visits", U64(static_cast<uint64_t>(-3))), 8), -2);
  const FloReply get = client->Call(kKvGet, "visits");
  EXPECT_EQ(get.data.substr(8), U64(static_cast<uint64_t>(-2)));
  ASSERT_EQ(client->Call(kKvPut, "name", "alice").status, kOk);
  EXPECT_EQ(client->Call(kKvIncr, "name").status, kBadRequest);
  EXPECT_EQ(client->Call(kKvIncr, "visits", "abc").status, kBadRequest);
}

TEST_F(KvOperationsTest, JsonSetGetAndDeleteByPath) {
  auto client = Connect();
  ASSERT_EQ(client->Call(kKvJsonSet, "doc", Str16("$") + R"({"name":"bob","tags":["a","b"]})").status, kOk);
  ASSERT_EQ(client->Call(kKvJsonSet, "doc", Str16("$.name") + R"("eve")").status, kOk);
  EXPECT_EQ(client->Call(kKvJsonGet, "doc", "$.name").data.substr(8), R"("eve")");
  EXPECT_EQ(client->Call(kKvJsonGet, "doc", "$.tags[1]").data.substr(8), R"("b")");
  ASSERT_EQ(client->Call(kKvJsonDel, "doc", "$.tags").status, kOk);
  EXPECT_EQ(client->Call(kKvJsonGet, "doc", "$.tags").status, kNotFound);
  EXPECT_EQ(client->Call(kKvJsonSet, "nodoc", Str16("$.a") + "1").status, kNotFound);
  EXPECT_EQ(client->Call(kKvJsonSet, "doc", Str16("$") + "{broken").status, kBadRequest);
}

TEST_F(KvOperationsTest, ExistsTouchAndPersist) {
  auto client = Connect();
  EXPECT_EQ(client->Call(kKvExists, "e").data, U64(0) + std::string(1, '\0'));
  ASSERT_EQ(client->Call(kKvPut, "e", "v").status, kOk);
  EXPECT_EQ(client->Call(kKvExists, "e").data[8], 1);
  EXPECT_EQ(client->Call(kKvTouch, "e", U64(1)).status, kOk);
  EXPECT_EQ(client->Call(kKvPersist, "e").status, kOk);
  EXPECT_EQ(client->Call(kKvTouch, "absent", U64(10)).status, kNotFound);
  EXPECT_EQ(client->Call(kKvPersist, "absent").status, kNotFound);
}

TEST_F(KvOperationsTest, TtlExpiresAKeyForEveryReader) {
  auto client = Connect();
  ASSERT_EQ(client->Call(kKvPut, "session", "data", FloOptions().U64(kOptTtl, 1)).status, kOk);
  EXPECT_EQ(client->Call(kKvGet, "session").status, kOk);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(client->Call(kKvGet, "session").status, kNotFound);
  EXPECT_EQ(client->Call(kKvExists, "session").data[8], 0);
}

TEST_F(KvOperationsTest, NamespacesAreIsolated) {
  auto client = Connect();
  ASSERT_EQ(client->Call(kKvPut, "k", "in-a", {}, "ns-a").status, kOk);
  ASSERT_EQ(client->Call(kKvPut, "k", "in-b", {}, "ns-b").status, kOk);
  EXPECT_EQ(client->Call(kKvGet, "k", "", {}, "ns-a").data.substr(8), "in-a");
  EXPECT_EQ(client->Call(kKvGet, "k", "", {}, "ns-b").data.substr(8), "in-b");
  EXPECT_EQ(client->Call(kKvGet, "k").status, kNotFound);
  // An empty namespace means "default".
  ASSERT_EQ(client->Call(kKvPut, "d", "x", {}, "").status, kOk);
  EXPECT_EQ(client->Call(kKvGet, "d").status, kOk);
}

TEST_F(KvOperationsTest, ReservedPrefixesAreRefused) {
  auto client = Connect();
  EXPECT_EQ(client->Call(kKvPut, "_sys:x", "v").status, kUnauthorized);
}

TEST_F(KvOperationsTest, TransactionCommitsAtomicallyAndRollsBack) {
  auto client = Connect();
  const FloOptions routing = FloOptions().Bytes(kOptRoutingKey, "acct:1");
  const FloReply begin = client->Call(kKvBeginTxn, "acct:1", "", routing);
  ASSERT_EQ(begin.status, kOk);
  ASSERT_EQ(begin.data.size(), 17u);
  const uint64_t txn = begin.U64At(1);
  FloOptions in_txn = FloOptions().Bytes(kOptRoutingKey, "acct:1").U64(kOptTxnId, txn);
  EXPECT_EQ(client->Call(kKvPut, "acct:1", "100", in_txn).U64At(0), 0u);
  EXPECT_EQ(client->Call(kKvGet, "acct:1").status, kNotFound) << "buffered until commit";
  EXPECT_EQ(client->Call(kKvGet, "acct:1", "", in_txn).data.substr(8), "100");
  const FloReply commit = client->Call(kKvCommitTxn, "acct:1", "", in_txn);
  ASSERT_EQ(commit.status, kOk);
  EXPECT_EQ(commit.data[0], 1);
  EXPECT_EQ(client->Call(kKvGet, "acct:1").data.substr(8), "100");

  const uint64_t txn2 = client->Call(kKvBeginTxn, "acct:1", "", routing).U64At(1);
  FloOptions in_txn2 = FloOptions().Bytes(kOptRoutingKey, "acct:1").U64(kOptTxnId, txn2);
  ASSERT_EQ(client->Call(kKvPut, "acct:1", "0", in_txn2).status, kOk);
  ASSERT_EQ(client->Call(kKvRollbackTxn, "acct:1", "", in_txn2).status, kOk);
  EXPECT_EQ(client->Call(kKvGet, "acct:1").data.substr(8), "100");
  EXPECT_EQ(client->Call(kKvCommitTxn, "acct:1", "", in_txn2).status, kNotFound);
}

TEST_F(KvOperationsTest, PingAnswersPong) {
  auto client = Connect();
  const FloReply pong = client->Call(kPing, "", "", {}, "");
  EXPECT_EQ(pong.status, kOk);
  EXPECT_EQ(pong.data, "PONG");
}

}  // namespace
}  // namespace flod::testing
