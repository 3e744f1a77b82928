#include "flod/codec/flo/profile.h"

#include <algorithm>

namespace flod::codec::flo {

bool IsKnownTableHash(uint64_t hash) {
  return std::find(kKnownTableHashes.begin(), kKnownTableHashes.end(), hash) !=
         kKnownTableHashes.end();
}

uint64_t ConnectionProfile::reply_hash() const {
  if (framing != Framing::kSdkV2) return 0;
  return table_hash != 0 ? table_hash : kPreferredTableHash;
}

ConnectionProfile MakeProfile(Framing framing, ClientProfile client, size_t max_value_bytes) {
  ConnectionProfile profile;
  profile.framing = framing;
  profile.max_value_bytes = max_value_bytes;
  // The hashes flod accepts on version 2 all belong to JS-new builds (§14.6), whatever the
  // configuration says; the legacy framing is only spoken by flo-python.
  if (framing == Framing::kSdkV2) client = ClientProfile::kJs;
  if (framing == Framing::kLegacy) client = ClientProfile::kGo;
  profile.client = client;
  const bool js_new = client == ClientProfile::kJs;
  profile.ttl_unit = js_new ? TtlUnit::kMilliseconds : TtlUnit::kSeconds;
  profile.scan_layout = js_new ? ScanLayout::kTrailer : ScanLayout::kHeaderFirst;
  return profile;
}

std::optional<ClientProfile> ParseClientProfile(std::string_view name) {
  if (name == "go") return ClientProfile::kGo;
  if (name == "js") return ClientProfile::kJs;
  return std::nullopt;
}

}  // namespace flod::codec::flo
