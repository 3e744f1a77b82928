#pragma once
// Helpers shared by the Flo codec tests: the request vectors of tests/data/vectors with the
// request ids INDEX.md gives them, and builders for hand-made (often deliberately broken)
// frames.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "flod/codec/flo/frame.h"
#include "flod/core/bytes.h"
#include "support/hex_vectors.h"

namespace flod::codec::flo::testing {

inline bool IsResponseVector(std::string_view name) {
  return name.starts_with("resp_") || name.starts_with("py_resp_") || name.starts_with("v2_resp_");
}

// Names (without .hex) of every vector file, sorted.
inline std::vector<std::string> AllVectorNames() {
  std::vector<std::string> names;
  const std::filesystem::path dir = std::filesystem::path(FLOD_TEST_DATA_DIR) / "vectors";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".hex") names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

inline std::vector<std::string> RequestVectorNames() {
  std::vector<std::string> names;
  for (std::string& name : AllVectorNames()) {
    if (!IsResponseVector(name)) names.push_back(std::move(name));
  }
  return names;
}

inline Framing FramingOfVector(std::string_view name) {
  if (name.starts_with("py_")) return Framing::kLegacy;
  if (name.starts_with("v2_")) return Framing::kSdkV2;
  return Framing::kSdkV1;
}

// Request ids from INDEX.md's request tables (last column); the dialect pairs are not in a
// table with ids: INDEX.md says both clients made put, scan, dequeue, invoke as ids 1–4.
inline std::map<std::string, uint64_t> IndexedRequestIds() {
  std::map<std::string, uint64_t> ids = {
      {"dialect_go_kv_put_ttl", 1},      {"dialect_js_kv_put_ttl", 1},
      {"dialect_js_kv_put_ttl_3600", 1}, {"dialect_go_kv_scan", 2},
      {"dialect_js_kv_scan", 2},         {"dialect_go_queue_dequeue", 3},
      {"dialect_js_queue_dequeue", 3},   {"dialect_go_action_invoke", 4},
      {"dialect_js_action_invoke", 4}};
  std::ifstream in(std::string(FLOD_TEST_DATA_DIR) + "/vectors/INDEX.md");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.starts_with("| ")) continue;
    const std::string first_cell = line.substr(2, line.find(" |", 2) - 2);
    if (!first_cell.ends_with(".hex")) continue;
    const std::string name = first_cell.substr(0, first_cell.size() - 4);
    if (IsResponseVector(name)) continue;
    const size_t last_bar = line.find_last_of('|');
    const size_t prev_bar = line.find_last_of('|', last_bar - 1);
    ids[name] = std::stoull(line.substr(prev_bar + 1, last_bar - prev_bar - 1));
  }
  return ids;
}

inline std::string Str16(std::string_view s) {
  std::string out;
  ByteWriter(out).Str16(s);
  return out;
}

// The §3 envelope with all four fields.
inline std::string Envelope(std::string_view ns, std::string_view key, std::string_view value,
                            std::string_view options = {}) {
  std::string out;
  ByteWriter writer(out);
  writer.Str16(ns);
  writer.Str16(key);
  writer.Str32(value);
  writer.Str16(options);
  return out;
}

inline std::string Tlv(uint8_t tag, std::string_view value) {
  std::string out;
  ByteWriter writer(out);
  writer.U8(tag);
  writer.U8(static_cast<uint8_t>(value.size()));
  writer.Bytes(value);
  return out;
}

inline std::string U32Bytes(uint32_t v) {
  std::string out;
  ByteWriter(out).U32(v);
  return out;
}

inline std::string U64Bytes(uint64_t v) {
  std::string out;
  ByteWriter(out).U64(v);
  return out;
}

// A request frame with a correct CRC. `version` 0 = the framing's own version; `reserved` is
// bytes 24–31 (SDK framings).
inline std::string RequestFrame(Framing framing, uint64_t request_id, uint16_t opcode,
                                std::string_view payload, uint64_t reserved = 0,
                                uint8_t version = 0) {
  std::string frame;
  ByteWriter writer(frame);
  writer.Bytes(kMagic);
  writer.U32(static_cast<uint32_t>(payload.size()));
  writer.U64(request_id);
  writer.U32(0);
  if (framing == Framing::kLegacy) {
    writer.U8(version != 0 ? version : 1);
    writer.U8(static_cast<uint8_t>(opcode));
    writer.U8(0);
    writer.U8(0);
  } else {
    writer.U16(opcode);
    writer.U8(version != 0 ? version : (framing == Framing::kSdkV2 ? 2 : 1));
    writer.U8(0);
    writer.U64(reserved);
  }
  writer.Bytes(payload);
  const size_t header = HeaderBytes(framing);
  std::string crc;
  ByteWriter(crc).U32(
      FrameCrc(std::string_view(frame).substr(0, header), std::string_view(frame).substr(header)));
  frame.replace(16, 4, crc);
  return frame;
}

// Fields of a reply frame, for assertions on replies the codec wrote.
struct ParsedReply {
  uint32_t data_length = 0;
  uint64_t request_id = 0;
  uint8_t version = 0;
  uint8_t status = 0;
  uint64_t hash = 0;
  std::string data;
  bool crc_ok = false;
};

inline ParsedReply ParseReply(std::string_view bytes, Framing framing) {
  ParsedReply reply;
  const size_t header = HeaderBytes(framing);
  EXPECT_GE(bytes.size(), header);
  if (bytes.size() < header) return reply;
  EXPECT_EQ(bytes.substr(0, 4), kMagic);
  ByteReader reader(bytes.substr(4));
  uint32_t crc = 0;
  reader.ReadU32(reply.data_length);
  reader.ReadU64(reply.request_id);
  reader.ReadU32(crc);
  reader.ReadU8(reply.version);
  reader.ReadU8(reply.status);
  if (framing != Framing::kLegacy) {
    std::string_view skip;
    reader.ReadBytes(2, skip);
    reader.ReadU64(reply.hash);
  }
  EXPECT_EQ(bytes.size(), header + reply.data_length);
  reply.data = std::string(bytes.substr(header));
  reply.crc_ok = FrameCrc(bytes.substr(0, header), bytes.substr(header)) == crc;
  return reply;
}

}  // namespace flod::codec::flo::testing
