#pragma once
// Redis stream commands over the stream ops (docs/protocol-resp.md §2 "Streams"):
//   stream_commands.cc        XADD, XLEN, XTRIM, XACK, XPENDING, XCLAIM, XAUTOCLAIM
//   stream_group_commands.cc  XGROUP *, XINFO *
//   stream_read_flows.cc      XRANGE, XREVRANGE, XREAD, XREADGROUP
// Rows live in command_table.cc.

#include <memory>
#include <string>
#include <string_view>

#include "flod/codec/resp/command_flow.h"
#include "flod/codec/resp/command_table.h"

namespace flod::codec::resp {

bool BuildXadd(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyXadd(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildXlen(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyXlen(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildXtrim(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyXtrim(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildXack(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyXack(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildXpending(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyXpending(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildXclaim(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyXclaim(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildXautoclaim(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyXautoclaim(CommandContext&, const ReplyNote&, Result&, RespWriter&);

std::unique_ptr<CommandFlow> MakeXgroupCreate(CommandContext&, Args, RespWriter&);
std::unique_ptr<CommandFlow> MakeXgroupCreateConsumer(CommandContext&, Args, RespWriter&);
bool BuildXgroupDestroy(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildXgroupDelConsumer(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildXgroupSetId(CommandContext&, Args, BuiltCommand&, RespWriter&);
// An integer count, or NOGROUP for a missing stream or group.
void ReplyGroupCount(CommandContext&, const ReplyNote&, Result&, RespWriter&);
void ReplyGroupOk(CommandContext&, const ReplyNote&, Result&, RespWriter&);
std::unique_ptr<CommandFlow> MakeXinfoStream(CommandContext&, Args, RespWriter&);
bool BuildXinfoGroups(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyXinfoGroups(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildXinfoConsumers(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyXinfoConsumers(CommandContext&, const ReplyNote&, Result&, RespWriter&);

std::unique_ptr<CommandFlow> MakeXrange(CommandContext&, Args, RespWriter&);
std::unique_ptr<CommandFlow> MakeXrevrange(CommandContext&, Args, RespWriter&);
std::unique_ptr<CommandFlow> MakeXread(CommandContext&, Args, RespWriter&);
std::unique_ptr<CommandFlow> MakeXreadgroup(CommandContext&, Args, RespWriter&);

// "NOGROUP No such key 'k' or consumer group 'g'", Redis's answer for a missing stream or
// group in group commands.
std::string NoGroupMessage(std::string_view key, std::string_view group);

}  // namespace flod::codec::resp
