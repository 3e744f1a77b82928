#pragma once
// Values of the stream and consumer-group requests → Request fields (WIRE.md §7.3, §9; the
// layouts no SDK defines are flod's, documented in docs/protocol-flo.md). Pure; thread-safe.

#include <optional>
#include <string>
#include <string_view>

#include "codec/flo/tlv_options.h"
#include "flod/codec/flo/profile.h"
#include "flod/core/request.h"

namespace flod::codec::flo {

// flod's extension tag: stream_append whose value is a batch of records (§7.3 has no batch
// layout; 0x2D is unused by every SDK and the reference).
inline constexpr uint8_t kStreamBatchTag = 0x2D;

// Decodes `value` for request.op (a kStream op) into request.args / request.value. A
// stream_append flagged kStreamBatchTag becomes Op::kStreamAppendBatch. Returns the error
// message of a value that does not parse.
std::optional<std::string> DecodeStreamValue(std::string_view value, const TlvOptions& tlv,
                                             const ConnectionProfile& profile, Request& request);

}  // namespace flod::codec::flo
