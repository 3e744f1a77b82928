#pragma once
// Success data of the stream and consumer-group replies (WIRE.md §7.3, §9; flod's own layouts
// for the ops no SDK parses are in docs/protocol-flo.md). Pure; thread-safe.

#include <optional>
#include <string>

#include "flod/codec/flo/profile.h"
#include "flod/core/op.h"
#include "flod/core/result.h"

namespace flod::codec::flo {

// The data for a successful `op` (a kStream op), or nullopt when `body` is not the body that
// op answers with.
std::optional<std::string> EncodeStreamSuccess(const ConnectionProfile& profile, Op op,
                                               const ResultBody& body);

}  // namespace flod::codec::flo
