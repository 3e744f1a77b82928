#pragma once
// Success data of the stream and consumer-group replies (WIRE.md §7.3, §9; flod's own layouts
// for the ops no SDK parses are in docs/protocol-flo.md). Pure; thread-safe.

#include <optional>
#include <string>

#include "flod/codec/flo/profile.h"
#include "flod/core/op.h"
#include "flod/core/result.h"

namespace flod::codec::flo {

// The generic list page of WIRE.md §7.9, always complete (has_more 0, no cursor); shared by
// every family's listing (defined in reply_encoder.cc).
std::string EncodeNameList(const NameListBody& body);

// The data for a successful `op` (a kStream op), or nullopt when `body` is not the body that
// op answers with.
std::optional<std::string> EncodeStreamSuccess(const ConnectionProfile& profile, Op op,
                                               const ResultBody& body);

}  // namespace flod::codec::flo
