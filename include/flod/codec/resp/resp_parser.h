#pragma once
// RESP2 request parser: multibulk commands ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n") and inline
// commands ("GET k\r\n", quoting as redis-cli and Redis's own inline parser accept it).
// Pure and incremental: it never reads a socket, and it takes its limits at construction.
//
// Use: call Parse() with the unconsumed bytes of the connection. kCommand: `command.args`
// holds the arguments and `command.size` the bytes to drop. kNeedMore: keep the bytes and
// call again with the same bytes plus whatever arrived; the parser resumes where it stopped,
// so a large value arriving in many reads is scanned once. kError: the framing is lost;
// answer `-ERR <command.error>` and close the connection, as Redis does.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flod::codec::resp {

struct ParserLimits {
  size_t max_arguments = 1024 * 1024;   // per multibulk command (Redis's limit)
  size_t max_bulk_bytes = 512u << 20;   // per argument: the server passes its max frame size
  size_t max_inline_bytes = 64 * 1024;  // an inline line, and a length line
};

enum class ParseStatus : uint8_t { kNeedMore, kCommand, kError };

struct ParsedCommand {
  // The arguments (args[0] is the command name). They view the input given to Parse() or
  // this object's own storage; both stay valid until the next Parse() call. Empty for a
  // blank inline line or "*0": the caller just drops `size` bytes.
  std::vector<std::string_view> args;
  size_t size = 0;
  std::string error;  // with kError, e.g. "Protocol error: invalid bulk length"

  std::vector<std::string> owned;  // unescaped inline arguments
};

class RespParser {
 public:
  explicit RespParser(ParserLimits limits = {}) : limits_(limits) {}

  ParseStatus Parse(std::string_view input, ParsedCommand& command);

  // True while a multibulk command is partly parsed (the next call must resume it).
  bool mid_command() const { return expected_args_ > 0; }

 private:
  bool ParseWholeCommand(std::string_view input, ParsedCommand& command);
  ParseStatus ParseMultibulk(std::string_view input, ParsedCommand& command);
  ParseStatus ParseInline(std::string_view input, ParsedCommand& command);
  // Reads a "<marker><integer>\r\n" line at `pos`: kCommand with `value` and `next` set.
  ParseStatus ReadLengthLine(std::string_view input, size_t pos, int64_t& value, size_t& next,
                             const char* too_long, const char* invalid, ParsedCommand& command);
  void Reset();

  ParserLimits limits_;
  // Resumable state of the multibulk command at the start of the input.
  size_t expected_args_ = 0;                      // 0 = no command in progress
  size_t pos_ = 0;                                // where parsing resumes
  int64_t bulk_length_ = -1;                      // length of the argument at pos_, once read
  std::vector<std::pair<size_t, size_t>> spans_;  // (offset, length) of each argument
};

// Splits an inline command line like Redis (and redis-cli) do: spaces separate arguments,
// "double quotes" allow \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes' allow \'.
// A closing quote must be followed by a space or the end. False on unbalanced quotes.
bool SplitInlineArgs(std::string_view line, std::vector<std::string>& out);

}  // namespace flod::codec::resp
