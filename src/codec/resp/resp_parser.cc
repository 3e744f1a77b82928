#include "flod/codec/resp/resp_parser.h"

#include <algorithm>
#include <cstring>

namespace flod::codec::resp {
namespace {

// Redis's integer rules for length lines: optional '-', digits without leading zeros.
bool ParseLength(std::string_view text, int64_t& out) {
  if (text.empty() || text.size() > 20) return false;
  size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative) ++i;
  if (i == text.size()) return false;
  if (text[i] == '0' && text.size() != i + 1) return false;
  int64_t value = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    if (value > (INT64_MAX - (text[i] - '0')) / 10) return false;
    value = value * 10 + (text[i] - '0');
  }
  out = negative ? -value : value;
  return true;
}

// The line every client sends, "<digits>\r\n" after the '*' or '$' at `pos`, read in one pass:
// true with the value when the line is complete and canonical (no sign, no leading zero, at
// most 18 digits, so no overflow). Anything else is left to the general path, which accepts
// these same lines with the same values and judges the rest.
bool ReadCanonicalLength(std::string_view input, size_t pos, int64_t& value, size_t& next) {
  constexpr size_t kMaxDigits = 18;
  const size_t first = pos + 1;
  const size_t digits_end = std::min(input.size(), first + kMaxDigits);
  size_t i = first;
  int64_t parsed = 0;
  while (i < digits_end && input[i] >= '0' && input[i] <= '9') {
    parsed = parsed * 10 + (input[i] - '0');
    ++i;
  }
  const size_t digits = i - first;
  if (digits == 0 || (input[first] == '0' && digits > 1)) return false;
  if (i + 1 >= input.size() || input[i] != '\r' || input[i + 1] != '\n') return false;
  value = parsed;
  next = i + 2;
  return true;
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// One double-quoted span starting after the opening quote; `i` ends after the closing one.
bool ReadDoubleQuoted(std::string_view line, size_t& i, std::string& arg) {
  while (i < line.size()) {
    const char c = line[i];
    if (c == '"') {
      ++i;
      return i == line.size() || IsSpace(line[i]);
    }
    if (c == '\\' && i + 3 < line.size() && line[i + 1] == 'x' && HexValue(line[i + 2]) >= 0 &&
        HexValue(line[i + 3]) >= 0) {
      arg.push_back(static_cast<char>(HexValue(line[i + 2]) * 16 + HexValue(line[i + 3])));
      i += 4;
      continue;
    }
    if (c == '\\' && i + 1 < line.size()) {
      const char e = line[i + 1];
      arg.push_back(e == 'n'   ? '\n'
                    : e == 'r' ? '\r'
                    : e == 't' ? '\t'
                    : e == 'b' ? '\b'
                    : e == 'a' ? '\a'
                               : e);
      i += 2;
      continue;
    }
    arg.push_back(c);
    ++i;
  }
  return false;  // no closing quote
}

bool ReadSingleQuoted(std::string_view line, size_t& i, std::string& arg) {
  while (i < line.size()) {
    const char c = line[i];
    if (c == '\\' && i + 1 < line.size() && line[i + 1] == '\'') {
      arg.push_back('\'');
      i += 2;
      continue;
    }
    if (c == '\'') {
      ++i;
      return i == line.size() || IsSpace(line[i]);
    }
    arg.push_back(c);
    ++i;
  }
  return false;
}

}  // namespace

bool SplitInlineArgs(std::string_view line, std::vector<std::string>& out) {
  out.clear();
  size_t i = 0;
  while (true) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    if (i == line.size()) return true;
    std::string arg;
    // Quotes may open in the middle of an argument; a closed quote ends it.
    while (i < line.size() && !IsSpace(line[i])) {
      const char c = line[i++];
      if (c == '"') {
        if (!ReadDoubleQuoted(line, i, arg)) return false;
        break;
      }
      if (c == '\'') {
        if (!ReadSingleQuoted(line, i, arg)) return false;
        break;
      }
      arg.push_back(c);
    }
    out.push_back(std::move(arg));
  }
}

void RespParser::Reset() {
  expected_args_ = 0;
  pos_ = 0;
  bulk_length_ = -1;
  spans_.clear();
}

ParseStatus RespParser::Parse(std::string_view input, ParsedCommand& command) {
  command.args.clear();
  command.size = 0;
  if (expected_args_ == 0) {
    if (input.empty()) return ParseStatus::kNeedMore;
    if (input[0] != '*') return ParseInline(input, command);
    if (ParseWholeCommand(input, command)) return ParseStatus::kCommand;
  }
  return ParseMultibulk(input, command);
}

// The common case in one pass, with no state kept: a complete command whose length lines are
// all canonical. Anything else (a partial command, an odd length line, a limit crossed, an
// error) returns false having kept nothing, and the resumable path starts over and judges it.
bool RespParser::ParseWholeCommand(std::string_view input, ParsedCommand& command) {
  int64_t count = 0;
  size_t pos = 0;
  if (!ReadCanonicalLength(input, 0, count, pos) || count <= 0 ||
      count > static_cast<int64_t>(limits_.max_arguments)) {
    return false;
  }
  for (int64_t i = 0; i < count; ++i) {
    int64_t length = 0;
    size_t start = 0;
    if (pos >= input.size() || input[pos] != '$' ||
        !ReadCanonicalLength(input, pos, length, start) ||
        static_cast<uint64_t>(length) > limits_.max_bulk_bytes ||
        input.size() - start < static_cast<size_t>(length) + 2 ||
        input[start + length] != '\r' || input[start + length + 1] != '\n') {
      command.args.clear();
      return false;
    }
    command.args.push_back(input.substr(start, length));
    pos = start + length + 2;
  }
  command.size = pos;
  return true;
}

ParseStatus RespParser::ReadLengthLine(std::string_view input, size_t pos, int64_t& value,
                                       size_t& next, const char* too_long, const char* invalid,
                                       ParsedCommand& command) {
  if (ReadCanonicalLength(input, pos, value, next)) return ParseStatus::kCommand;
  const void* cr = std::memchr(input.data() + pos, '\r', input.size() - pos);
  if (cr == nullptr) {
    if (input.size() - pos > limits_.max_inline_bytes) {
      command.error = too_long;
      return ParseStatus::kError;
    }
    return ParseStatus::kNeedMore;
  }
  const size_t cr_at = static_cast<const char*>(cr) - input.data();
  if (cr_at - pos > limits_.max_inline_bytes) {
    command.error = too_long;
    return ParseStatus::kError;
  }
  if (cr_at + 1 == input.size()) return ParseStatus::kNeedMore;
  if (input[cr_at + 1] != '\n' || !ParseLength(input.substr(pos + 1, cr_at - pos - 1), value)) {
    command.error = invalid;
    return ParseStatus::kError;
  }
  next = cr_at + 2;
  return ParseStatus::kCommand;
}

ParseStatus RespParser::ParseMultibulk(std::string_view input, ParsedCommand& command) {
  if (expected_args_ == 0) {
    int64_t count = 0;
    size_t next = 0;
    ParseStatus status =
        ReadLengthLine(input, 0, count, next, "Protocol error: too big mbulk count string",
                       "Protocol error: invalid multibulk length", command);
    if (status != ParseStatus::kCommand) return status;
    if (count > static_cast<int64_t>(limits_.max_arguments)) {
      command.error = "Protocol error: invalid multibulk length";
      return ParseStatus::kError;
    }
    if (count <= 0) {  // "*0" and "*-1" carry no command
      command.size = next;
      return ParseStatus::kCommand;
    }
    expected_args_ = static_cast<size_t>(count);
    pos_ = next;
    spans_.reserve(expected_args_ < 1024 ? expected_args_ : 1024);
  }
  while (spans_.size() < expected_args_) {
    if (bulk_length_ < 0) {
      if (pos_ >= input.size()) return ParseStatus::kNeedMore;
      if (input[pos_] != '$') {
        command.error = std::string("Protocol error: expected '$', got '") + input[pos_] + "'";
        return ParseStatus::kError;
      }
      int64_t length = 0;
      size_t next = 0;
      ParseStatus status =
          ReadLengthLine(input, pos_, length, next, "Protocol error: too big bulk count string",
                         "Protocol error: invalid bulk length", command);
      if (status != ParseStatus::kCommand) return status;
      if (length < 0 || static_cast<uint64_t>(length) > limits_.max_bulk_bytes) {
        command.error = "Protocol error: invalid bulk length";
        return ParseStatus::kError;
      }
      bulk_length_ = length;
      pos_ = next;
    }
    const size_t length = static_cast<size_t>(bulk_length_);
    if (input.size() - pos_ < length + 2) return ParseStatus::kNeedMore;
    if (input[pos_ + length] != '\r' || input[pos_ + length + 1] != '\n') {
      command.error = "Protocol error: bulk string not followed by CRLF";
      return ParseStatus::kError;
    }
    spans_.emplace_back(pos_, length);
    pos_ += length + 2;
    bulk_length_ = -1;
  }
  command.args.reserve(spans_.size());
  for (const auto& [offset, length] : spans_) command.args.push_back(input.substr(offset, length));
  command.size = pos_;
  Reset();
  return ParseStatus::kCommand;
}

ParseStatus RespParser::ParseInline(std::string_view input, ParsedCommand& command) {
  const void* lf = std::memchr(input.data(), '\n', input.size());
  if (lf == nullptr) {
    if (input.size() > limits_.max_inline_bytes) {
      command.error = "Protocol error: too big inline request";
      return ParseStatus::kError;
    }
    return ParseStatus::kNeedMore;
  }
  const size_t lf_at = static_cast<const char*>(lf) - input.data();
  if (lf_at > limits_.max_inline_bytes) {
    command.error = "Protocol error: too big inline request";
    return ParseStatus::kError;
  }
  std::string_view line = input.substr(0, lf_at);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!SplitInlineArgs(line, command.owned)) {
    command.error = "Protocol error: unbalanced quotes in request";
    return ParseStatus::kError;
  }
  for (const std::string& arg : command.owned) command.args.push_back(arg);
  command.size = lf_at + 1;
  return ParseStatus::kCommand;
}

}  // namespace flod::codec::resp
