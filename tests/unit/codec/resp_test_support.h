#pragma once
// Helpers for the RESP codec tests: encoding commands as clients send them.

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace flod::codec::resp::testing {

// The multibulk form a Redis client sends for `args`.
inline std::string Multibulk(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const std::string& arg : args) {
    out += "$" + std::to_string(arg.size()) + "\r\n";
    out += arg;
    out += "\r\n";
  }
  return out;
}

inline std::string Multibulk(std::initializer_list<std::string_view> args) {
  return Multibulk(std::vector<std::string>(args.begin(), args.end()));
}

}  // namespace flod::codec::resp::testing
