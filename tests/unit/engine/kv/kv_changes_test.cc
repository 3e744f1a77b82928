#include "engine/kv/kv_changes.h"

#include <gtest/gtest.h>

#include "flod/core/bytes.h"

namespace flod::engine::kv {
namespace {

// `got` is a set change equal to `want`, field by field.
void ExpectSet(const Change& got_change, const SetChange& want) {
  ASSERT_TRUE(std::holds_alternative<SetChange>(got_change));
  const SetChange& got = std::get<SetChange>(got_change);
  EXPECT_EQ(got.ns, want.ns);
  EXPECT_EQ(got.key, want.key);
  EXPECT_EQ(got.value, want.value);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.fresh, want.fresh);
  EXPECT_EQ(got.version, want.version);
  EXPECT_EQ(got.expire_at_ms, want.expire_at_ms);
  EXPECT_EQ(got.written_ms, want.written_ms);
}

// `out` holds exactly one change, equal to `want`.
void ExpectOnlySet(const std::vector<Change>& out, const SetChange& want) {
  ASSERT_EQ(out.size(), 1u);
  ExpectSet(out[0], want);
}

// Encodes `in` as a compact set record, decodes it and checks every field came back;
// returns the payload.
std::string ExpectSetRoundTrip(const SetChange& in) {
  std::string payload;
  EXPECT_EQ(EncodeChange(in, payload), kRecordSetCompact);
  std::vector<Change> out;
  EXPECT_TRUE(DecodeRecord(kRecordSetCompact, payload, out));
  ExpectOnlySet(out, in);
  return payload;
}

TEST(KvChangesTest, SetRoundTripsEveryField) {
  ExpectSetRoundTrip(SetChange{"ns", "key", std::string_view("v\0al", 4), ValueKind::kCounter,
                               true, 42, 9000, 1234});
}

TEST(KvChangesTest, SetInTheDefaultNamespaceWithoutExpiryLeavesThemOut) {
  const std::string payload =
      ExpectSetRoundTrip(SetChange{"default", "key:1", "0123456789abcdef0123456789abcdef",
                                   ValueKind::kBytes, false, 300, 0, 1'700'000'000'000});
  // flags, key (1 + 5), version (2), written_ms (6), value (1 + 32): 48 bytes where the old
  // form took 91.
  EXPECT_EQ(payload.size(), 48u);
}

TEST(KvChangesTest, SetWithAnEmptyValueRoundTrips) {
  ExpectSetRoundTrip(SetChange{"ns", "k", "", ValueKind::kJson, true, 1, 5, 6});
}

// Logs written before the compact form keep replaying.
TEST(KvChangesTest, TheOldSetFormIsStillRead) {
  std::string payload;
  ByteWriter w(payload);
  w.Str16("ns");
  w.Str16("key");
  w.U8(0x01);  // fresh
  w.U8(static_cast<uint8_t>(ValueKind::kCounter));
  w.U64(42);
  w.I64(9000);
  w.I64(1234);
  w.Str32("value");
  std::vector<Change> out;
  ASSERT_TRUE(DecodeRecord(kRecordSet, payload, out));
  ExpectOnlySet(out, SetChange{"ns", "key", "value", ValueKind::kCounter, true, 42, 9000, 1234});
}

TEST(KvChangesTest, DamagedCompactSetsAreRefused) {
  std::string good;
  EncodeChange(SetChange{"ns", "key", "v", ValueKind::kBytes, true, 7, 100, 200}, good);
  std::vector<Change> out;
  ASSERT_TRUE(DecodeRecord(kRecordSetCompact, good, out));

  auto refused = [&out](std::string payload) {
    return !DecodeRecord(kRecordSetCompact, payload, out);
  };
  EXPECT_TRUE(refused(""));                                   // no flags
  EXPECT_TRUE(refused(std::string(1, '\x08') + good.substr(1)));  // an unknown flag bit
  EXPECT_TRUE(refused(std::string(1, '\x30') + good.substr(1)));  // kind 3
  EXPECT_TRUE(refused(good.substr(0, 3)));                     // cut inside the key
  std::string huge_key = good;
  huge_key[1] = '\x7f';                                        // ns length past the end
  EXPECT_TRUE(refused(huge_key));
  std::string endless(good.substr(0, 1) + std::string(11, '\xff'));  // an 11-byte varint
  EXPECT_TRUE(refused(endless));

  std::string version_zero;
  ByteWriter w(version_zero);
  w.U8(0x00);
  w.VarStr("key");
  w.Varint(0);  // version 0
  w.Varint(1);
  EXPECT_TRUE(refused(version_zero));
  std::string zero_expiry;
  ByteWriter z(zero_expiry);
  z.U8(0x04);  // an expiry follows...
  z.VarStr("key");
  z.Varint(1);
  z.Varint(0);  // ...but it is zero: the flag says otherwise
  z.Varint(1);
  EXPECT_TRUE(refused(zero_expiry));
}

TEST(KvChangesTest, SetManyRoundTripsEveryPair) {
  for (std::string_view ns : {"default", "ns"}) {
    const std::vector<SetChange> in = {
        {ns, "a", "1", ValueKind::kBytes, true, 300, 0, 1'700'000'000'000},
        {ns, "b", "", ValueKind::kCounter, false, 301, 0, 1'700'000'000'000},
        {ns, "c", std::string_view("x\0y", 3), ValueKind::kJson, true, 302, 0,
         1'700'000'000'000}};
    std::string payload;
    EncodeSetMany(in, payload);
    std::vector<Change> out;
    ASSERT_TRUE(DecodeRecord(kRecordSetMany, payload, out));
    ASSERT_EQ(out.size(), in.size());
    for (size_t i = 0; i < in.size(); ++i) ExpectSet(out[i], in[i]);
  }
}

TEST(KvChangesTest, SetManyOfTenPairsSharesItsHead) {
  std::vector<std::string> keys;
  for (int i = 0; i < 10; ++i) keys.push_back("key:" + std::to_string(i));
  std::vector<SetChange> in;
  for (int i = 0; i < 10; ++i) {
    in.push_back({"default", keys[i], "0123456789abcdef0123456789abcdef", ValueKind::kBytes,
                  false, 300u + i, 0, 1'700'000'000'000});
  }
  std::string payload;
  EncodeSetMany(in, payload);
  // flags, count, version (2), written_ms (6), then per pair: flags, key (1 + 5), value
  // (1 + 32): 410 bytes where ten sets take 480.
  EXPECT_EQ(payload.size(), 10u + 10 * 40);
  std::vector<Change> out;
  ASSERT_TRUE(DecodeRecord(kRecordSetMany, payload, out));
  ASSERT_EQ(out.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) ExpectSet(out[i], in[i]);
}

TEST(KvChangesTest, DamagedSetManyRecordsAreRefused) {
  // flags 0, count 1, version 5, written 9, pair {flags 1, "k", "v"}
  const std::string good("\x00\x01\x05\x09\x01\x01k\x01v", 9);
  std::vector<Change> out;
  ASSERT_TRUE(DecodeRecord(kRecordSetMany, good, out));
  ExpectOnlySet(out, SetChange{"default", "k", "v", ValueKind::kBytes, true, 5, 0, 9});

  auto refused = [&out](std::string payload) {
    return !DecodeRecord(kRecordSetMany, payload, out);
  };
  auto with = [&good](size_t at, char byte) {
    std::string changed = good;
    changed[at] = byte;
    return changed;
  };
  EXPECT_TRUE(refused(""));
  EXPECT_TRUE(refused(with(0, '\x01')));   // a head flag other than the namespace
  EXPECT_TRUE(refused(with(1, '\x00')));   // no pairs
  EXPECT_TRUE(refused(with(1, '\x02')));   // more pairs than the record holds
  EXPECT_TRUE(refused(with(2, '\x00')));   // version 0
  EXPECT_TRUE(refused(with(4, '\x04')));   // a pair flag for an expiry it cannot have
  EXPECT_TRUE(refused(with(4, '\x31')));   // kind 3
  EXPECT_TRUE(refused(with(7, '\x02')));   // value length past the end
  EXPECT_TRUE(refused(good + "x"));        // trailing bytes
  EXPECT_TRUE(refused(good.substr(0, 8)));  // cut inside the value

  std::string last_versions;
  ByteWriter w(last_versions);
  w.U8(0);
  w.Varint(2);
  w.Varint(UINT64_MAX);  // the second pair's version would wrap to 0
  w.Varint(9);
  for (int i = 0; i < 2; ++i) {
    w.U8(0);
    w.VarStr("k");
    w.VarStr("v");
  }
  EXPECT_TRUE(refused(last_versions));
}

TEST(KvChangesTest, BatchKeepsMembersInOrder) {
  std::string payload;
  BatchEncoder batch(payload);
  batch.Add(SetChange{"ns", "a", "1", ValueKind::kBytes, true, 1, 0, 0});
  batch.Add(ExpireChange{"ns", "a", 77});
  batch.Add(DeleteChange{"ns", "b"});
  EXPECT_EQ(batch.count(), 3u);
  std::vector<Change> out;
  ASSERT_TRUE(DecodeRecord(kRecordBatch, payload, out));
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(std::get<SetChange>(out[0]).key, "a");
  EXPECT_EQ(std::get<ExpireChange>(out[1]).expire_at_ms, 77);
  EXPECT_EQ(std::get<DeleteChange>(out[2]).key, "b");
}

TEST(KvChangesTest, BatchRefusesClearAndFloorMembers) {
  std::string payload;
  BatchEncoder batch(payload);
  batch.Add(ClearChange{"ns"});
  std::vector<Change> out;
  EXPECT_FALSE(DecodeRecord(kRecordBatch, payload, out));
}

TEST(KvChangesTest, NegativeExpiryIsRefused) {
  std::string payload;
  EncodeChange(ExpireChange{"ns", "k", -5}, payload);
  std::vector<Change> out;
  EXPECT_FALSE(DecodeRecord(kRecordExpire, payload, out));
}

TEST(KvChangesTest, ClearAndFloorRoundTrip) {
  std::string payload;
  std::vector<Change> out;
  ASSERT_EQ(EncodeChange(ClearChange{""}, payload), kRecordClear);
  ASSERT_TRUE(DecodeRecord(kRecordClear, payload, out));
  EXPECT_EQ(std::get<ClearChange>(out[0]).ns, "");
  ASSERT_EQ(EncodeChange(FloorChange{99}, payload), kRecordFloor);
  ASSERT_TRUE(DecodeRecord(kRecordFloor, payload, out));
  EXPECT_EQ(std::get<FloorChange>(out[0]).version, 99u);
}

}  // namespace
}  // namespace flod::engine::kv
