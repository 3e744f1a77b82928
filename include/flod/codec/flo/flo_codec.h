#pragma once
// One Flo binary connection's codec: cuts request frames off the connection's buffer, decodes
// them, and encodes replies in the connection's framing. It owns no socket and no buffer;
// the connection feeds it the bytes it holds and writes the bytes it gets back.
//
// Typical loop (the connection's own thread):
//   for (;;) {
//     FloStep step = codec.Next(buffer);
//     buffer.erase(0, step.consumed);
//     switch (step.kind) {
//       case kNeedMore: read more; continue;
//       case kRequest:  dispatch step.request; later codec.EncodeReply(step.request_id, ...);
//       case kReply:    write step.reply; continue;           // bad frame, connection stays
//       case kClose:    write step.reply, then close;         // framing broken
//     }
//   }
//
// Not thread-safe for Next() (it adopts a version-2 table hash from the first frame);
// EncodeReply() is const and may run on any thread once the first frame was read.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "flod/codec/flo/profile.h"
#include "flod/core/op.h"
#include "flod/core/request.h"
#include "flod/core/result.h"

namespace flod::codec::flo {

enum class FloStepKind : uint8_t {
  kNeedMore,  // no complete frame yet; consumed is 0
  kRequest,   // `request` decoded from a frame with `request_id`
  kReply,     // the frame was bad but the framing intact: write `reply`, keep reading
  kClose,     // the framing is broken: write `reply` (the id-0 rejection), then close
};

struct FloStep {
  FloStepKind kind = FloStepKind::kNeedMore;
  size_t consumed = 0;  // bytes to drop from the front of the buffer
  uint64_t request_id = 0;
  Request request;
  std::string reply;
};

class FloCodec {
 public:
  explicit FloCodec(ConnectionProfile profile) : profile_(profile) {}

  // Examines the front of `buffer` (the connection's unconsumed bytes).
  FloStep Next(std::string_view buffer);

  // Appends the reply to a request returned by Next().
  void EncodeReply(uint64_t request_id, Op op, const Result& result, std::string& out) const;

  const ConnectionProfile& profile() const { return profile_; }

 private:
  ConnectionProfile profile_;
};

}  // namespace flod::codec::flo
