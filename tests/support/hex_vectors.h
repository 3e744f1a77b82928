#pragma once
// Golden wire vectors copied from ../shared/protocol/vectors into tests/data/vectors, so a
// fresh clone tests against them without ../shared.

#include <string>
#include <string_view>

namespace flod::testing {

// Bytes of tests/data/vectors/<name>.hex; fails the current test if the file is missing.
std::string LoadVector(std::string_view name);

std::string HexToBytes(std::string_view hex);
std::string BytesToHex(std::string_view bytes);

}  // namespace flod::testing
