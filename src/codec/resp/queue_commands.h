#pragma once
// Redis list commands over Flo queues, and the Q* family that completes the lease cycle
// (docs/protocol-resp.md §2 "Queues"):
//   queue_commands.cc   LPUSH, RPOP, LLEN, QACK, QNACK, QTOUCH, QPEEK, QDLQ, QREQUEUE,
//                       QDLQDEL, QSTATS, QPURGE, QLIST
//   queue_pop_flow.cc   BRPOP, QPOP
// A popped message is leased (visible again after its visibility timeout unless acked). RPOP
// and BRPOP answer payloads only; the connection remembers the seqs its last pop of each
// queue leased, so `QACK queue` / `QNACK queue` without seqs settle them. QPOP answers
// [seq, payload, deliveries] triples. Rows live in command_table.cc.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flod/codec/resp/command_flow.h"
#include "flod/codec/resp/command_table.h"

namespace flod::codec::resp {

bool BuildLpush(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyLpush(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildRpop(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyRpop(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildLlen(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyLlen(CommandContext&, const ReplyNote&, Result&, RespWriter&);
std::unique_ptr<CommandFlow> MakeBrpop(CommandContext&, Args, RespWriter&);
std::unique_ptr<CommandFlow> MakeQpop(CommandContext&, Args, RespWriter&);

bool BuildQack(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildQnack(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildQtouch(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildQrequeue(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildQdlqdel(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildQpurge(CommandContext&, Args, BuiltCommand&, RespWriter&);
// An integer: how many messages the command affected.
void ReplyQueueCount(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildQpeek(CommandContext&, Args, BuiltCommand&, RespWriter&);
bool BuildQdlq(CommandContext&, Args, BuiltCommand&, RespWriter&);
// [[seq, payload, deliveries] ...]
void ReplyQueueMessages(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildQstats(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyQstats(CommandContext&, const ReplyNote&, Result&, RespWriter&);
bool BuildQlist(CommandContext&, Args, BuiltCommand&, RespWriter&);
void ReplyQlist(CommandContext&, const ReplyNote&, Result&, RespWriter&);

// Records the seqs of the messages a pop of `queue` leased on this connection (for QACK/QNACK
// without seqs).
void RememberLeased(ClientState& client, std::string_view queue,
                    const std::vector<QueueMessage>& messages);
// One message as QPOP, QPEEK and QDLQ show it.
void WriteQueueMessage(const QueueMessage& message, RespWriter& out);

}  // namespace flod::codec::resp
