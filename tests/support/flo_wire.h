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

// Reply status bytes.
inline constexpr uint8_t kOk = 0;
inline constexpr uint8_t kNotFound = 2;
inline constexpr uint8_t kBadRequest = 3;
inline constexpr uint8_t kUnauthorized = 7;
inline constexpr uint8_t kConflict = 8;

}  // namespace flod::testing::wire
