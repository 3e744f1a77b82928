#include "json_commands.h"

#include <string>

#include "command_util.h"

namespace flod::codec::resp {
namespace {

constexpr uint32_t kJsonPathStyle = 1;  // the path started with '$'
constexpr uint32_t kOnlyIfExists = 2;   // JSON.SET ... XX

// The engine's answers that tell a missing key from a missing node (kv_engine_json.cc).
constexpr std::string_view kKeyNotFound = "key not found";

// RedisJSON's root "." is the engine's empty path; every other path reads the same.
std::string EnginePath(std::string_view path) {
  if (path == "." || path == "$") return {};
  return std::string(path);
}

uint32_t StyleOf(std::string_view path) {
  return !path.empty() && path.front() == '$' ? kJsonPathStyle : 0;
}

}  // namespace

bool BuildJsonGet(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  if (args.size() > 3) {
    out.Error("ERR flod's JSON.GET takes at most one path");
    return false;
  }
  const std::string_view path = args.size() == 3 ? args[2] : std::string_view(".");
  StartTypedRequest(built.request, Op::kKvJsonGet, args[1]);
  built.request.args.path = EnginePath(path);
  built.note.mode = StyleOf(path);
  return true;
}

void ReplyJsonGet(CommandContext&, const ReplyNote& note, Result& result, RespWriter& out) {
  const bool jsonpath = (note.mode & kJsonPathStyle) != 0;
  if (const auto* doc = std::get_if<ValueBody>(&result.body); doc && result.ok()) {
    if (jsonpath) {
      out.Bulk("[" + doc->value + "]");  // JSONPath answers the list of matches
    } else {
      out.Bulk(doc->value);
    }
  } else if (result.status == Status::kNotFound && result.message == kKeyNotFound) {
    out.Null();
  } else if (result.status == Status::kNotFound) {
    if (jsonpath) {
      out.Bulk("[]");
    } else {
      out.Error("ERR Path does not exist");
    }
  } else {
    WriteError(result, out);
  }
}

bool BuildJsonSet(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  StartTypedRequest(built.request, Op::kKvJsonSet, args[1]);
  Request& request = built.request;
  request.args.path = EnginePath(args[2]);
  request.value.assign(args[3].data(), args[3].size());
  if (args.size() > 5) {
    out.Error(kErrSyntax);
    return false;
  }
  if (args.size() == 5) {
    if (EqualsIgnoreCase(args[4], "NX")) {
      request.options.if_not_exists = true;
    } else if (EqualsIgnoreCase(args[4], "XX")) {
      request.options.if_exists = true;
      built.note.mode = kOnlyIfExists;
    } else {
      out.Error(kErrSyntax);
      return false;
    }
  }
  return true;
}

void ReplyJsonSet(CommandContext&, const ReplyNote& note, Result& result, RespWriter& out) {
  if (result.ok()) return out.Simple("OK");
  if (result.status == Status::kConflict) return out.Null();  // NX / XX not met
  if (result.status == Status::kNotFound && result.message == kKeyNotFound) {
    // XX on a missing key is an unmet condition; anything else must start at the root.
    if ((note.mode & kOnlyIfExists) != 0) return out.Null();
    return out.Error("ERR new objects must be created at the root");
  }
  if (result.status == Status::kNotFound) return out.Null();  // the parent node is missing
  WriteError(result, out);
}

bool BuildJsonDel(CommandContext&, Args args, BuiltCommand& built, RespWriter& out) {
  if (args.size() > 3) {
    out.Error(kErrSyntax);
    return false;
  }
  StartTypedRequest(built.request, Op::kKvJsonDel, args[1]);
  built.request.args.path = EnginePath(args.size() == 3 ? args[2] : std::string_view("$"));
  return true;
}

void ReplyJsonDel(CommandContext&, const ReplyNote&, Result& result, RespWriter& out) {
  if (result.ok()) return out.Integer(1);
  if (result.status == Status::kNotFound) return out.Integer(0);
  WriteError(result, out);
}

}  // namespace flod::codec::resp
