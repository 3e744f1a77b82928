#pragma once
// Connection and server commands. Most are answered on the connection (local); PING and INFO
// go through an op so that they are ordered with the connection's other requests and INFO
// can count keys on every shard.

#include "flod/codec/resp/command_table.h"

namespace flod::codec::resp {

bool BuildPing(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyPing(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildInfo(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyInfo(CommandContext&, const ReplyNote&, Result&, RespWriter&);

void RunEcho(CommandContext&, Args, RespWriter&);
void RunQuit(CommandContext&, Args, RespWriter&);
void RunSelect(CommandContext&, Args, RespWriter&);
void RunHello(CommandContext&, Args, RespWriter&);
void RunAuth(CommandContext&, Args, RespWriter&);
void RunTime(CommandContext&, Args, RespWriter&);
void RunClientSetName(CommandContext&, Args, RespWriter&);
void RunClientGetName(CommandContext&, Args, RespWriter&);
void RunClientId(CommandContext&, Args, RespWriter&);
void RunClientSetInfo(CommandContext&, Args, RespWriter&);
void RunClientList(CommandContext&, Args, RespWriter&);
void RunClientInfo(CommandContext&, Args, RespWriter&);
void RunConfigGet(CommandContext&, Args, RespWriter&);
// "<PARENT> HELP": the subcommands of args[0] with their syntax and summary.
void RunHelp(CommandContext&, Args, RespWriter&);

}  // namespace flod::codec::resp
