#pragma once
// Helpers every RESP command family uses: argument parsing with Redis's rules, the error
// texts clients match on, and the generic Status → error reply mapping.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "flod/codec/resp/command_table.h"
#include "flod/codec/resp/resp_writer.h"
#include "flod/core/request.h"
#include "flod/core/result.h"

namespace flod::codec::resp {

inline constexpr std::string_view kErrSyntax = "ERR syntax error";
inline constexpr std::string_view kErrNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kErrWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kErrInvalidCursor = "ERR invalid cursor";

// Redis's ASCII case-insensitive comparison of an argument with an option name.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);
std::string ToLower(std::string_view text);
std::string ToUpper(std::string_view text);

// A signed 64-bit integer with Redis's rules: optional '-', digits, no leading zeros, no
// spaces or '+'. nullopt otherwise (the caller answers kErrNotInteger).
std::optional<int64_t> ParseInteger(std::string_view text);
// An unsigned 64-bit decimal (SCAN cursors).
std::optional<uint64_t> ParseUnsigned(std::string_view text);

// A request on the namespace RESP serves.
Request MakeRequest(Op op, std::string_view key);
// The same for commands of one Redis type (string, JSON, list, stream): the name must not
// hold a value of another engine (Options::one_type_per_name), else -WRONGTYPE.
Request MakeTypedRequest(Op op, std::string_view key);
// Starts `request` (a builder's, which may hold a previous command) over as MakeTypedRequest.
void StartTypedRequest(Request& request, Op op, std::string_view key);

// "ERR wrong number of arguments for 'get' command".
std::string WrongArityMessage(const CommandSpec& spec);

// The reply for a failed Result when the command has no better one: WRONGTYPE for kWrongType,
// "ERR <message>" for everything else.
void WriteError(const Result& result, RespWriter& out);

// A stored value as Redis shows it: bytes as they are, a counter (8-byte little-endian) as its
// decimal text, a JSON document → WRONGTYPE.
void WriteStoredValue(ValueKind kind, std::string_view value, RespWriter& out);
// The decimal text of a stored counter.
std::string CounterText(std::string_view stored);

}  // namespace flod::codec::resp
