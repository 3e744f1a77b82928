#include "command_docs.h"

#include <array>

#include "command_util.h"
#include "flod/core/op.h"

namespace flod::codec::resp {
namespace {

// ---- Syntax strings -----------------------------------------------------------------------

bool IsPunctuation(std::string_view token) {
  return token == "[" || token == "]" || token == "(" || token == ")" || token == "|" ||
         token == "...";
}

bool IsUpperWord(std::string_view word) {
  bool letter = false;
  for (char c : word) {
    if (c >= 'a' && c <= 'z') return false;
    letter = letter || (c >= 'A' && c <= 'Z');
  }
  return letter;
}

std::string TypeOf(std::string_view name) {
  constexpr std::array<std::string_view, 10> kIntegers = {
      "seconds",   "milliseconds", "count",    "cursor",  "increment",
      "decrement", "index",        "protover", "timeout", "id"};
  if (name == "key") return "key";
  if (name == "pattern") return "pattern";
  for (std::string_view integer : kIntegers) {
    if (name == integer) return "integer";
  }
  return "string";
}

class SyntaxParser {
 public:
  explicit SyntaxParser(std::string_view text) { Lex(text); }

  std::vector<DocArg> Parse() {
    std::vector<std::vector<DocArg>> alternatives = Alternatives("");
    std::vector<DocArg> out;
    for (auto& alternative : alternatives) {
      for (DocArg& arg : alternative) out.push_back(std::move(arg));
    }
    return out;
  }

 private:
  void Lex(std::string_view text) {
    size_t i = 0;
    while (i < text.size()) {
      const char c = text[i];
      if (c == ' ') {
        ++i;
      } else if (c == '[' || c == ']' || c == '(' || c == ')' || c == '|') {
        tokens_.emplace_back(1, c);
        ++i;
      } else if (text.substr(i, 3) == "...") {
        tokens_.emplace_back("...");
        i += 3;
      } else {
        const size_t start = i;
        while (i < text.size() &&
               std::string_view(" []()|").find(text[i]) == std::string_view::npos &&
               text.substr(i, 3) != "...") {
          ++i;
        }
        tokens_.emplace_back(text.substr(start, i - start));
      }
    }
  }

  bool AtEnd() const { return next_ >= tokens_.size(); }
  const std::string& Peek() const { return tokens_[next_]; }

  // Items up to `close` (or the end), split at '|'.
  std::vector<std::vector<DocArg>> Alternatives(std::string_view close) {
    std::vector<std::vector<DocArg>> alternatives(1);
    while (!AtEnd() && Peek() != close) {
      if (Peek() == "|") {
        ++next_;
        alternatives.emplace_back();
        continue;
      }
      if (Peek() == "]" || Peek() == ")") {  // stray closer: ignore it
        ++next_;
        continue;
      }
      alternatives.back().push_back(Item());
    }
    if (!AtEnd()) ++next_;  // the closer
    return alternatives;
  }

  DocArg Item() {
    DocArg arg;
    const std::string word = tokens_[next_++];
    if (word == "[" || word == "(") {
      arg = Group(Alternatives(word == "[" ? "]" : ")"));
      arg.optional = arg.optional || word == "[";
    } else if (IsUpperWord(word)) {
      arg.token = word;
      if (!AtEnd() && !IsUpperWord(Peek()) && !IsPunctuation(Peek())) {
        arg.name = tokens_[next_++];
        arg.type = TypeOf(arg.name);
      } else {
        arg.name = ToLower(word);
        arg.type = "pure-token";
      }
    } else {
      arg.name = word;
      arg.type = TypeOf(word);
    }
    if (!AtEnd() && Peek() == "...") {
      ++next_;
      arg.multiple = true;
    }
    return arg;
  }

  static DocArg Group(std::vector<std::vector<DocArg>> alternatives) {
    if (alternatives.size() == 1 && alternatives[0].size() == 1) return alternatives[0][0];
    DocArg group;
    if (alternatives.size() == 1) {
      group.type = "block";
      group.args = std::move(alternatives[0]);
      group.name = group.args.empty() ? "block" : group.args[0].name;
      return group;
    }
    group.type = "oneof";
    for (auto& alternative : alternatives) {
      if (alternative.size() == 1) {
        group.args.push_back(std::move(alternative[0]));
      } else {
        DocArg block;
        block.type = "block";
        block.args = std::move(alternative);
        block.name = block.args.empty() ? "block" : block.args[0].name;
        group.args.push_back(std::move(block));
      }
    }
    group.name = group.args.empty() ? "oneof" : group.args[0].name;
    return group;
  }

  std::vector<std::string> tokens_;
  size_t next_ = 0;
};

std::string RenderOne(const DocArg& arg) {
  std::string repeat;
  if (arg.type == "oneof" || arg.type == "block") {
    const char* separator = arg.type == "oneof" ? "|" : " ";
    for (size_t i = 0; i < arg.args.size(); ++i) {
      if (i > 0) repeat += separator;
      repeat += RenderOne(arg.args[i]);
    }
  } else if (arg.type != "pure-token") {
    repeat = arg.name;
  }
  std::string token = arg.token;
  if (!token.empty() && arg.type != "pure-token") token += " ";
  std::string out = token + repeat;
  if (arg.multiple) out += " [" + repeat + " ...]";
  return arg.optional ? "[" + out + "]" : out;
}

// ---- Replies ----------------------------------------------------------------------------

void WriteDocArg(const DocArg& arg, RespWriter& out) {
  size_t fields = 2;
  std::vector<std::string_view> flags;
  if (arg.optional) flags.push_back("optional");
  if (arg.multiple) flags.push_back("multiple");
  fields += arg.token.empty() ? 0 : 1;
  fields += flags.empty() ? 0 : 1;
  fields += arg.args.empty() ? 0 : 1;
  out.Array(fields * 2);
  out.Bulk("name");
  out.Bulk(arg.name);
  out.Bulk("type");
  out.Bulk(arg.type);
  if (!arg.token.empty()) {
    out.Bulk("token");
    out.Bulk(arg.token);
  }
  if (!flags.empty()) {
    out.Bulk("flags");
    out.Array(flags.size());
    for (std::string_view flag : flags) out.Simple(flag);
  }
  if (!arg.args.empty()) {
    out.Bulk("arguments");
    out.Array(arg.args.size());
    for (const DocArg& member : arg.args) WriteDocArg(member, out);
  }
}

std::string SummaryOf(const CommandSpec& spec) {
  if (spec.handler.refusal.empty()) return std::string(spec.summary);
  return "Not supported by flod: " + std::string(spec.handler.refusal);
}

void WriteDocs(const CommandSpec& spec, RespWriter& out) {
  const std::vector<DocArg> args = ParseSyntax(spec.syntax);
  const std::vector<const CommandSpec*> subcommands = SubcommandsOf(spec);
  out.Array((3 + (args.empty() ? 0 : 1) + (subcommands.empty() ? 0 : 1)) * 2);
  out.Bulk("summary");
  out.Bulk(SummaryOf(spec));
  out.Bulk("since");
  out.Bulk(FLOD_VERSION);
  out.Bulk("group");
  out.Bulk(spec.group);
  if (!args.empty()) {
    out.Bulk("arguments");
    out.Array(args.size());
    for (const DocArg& arg : args) WriteDocArg(arg, out);
  }
  if (!subcommands.empty()) {
    out.Bulk("subcommands");
    out.Array(subcommands.size() * 2);
    for (const CommandSpec* sub : subcommands) {
      out.Bulk(FullName(*sub));
      WriteDocs(*sub, out);
    }
  }
}

std::vector<std::string_view> FlagNames(uint32_t flags) {
  using namespace command_flags;
  std::vector<std::string_view> names;
  if (flags & kWrite) names.insert(names.end(), {"write", "denyoom"});
  if (flags & kReadOnly) names.push_back("readonly");
  if (flags & kAdmin) names.push_back("admin");
  if (flags & kNoScript) names.push_back("noscript");
  if (flags & kLoading) names.push_back("loading");
  if (flags & kStale) names.push_back("stale");
  if (flags & kFast) names.push_back("fast");
  if (flags & kBlocking) names.push_back("blocking");
  return names;
}

std::vector<std::string> Categories(const CommandSpec& spec) {
  using namespace command_flags;
  std::vector<std::string> categories;
  const std::string group(spec.group);
  categories.push_back(group == "generic" ? "@keyspace" : "@" + group);
  if (spec.flags & kWrite) categories.emplace_back("@write");
  if (spec.flags & kReadOnly) categories.emplace_back("@read");
  categories.emplace_back(spec.flags & kFast ? "@fast" : "@slow");
  if (spec.flags & kBlocking) categories.emplace_back("@blocking");
  return categories;
}

void WriteInfo(const CommandSpec& spec, RespWriter& out) {
  out.Array(10);
  out.Bulk(FullName(spec));
  out.Integer(spec.arity);
  const auto flags = FlagNames(spec.flags);
  out.Array(flags.size());
  for (std::string_view flag : flags) out.Simple(flag);
  out.Integer(spec.keys.first);
  out.Integer(spec.keys.last);
  out.Integer(spec.keys.step);
  const auto categories = Categories(spec);
  out.Array(categories.size());
  for (const std::string& category : categories) out.Simple(category);
  out.Array(0);  // tips
  out.Array(0);  // key specs
  const std::vector<const CommandSpec*> subcommands = SubcommandsOf(spec);
  out.Array(subcommands.size());
  for (const CommandSpec* sub : subcommands) WriteInfo(*sub, out);
}

std::vector<const CommandSpec*> TopLevel() {
  std::vector<const CommandSpec*> commands;
  for (const CommandSpec& spec : AllCommands()) {
    if (!spec.is_subcommand()) commands.push_back(&spec);
  }
  return commands;
}

// The commands named in args[2...], or every command when none is named.
std::vector<const CommandSpec*> Named(Args args, bool keep_unknown) {
  if (args.size() <= 2) return TopLevel();
  std::vector<const CommandSpec*> commands;
  for (size_t i = 2; i < args.size(); ++i) {
    const CommandSpec* spec = FindCommand(args[i]);
    if (spec != nullptr || keep_unknown) commands.push_back(spec);
  }
  return commands;
}

}  // namespace

std::vector<DocArg> ParseSyntax(std::string_view syntax) { return SyntaxParser(syntax).Parse(); }

std::string RenderHint(const std::vector<DocArg>& args) {
  std::string hint;
  for (const DocArg& arg : args) {
    if (!hint.empty()) hint += " ";
    hint += RenderOne(arg);
  }
  return hint;
}

void RunCommand(CommandContext&, Args, RespWriter& out) {
  const std::vector<const CommandSpec*> commands = TopLevel();
  out.Array(commands.size());
  for (const CommandSpec* spec : commands) WriteInfo(*spec, out);
}

void RunCommandCount(CommandContext&, Args, RespWriter& out) {
  out.Integer(static_cast<int64_t>(TopLevel().size()));
}

void RunCommandDocs(CommandContext&, Args args, RespWriter& out) {
  const std::vector<const CommandSpec*> commands = Named(args, /*keep_unknown=*/false);
  out.Array(commands.size() * 2);
  for (const CommandSpec* spec : commands) {
    out.Bulk(FullName(*spec));
    WriteDocs(*spec, out);
  }
}

void RunCommandInfo(CommandContext&, Args args, RespWriter& out) {
  const std::vector<const CommandSpec*> commands = Named(args, /*keep_unknown=*/true);
  out.Array(commands.size());
  for (const CommandSpec* spec : commands) {
    if (spec == nullptr) {
      out.NullArray();
    } else {
      WriteInfo(*spec, out);
    }
  }
}

void RunCommandList(CommandContext&, Args, RespWriter& out) {
  const std::vector<const CommandSpec*> commands = TopLevel();
  out.Array(commands.size());
  for (const CommandSpec* spec : commands) out.Bulk(FullName(*spec));
}

}  // namespace flod::codec::resp
