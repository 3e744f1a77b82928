#pragma once
// The nodes of KeyTree and the slot helpers its files share (key_tree_node.cc: prefixes,
// fragments and node search; key_tree.cc: insert and iteration; key_tree_erase.cc: erase
// and rebalancing; key_tree_validate.cc: invariants).
//
// A slot is a tagged pointer (tagged_pointer.h): an Entry* in a leaf, a separator block
// ([size u32][key bytes]) in an inner node. Its tag is the key's fragment: the bytes that
// follow the prefix every key of the node shares, read as digits of radix R = the span of
// byte values the node's keys have there (a byte past the key's end counts as the lowest).
// So decimal keys get 4 bytes into a fragment, lowercase words 3, any bytes at all 2.
// Fragments never decrease along a node: a slot with a smaller fragment holds a smaller key,
// and only equal fragments need the whole keys compared. The node keeps the first bytes of
// its prefix inline, so that checking a key against it usually reads no entry; each node is
// sized to fill a 512-byte allocator chunk.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/kv/entry.h"
#include "engine/kv/key_tree.h"
#include "engine/kv/tagged_pointer.h"

namespace flod::engine::kv {

inline constexpr int kInlinePrefix = 16;
inline constexpr int kMaxFragmentBytes = 4;
inline constexpr int kLeafSlots = 59;
inline constexpr int kInnerSlots = 29;  // separators; an inner node has one child more
inline constexpr int kMinLeafSlots = kLeafSlots / 4;
inline constexpr int kMinInnerSlots = kInnerSlots / 4;
inline constexpr int kMaxTreeHeight = 40;

struct KeyTree::Node {
  uint16_t count = 0;   // leaf: entries; inner: separators
  uint16_t prefix = 0;  // leading bytes every key of the node shares
  bool leaf = false;
  // Fragment scheme: `width` bytes after the prefix, each as (byte - low) in radix
  // radix_minus_one + 1; every key of the node has its bytes there within that span.
  uint8_t low = 0;
  uint8_t radix_minus_one = 255;
  uint8_t width = 2;
  char prefix_bytes[kInlinePrefix] = {};  // the first bytes of the prefix
};

struct KeyTree::Leaf : Node {
  Leaf* next = nullptr;
  uint64_t slots[kLeafSlots] = {};
};

struct KeyTree::Inner : Node {
  uint64_t slots[kInnerSlots] = {};
  Node* children[kInnerSlots + 1] = {};
};

static_assert(sizeof(KeyTree::Leaf) <= 504 && sizeof(KeyTree::Inner) <= 504,
              "a node and the allocator's size word fit one 512-byte chunk");

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

// The fragment of `key` under the node's scheme. For a key sharing the node's prefix but with
// bytes outside its span (a search key) the result still orders it right against the node's
// keys: any smaller fragment belongs to a smaller key, any larger one to a larger key.
uint16_t KeyFragment(const KeyTree::Node* node, std::string_view key);
// Orders `key` against the node's prefix: 0 when the key starts with it, < 0 when the key
// sorts before every key of the node, > 0 after. Needs count > 0.
int ComparePrefix(const KeyTree::Node* node, std::string_view key);
// Sets the node's prefix to what its first and last keys share, picks the fragment scheme
// and recomputes every fragment (reads every key).
void Refragment(KeyTree::Node* node);
// Refragments only when the first and last keys share more than the node's prefix.
void Tighten(KeyTree::Node* node);
// Gives `to` the prefix and fragment scheme of `from`, which hold for any subset of its keys.
void CopyScheme(const KeyTree::Node* from, KeyTree::Node* to);
// Does `key` (sharing the node's prefix) have its fragment bytes within the node's span?
bool FitsScheme(const KeyTree::Node* node, std::string_view key);
// Opens a gap at `position` and puts `slot` there, tag unset.
void InsertRaw(uint64_t* slots, int count, int position, uint64_t slot);
// Inserts `slot` at `position` (where its key belongs), keeping prefix and fragments right.
void InsertSlot(KeyTree::Node* node, int position, uint64_t slot);
// Position of the slot holding `pointer`, whose key is `key`, or -1; compares fragments and
// pointers only, never keys.
int FindPointer(const KeyTree::Node* node, std::string_view key, const void* pointer);
// Position of the first slot whose key is >= `key`, or > `key` when `upper`.
int Bound(const KeyTree::Node* node, std::string_view key, bool upper);

}  // namespace flod::engine::kv
