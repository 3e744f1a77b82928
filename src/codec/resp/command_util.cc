#include "command_util.h"

#include <limits>

namespace flod::codec::resp {
namespace {

char LowerChar(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
char UpperChar(char c) { return c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a == b) return true;  // clients mostly send names as the table spells them
  for (size_t i = 0; i < a.size(); ++i) {
    if (LowerChar(a[i]) != LowerChar(b[i])) return false;
  }
  return true;
}

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = LowerChar(c);
  return out;
}

std::string ToUpper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = UpperChar(c);
  return out;
}

std::optional<int64_t> ParseInteger(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  size_t i = 0;
  const bool negative = text[0] == '-';
  if (negative && ++i == text.size()) return std::nullopt;
  if (text[i] == '0') {
    if (text.size() != 1) return std::nullopt;  // "-0" and leading zeros are refused
    return 0;
  }
  uint64_t magnitude = 0;
  for (; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(text[i] - '0');
    if (magnitude > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  const uint64_t limit =
      static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) + (negative ? 1 : 0);
  if (magnitude > limit) return std::nullopt;
  if (negative) return static_cast<int64_t>(0 - magnitude);
  return static_cast<int64_t>(magnitude);
}

std::optional<uint64_t> ParseUnsigned(std::string_view text) {
  if (text.empty() || text.size() > 20) return std::nullopt;
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (value > (std::numeric_limits<uint64_t>::max() - digit) / 10) return std::nullopt;
    value = value * 10 + digit;
  }
  return value;
}

Request MakeRequest(Op op, std::string_view key) {
  Request request;
  request.op = op;
  request.key.assign(key.data(), key.size());
  return request;
}

Request MakeTypedRequest(Op op, std::string_view key) {
  Request request;
  StartTypedRequest(request, op, key);
  return request;
}

void StartTypedRequest(Request& request, Op op, std::string_view key) {
  request.Restart(op, key);
  request.options.one_type_per_name = true;
}

std::string WrongArityMessage(const CommandSpec& spec) {
  return "ERR wrong number of arguments for '" + FullName(spec) + "' command";
}

void WriteError(const Result& result, RespWriter& out) {
  if (result.status == Status::kWrongType) {
    out.Error(kErrWrongType);
    return;
  }
  std::string message = result.message;
  if (message.empty()) message = std::string(NameOf(result.status));
  out.Error("ERR " + message);
}

std::string CounterText(std::string_view stored) {
  uint64_t bits = 0;
  for (size_t i = 0; i < stored.size() && i < 8; ++i) {
    bits |= static_cast<uint64_t>(static_cast<uint8_t>(stored[i])) << (8 * i);
  }
  return DecimalText(static_cast<int64_t>(bits));
}

void WriteStoredValue(ValueKind kind, std::string_view value, RespWriter& out) {
  switch (kind) {
    case ValueKind::kBytes:
      out.Bulk(value);
      return;
    case ValueKind::kCounter:
      out.Bulk(CounterText(value));
      return;
    case ValueKind::kJson:
      out.Error(kErrWrongType);
      return;
  }
}

}  // namespace flod::codec::resp
