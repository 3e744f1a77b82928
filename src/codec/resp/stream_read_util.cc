#include "stream_read_util.h"

#include <algorithm>

#include "command_util.h"
#include "stream_format.h"

namespace flod::codec::resp {

bool ParseReadArgs(Args args, bool grouped, ReadArgs& read, RespWriter& out) {
  const std::string name = grouped ? "xreadgroup" : "xread";
  size_t i = 1;
  if (grouped) {
    if (args.size() < 4 || !EqualsIgnoreCase(args[1], "GROUP")) {
      out.Error("ERR Missing GROUP option for XREADGROUP");
      return false;
    }
    read.group = std::string(args[2]);
    read.consumer = std::string(args[3]);
    i = 4;
  }
  for (; i < args.size() && !EqualsIgnoreCase(args[i], "STREAMS"); ++i) {
    if (EqualsIgnoreCase(args[i], "NOACK") && grouped) {
      read.no_ack = true;
      continue;
    }
    const bool is_count = EqualsIgnoreCase(args[i], "COUNT");
    if ((!is_count && !EqualsIgnoreCase(args[i], "BLOCK")) || i + 1 >= args.size()) {
      out.Error(kErrSyntax);
      return false;
    }
    const std::optional<int64_t> n = ParseInteger(args[++i]);
    if (!n) {
      out.Error(is_count ? kErrNotInteger : "ERR timeout is not an integer or out of range");
      return false;
    }
    if (!is_count && *n < 0) {
      out.Error("ERR timeout is negative");
      return false;
    }
    if (is_count)
      read.count = *n <= 0 ? kPageSize : static_cast<uint32_t>(std::min<int64_t>(*n, kPageSize));
    if (!is_count) read.block_ms = static_cast<uint64_t>(*n);
  }
  const size_t rest = args.size() - std::min(args.size(), i + 1);
  if (i >= args.size() || rest == 0 || rest % 2 != 0 || rest / 2 > kMaxStreams) {
    out.Error(i >= args.size() ? kErrSyntax
                               : "ERR Unbalanced '" + name +
                                     "' list of streams: for each stream key an ID or '" +
                                     (grouped ? ">" : "$") + "' must be specified.");
    return false;
  }
  for (size_t k = 0; k < rest / 2; ++k) {
    read.keys.emplace_back(args[i + 1 + k]);
    read.ids.emplace_back(args[i + 1 + rest / 2 + k]);
  }
  return true;
}

void WriteStreams(const std::vector<StreamPart>& parts, RespWriter& out) {
  size_t shown = 0;
  for (const StreamPart& part : parts) {
    shown += part.always_shown || !part.records.empty() ? 1 : 0;
  }
  if (shown == 0) return out.NullArray();
  out.Array(shown);
  for (const StreamPart& part : parts) {
    if (!part.always_shown && part.records.empty()) continue;
    out.Array(2);
    out.Bulk(part.key);
    out.Array(part.records.size() + part.deleted.size());
    size_t r = 0;
    size_t d = 0;
    while (r < part.records.size() || d < part.deleted.size()) {
      if (d == part.deleted.size() ||
          (r < part.records.size() && part.records[r].id < part.deleted[d])) {
        WriteEntry(part.records[r++], out);
      } else {
        out.Array(2);
        out.Bulk(FormatId(part.deleted[d++]));
        out.NullArray();
      }
    }
  }
}

}  // namespace flod::codec::resp
