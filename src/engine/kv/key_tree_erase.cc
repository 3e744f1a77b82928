// KeyTree: erase. A node left under a quarter full is merged with a sibling when both fit in
// one node, else the two share their slots evenly; merges can climb to the root, which
// collapses when it is left with a single child.

#include <cstring>

#include "engine/kv/key_tree.h"
#include "engine/kv/key_tree_node.h"

namespace flod::engine::kv {
namespace {

void RemoveRaw(uint64_t* slots, int count, int position) {
  std::memmove(slots + position, slots + position + 1, (count - position - 1) * sizeof(uint64_t));
}

// Drops separator `index` and child `index + 1` from `parent`; removing never breaks the
// shared prefix, so fragments stay right.
void RemoveFromParent(KeyTree::Inner* parent, int index) {
  RemoveRaw(parent->slots, parent->count, index);
  std::memmove(parent->children + index + 1, parent->children + index + 2,
               (parent->count - index - 1) * sizeof(KeyTree::Node*));
  --parent->count;
}

}  // namespace

void KeyTree::Erase(const Entry* entry) {
  Path path;
  auto* leaf = const_cast<Leaf*>(FindLeaf(entry->key(), &path));
  int position = LeafPosition(leaf, entry);
  RemoveRaw(leaf->slots, leaf->count, position);
  --leaf->count;
  --size_;
  Rebalance(path, leaf);
}

void KeyTree::Rebalance(Path& path, Node* node) {
  for (;;) {
    if (path.depth == 0) {  // `node` is the root
      if (node->count == 0 && node->leaf) {
        FreeNode(node);
        root_ = nullptr;
        height_ = 0;
      } else if (node->count == 0) {
        root_ = static_cast<Inner*>(node)->children[0];
        FreeNode(node);
        --height_;
      }
      return;
    }
    if (node->count >= (node->leaf ? kMinLeafSlots : kMinInnerSlots)) return;
    --path.depth;
    Inner* parent = path.nodes[path.depth];
    int index = path.index[path.depth];
    // Every inner node but a collapsing root has a separator, so a sibling exists.
    int left = index > 0 ? index - 1 : 0;
    bool merged = node->leaf ? RebalanceLeaves(parent, left) : RebalanceInners(parent, left);
    if (!merged) return;
    node = parent;
  }
}

// Merges or evens out leaves `left_index` and `left_index + 1` of `parent`. True on a merge.
bool KeyTree::RebalanceLeaves(Inner* parent, int left_index) {
  auto* left = static_cast<Leaf*>(parent->children[left_index]);
  auto* right = static_cast<Leaf*>(parent->children[left_index + 1]);
  if (left->count + right->count <= kLeafSlots) {
    std::memcpy(left->slots + left->count, right->slots, right->count * sizeof(uint64_t));
    left->count = static_cast<uint16_t>(left->count + right->count);
    left->next = right->next;
    Refragment(left);
    FreeNode(right);
    FreeSeparator(parent->slots[left_index], node_bytes_);
    RemoveFromParent(parent, left_index);
    return true;
  }
  int total = left->count + right->count;
  int want_left = total / 2;
  if (left->count < want_left) {
    int moved = want_left - left->count;
    std::memcpy(left->slots + left->count, right->slots, moved * sizeof(uint64_t));
    std::memmove(right->slots, right->slots + moved, (right->count - moved) * sizeof(uint64_t));
    left->count = static_cast<uint16_t>(want_left);
    right->count = static_cast<uint16_t>(total - want_left);
  } else {
    int moved = left->count - want_left;
    std::memmove(right->slots + moved, right->slots, right->count * sizeof(uint64_t));
    std::memcpy(right->slots, left->slots + want_left, moved * sizeof(uint64_t));
    left->count = static_cast<uint16_t>(want_left);
    right->count = static_cast<uint16_t>(total - want_left);
  }
  Refragment(left);
  Refragment(right);
  FreeSeparator(parent->slots[left_index], node_bytes_);
  parent->slots[left_index] =
      NewSeparator(PointerOf<const Entry>(right->slots[0])->key(), node_bytes_);
  Refragment(parent);
  return false;
}

// Merges or evens out inner nodes `left_index` and `left_index + 1` of `parent`, moving the
// separator between them down (merge) or through the parent (evening out). True on a merge.
bool KeyTree::RebalanceInners(Inner* parent, int left_index) {
  auto* left = static_cast<Inner*>(parent->children[left_index]);
  auto* right = static_cast<Inner*>(parent->children[left_index + 1]);
  uint64_t down = parent->slots[left_index];
  if (left->count + 1 + right->count <= kInnerSlots) {
    left->slots[left->count] = down;
    std::memcpy(left->slots + left->count + 1, right->slots, right->count * sizeof(uint64_t));
    std::memcpy(left->children + left->count + 1, right->children,
                (right->count + 1) * sizeof(Node*));
    left->count = static_cast<uint16_t>(left->count + 1 + right->count);
    Refragment(left);
    FreeNode(right);
    RemoveFromParent(parent, left_index);
    return true;
  }
  uint64_t separators[2 * kInnerSlots + 1];
  Node* children[2 * kInnerSlots + 2];
  int total = left->count + 1 + right->count;
  std::memcpy(separators, left->slots, left->count * sizeof(uint64_t));
  separators[left->count] = down;
  std::memcpy(separators + left->count + 1, right->slots, right->count * sizeof(uint64_t));
  std::memcpy(children, left->children, (left->count + 1) * sizeof(Node*));
  std::memcpy(children + left->count + 1, right->children, (right->count + 1) * sizeof(Node*));
  int keep = total / 2;
  left->count = static_cast<uint16_t>(keep);
  std::memcpy(left->slots, separators, keep * sizeof(uint64_t));
  std::memcpy(left->children, children, (keep + 1) * sizeof(Node*));
  right->count = static_cast<uint16_t>(total - keep - 1);
  std::memcpy(right->slots, separators + keep + 1, right->count * sizeof(uint64_t));
  std::memcpy(right->children, children + keep + 1, (right->count + 1) * sizeof(Node*));
  parent->slots[left_index] = separators[keep];
  Refragment(left);
  Refragment(right);
  Refragment(parent);
  return false;
}

}  // namespace flod::engine::kv
