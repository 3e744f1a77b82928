#pragma once

#include <memory>

#include "flod/codec/sniffer.h"
#include "session.h"

namespace flod::server {

class Connection;

// The Session for a sniffed protocol, or nullptr after queueing a one-line refusal in the
// protocol's own form (the connection then closes once it is written).
std::unique_ptr<Session> MakeSession(const codec::SniffResult& sniffed, Connection& connection);

}  // namespace flod::server
