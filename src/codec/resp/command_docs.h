#pragma once
// COMMAND, COMMAND COUNT/DOCS/INFO/LIST: what Redis clients learn about commands. The
// argument docs come from each row's syntax string, written as Redis's docs write it:
//   word            an argument (type key when named "key", integer for counts and times,
//                   pattern for "pattern", string otherwise)
//   TOKEN           a literal option; "TOKEN word" is an option with a value
//   [ ... ]         optional;  ( ... ) a group;  a|b  one of;  x...  repeatable
// e.g. "key value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]". redis-cli builds its
// hints from COMMAND DOCS, so the hint it shows is the syntax string again.

#include <string>
#include <string_view>
#include <vector>

#include "flod/codec/resp/command_table.h"

namespace flod::codec::resp {

struct DocArg {
  std::string name;
  std::string type;   // key, string, integer, pattern, pure-token, oneof, block
  std::string token;  // the literal option, if any
  bool optional = false;
  bool multiple = false;
  std::vector<DocArg> args;  // oneof / block members
};

// The arguments a syntax string describes; malformed brackets are closed at the end.
std::vector<DocArg> ParseSyntax(std::string_view syntax);
// The hint redis-cli shows for these arguments (its rendering of COMMAND DOCS).
std::string RenderHint(const std::vector<DocArg>& args);

void RunCommand(CommandContext&, Args, RespWriter&);
void RunCommandCount(CommandContext&, Args, RespWriter&);
void RunCommandDocs(CommandContext&, Args, RespWriter&);
void RunCommandInfo(CommandContext&, Args, RespWriter&);
void RunCommandList(CommandContext&, Args, RespWriter&);

}  // namespace flod::codec::resp
