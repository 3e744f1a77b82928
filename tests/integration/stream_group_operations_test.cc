// Every consumer-group operation over the Flo binary protocol against the real flod: create,
// join, leave, read, ack, nack, touch, claim, pending, info, delete, and flo-python's legacy
// sequence-only ack.

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/crc.hpp>
#include <chrono>
#include <thread>

#include "stream_test_support.h"
#include "support/flod_fixture.h"
#include "support/loopback.h"

namespace flod::testing {
namespace {

using namespace wire;
using namespace stream;

class StreamGroupOperationsTest : public FlodTest {
 protected:
  std::vector<Id> AppendSome(FloClient& client, int count) {
    std::vector<Id> ids;
    for (int i = 0; i < count; ++i)
      ids.push_back(Append(client, "jobs", "job-" + std::to_string(i)));
    return ids;
  }
};

TEST_F(StreamGroupOperationsTest, ReadCreatesTheGroupAndDeliversEachRecordOnce) {
  auto client = Connect();
  const std::vector<Id> ids = AppendSome(*client, 6);
  const auto first = GroupRead(*client, "jobs", "workers", "c1", 4);
  const auto second = GroupRead(*client, "jobs", "workers", "c2", 4);
  EXPECT_EQ(IdsOf(first), std::vector<Id>(ids.begin(), ids.begin() + 4));
  EXPECT_EQ(IdsOf(second), std::vector<Id>(ids.begin() + 4, ids.end()));
  EXPECT_TRUE(GroupRead(*client, "jobs", "workers", "c1", 4).empty());
  const GroupInfo info = DescribeGroup(*client, "jobs", "workers");
  EXPECT_EQ(info.pending, 6u);
  EXPECT_EQ(info.last_delivered, ids.back());
  ASSERT_EQ(info.consumers.size(), 2u);
  EXPECT_EQ(info.consumers[0].name, "c1");
  EXPECT_EQ(info.consumers[0].pending, 4u);
}

TEST_F(StreamGroupOperationsTest, AReadOnAMissingStreamCreatesItAndWaitsForRecords) {
  auto client = Connect();
  EXPECT_TRUE(GroupRead(*client, "later", "workers", "c1", 10).empty());
  const Id id = Append(*client, "later", "first");
  EXPECT_EQ(IdsOf(GroupRead(*client, "later", "workers", "c1", 10)), std::vector<Id>{id});
}

TEST_F(StreamGroupOperationsTest, CreateStartsAtTheBeginningAnIdOrTheTail) {
  auto client = Connect();
  const std::vector<Id> ids = AppendSome(*client, 4);
  CreateGroup(*client, "jobs", "from-start");
  CreateGroup(*client, "jobs", "from-third",
              FloOptions().Bytes(kOptStreamStart, BigEndianId(ids[2])));
  CreateGroup(*client, "jobs", "at-tail", FloOptions().Flag(kOptStreamTail));
  EXPECT_EQ(client->Call(kStreamGroupCreate, "jobs", Str16("from-start")).status, kConflict);
  EXPECT_EQ(GroupRead(*client, "jobs", "from-start", "c", 10).size(), 4u);
  EXPECT_EQ(IdsOf(GroupRead(*client, "jobs", "from-third", "c", 10)),
            std::vector<Id>(ids.begin() + 2, ids.end()));
  EXPECT_TRUE(GroupRead(*client, "jobs", "at-tail", "c", 10).empty());
  const Id fresh = Append(*client, "jobs", "fresh");
  EXPECT_EQ(IdsOf(GroupRead(*client, "jobs", "at-tail", "c", 10)), std::vector<Id>{fresh});
}

TEST_F(StreamGroupOperationsTest, CreateKeepsTheGivenSettings) {
  auto client = Connect();
  CreateGroup(*client, "jobs", "tuned",
              FloOptions().U32(kOptAckTimeoutMs, 1234).U8(kOptMaxDeliver, 3));
  const GroupInfo info = DescribeGroup(*client, "jobs", "tuned");
  EXPECT_EQ(info.ack_timeout_ms, 1234u);
  EXPECT_EQ(info.max_deliver, 3u);
}

TEST_F(StreamGroupOperationsTest, AckRemovesEntriesOnceWhoeverHoldsThem) {
  auto client = Connect();
  AppendSome(*client, 3);
  const auto records = GroupRead(*client, "jobs", "workers", "c1", 10);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(Ack(*client, "jobs", "workers", {records[0].id, records[1].id}), 2u);
  EXPECT_EQ(Ack(*client, "jobs", "workers", {records[0].id}), 0u);  // already acked
  const Pending pending = GroupPending(*client, "jobs", "workers");
  EXPECT_EQ(pending.total, 1u);
  ASSERT_EQ(pending.entries.size(), 1u);
  EXPECT_EQ(pending.entries[0].id, records[2].id);
  EXPECT_EQ(pending.entries[0].consumer, "c1");
  EXPECT_EQ(pending.entries[0].deliveries, 1u);
  EXPECT_EQ(client->Call(kStreamGroupAck, "jobs", IdsValue("nobody", "", {records[2].id})).status,
            kNotFound);
}

TEST_F(StreamGroupOperationsTest, NackMakesARecordDeliverableToAnotherConsumerAtOnce) {
  auto client = Connect();
  const std::vector<Id> ids = AppendSome(*client, 2);
  ASSERT_EQ(GroupRead(*client, "jobs", "workers", "c1", 1).size(), 1u);
  const FloReply nack = client->Call(kStreamGroupNack, "jobs", IdsValue("workers", "c1", {ids[0]}));
  ASSERT_EQ(nack.status, kOk);
  EXPECT_EQ(ParseCount(nack.data), 1u);
  EXPECT_EQ(IdsOf(GroupRead(*client, "jobs", "workers", "c2", 1)), std::vector<Id>{ids[0]});
  const Pending pending = GroupPending(*client, "jobs", "workers");
  ASSERT_EQ(pending.entries.size(), 1u);
  EXPECT_EQ(pending.entries[0].consumer, "c2");
  EXPECT_EQ(pending.entries[0].deliveries, 2u);
}

TEST_F(StreamGroupOperationsTest, NackWithADelayRedeliversOnlyAfterIt) {
  auto client = Connect();
  const std::vector<Id> ids = AppendSome(*client, 1);
  ASSERT_EQ(GroupRead(*client, "jobs", "workers", "c1", 1).size(), 1u);
  ASSERT_EQ(client
                ->Call(kStreamGroupNack, "jobs", IdsValue("workers", "c1", ids),
                       FloOptions().U32(kOptRedeliveryDelayMs, 400))
                .status,
            kOk);
  EXPECT_TRUE(GroupRead(*client, "jobs", "workers", "c2", 1).empty());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(IdsOf(GroupRead(*client, "jobs", "workers", "c2", 1, 3000)), ids);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
}

TEST_F(StreamGroupOperationsTest, TouchResetsTheIdleClockAndClaimTakesOnlyIdleEntries) {
  auto client = Connect();
  const std::vector<Id> ids = AppendSome(*client, 2);
  ASSERT_EQ(GroupRead(*client, "jobs", "workers", "c1", 2).size(), 2u);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const FloReply touched =
      client->Call(kStreamGroupTouch, "jobs", IdsValue("workers", "c1", {ids[0]}),
                   FloOptions().U32(kOptExtendAckMs, 60000));
  ASSERT_EQ(touched.status, kOk);
  EXPECT_EQ(ParseCount(touched.data), 1u);
  // Claim what has been idle for 200 ms: only the untouched entry.
  std::string value = GroupValue("workers", "c2");
  PutLe(value, 200, 4);  // min idle
  PutLe(value, 0, 8);    // scan from 0-0
  PutLe(value, 0, 8);
  PutLe(value, 10, 4);  // count
  const FloReply claim = Expect(client->Call(kStreamGroupClaim, "jobs", value), kOk, "claim");
  Cursor in(claim.data);
  const std::vector<Record> claimed = ParseRecords(in, static_cast<uint32_t>(in.Le(4)));
  EXPECT_EQ(IdsOf(claimed), std::vector<Id>{ids[1]});
  EXPECT_EQ(in.IdTsFirst(), Id{});  // scan complete
  EXPECT_EQ(in.Le(4), 0u);          // nothing dropped
  EXPECT_TRUE(in.done());
  const Pending by_c2 = GroupPending(*client, "jobs", "workers", FloOptions().U32(kOptCount, 10));
  ASSERT_EQ(by_c2.entries.size(), 2u);
  EXPECT_EQ(by_c2.entries[0].consumer, "c1");
  EXPECT_EQ(by_c2.entries[1].consumer, "c2");
  EXPECT_EQ(by_c2.entries[1].deliveries, 2u);
}

TEST_F(StreamGroupOperationsTest, ClaimOfExplicitIds) {
  auto client = Connect();
  const std::vector<Id> ids = AppendSome(*client, 3);
  ASSERT_EQ(GroupRead(*client, "jobs", "workers", "c1", 3).size(), 3u);
  std::string value = GroupValue("workers", "c9");
  value += std::string(4 + 8 + 8 + 4, '\0');      // no idle minimum, scan from 0-0, default count
  value += IdsValue("", "", {ids[2]}).substr(4);  // [n][ids] after the two empty names
  const FloReply claim = Expect(client->Call(kStreamGroupClaim, "jobs", value), kOk, "claim");
  Cursor in(claim.data);
  EXPECT_EQ(IdsOf(ParseRecords(in, static_cast<uint32_t>(in.Le(4)))), std::vector<Id>{ids[2]});
}

TEST_F(StreamGroupOperationsTest, PendingFiltersByConsumerRangeAndIdleTime) {
  auto client = Connect();
  const std::vector<Id> ids = AppendSome(*client, 4);
  ASSERT_EQ(GroupRead(*client, "jobs", "workers", "c1", 2).size(), 2u);
  ASSERT_EQ(GroupRead(*client, "jobs", "workers", "c2", 2).size(), 2u);
  const FloReply one = Expect(client->Call(kStreamGroupPending, "jobs", GroupValue("workers", "c2"),
                                           FloOptions().U32(kOptCount, 10)),
                              kOk, "pending");
  const Pending pending = ParsePending(one.data);
  EXPECT_EQ(pending.total, 4u);
  EXPECT_EQ(pending.min, ids[0]);
  EXPECT_EQ(pending.max, ids[3]);
  ASSERT_EQ(pending.per_consumer.size(), 2u);
  EXPECT_EQ(pending.per_consumer[1], (std::pair<std::string, uint64_t>{"c2", 2}));
  ASSERT_EQ(pending.entries.size(), 2u);
  EXPECT_EQ(pending.entries[0].id, ids[2]);
  const Pending ranged = GroupPending(*client, "jobs", "workers",
                                      FloOptions()
                                          .Bytes(kOptStreamStart, BigEndianId(ids[1]))
                                          .Bytes(kOptStreamEnd, BigEndianId(ids[2])));
  EXPECT_EQ(ranged.entries.size(), 2u);
  const Pending idle =
      GroupPending(*client, "jobs", "workers", FloOptions().U64(kOptIdleTimeoutMs, 60'000));
  EXPECT_TRUE(idle.entries.empty());
  EXPECT_EQ(client->Call(kStreamGroupPending, "jobs", Str16("nobody")).status, kNotFound);
}

TEST_F(StreamGroupOperationsTest, LeaveReleasesTheConsumersEntriesToTheOthers) {
  auto client = Connect();
  const std::vector<Id> ids = AppendSome(*client, 2);
  Expect(client->Call(kStreamGroupJoin, "jobs", GroupValue("workers", "c1")), kOk, "join");
  ASSERT_EQ(GroupRead(*client, "jobs", "workers", "c1", 2).size(), 2u);
  const FloReply left = client->Call(kStreamGroupLeave, "jobs", GroupValue("workers", "c1"));
  ASSERT_EQ(left.status, kOk);
  EXPECT_EQ(ParseCount(left.data), 2u);
  EXPECT_EQ(IdsOf(GroupRead(*client, "jobs", "workers", "c2", 5)), ids);
  const GroupInfo info = DescribeGroup(*client, "jobs", "workers");
  ASSERT_EQ(info.consumers.size(), 1u);
  EXPECT_EQ(info.consumers[0].name, "c2");
}

TEST_F(StreamGroupOperationsTest, NoAckReadsLeaveNothingPending) {
  auto client = Connect();
  AppendSome(*client, 3);
  const FloReply read = client->Call(kStreamGroupRead, "jobs", GroupValue("fire", "c1"),
                                     FloOptions().U32(kOptCount, 10).Flag(kOptNoAck));
  ASSERT_EQ(read.status, kOk);
  EXPECT_EQ(ParseRecords(read.data).size(), 3u);
  EXPECT_EQ(GroupPending(*client, "jobs", "fire").total, 0u);
}

TEST_F(StreamGroupOperationsTest, InfoListsEveryGroupAndDeleteForgetsOne) {
  auto client = Connect();
  AppendSome(*client, 1);
  CreateGroup(*client, "jobs", "a");
  CreateGroup(*client, "jobs", "b");
  const FloReply all = Expect(client->Call(kStreamGroupInfo, "jobs"), kOk, "info");
  EXPECT_EQ(ParseGroupInfo(all.data).size(), 2u);
  const FloReply deleted = client->Call(kStreamGroupDelete, "jobs", Str16("a"));
  ASSERT_EQ(deleted.status, kOk);
  EXPECT_EQ(ParseCount(deleted.data), 1u);
  EXPECT_EQ(client->Call(kStreamGroupInfo, "jobs", Str16("a")).status, kNotFound);
  EXPECT_EQ(
      ParseCount(Expect(client->Call(kStreamGroupDelete, "jobs", Str16("a")), kOk, "del").data),
      0u);
}

TEST_F(StreamGroupOperationsTest, MalformedGroupValuesAreRefusedAndTheConnectionStays) {
  auto client = Connect();
  EXPECT_EQ(client->Call(kStreamGroupRead, "jobs", "\x05").status, kBadRequest);
  EXPECT_EQ(client->Call(kStreamGroupJoin, "jobs", GroupValue("workers", "")).status, kBadRequest);
  EXPECT_EQ(client->Call(kStreamGroupAck, "jobs", GroupValue("workers", "c")).status, kBadRequest);
  EXPECT_EQ(client->Call(kPing, "").status, kOk);
}

// ---- flo-python's legacy framing: 24-byte header, one-byte opcodes (WIRE.md §2.2, §9) -------

class LegacyConnection {
 public:
  explicit LegacyConnection(uint16_t port) {
    fd_ = ConnectLoopback(port);
    if (fd_ < 0) throw std::runtime_error("connect failed");
  }
  ~LegacyConnection() { close(fd_); }

  // One request, one reply: {status, data}.
  std::pair<uint8_t, std::string> Call(uint8_t opcode, std::string_view key,
                                       std::string_view value) {
    std::string payload = Str16("default") + Str16(key);
    PutLe(payload, value.size(), 4);
    payload += value;
    PutLe(payload, 0, 2);
    std::string frame = "FLO";
    frame.push_back('\0');
    PutLe(frame, payload.size(), 4);
    PutLe(frame, ++id_, 8);
    PutLe(frame, 0, 4);
    frame += std::string{'\x01', static_cast<char>(opcode), '\0', '\0'};
    boost::crc_32_type crc;
    crc.process_bytes(frame.data(), 16);
    crc.process_bytes(frame.data() + 20, 4);
    crc.process_bytes(payload.data(), payload.size());
    std::string crc_bytes;
    PutLe(crc_bytes, crc.checksum(), 4);
    frame.replace(16, 4, crc_bytes);
    frame += payload;
    if (send(fd_, frame.data(), frame.size(), 0) != static_cast<ssize_t>(frame.size())) {
      throw std::runtime_error("send failed");
    }
    const std::string header = ReadExactly(24);
    const auto length = static_cast<size_t>(Cursor(header.substr(4, 4)).Le(4));
    return {static_cast<uint8_t>(header[21]), ReadExactly(length)};
  }

 private:
  std::string ReadExactly(size_t n) {
    std::string out(n, '\0');
    for (size_t got = 0; got < n;) {
      const ssize_t r = recv(fd_, out.data() + got, n - got, 0);
      if (r <= 0) throw std::runtime_error("connection closed");
      got += static_cast<size_t>(r);
    }
    return out;
  }
  int fd_ = -1;
  uint64_t id_ = 0;
};

TEST_F(StreamGroupOperationsTest, PythonAcksBySequenceAndReadsThirtyTwoByteInfo) {
  LegacyConnection python(server_->port());
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(python.Call(0x10, "py", "record-" + std::to_string(i)).first, kOk);
  }
  const auto [read_status, read_data] = python.Call(0x23, "py", GroupValue("procs", "p1"));
  ASSERT_EQ(read_status, kOk);
  const std::vector<Record> records = ParseRecords(read_data);
  ASSERT_EQ(records.size(), 3u);
  std::string ack = Str16("procs");
  PutLe(ack, 2, 4);
  PutLe(ack, records[0].id.seq, 8);
  PutLe(ack, records[2].id.seq, 8);
  const auto [ack_status, ack_data] = python.Call(0x24, "py", ack);
  ASSERT_EQ(ack_status, kOk);
  EXPECT_EQ(ParseCount(ack_data), 2u);
  auto client = Connect();
  const Pending pending = GroupPending(*client, "py", "procs");
  EXPECT_EQ(pending.total, 1u);
  const auto [info_status, info] = python.Call(0x13, "py", "");
  ASSERT_EQ(info_status, kOk);
  ASSERT_EQ(info.size(), 32u);
  EXPECT_EQ(Cursor(info.substr(16, 8)).Le(8), 3u);  // count
}

}  // namespace
}  // namespace flod::testing
