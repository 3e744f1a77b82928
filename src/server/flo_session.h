#pragma once
// A Flo binary protocol connection (SDK framing v1/v2 or Python's legacy framing). Replies
// carry their request id and leave as soon as they are ready, so a parked blocking request
// never holds back later requests on the same connection (the JS SDK multiplexes).

#include "flod/codec/flo/frame.h"
#include "flod/codec/flo/profile.h"
#include "session.h"

namespace flod::server {

class Connection;

class FloSession final : public Session {
 public:
  FloSession(Connection& connection, codec::flo::ConnectionProfile profile);
  size_t OnInput(std::string_view input) override;

 private:
  void HandleFrame(const codec::flo::Frame& frame);

  codec::flo::ConnectionProfile profile_;
};

}  // namespace flod::server
