#pragma once
// The nodes of KeyTree and the slot helpers its files share (key_tree.cc: search, insert,
// iteration; key_tree_erase.cc: erase and rebalancing; key_tree_validate.cc: invariants).
//
// A slot is a tagged pointer (tagged_pointer.h): an Entry* in a leaf, a separator block
// ([size u32][key bytes]) in an inner node; the tag is the slot key's fragment, the two bytes
// that follow the node's shared prefix (0 for a byte past the key's end). Fragments never
// decrease along a node, so slots with a smaller fragment hold smaller keys.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/kv/entry.h"
#include "engine/kv/key_tree.h"
#include "engine/kv/tagged_pointer.h"

namespace flod::engine::kv {

inline constexpr int kLeafSlots = 62;
inline constexpr int kInnerSlots = 31;  // separators; an inner node has one child more
inline constexpr int kMinLeafSlots = kLeafSlots / 4;
inline constexpr int kMinInnerSlots = kInnerSlots / 4;
inline constexpr int kMaxTreeHeight = 40;

struct KeyTree::Node {
  uint16_t count = 0;   // leaf: entries; inner: separators
  uint16_t prefix = 0;  // leading bytes every key of the node shares
  bool leaf = false;
};

struct KeyTree::Leaf : Node {
  Leaf* next = nullptr;
  uint64_t slots[kLeafSlots] = {};
};

struct KeyTree::Inner : Node {
  uint64_t slots[kInnerSlots] = {};
  Node* children[kInnerSlots + 1] = {};
};

// The inner nodes from the root down to a leaf, with the child taken at each.
struct KeyTree::Path {
  Inner* nodes[kMaxTreeHeight];
  int index[kMaxTreeHeight];
  int depth = 0;
};

inline uint64_t* SlotsOf(KeyTree::Node* node) {
  return node->leaf ? static_cast<KeyTree::Leaf*>(node)->slots
                    : static_cast<KeyTree::Inner*>(node)->slots;
}
inline const uint64_t* SlotsOf(const KeyTree::Node* node) {
  return node->leaf ? static_cast<const KeyTree::Leaf*>(node)->slots
                    : static_cast<const KeyTree::Inner*>(node)->slots;
}

std::string_view SeparatorKey(uint64_t slot);
// A separator block holding a copy of `key`; `bytes` grows by its size.
uint64_t NewSeparator(std::string_view key, size_t& bytes);
void FreeSeparator(uint64_t slot, size_t& bytes);

inline std::string_view SlotKey(const KeyTree::Node* node, uint64_t slot) {
  return node->leaf ? PointerOf<const Entry>(slot)->key() : SeparatorKey(slot);
}

uint16_t KeyFragment(std::string_view key, size_t at);
// Sets the node's prefix to what its first and last keys share and recomputes every fragment.
void Refragment(KeyTree::Node* node);
// Position of the first slot whose key is >= `key`, or > `key` when `upper`.
int Bound(const KeyTree::Node* node, std::string_view key, bool upper);

}  // namespace flod::engine::kv
