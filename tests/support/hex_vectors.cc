#include "support/hex_vectors.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace flod::testing {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string HexToBytes(std::string_view hex) {
  std::string out;
  int high = -1;
  for (char c : hex) {
    const int digit = HexDigit(c);
    if (digit < 0) continue;  // whitespace and newlines
    if (high < 0) {
      high = digit;
    } else {
      out.push_back(static_cast<char>(high * 16 + digit));
      high = -1;
    }
  }
  return out;
}

std::string BytesToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 0xF]);
  }
  return out;
}

std::string LoadVector(std::string_view name) {
  const std::string path = std::string(FLOD_TEST_DATA_DIR) + "/vectors/" + std::string(name) + ".hex";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "missing vector file " << path;
  std::stringstream text;
  text << in.rdbuf();
  return HexToBytes(text.str());
}

}  // namespace flod::testing
