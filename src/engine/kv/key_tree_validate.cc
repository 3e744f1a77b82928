// KeyTree::Validate: walks the whole tree and checks what every search relies on.

#include <algorithm>

#include "engine/kv/key_tree.h"
#include "engine/kv/key_tree_node.h"

namespace flod::engine::kv {
namespace {

// Every slot key extends the node's prefix and carries its fragment, fragments never
// decrease, and keys strictly ascend within [low, high).
bool SlotsAreOrdered(const KeyTree::Node* node, std::string_view low, bool has_low,
                     std::string_view high, bool has_high) {
  const uint64_t* slots = SlotsOf(node);
  if (node->count == 0) return true;
  std::string_view shared = SlotKey(node, slots[0]).substr(0, node->prefix);
  if (shared.size() != node->prefix) return false;
  size_t inline_length = std::min<size_t>(shared.size(), kInlinePrefix);
  if (shared.substr(0, inline_length) != std::string_view(node->prefix_bytes, inline_length)) {
    return false;
  }
  std::string_view previous;
  for (int i = 0; i < node->count; ++i) {
    std::string_view key = SlotKey(node, slots[i]);
    if (key.substr(0, shared.size()) != shared) return false;
    if (!FitsScheme(node, key) || TagOf(slots[i]) != KeyFragment(node, key)) return false;
    if (i > 0 && (!(previous < key) || TagOf(slots[i]) < TagOf(slots[i - 1]))) return false;
    if (has_low && key < low) return false;
    if (has_high && !(key < high)) return false;
    previous = key;
  }
  return true;
}

}  // namespace

bool KeyTree::ValidateNode(const Node* node, int depth, std::string_view low, bool has_low,
                           std::string_view high, bool has_high, size_t& count,
                           const Leaf*& previous_leaf) const {
  int capacity = node->leaf ? kLeafSlots : kInnerSlots;
  if (node->count > capacity) return false;
  if (node != root_ && node->count == 0) return false;
  if (!SlotsAreOrdered(node, low, has_low, high, has_high)) return false;
  if (node->leaf) {
    const auto* leaf = static_cast<const Leaf*>(node);
    if (depth != height_) return false;
    if (previous_leaf != nullptr && previous_leaf->next != leaf) return false;
    previous_leaf = leaf;
    count += leaf->count;
    return true;
  }
  const auto* inner = static_cast<const Inner*>(node);
  for (int i = 0; i <= inner->count; ++i) {
    bool child_has_low = i > 0 || has_low;
    std::string_view child_low = i > 0 ? SeparatorKey(inner->slots[i - 1]) : low;
    bool child_has_high = i < inner->count || has_high;
    std::string_view child_high = i < inner->count ? SeparatorKey(inner->slots[i]) : high;
    if (inner->children[i] == nullptr ||
        !ValidateNode(inner->children[i], depth + 1, child_low, child_has_low, child_high,
                      child_has_high, count, previous_leaf)) {
      return false;
    }
  }
  return true;
}

bool KeyTree::Validate() const {
  if (root_ == nullptr) return size_ == 0 && height_ == 0;
  size_t count = 0;
  const Leaf* last_leaf = nullptr;
  if (!ValidateNode(root_, 1, {}, false, {}, false, count, last_leaf)) return false;
  return last_leaf->next == nullptr && count == size_;
}

}  // namespace flod::engine::kv
