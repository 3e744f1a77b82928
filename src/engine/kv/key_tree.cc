// KeyTree: insertion with splits, seeks and iteration. Node search lives in key_tree_node.cc,
// erase in key_tree_erase.cc.

#include "engine/kv/key_tree.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "engine/kv/key_tree_node.h"

namespace flod::engine::kv {

// ---- Iterator --------------------------------------------------------------------------------

KeyTree::Iterator::Iterator(const Leaf* leaf, int position)
    : leaf_(leaf), slots_(leaf->slots), position_(position), count_(leaf->count) {
  if (position_ == count_) NextLeaf();
}

void KeyTree::Iterator::NextLeaf() {
  leaf_ = leaf_->next;  // every leaf but an empty root holds at least one entry
  if (leaf_ == nullptr) {
    *this = Iterator();
    return;
  }
  slots_ = leaf_->slots;
  position_ = 0;
  count_ = leaf_->count;
}

// ---- KeyTree ---------------------------------------------------------------------------------

KeyTree::~KeyTree() {
  if (root_ != nullptr) FreeSubtree(root_);
}

void KeyTree::FreeSubtree(Node* node) {
  if (!node->leaf) {
    auto* inner = static_cast<Inner*>(node);
    for (int i = 0; i < inner->count; ++i) FreeSeparator(inner->slots[i], node_bytes_);
    for (int i = 0; i <= inner->count; ++i) FreeSubtree(inner->children[i]);
  }
  FreeNode(node);
}

KeyTree::Leaf* KeyTree::NewLeaf() {
  auto* leaf = new Leaf();
  leaf->leaf = true;
  node_bytes_ += sizeof(Leaf);
  return leaf;
}

KeyTree::Inner* KeyTree::NewInner() {
  node_bytes_ += sizeof(Inner);
  return new Inner();
}

void KeyTree::FreeNode(Node* node) {
  if (node->leaf) {
    node_bytes_ -= sizeof(Leaf);
    delete static_cast<Leaf*>(node);
  } else {
    node_bytes_ -= sizeof(Inner);
    delete static_cast<Inner*>(node);
  }
}

const KeyTree::Leaf* KeyTree::FindLeaf(std::string_view key, Path* path) const {
  const Node* node = root_;
  while (!node->leaf) {
    const auto* inner = static_cast<const Inner*>(node);
    int index = Bound(inner, key, /*upper=*/true);
    if (path != nullptr) {
      path->nodes[path->depth] = const_cast<Inner*>(inner);
      path->index[path->depth++] = index;
    }
    node = inner->children[index];
  }
  return static_cast<const Leaf*>(node);
}

int KeyTree::LeafPosition(const Leaf* leaf, const Entry* entry) const {
  int position = FindPointer(leaf, entry->key(), entry);
  if (position < 0) std::abort();  // the caller broke the contract: the entry is not in the tree
  return position;
}

void KeyTree::Insert(Entry* entry) {
  std::string_view key = entry->key();
  if (root_ == nullptr) {
    root_ = NewLeaf();
    height_ = 1;
  }
  Path path;
  auto* leaf = const_cast<Leaf*>(FindLeaf(key, &path));
  int position = Bound(leaf, key, /*upper=*/false);
  ++size_;
  if (leaf->count < kLeafSlots) {
    InsertSlot(leaf, position, PackPointer(entry, 0));
    return;
  }
  Leaf* right = SplitLeaf(leaf, position, entry);
  uint64_t separator = NewSeparator(PointerOf<const Entry>(right->slots[0])->key(), node_bytes_);
  InsertIntoParent(path, leaf, separator, right);
}

KeyTree::Leaf* KeyTree::SplitLeaf(Leaf* leaf, int position, Entry* entry) {
  Leaf* right = NewLeaf();
  right->next = leaf->next;
  leaf->next = right;
  // A key arriving after all others (keys loaded in order) leaves the left leaf full.
  int keep = position == leaf->count ? leaf->count : leaf->count / 2;
  // Both halves keep the prefix and fragments of the whole, which stay right for them.
  right->count = static_cast<uint16_t>(leaf->count - keep);
  std::memcpy(right->slots, leaf->slots + keep, right->count * sizeof(uint64_t));
  CopyScheme(leaf, right);
  leaf->count = static_cast<uint16_t>(keep);
  if (position < keep) {
    InsertSlot(leaf, position, PackPointer(entry, 0));
  } else {
    InsertSlot(right, position - keep, PackPointer(entry, 0));
  }
  // A narrower range of keys often shares a longer prefix: longer fragments tell more keys
  // apart.
  Tighten(leaf);
  Tighten(right);
  return right;
}

void KeyTree::InsertIntoParent(Path& path, Node* left, uint64_t separator, Node* right) {
  for (;;) {
    if (path.depth == 0) {  // `left` was the root
      Inner* root = NewInner();
      root->children[0] = left;
      root->children[1] = right;
      root->slots[0] = separator;
      root->count = 1;
      Refragment(root);
      root_ = root;
      ++height_;
      return;
    }
    --path.depth;
    Inner* parent = path.nodes[path.depth];
    int index = path.index[path.depth];  // parent->children[index] == left
    if (parent->count < kInnerSlots) {
      std::memmove(parent->children + index + 2, parent->children + index + 1,
                   (parent->count - index) * sizeof(Node*));
      parent->children[index + 1] = right;
      InsertSlot(parent, index, separator);
      return;
    }
    // Split a full parent: lay out its separators and children with the new pair, then
    // one separator moves up between the halves.
    uint64_t separators[kInnerSlots + 1];
    Node* children[kInnerSlots + 2];
    std::memcpy(separators, parent->slots, sizeof(parent->slots));
    std::memcpy(children, parent->children, sizeof(parent->children));
    InsertRaw(separators, kInnerSlots, index, separator);
    std::memmove(children + index + 2, children + index + 1, (kInnerSlots - index) * sizeof(Node*));
    children[index + 1] = right;
    // In-order arrivals keep the left node nearly full, as for leaves.
    int up = index == kInnerSlots ? kInnerSlots - 1 : (kInnerSlots + 1) / 2;
    Inner* sibling = NewInner();
    parent->count = static_cast<uint16_t>(up);
    std::memcpy(parent->slots, separators, up * sizeof(uint64_t));
    std::memcpy(parent->children, children, (up + 1) * sizeof(Node*));
    sibling->count = static_cast<uint16_t>(kInnerSlots - up);
    std::memcpy(sibling->slots, separators + up + 1, sibling->count * sizeof(uint64_t));
    std::memcpy(sibling->children, children + up + 1, (sibling->count + 1) * sizeof(Node*));
    Refragment(parent);
    Refragment(sibling);
    left = parent;
    separator = separators[up];
    right = sibling;
  }
}

void KeyTree::Replace(const Entry* old_entry, Entry* new_entry) {
  auto* leaf = const_cast<Leaf*>(FindLeaf(old_entry->key(), nullptr));
  int position = LeafPosition(leaf, old_entry);
  leaf->slots[position] = PackPointer(new_entry, TagOf(leaf->slots[position]));
}

KeyTree::Iterator KeyTree::LowerBound(std::string_view key) const {
  if (root_ == nullptr) return end();
  const Leaf* leaf = FindLeaf(key, nullptr);
  return Iterator(leaf, Bound(leaf, key, /*upper=*/false));
}

KeyTree::Iterator KeyTree::UpperBound(std::string_view key) const {
  if (root_ == nullptr) return end();
  const Leaf* leaf = FindLeaf(key, nullptr);
  return Iterator(leaf, Bound(leaf, key, /*upper=*/true));
}

KeyTree::Iterator KeyTree::begin() const {
  if (root_ == nullptr) return end();
  const Node* node = root_;
  while (!node->leaf) node = static_cast<const Inner*>(node)->children[0];
  return Iterator(static_cast<const Leaf*>(node), 0);
}

}  // namespace flod::engine::kv
