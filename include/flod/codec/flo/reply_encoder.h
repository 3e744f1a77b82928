#pragma once
// flod::Result → complete reply frame (WIRE.md §2, §5, §7.1). Pure; thread-safe, so the
// connection may encode on whichever thread holds the Result.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "flod/codec/flo/profile.h"
#include "flod/core/op.h"
#include "flod/core/result.h"
#include "flod/core/status.h"

namespace flod::codec::flo {

// Error data is the message, cut to this many bytes (on a UTF-8 character boundary).
inline constexpr size_t kMaxErrorMessageBytes = 400;

// The status byte of §5.1 / §14.4. kUnavailable is 12 on version 2 only; older clients know
// no 12, so they get 10 (overloaded, also retryable).
uint8_t WireStatus(Status status, Framing framing);

// Appends the reply to a request of `op` that the client sent with `request_id`.
// Success data follows the op's layout for this connection (scan H or T, legacy raw get);
// error data is the message. A success Result without the body the op needs is a server
// bug and is answered as status 9 rather than as a body the client would misread.
void EncodeReply(const ConnectionProfile& profile, uint64_t request_id, Op op, const Result& result,
                 std::string& out);

// Appends an error reply (decode failures, refusals made before an op is known).
void AppendErrorReply(const ConnectionProfile& profile, uint64_t request_id, Status status,
                      std::string_view message, std::string& out);

}  // namespace flod::codec::flo
