#pragma once
// The name at the head of the engines' compact WAL records:
//   flags:u8 (0x01: a namespace follows) [ns:varstr] name:varstr
// The default namespace, which nearly every record has, is left out.

#include <string_view>

#include "flod/core/bytes.h"

namespace flod::engine {

void PutCompactName(ByteWriter& out, std::string_view ns, std::string_view name);
// Refuses unknown flag bits; `ns` is kDefaultNamespace when none follows.
bool GetCompactName(ByteReader& in, std::string_view& ns, std::string_view& name);

}  // namespace flod::engine
