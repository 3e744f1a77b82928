#pragma once
// Redis string and keyspace commands (GET, SET, MGET, MSET, DEL, EXISTS, INCR*, EXPIRE*, TTL,
// PTTL, PERSIST, TYPE, DBSIZE, KEYS, SCAN, FLUSHDB, FLUSHALL) as build/reply pairs over the
// KV ops. Rows live in command_table.cc.

#include <memory>

#include "flod/codec/resp/command_flow.h"
#include "flod/codec/resp/command_table.h"

namespace flod::codec::resp {

bool BuildGet(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyGet(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildSet(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplySet(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildMget(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyMget(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildMset(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildDel(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyDel(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildExists(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyExists(CommandContext&, const ReplyNote&, Result&, RespWriter&);

bool BuildIncr(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildDecr(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildIncrBy(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildDecrBy(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyCounter(CommandContext&, const ReplyNote&, Result&, RespWriter&);

bool BuildExpire(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildPexpire(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyExpire(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildKeyInfo(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyTtl(CommandContext&, const ReplyNote&, Result&, RespWriter&);
void ReplyPttl(CommandContext&, const ReplyNote&, Result&, RespWriter&);
// TYPE asks the KV, stream and queue engines (type_command.cc).
std::unique_ptr<CommandFlow> MakeType(CommandContext&, Args, RespWriter&);
bool BuildPersist(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyPersist(CommandContext&, const ReplyNote&, Result&, RespWriter&);

bool BuildDbSize(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyDbSize(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildKeys(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyKeys(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildScan(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyScan(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildFlushDb(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildFlushAll(CommandContext&, Args, BuiltCommand&, RespWriter&);

// +OK for success, the generic error otherwise (MSET, FLUSHDB, FLUSHALL).
void ReplyOk(CommandContext&, const ReplyNote&, Result&, RespWriter&);

}  // namespace flod::codec::resp
