#pragma once
// Calls parked on one shard until the thing they wait for changes or their time is up.
// Owned by a Shard and used only on its thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <list>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "call.h"
#include "flod/dispatch/shard_context.h"

namespace flod::server {

struct ParkedCall {
  ParkedCall(boost::asio::io_context& io, CallPtr c) : call(std::move(c)), timer(io) {}

  CallPtr call;
  boost::asio::steady_timer timer;
  std::string key;  // where it is filed
  bool finished = false;
};

class Waiters {
 public:
  using Parked = std::shared_ptr<ParkedCall>;

  // `on_deadline` runs (on the shard thread) when a parked call's time is up.
  explicit Waiters(std::function<void(const Parked&)> on_deadline);

  void Park(const dispatch::WakeKey& key, Parked parked, uint32_t wait_ms);
  // The unfinished calls filed under `key` (every key of the family when key.name is empty),
  // oldest first, so the first waiter gets the first chance (fairness).
  std::vector<Parked> WaitingOn(const dispatch::WakeKey& key);
  // Marks `parked` finished and forgets it; its timer is cancelled. Returns its call.
  CallPtr Finish(const Parked& parked);
  std::vector<Parked> All();
  size_t size() const { return count_; }

  static std::string KeyOf(const dispatch::WakeKey& key);

 private:
  std::function<void(const Parked&)> on_deadline_;
  std::unordered_map<std::string, std::list<Parked>> by_key_;
  size_t count_ = 0;
};

}  // namespace flod::server
