#pragma once
// Frame → flod::Request (WIRE.md §3, §4, §7.1, §9, §12). Pure; thread-safe.
//
// Envelope: [ns_len:u16][ns][key_len:u16][key][value_len:u32][value][opt_len:u16][options].
// An empty payload and a payload that stops right after the value are accepted (the
// reference server accepts both); any other shortfall, or bytes left over, is BAD_REQUEST.
// An empty namespace becomes "default".

#include <optional>

#include "flod/codec/flo/frame.h"
#include "flod/codec/flo/profile.h"
#include "flod/core/request.h"
#include "flod/core/result.h"

namespace flod::codec::flo {

// Decodes into `request`, which it restarts first (a pooled request keeps the room its strings
// have). Returns nothing on success, or a kBadRequest Result whose message the caller sends
// back with the frame's request id (the connection stays usable): unknown opcode, envelope
// lengths that do not add up to payload_length, a namespace over 255 bytes, a value over the
// profile's limit, an option out of range, or an operation value that does not parse. After a
// failure `request` holds no meaning.
std::optional<Result> DecodeRequest(const Frame& frame, const ConnectionProfile& profile,
                                    Request& request);

}  // namespace flod::codec::flo
