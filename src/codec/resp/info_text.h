#pragma once
// The text of INFO in Redis's format: "# Section" headers, "field:value" lines, CRLF line
// ends, a blank line between sections. Fields Redis tools read are filled from flod's
// state; flod's own facts follow as flod_* fields.

#include <string>
#include <string_view>

#include "flod/codec/resp/command_table.h"
#include "flod/core/result.h"

namespace flod::codec::resp {

// The Redis version whose command semantics flod's RESP follows (INFO, HELLO).
inline constexpr std::string_view kRedisCompatVersion = "7.0.0";

// `sections`: space-separated section names as given to INFO (any case); empty, "default",
// "all" and "everything" give every section flod has. Unknown names add nothing.
std::string InfoText(const ServerFacts& facts, const KeyspaceBody& keyspace,
                     std::string_view sections);

}  // namespace flod::codec::resp
