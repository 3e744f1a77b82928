#include "flod/codec/flo/opcodes.h"

#include <array>

namespace flod::codec::flo {
namespace {

constexpr int kNoLegacy = -1;

struct OpcodeRow {
  uint16_t sdk;
  int legacy;  // kNoLegacy when flo-python has no code for it
  Op op;
};

// One row per operation a Flo client can call. Opcodes not listed answer BAD_REQUEST
// "unknown opcode" (reply-only names such as kv_get_response are never requests; queue_fail_auto
// 0x175, queue_dlq_stats 0x179 and queue_promote_due 0x17A have no caller and no layout;
// stream_group_configure_sweeper 0x157 and the removed subscribe codes 0x136–0x138 have none
// either; stream_alter 0x13F would change retention, which streams cannot do after creation).
// clang-format off
constexpr OpcodeRow kRows[] = {
    {0x000, 0x00,      Op::kPing},
    {0x100, 0x30,      Op::kKvPut},
    {0x101, 0x31,      Op::kKvGet},
    {0x102, kNoLegacy, Op::kKvMget},
    {0x103, 0x32,      Op::kKvDelete},
    {0x104, 0x33,      Op::kKvScan},
    {0x105, 0x34,      Op::kKvHistory},
    {0x10B, kNoLegacy, Op::kKvIncr},
    {0x10C, kNoLegacy, Op::kKvJsonGet},
    {0x10D, kNoLegacy, Op::kKvJsonSet},
    {0x10E, kNoLegacy, Op::kKvJsonDel},
    {0x110, 0x39,      Op::kKvTxnBegin},
    {0x111, 0x3A,      Op::kKvTxnCommit},
    {0x112, 0x3B,      Op::kKvTxnRollback},
    {0x113, kNoLegacy, Op::kKvTouch},
    {0x114, kNoLegacy, Op::kKvPersist},
    {0x115, kNoLegacy, Op::kKvExists},
    {0x130, 0x10,      Op::kStreamAppend},       // batch: flag 0x2D → kStreamAppendBatch
    {0x131, 0x11,      Op::kStreamRead},
    {0x132, 0x12,      Op::kStreamTrim},
    {0x133, 0x13,      Op::kStreamInfo},
    {0x13B, 0x1B,      Op::kStreamList},
    {0x13D, 0x1D,      Op::kStreamCreate},
    {0x140, kNoLegacy, Op::kStreamDelete},       // newest reference only
    {0x150, 0x20,      Op::kStreamGroupCreate},
    {0x151, 0x21,      Op::kStreamGroupJoin},
    {0x152, 0x22,      Op::kStreamGroupLeave},
    {0x153, 0x23,      Op::kStreamGroupRead},
    {0x154, 0x24,      Op::kStreamGroupAck},
    {0x155, 0x25,      Op::kStreamGroupClaim},
    {0x156, 0x26,      Op::kStreamGroupPending},
    {0x159, 0x29,      Op::kStreamGroupNack},
    {0x15A, 0x2A,      Op::kStreamGroupTouch},
    {0x15B, 0x2B,      Op::kStreamGroupInfo},
    {0x15C, 0x2C,      Op::kStreamGroupDelete},
    {0x170, 0x40,      Op::kQueueEnqueue},
    {0x171, 0x41,      Op::kQueueDequeue},
    {0x172, 0x42,      Op::kQueueAck},           // queue_complete
    {0x173, 0x43,      Op::kQueueTouch},         // queue_extend_lease: a touch by another name
    {0x174, 0x44,      Op::kQueueNack},          // queue_fail
    {0x176, 0x46,      Op::kQueueDlqList},
    {0x177, 0x47,      Op::kQueueDlqDelete},
    {0x178, 0x48,      Op::kQueueDlqRequeue},
    {0x17B, 0x4B,      Op::kQueueStats},
    {0x17C, 0x4C,      Op::kQueuePeek},
    {0x17D, 0x4D,      Op::kQueueTouch},
    {0x17E, 0x4E,      Op::kQueueBatchEnqueue},
    {0x17F, 0x4F,      Op::kQueuePurge},
    {0x198, kNoLegacy, Op::kQueueList},
};
// clang-format on

// Every SDK opcode is below 0x400 (§6); a dense table makes the lookup one index.
constexpr size_t kSdkSpace = 0x400;
constexpr int16_t kNone = -1;

struct DenseTables {
  std::array<int16_t, kSdkSpace> sdk{};
  std::array<int16_t, 256> legacy{};
};

constexpr DenseTables BuildTables() {
  DenseTables tables;
  tables.sdk.fill(kNone);
  tables.legacy.fill(kNone);
  for (const OpcodeRow& row : kRows) {
    tables.sdk[row.sdk] = static_cast<int16_t>(row.op);
    if (row.legacy != kNoLegacy) tables.legacy[row.legacy] = static_cast<int16_t>(row.op);
  }
  return tables;
}

constexpr DenseTables kTables = BuildTables();

std::optional<Op> FromSlot(int16_t slot) {
  if (slot == kNone) return std::nullopt;
  return static_cast<Op>(slot);
}

}  // namespace

std::optional<Op> OpFromSdkOpcode(uint16_t opcode) {
  if (opcode >= kSdkSpace) return std::nullopt;
  return FromSlot(kTables.sdk[opcode]);
}

std::optional<Op> OpFromLegacyOpcode(uint8_t opcode) { return FromSlot(kTables.legacy[opcode]); }

}  // namespace flod::codec::flo
