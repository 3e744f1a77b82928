#include <gtest/gtest.h>

#include "codec/resp/command_docs.h"
#include "flod/codec/resp/command_table.h"

namespace flod::codec::resp {
namespace {

std::string Hint(std::string_view syntax) { return RenderHint(ParseSyntax(syntax)); }

TEST(RespCommandDocsTest, HintsReadLikeRedisDocs) {
  EXPECT_EQ(Hint("key"), "key");
  EXPECT_EQ(Hint("key value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]"),
            "key value [NX|XX] [GET] [EX seconds|PX milliseconds|KEEPTTL]");
  EXPECT_EQ(Hint("key..."), "key [key ...]");
  EXPECT_EQ(Hint("(key value)..."), "key value [key value ...]");
  EXPECT_EQ(Hint("cursor [MATCH pattern] [COUNT count] [TYPE type]"),
            "cursor [MATCH pattern] [COUNT count] [TYPE type]");
  EXPECT_EQ(Hint("[protover [AUTH username password] [SETNAME clientname]]"),
            "[protover [AUTH username password] [SETNAME clientname]]");
  EXPECT_EQ(Hint(""), "");
}

TEST(RespCommandDocsTest, ArgumentsCarryRedisTypesAndFlags) {
  const std::vector<DocArg> args = ParseSyntax("key seconds [NX|XX] [MATCH pattern] member...");
  ASSERT_EQ(args.size(), 5u);
  EXPECT_EQ(args[0].type, "key");
  EXPECT_EQ(args[1].type, "integer");
  EXPECT_EQ(args[2].type, "oneof");
  EXPECT_TRUE(args[2].optional);
  ASSERT_EQ(args[2].args.size(), 2u);
  EXPECT_EQ(args[2].args[0].type, "pure-token");
  EXPECT_EQ(args[2].args[0].token, "NX");
  EXPECT_EQ(args[3].token, "MATCH");
  EXPECT_EQ(args[3].type, "pattern");
  EXPECT_TRUE(args[4].multiple);
  EXPECT_EQ(args[4].type, "string");
}

TEST(RespCommandDocsTest, EveryRowsSyntaxRendersBackToAHint) {
  for (const CommandSpec& spec : AllCommands()) {
    const std::string hint = Hint(spec.syntax);
    EXPECT_EQ(hint.empty(), spec.syntax.empty()) << spec.name;
    EXPECT_EQ(std::count(hint.begin(), hint.end(), '['), std::count(hint.begin(), hint.end(), ']'))
        << spec.name << ": " << hint;
  }
}

TEST(RespCommandDocsTest, TableNamesAreUniqueAndFindableInAnyCase) {
  for (const CommandSpec& spec : AllCommands()) {
    if (spec.is_subcommand()) {
      const size_t space = spec.name.find(' ');
      const CommandSpec* parent = FindCommand(spec.name.substr(0, space));
      ASSERT_NE(parent, nullptr) << spec.name;
      EXPECT_EQ(FindSubcommand(*parent, spec.name.substr(space + 1)), &spec);
    } else {
      EXPECT_EQ(FindCommand(spec.name), &spec);
    }
    EXPECT_NE(spec.handler.local != nullptr || spec.handler.build != nullptr ||
                  spec.handler.flow != nullptr || !spec.handler.refusal.empty() ||
                  (spec.flags & command_flags::kParent) != 0,
              false)
        << spec.name << " has no handler";
  }
  EXPECT_EQ(FindCommand("gEt"), FindCommand("GET"));
  EXPECT_EQ(FindCommand("json.get"), FindCommand("JSON.GET"));
  EXPECT_EQ(FindCommand("client setname"), nullptr);
  EXPECT_EQ(FindCommand(std::string(100, 'x')), nullptr);
}

}  // namespace
}  // namespace flod::codec::resp
