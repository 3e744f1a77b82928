#include "flod/core/request.h"

#include <gtest/gtest.h>

namespace flod {
namespace {

// A request with every field away from its default, as a pooled request may be.
Request Used() {
  Request r;
  r.op = Op::kStreamGroupRead;
  r.ns = "a-namespace-longer-than-sso";
  r.key = "a-key-longer-than-the-short-string-buffer";
  r.value = std::string(100, 'v');
  Options& o = r.options;
  o.ttl_ms = 1;
  o.cas_version = 2;
  o.if_not_exists = o.if_exists = o.keep_ttl = o.return_old = o.keys_only = true;
  o.limit = 3;
  o.routing_key = "route";
  o.txn_id = 4;
  o.block_ms = 5;
  o.wait_ms = 6;
  o.priority = 7;
  o.delay_ms = 8;
  o.visibility_timeout_ms = 9;
  o.dedup_key = "dedup";
  o.max_retries = 10;
  o.count = 11;
  o.send_to_dlq = o.stream_tail = o.dry_run = o.force = o.no_ack = o.one_type_per_name = true;
  o.stream_start = StreamId{1, 2};
  o.stream_end = StreamId{3, 4};
  o.partition = 12;
  o.partition_key = "pk";
  o.max_age_ms = o.max_bytes = o.retention_count = o.retention_age_ms = o.retention_bytes = 13;
  o.ack_timeout_ms = o.max_deliver = o.redelivery_delay_ms = o.extend_ack_ms = 14;
  o.idle_timeout_ms = 15;
  RequestArgs& a = r.args;
  a.keys = {"k1", "k2"};
  a.values = {"v1", "v2"};
  a.path = "$.a";
  a.cursor = "c";
  a.pattern = "p*";
  a.delta = -5;
  a.seqs = {1, 2};
  a.group = "g";
  a.consumer = "c1";
  a.stream_ids = {StreamId{5, 6}};
  a.ids_are_sequences = a.id_auto_sequence = true;
  a.partition_count = 4;
  a.headers = {{{"h", "v"}}};
  r.wait = WaitState{false, true, 16, 17};
  return r;
}

TEST(RequestTest, RestartMakesTheRequestAFreshOneWouldBe) {
  Request restarted = Used();
  restarted.Restart(Op::kKvPut, "key");
  Request fresh;
  fresh.op = Op::kKvPut;
  fresh.key = "key";
  EXPECT_EQ(restarted, fresh);
}

TEST(RequestTest, RestartKeepsTheRoomItsStringsAndVectorsHad) {
  Request restarted = Used();
  const size_t value_room = restarted.value.capacity();
  const size_t keys_room = restarted.args.keys.capacity();
  restarted.Restart(Op::kKvPut, "key");
  EXPECT_EQ(restarted.value.capacity(), value_room);
  EXPECT_EQ(restarted.args.keys.capacity(), keys_room);
}

}  // namespace
}  // namespace flod
