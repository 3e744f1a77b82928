#include "engine/compact_name.h"

#include "flod/core/request.h"

namespace flod::engine {
namespace {

constexpr uint8_t kNamespaceFollows = 0x01;

}  // namespace

void PutCompactName(ByteWriter& out, std::string_view ns, std::string_view name) {
  const bool other_ns = ns != kDefaultNamespace;
  out.U8(other_ns ? kNamespaceFollows : 0);
  if (other_ns) out.VarStr(ns);
  out.VarStr(name);
}

bool GetCompactName(ByteReader& in, std::string_view& ns, std::string_view& name) {
  uint8_t flags = 0;
  if (!in.ReadU8(flags) || (flags & ~kNamespaceFollows) != 0) return false;
  ns = kDefaultNamespace;
  if ((flags & kNamespaceFollows) != 0 && !in.ReadVarStr(ns)) return false;
  return in.ReadVarStr(name);
}

}  // namespace flod::engine
