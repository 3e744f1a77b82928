#include "flod/codec/flo/flo_codec.h"

#include "flod/codec/flo/frame.h"
#include "flod/codec/flo/reply_encoder.h"
#include "flod/codec/flo/request_decoder.h"

namespace flod::codec::flo {

FloStep FloCodec::Next(std::string_view buffer) {
  FrameResult parsed = ParseFrame(buffer, profile_);
  FloStep step;
  switch (parsed.status) {
    case FrameStatus::kNeedMore:
      return step;
    case FrameStatus::kFatal:
      step.kind = FloStepKind::kClose;
      AppendFrameRejection(profile_, parsed.error, step.reply);
      return step;
    case FrameStatus::kBadFrame:
    case FrameStatus::kFrame:
      break;
  }
  const FrameHeader& header = parsed.frame.header;
  // ParseFrame only lets a version-2 frame through with a known hash; the first one fixes
  // the hash every later frame must carry and every reply echoes.
  if (profile_.framing == Framing::kSdkV2 && profile_.table_hash == 0 && header.version == 2) {
    profile_.table_hash = header.reserved;
  }
  step.consumed = parsed.frame.size;
  step.request_id = header.request_id;
  if (parsed.status == FrameStatus::kBadFrame) {
    step.kind = FloStepKind::kReply;
    AppendErrorReply(profile_, header.request_id, Status::kBadRequest, parsed.error, step.reply);
    return step;
  }
  if (auto error = DecodeRequest(parsed.frame, profile_, step.request)) {
    step.kind = FloStepKind::kReply;
    AppendErrorReply(profile_, header.request_id, error->status, error->message, step.reply);
    return step;
  }
  step.kind = FloStepKind::kRequest;
  return step;
}

void FloCodec::EncodeReply(uint64_t request_id, Op op, const Result& result,
                           std::string& out) const {
  flo::EncodeReply(profile_, request_id, op, result, out);
}

}  // namespace flod::codec::flo
