#include "codec/flo/tlv_options.h"

#include <limits>

#include "codec/flo/hex_text.h"
#include "flod/core/bytes.h"
#include "flod/core/limits.h"

namespace flod::codec::flo {
namespace {

constexpr uint64_t kMsPerSecond = 1000;
constexpr size_t kStreamIdBytes = 16;

std::optional<uint64_t> SecondsToMs(uint64_t seconds) {
  if (seconds > std::numeric_limits<uint64_t>::max() / kMsPerSecond) return std::nullopt;
  return seconds * kMsPerSecond;
}

std::string OutOfRange(uint8_t tag) { return "option " + HexText(tag) + " is out of range"; }

// Collects the first error; later setters still run but cannot replace it.
class OptionSetter {
 public:
  explicit OptionSetter(const TlvOptions& tlv) : tlv_(tlv) {}

  template <typename T>
  void Uint(uint8_t tag, std::optional<T>& field) {
    const std::optional<uint64_t> value = tlv_.Uint(tag);
    if (!value) return;
    if (*value > std::numeric_limits<T>::max()) return Fail(tag);
    field = static_cast<T>(*value);
  }

  // Seconds on the wire, milliseconds in Options.
  void Seconds(uint8_t tag, std::optional<uint64_t>& field) {
    const std::optional<uint64_t> value = tlv_.Uint(tag);
    if (!value) return;
    const std::optional<uint64_t> ms = SecondsToMs(*value);
    if (!ms) return Fail(tag);
    field = *ms;
  }

  // Waits: 0 means "do not wait" (§8.3), so it stays absent; longer than kMaxBlockMs is clamped.
  void Wait(uint8_t tag, std::optional<uint32_t>& field) {
    const std::optional<uint64_t> value = tlv_.Uint(tag);
    if (!value || *value == 0) return;
    field = static_cast<uint32_t>(*value < kMaxBlockMs ? *value : kMaxBlockMs);
  }

  void Flag(uint8_t tag, bool& field) { field = field || tlv_.Flag(tag); }

  void Bytes(uint8_t tag, std::optional<std::string>& field) {
    if (auto value = tlv_.Get(tag)) field = std::string(*value);
  }

  // 16 bytes: [ms:u64 BE][seq:u64 BE]; another width reads as absent, like any mis-sized option.
  void StreamIdField(uint8_t tag, std::optional<StreamId>& field) {
    const std::optional<std::string_view> value = tlv_.Get(tag);
    if (!value || value->size() != kStreamIdBytes) return;
    ByteReader reader(*value);
    StreamId id;
    reader.ReadU64Be(id.ms);
    reader.ReadU64Be(id.seq);
    field = id;
  }

  void Fail(uint8_t tag) {
    if (!error_) error_ = OutOfRange(tag);
  }
  std::optional<std::string> error() const { return error_; }

 private:
  const TlvOptions& tlv_;
  std::optional<std::string> error_;
};

}  // namespace

TlvOptions TlvOptions::Parse(std::string_view block) {
  TlvOptions options;
  ByteReader reader(block);
  uint8_t tag = 0, length = 0;
  std::string_view value;
  while (reader.ReadU8(tag) && reader.ReadU8(length) && reader.ReadBytes(length, value)) {
    options.entries_.emplace_back(tag, value);
    options.present_.set(tag);
  }
  return options;
}

std::optional<std::string_view> TlvOptions::Get(uint8_t tag) const {
  if (!present_.test(tag)) return std::nullopt;
  for (const auto& [entry_tag, value] : entries_) {
    if (entry_tag == tag) return value;
  }
  return std::nullopt;
}

std::optional<uint64_t> TlvOptions::Uint(uint8_t tag) const {
  const std::optional<std::string_view> value = Get(tag);
  if (!value) return std::nullopt;
  const size_t width = value->size();
  if (width != 1 && width != 2 && width != 4 && width != 8) return std::nullopt;
  uint64_t number = 0;
  for (size_t i = width; i-- > 0;) number = (number << 8) | static_cast<uint8_t>((*value)[i]);
  return number;
}

bool TlvOptions::Flag(uint8_t tag) const {
  const std::optional<std::string_view> value = Get(tag);
  if (!value) return false;
  if (value->empty()) return true;
  const std::optional<uint64_t> number = Uint(tag);
  return number.has_value() && *number != 0;
}

std::optional<uint64_t> TtlToMs(uint64_t ttl, const ConnectionProfile& profile) {
  if (profile.ttl_unit == TtlUnit::kMilliseconds) return ttl;
  return SecondsToMs(ttl);
}

std::optional<std::string> ApplyOptions(const TlvOptions& tlv, const ConnectionProfile& profile,
                                        Options& out) {
  if (tlv.empty()) return std::nullopt;  // most requests carry no options
  OptionSetter set(tlv);
  if (const std::optional<uint64_t> ttl = tlv.Uint(tag::kTtl)) {
    out.ttl_ms = TtlToMs(*ttl, profile);
    if (!out.ttl_ms) set.Fail(tag::kTtl);
  }
  set.Uint(tag::kCasVersion, out.cas_version);
  set.Flag(tag::kIfNotExists, out.if_not_exists);
  set.Flag(tag::kIfExists, out.if_exists);
  set.Uint(tag::kLimit, out.limit);
  if (out.limit == 0u) out.limit.reset();  // 0 asks for the server's default, like no limit
  set.Flag(tag::kKeysOnly, out.keys_only);
  set.Bytes(tag::kRoutingKey, out.routing_key);
  set.Uint(tag::kTxnId, out.txn_id);
  set.Uint(tag::kPriority, out.priority);
  set.Uint(tag::kDelayMs, out.delay_ms);
  set.Uint(tag::kVisibilityTimeoutMs, out.visibility_timeout_ms);
  set.Bytes(tag::kDedupKey, out.dedup_key);
  set.Uint(tag::kMaxRetries, out.max_retries);
  set.Uint(tag::kCount, out.count);
  set.Flag(tag::kSendToDlq, out.send_to_dlq);
  set.Wait(tag::kBlockMs, out.block_ms);
  set.Wait(tag::kWaitMs, out.wait_ms);
  set.StreamIdField(tag::kStreamStart, out.stream_start);
  set.StreamIdField(tag::kStreamEnd, out.stream_end);
  set.Flag(tag::kStreamTail, out.stream_tail);
  set.Uint(tag::kPartition, out.partition);
  set.Bytes(tag::kPartitionKey, out.partition_key);
  set.Seconds(tag::kMaxAgeSeconds, out.max_age_ms);
  set.Uint(tag::kMaxBytes, out.max_bytes);
  set.Flag(tag::kDryRun, out.dry_run);
  set.Uint(tag::kRetentionCount, out.retention_count);
  set.Seconds(tag::kRetentionAgeSeconds, out.retention_age_ms);
  set.Uint(tag::kRetentionBytes, out.retention_bytes);
  set.Flag(tag::kForce, out.force);
  set.Uint(tag::kAckTimeoutMs, out.ack_timeout_ms);
  set.Uint(tag::kMaxDeliver, out.max_deliver);
  set.Uint(tag::kRedeliveryDelayMs, out.redelivery_delay_ms);
  set.Flag(tag::kNoAck, out.no_ack);
  set.Uint(tag::kIdleTimeoutMs, out.idle_timeout_ms);
  set.Uint(tag::kExtendAckMs, out.extend_ack_ms);
  return set.error();
}

}  // namespace flod::codec::flo
