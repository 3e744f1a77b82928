#pragma once
// RedisJSON's JSON.GET, JSON.SET and JSON.DEL (alias JSON.FORGET) over the KV engine's JSON
// ops. Paths: `$`, `$.a.b`, `$.a[0]` (JSONPath: answers are arrays of matches) and `.`,
// `.a`, `a.b`, `[0]` (legacy: answers are the value itself), as RedisJSON answers each style.

#include "flod/codec/resp/command_table.h"

namespace flod::codec::resp {

bool BuildJsonGet(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyJsonGet(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildJsonSet(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyJsonSet(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildJsonDel(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyJsonDel(CommandContext&, const ReplyNote&, Result&, RespWriter&);

}  // namespace flod::codec::resp
