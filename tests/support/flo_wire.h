#pragma once
// Wire constants of the Flo binary protocol as the SDKs send them (WIRE.md §4–§6), written
// out independently of flod's codec so tests check the codec instead of trusting it.

#include <cstdint>

namespace flod::testing::wire {

// Opcodes (SDK framing).
inline constexpr uint16_t kPing = 0x000;
inline constexpr uint16_t kKvPut = 0x100;
inline constexpr uint16_t kKvGet = 0x101;
inline constexpr uint16_t kKvMget = 0x102;
inline constexpr uint16_t kKvDelete = 0x103;
inline constexpr uint16_t kKvScan = 0x104;
inline constexpr uint16_t kKvHistory = 0x105;
inline constexpr uint16_t kKvIncr = 0x10B;
inline constexpr uint16_t kKvJsonGet = 0x10C;
inline constexpr uint16_t kKvJsonSet = 0x10D;
inline constexpr uint16_t kKvJsonDel = 0x10E;
inline constexpr uint16_t kKvBeginTxn = 0x110;
inline constexpr uint16_t kKvCommitTxn = 0x111;
inline constexpr uint16_t kKvRollbackTxn = 0x112;
inline constexpr uint16_t kKvTouch = 0x113;
inline constexpr uint16_t kKvPersist = 0x114;
inline constexpr uint16_t kKvExists = 0x115;
inline constexpr uint16_t kStreamAppend = 0x130;
inline constexpr uint16_t kStreamRead = 0x131;
inline constexpr uint16_t kStreamTrim = 0x132;
inline constexpr uint16_t kStreamInfo = 0x133;
inline constexpr uint16_t kStreamList = 0x13B;
inline constexpr uint16_t kStreamCreate = 0x13D;
inline constexpr uint16_t kStreamDelete = 0x140;
inline constexpr uint16_t kStreamGroupCreate = 0x150;
inline constexpr uint16_t kStreamGroupJoin = 0x151;
inline constexpr uint16_t kStreamGroupLeave = 0x152;
inline constexpr uint16_t kStreamGroupRead = 0x153;
inline constexpr uint16_t kStreamGroupAck = 0x154;
inline constexpr uint16_t kStreamGroupClaim = 0x155;
inline constexpr uint16_t kStreamGroupPending = 0x156;
inline constexpr uint16_t kStreamGroupNack = 0x159;
inline constexpr uint16_t kStreamGroupTouch = 0x15A;
inline constexpr uint16_t kStreamGroupInfo = 0x15B;
inline constexpr uint16_t kStreamGroupDelete = 0x15C;

// Option tags.
inline constexpr uint8_t kOptTtl = 0x01;
inline constexpr uint8_t kOptCasVersion = 0x02;
inline constexpr uint8_t kOptIfNotExists = 0x03;
inline constexpr uint8_t kOptIfExists = 0x04;
inline constexpr uint8_t kOptLimit = 0x05;
inline constexpr uint8_t kOptKeysOnly = 0x06;
inline constexpr uint8_t kOptRoutingKey = 0x08;
inline constexpr uint8_t kOptTxnId = 0x09;
inline constexpr uint8_t kOptBlockMs = 0x17;
inline constexpr uint8_t kOptWaitMs = 0x18;
inline constexpr uint8_t kOptCount = 0x15;
inline constexpr uint8_t kOptStreamStart = 0x21;  // 16 bytes, big-endian
inline constexpr uint8_t kOptStreamEnd = 0x22;
inline constexpr uint8_t kOptStreamTail = 0x23;
inline constexpr uint8_t kOptPartition = 0x24;
inline constexpr uint8_t kOptPartitionKey = 0x25;
inline constexpr uint8_t kOptDryRun = 0x28;
inline constexpr uint8_t kOptRetentionCount = 0x29;
inline constexpr uint8_t kOptRetentionAge = 0x2A;  // seconds
inline constexpr uint8_t kOptRetentionBytes = 0x2B;
inline constexpr uint8_t kOptForce = 0x2C;
inline constexpr uint8_t kOptStreamBatch = 0x2D;  // flod extension: batch append
inline constexpr uint8_t kOptAckTimeoutMs = 0x30;
inline constexpr uint8_t kOptMaxDeliver = 0x31;
inline constexpr uint8_t kOptRedeliveryDelayMs = 0x33;
inline constexpr uint8_t kOptNoAck = 0x35;
inline constexpr uint8_t kOptIdleTimeoutMs = 0x36;
inline constexpr uint8_t kOptExtendAckMs = 0x38;

// Reply status bytes.
inline constexpr uint8_t kOk = 0;
inline constexpr uint8_t kNotFound = 2;
inline constexpr uint8_t kBadRequest = 3;
inline constexpr uint8_t kUnauthorized = 7;
inline constexpr uint8_t kConflict = 8;

}  // namespace flod::testing::wire
