#include "flod/codec/flo/opcodes.h"

#include <gtest/gtest.h>

namespace flod::codec::flo {
namespace {

TEST(OpcodesTest, SdkOpcodesMapToTheirOps) {
  EXPECT_EQ(OpFromSdkOpcode(0x000), Op::kPing);
  EXPECT_EQ(OpFromSdkOpcode(0x100), Op::kKvPut);
  EXPECT_EQ(OpFromSdkOpcode(0x101), Op::kKvGet);
  EXPECT_EQ(OpFromSdkOpcode(0x102), Op::kKvMget);
  EXPECT_EQ(OpFromSdkOpcode(0x103), Op::kKvDelete);
  EXPECT_EQ(OpFromSdkOpcode(0x104), Op::kKvScan);
  EXPECT_EQ(OpFromSdkOpcode(0x105), Op::kKvHistory);
  EXPECT_EQ(OpFromSdkOpcode(0x10B), Op::kKvIncr);
  EXPECT_EQ(OpFromSdkOpcode(0x10C), Op::kKvJsonGet);
  EXPECT_EQ(OpFromSdkOpcode(0x10D), Op::kKvJsonSet);
  EXPECT_EQ(OpFromSdkOpcode(0x10E), Op::kKvJsonDel);
  EXPECT_EQ(OpFromSdkOpcode(0x110), Op::kKvTxnBegin);
  EXPECT_EQ(OpFromSdkOpcode(0x111), Op::kKvTxnCommit);
  EXPECT_EQ(OpFromSdkOpcode(0x112), Op::kKvTxnRollback);
  EXPECT_EQ(OpFromSdkOpcode(0x113), Op::kKvTouch);
  EXPECT_EQ(OpFromSdkOpcode(0x114), Op::kKvPersist);
  EXPECT_EQ(OpFromSdkOpcode(0x115), Op::kKvExists);
}

TEST(OpcodesTest, LegacyOpcodesMapToTheirOps) {
  EXPECT_EQ(OpFromLegacyOpcode(0x00), Op::kPing);
  EXPECT_EQ(OpFromLegacyOpcode(0x30), Op::kKvPut);
  EXPECT_EQ(OpFromLegacyOpcode(0x31), Op::kKvGet);
  EXPECT_EQ(OpFromLegacyOpcode(0x32), Op::kKvDelete);
  EXPECT_EQ(OpFromLegacyOpcode(0x33), Op::kKvScan);
  EXPECT_EQ(OpFromLegacyOpcode(0x34), Op::kKvHistory);
  EXPECT_EQ(OpFromLegacyOpcode(0x39), Op::kKvTxnBegin);
  EXPECT_EQ(OpFromLegacyOpcode(0x3A), Op::kKvTxnCommit);
  EXPECT_EQ(OpFromLegacyOpcode(0x3B), Op::kKvTxnRollback);
}

TEST(OpcodesTest, SdkQueueOpcodesMapToTheirOps) {
  EXPECT_EQ(OpFromSdkOpcode(0x170), Op::kQueueEnqueue);
  EXPECT_EQ(OpFromSdkOpcode(0x171), Op::kQueueDequeue);
  EXPECT_EQ(OpFromSdkOpcode(0x172), Op::kQueueAck);
  EXPECT_EQ(OpFromSdkOpcode(0x173), Op::kQueueTouch);
  EXPECT_EQ(OpFromSdkOpcode(0x174), Op::kQueueNack);
  EXPECT_EQ(OpFromSdkOpcode(0x176), Op::kQueueDlqList);
  EXPECT_EQ(OpFromSdkOpcode(0x177), Op::kQueueDlqDelete);
  EXPECT_EQ(OpFromSdkOpcode(0x178), Op::kQueueDlqRequeue);
  EXPECT_EQ(OpFromSdkOpcode(0x17B), Op::kQueueStats);
  EXPECT_EQ(OpFromSdkOpcode(0x17C), Op::kQueuePeek);
  EXPECT_EQ(OpFromSdkOpcode(0x17D), Op::kQueueTouch);
  EXPECT_EQ(OpFromSdkOpcode(0x17E), Op::kQueueBatchEnqueue);
  EXPECT_EQ(OpFromSdkOpcode(0x17F), Op::kQueuePurge);
  EXPECT_EQ(OpFromSdkOpcode(0x198), Op::kQueueList);
}

TEST(OpcodesTest, LegacyQueueOpcodesMapToTheirOps) {
  EXPECT_EQ(OpFromLegacyOpcode(0x40), Op::kQueueEnqueue);
  EXPECT_EQ(OpFromLegacyOpcode(0x41), Op::kQueueDequeue);
  EXPECT_EQ(OpFromLegacyOpcode(0x42), Op::kQueueAck);
  EXPECT_EQ(OpFromLegacyOpcode(0x43), Op::kQueueTouch);
  EXPECT_EQ(OpFromLegacyOpcode(0x44), Op::kQueueNack);
  EXPECT_EQ(OpFromLegacyOpcode(0x46), Op::kQueueDlqList);
  EXPECT_EQ(OpFromLegacyOpcode(0x47), Op::kQueueDlqDelete);
  EXPECT_EQ(OpFromLegacyOpcode(0x48), Op::kQueueDlqRequeue);
  EXPECT_EQ(OpFromLegacyOpcode(0x4B), Op::kQueueStats);
  EXPECT_EQ(OpFromLegacyOpcode(0x4C), Op::kQueuePeek);
  EXPECT_EQ(OpFromLegacyOpcode(0x4D), Op::kQueueTouch);
  EXPECT_EQ(OpFromLegacyOpcode(0x4E), Op::kQueueBatchEnqueue);
  EXPECT_EQ(OpFromLegacyOpcode(0x4F), Op::kQueuePurge);
}

TEST(OpcodesTest, ReplyOnlyAndUnservedOpcodesAreUnknown) {
  EXPECT_EQ(OpFromSdkOpcode(0x001), std::nullopt);  // pong, reply-only
  EXPECT_EQ(OpFromSdkOpcode(0x106), std::nullopt);  // kv_get_response, reply-only
  EXPECT_EQ(OpFromSdkOpcode(0x175), std::nullopt);  // queue_fail_auto: no caller, no layout
  EXPECT_EQ(OpFromSdkOpcode(0x179), std::nullopt);  // queue_dlq_stats: no caller, no layout
  EXPECT_EQ(OpFromSdkOpcode(0x17A), std::nullopt);  // queue_promote_due: no caller, no layout
  EXPECT_EQ(OpFromSdkOpcode(0x190), std::nullopt);  // queue_enqueue_response, reply-only
  EXPECT_EQ(OpFromSdkOpcode(0x199), std::nullopt);  // queue_list_response, reply-only
  EXPECT_EQ(OpFromSdkOpcode(0x3FF), std::nullopt);
  EXPECT_EQ(OpFromSdkOpcode(0xFFFF), std::nullopt);
  EXPECT_EQ(OpFromLegacyOpcode(0x35), std::nullopt);  // legacy kv_get response
  EXPECT_EQ(OpFromLegacyOpcode(0x50), std::nullopt);  // legacy queue_enqueue response
  EXPECT_EQ(OpFromLegacyOpcode(0xFF), std::nullopt);
}

}  // namespace
}  // namespace flod::codec::flo
