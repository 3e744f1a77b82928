#include "waiters.h"

#include <chrono>

namespace flod::server {

Waiters::Waiters(std::function<void(const Parked&)> on_deadline)
    : on_deadline_(std::move(on_deadline)) {}

std::string Waiters::KeyOf(const dispatch::WakeKey& key) {
  std::string out;
  out.reserve(2 + key.ns.size() + key.name.size());
  out.push_back(static_cast<char>(key.family));
  out.append(key.ns);
  out.push_back('\0');
  out.append(key.name);
  return out;
}

void Waiters::Park(const dispatch::WakeKey& key, Parked parked, uint32_t wait_ms) {
  parked->key = KeyOf(key);
  by_key_[parked->key].push_back(parked);
  ++count_;
  parked->timer.expires_after(std::chrono::milliseconds(wait_ms));
  std::weak_ptr<ParkedCall> weak = parked;
  parked->timer.async_wait([this, weak](const boost::system::error_code& error) {
    if (error) return;  // cancelled: finished by a wake-up
    if (auto p = weak.lock(); p && !p->finished) on_deadline_(p);
  });
}

std::vector<Waiters::Parked> Waiters::WaitingOn(const dispatch::WakeKey& key) {
  std::vector<Parked> out;
  if (key.name.empty()) {
    const char family = static_cast<char>(key.family);
    for (auto& [filed_under, list] : by_key_) {
      if (filed_under[0] != family) continue;
      for (auto& p : list) out.push_back(p);
    }
    return out;
  }
  auto it = by_key_.find(KeyOf(key));
  if (it == by_key_.end()) return out;
  out.assign(it->second.begin(), it->second.end());
  return out;
}

CallPtr Waiters::Finish(const Parked& parked) {
  if (parked->finished) return nullptr;
  parked->finished = true;
  parked->timer.cancel();
  auto it = by_key_.find(parked->key);
  if (it != by_key_.end()) {
    it->second.remove(parked);
    if (it->second.empty()) by_key_.erase(it);
    --count_;
  }
  return std::move(parked->call);
}

std::vector<Waiters::Parked> Waiters::All() {
  std::vector<Parked> out;
  out.reserve(count_);
  for (auto& [key, list] : by_key_) out.insert(out.end(), list.begin(), list.end());
  return out;
}

}  // namespace flod::server
