#pragma once
// Request options in protocol-neutral form. The binary codec decodes TLV tags into these
// fields (normalising units: every duration here is milliseconds); RESP fills the same
// fields from command arguments. Absent options stay std::nullopt / false.

#include <cstdint>
#include <optional>
#include <string>

#include "flod/core/stream_id.h"

namespace flod {

struct Options {
  // KV
  std::optional<uint64_t> ttl_ms;          // relative time to live; 0 = no expiry
  std::optional<uint64_t> cas_version;     // expected current version; 0 = must not exist
  bool if_not_exists = false;              // NX
  bool if_exists = false;                  // XX
  bool keep_ttl = false;                   // put keeps the key's current expiry (RESP KEEPTTL)
  bool return_old = false;                 // put answers the previous value (RESP SET ... GET)
  std::optional<uint32_t> limit;
  bool keys_only = false;
  std::optional<std::string> routing_key;  // pins a transaction to the routing key's shard
  std::optional<uint64_t> txn_id;
  // Blocking
  std::optional<uint32_t> block_ms;        // wait until data exists
  std::optional<uint32_t> wait_ms;         // wait for the next change
  // Queues
  std::optional<uint8_t> priority;
  std::optional<uint64_t> delay_ms;
  std::optional<uint32_t> visibility_timeout_ms;
  std::optional<std::string> dedup_key;
  std::optional<uint32_t> max_retries;
  std::optional<uint32_t> count;
  bool send_to_dlq = false;
  // Streams and consumer groups
  std::optional<StreamId> stream_start;    // inclusive
  std::optional<StreamId> stream_end;      // inclusive
  bool stream_tail = false;
  std::optional<uint32_t> partition;
  std::optional<std::string> partition_key;
  std::optional<uint64_t> max_age_ms;
  std::optional<uint64_t> max_bytes;
  bool dry_run = false;
  std::optional<uint64_t> retention_count;
  std::optional<uint64_t> retention_age_ms;
  std::optional<uint64_t> retention_bytes;
  bool force = false;
  std::optional<uint32_t> ack_timeout_ms;
  std::optional<uint32_t> max_deliver;
  std::optional<uint32_t> redelivery_delay_ms;
  bool no_ack = false;
  std::optional<uint64_t> idle_timeout_ms;
  std::optional<uint32_t> extend_ack_ms;
  // Redis keeps one value per key; Flo keeps KV keys, queues and streams apart. RESP sets
  // this so a name held by another engine answers kWrongType (dispatch/name_types.h).
  bool one_type_per_name = false;
  bool operator==(const Options&) const = default;
};

}  // namespace flod
