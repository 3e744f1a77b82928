// KeyTree: node search, insertion with splits, iteration. Erase lives in key_tree_erase.cc.

#include "engine/kv/key_tree.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

#include "engine/kv/key_tree_node.h"

namespace flod::engine::kv {
namespace {

size_t CommonPrefix(std::string_view a, std::string_view b) {
  size_t limit = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < limit && a[i] == b[i]) ++i;
  return i;
}

// Does `key` start with the prefix the node's keys share? `other` is any slot already there.
bool SharesPrefix(const KeyTree::Node* node, std::string_view key, uint64_t other) {
  std::string_view shared = SlotKey(node, other).substr(0, node->prefix);
  return key.substr(0, shared.size()) == shared;
}

// Opens a gap at `position` and puts `slot` there, tag unset.
void InsertRaw(uint64_t* slots, int count, int position, uint64_t slot) {
  std::memmove(slots + position + 1, slots + position, (count - position) * sizeof(uint64_t));
  slots[position] = slot;
}

// Inserts `slot` at `position`, keeping the node's prefix and fragments right.
void InsertSlot(KeyTree::Node* node, int position, uint64_t slot) {
  uint64_t* slots = SlotsOf(node);
  std::string_view key = SlotKey(node, slot);
  InsertRaw(slots, node->count, position, slot);
  ++node->count;
  // A key between the first and the last shares their prefix; only a new first or last
  // key can shorten it.
  bool edge = position == 0 || position == node->count - 1;
  if (node->count == 1 ||
      (edge && !SharesPrefix(node, key, slots[position == 0 ? 1 : 0]))) {
    Refragment(node);
  } else {
    slots[position] = WithTag(slot, KeyFragment(key, node->prefix));
  }
}

}  // namespace

// ---- Slot helpers (key_tree_node.h) ----------------------------------------------------------

std::string_view SeparatorKey(uint64_t slot) {
  const char* block = PointerOf<const char>(slot);
  uint32_t size;
  std::memcpy(&size, block, sizeof(size));
  return std::string_view(block + sizeof(size), size);
}

uint64_t NewSeparator(std::string_view key, size_t& bytes) {
  size_t allocated = AllocationSize(sizeof(uint32_t) + key.size());
  char* block = static_cast<char*>(std::malloc(allocated));
  if (block == nullptr) throw std::bad_alloc();
  auto size = static_cast<uint32_t>(key.size());
  std::memcpy(block, &size, sizeof(size));
  std::memcpy(block + sizeof(size), key.data(), key.size());
  bytes += allocated;
  return PackPointer(block, 0);
}

void FreeSeparator(uint64_t slot, size_t& bytes) {
  bytes -= AllocationSize(sizeof(uint32_t) + SeparatorKey(slot).size());
  std::free(PointerOf<char>(slot));
}

uint16_t KeyFragment(std::string_view key, size_t at) {
  unsigned high = at < key.size() ? static_cast<uint8_t>(key[at]) : 0;
  unsigned low = at + 1 < key.size() ? static_cast<uint8_t>(key[at + 1]) : 0;
  return static_cast<uint16_t>(high << 8 | low);
}

void Refragment(KeyTree::Node* node) {
  uint64_t* slots = SlotsOf(node);
  int count = node->count;
  if (count == 0) {
    node->prefix = 0;
    return;
  }
  std::string_view first = SlotKey(node, slots[0]);
  size_t shared = count == 1 ? first.size() : CommonPrefix(first, SlotKey(node, slots[count - 1]));
  node->prefix = static_cast<uint16_t>(std::min<size_t>(shared, UINT16_MAX));
  for (int i = 0; i < count; ++i) {
    slots[i] = WithTag(slots[i], KeyFragment(SlotKey(node, slots[i]), node->prefix));
  }
}

int Bound(const KeyTree::Node* node, std::string_view key, bool upper) {
  const uint64_t* slots = SlotsOf(node);
  int count = node->count;
  if (count == 0) return 0;
  std::string_view shared = SlotKey(node, slots[0]).substr(0, node->prefix);
  int order = key.substr(0, shared.size()).compare(shared);
  if (order != 0) return order < 0 ? 0 : count;
  // Slots before `low` have a smaller fragment (smaller keys), slots from `high` a larger one.
  uint16_t fragment = KeyFragment(key, node->prefix);
  int low = 0;
  int high = count;
  while (low < high) {
    int mid = (low + high) / 2;
    if (TagOf(slots[mid]) < fragment) low = mid + 1; else high = mid;
  }
  high = low;
  while (high < count && TagOf(slots[high]) == fragment) ++high;
  while (low < high) {  // the fragment ties: decide on whole keys
    int mid = (low + high) / 2;
    int c = SlotKey(node, slots[mid]).compare(key);
    if (upper ? c <= 0 : c < 0) low = mid + 1; else high = mid;
  }
  return low;
}

// ---- Iterator --------------------------------------------------------------------------------

KeyTree::Iterator::Iterator(const Leaf* leaf, int position) : leaf_(leaf), position_(position) {
  if (leaf_ != nullptr && position_ == leaf_->count) {
    leaf_ = leaf_->next;  // every leaf but an empty root holds at least one entry
    position_ = 0;
  }
}

const Entry* KeyTree::Iterator::operator*() const {
  return PointerOf<const Entry>(leaf_->slots[position_]);
}

KeyTree::Iterator& KeyTree::Iterator::operator++() {
  if (++position_ == leaf_->count) {
    leaf_ = leaf_->next;
    position_ = 0;
  }
  return *this;
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
  int position = Bound(leaf, entry->key(), /*upper=*/false);
  if (position == leaf->count || PointerOf<const Entry>(leaf->slots[position]) != entry) {
    std::abort();  // the caller broke the contract: the entry is not in the tree
  }
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
  right->count = static_cast<uint16_t>(leaf->count - keep);
  std::memcpy(right->slots, leaf->slots + keep, right->count * sizeof(uint64_t));
  leaf->count = static_cast<uint16_t>(keep);
  Leaf* target = position < keep ? leaf : right;
  int at = position < keep ? position : position - keep;
  InsertRaw(target->slots, target->count, at, PackPointer(entry, 0));
  ++target->count;
  Refragment(leaf);
  Refragment(right);
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
    std::memmove(children + index + 2, children + index + 1,
                 (kInnerSlots - index) * sizeof(Node*));
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
