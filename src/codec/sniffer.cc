#include "flod/codec/sniffer.h"

#include <array>
#include <optional>

namespace flod::codec {
namespace {

constexpr std::string_view kFloMagic{"FLO\0", 4};
constexpr std::string_view kFloDocumentedMagic{"FLO\x01", 4};
// A first frame must reach byte 22 before the two FLO\0 framings can be told apart (§1.2).
constexpr size_t kFloDecisionBytes = 23;

constexpr std::array<std::string_view, 9> kHttpMethods = {
    "GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH", "CONNECT", "TRACE"};

SniffResult NeedMore() { return {SniffVerdict::kNeedMore, Protocol::kResp}; }
SniffResult Unknown() { return {SniffVerdict::kUnknown, Protocol::kResp}; }
SniffResult Match(Protocol protocol) { return {SniffVerdict::kMatch, protocol}; }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

bool IsLetter(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsTextByte(char c) { return (c >= 0x20 && c <= 0x7E) || c == '\t' || c == '\r'; }

SniffResult SniffFlo(std::string_view bytes) {
  if (bytes.size() < kFloDecisionBytes) return NeedMore();
  const auto byte20 = static_cast<uint8_t>(bytes[20]);
  const auto byte22 = static_cast<uint8_t>(bytes[22]);
  if (byte22 == 1) return Match(Protocol::kFloSdkV1);
  if (byte22 == 2) return Match(Protocol::kFloSdkV2);
  if (byte22 == 0 && byte20 == 1) return Match(Protocol::kFloLegacy);
  return Match(Protocol::kFloUndecided);
}

// "METHOD SP target SP HTTP/1.x" (the line without its CR LF).
bool IsHttpRequestLine(std::string_view line) {
  const size_t first_space = line.find(' ');
  if (first_space == std::string_view::npos) return false;
  const std::string_view method = line.substr(0, first_space);
  bool known = false;
  for (std::string_view m : kHttpMethods) known = known || method == m;
  if (!known) return false;
  const size_t last_space = line.rfind(' ');
  if (last_space == first_space) return false;
  const std::string_view target = line.substr(first_space + 1, last_space - first_space - 1);
  const std::string_view version = line.substr(last_space + 1);
  return !target.empty() && target.find(' ') == std::string_view::npos && version.size() == 8 &&
         version.substr(0, 7) == "HTTP/1." && version[7] >= '0' && version[7] <= '9';
}

// True when an "Upgrade" header lists the token "websocket".
bool HasWebSocketUpgrade(std::string_view headers) {
  while (!headers.empty()) {
    const size_t eol = headers.find('\n');
    const std::string_view line = headers.substr(0, eol);
    headers = eol == std::string_view::npos ? std::string_view{} : headers.substr(eol + 1);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (!EqualsIgnoreCase(Trim(line.substr(0, colon)), "upgrade")) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty()) {
      const size_t comma = value.find(',');
      if (EqualsIgnoreCase(Trim(value.substr(0, comma)), "websocket")) return true;
      value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    }
  }
  return false;
}

// Position just past the blank line that ends the header block, if it has arrived.
std::optional<size_t> HeaderBlockEnd(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (bytes[i] != '\n') continue;
    if (i + 1 < bytes.size() && bytes[i + 1] == '\n') return i + 2;
    if (i + 2 < bytes.size() && bytes[i + 1] == '\r' && bytes[i + 2] == '\n') return i + 3;
  }
  return std::nullopt;
}

SniffResult SniffText(std::string_view bytes) {
  if (!IsLetter(bytes.front())) return Unknown();
  const size_t window = bytes.size() < kMaxSniffBytes ? bytes.size() : kMaxSniffBytes;
  size_t eol = 0;
  while (eol < window && bytes[eol] != '\n') {
    if (!IsTextByte(bytes[eol])) return Unknown();
    ++eol;
  }
  if (eol == window) return bytes.size() >= kMaxSniffBytes ? Unknown() : NeedMore();
  std::string_view line = bytes.substr(0, eol);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!IsHttpRequestLine(line)) return Match(Protocol::kResp);
  if (line.substr(0, 4) != "GET ") return Match(Protocol::kHttp);
  const std::optional<size_t> end = HeaderBlockEnd(bytes.substr(0, window));
  if (!end) return bytes.size() >= kMaxSniffBytes ? Unknown() : NeedMore();
  const std::string_view headers = bytes.substr(eol + 1, *end - eol - 1);
  return Match(HasWebSocketUpgrade(headers) ? Protocol::kWebSocket : Protocol::kHttp);
}

}  // namespace

SniffResult Sniff(std::string_view bytes) {
  if (bytes.empty()) return NeedMore();
  if (bytes.size() < kFloMagic.size() && kFloMagic.substr(0, bytes.size()) == bytes) {
    return NeedMore();  // "F", "FL", "FLO": a Flo magic or an inline command such as FLUSHALL
  }
  if (bytes.substr(0, 4) == kFloMagic) return SniffFlo(bytes);
  if (bytes.substr(0, 4) == kFloDocumentedMagic) return Match(Protocol::kFloDocumented);
  switch (bytes.front()) {
    case '*':
    case '$':
    case '+':
    case '-':
    case ':':
      return Match(Protocol::kResp);
    default:
      return SniffText(bytes);
  }
}

std::string_view NameOf(Protocol protocol) {
  switch (protocol) {
    case Protocol::kFloSdkV1:
      return "flo-v1";
    case Protocol::kFloSdkV2:
      return "flo-v2";
    case Protocol::kFloLegacy:
      return "flo-legacy";
    case Protocol::kFloUndecided:
      return "flo-undecided";
    case Protocol::kFloDocumented:
      return "flo-documented";
    case Protocol::kResp:
      return "resp";
    case Protocol::kHttp:
      return "http";
    case Protocol::kWebSocket:
      return "websocket";
  }
  return "unknown";
}

}  // namespace flod::codec
