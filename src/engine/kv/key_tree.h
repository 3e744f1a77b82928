#pragma once
// Ordered index of one namespace: a B+tree of entry pointers in key byte order, for prefix
// scans and cursors. Leaves hold up to 62 entry pointers and link to the next leaf; inner
// nodes hold up to 31 separator keys (owned copies, so erasing an entry never leaves a
// dangling separator) and 32 children: keys in child i < separator i <= keys in child i + 1.
//
// Each slot keeps, in the spare high bits of its pointer (tagged_pointer.h), a 16-bit fragment:
// the two key bytes that follow the prefix every key of the node shares. Searching a node
// compares that prefix once, then fragments, and reads full keys only where fragments tie, so
// a lookup touches about one entry per level instead of one per comparison.
//
// A leaf split at its end (keys arriving in order) leaves the left leaf full, so keys loaded in
// order fill leaves completely; erasing merges or rebalances nodes under a quarter full.
//
// Owns its nodes and separators, not the entries. Iterators stay valid until the next
// Insert or Erase. Not thread-safe.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "engine/kv/entry.h"
#include "engine/kv/tagged_pointer.h"

namespace flod::engine::kv {

class KeyTree {
 public:
  struct Node;
  struct Leaf;
  struct Inner;

  // Forward iterator over entries in key order; end() is the default value.
  class Iterator {
   public:
    Iterator() = default;
    const Entry* operator*() const { return PointerOf<const Entry>(slots_[position_]); }
    Iterator& operator++() {
      if (++position_ == count_) NextLeaf();
      return *this;
    }
    bool operator==(const Iterator& other) const = default;

   private:
    friend class KeyTree;
    Iterator(const Leaf* leaf, int position);
    void NextLeaf();

    const Leaf* leaf_ = nullptr;
    const uint64_t* slots_ = nullptr;  // the leaf's, cached so that stepping stays inline
    int position_ = 0;
    int count_ = 0;
  };

  KeyTree() = default;
  ~KeyTree();
  KeyTree(const KeyTree&) = delete;
  KeyTree& operator=(const KeyTree&) = delete;

  // The key of `entry` must be absent.
  void Insert(Entry* entry);
  // `entry` must be in the tree.
  void Erase(const Entry* entry);
  // Points the slot of `old_entry` at `new_entry`, which has the same key. `old_entry` must
  // still be readable.
  void Replace(const Entry* old_entry, Entry* new_entry);

  Iterator LowerBound(std::string_view key) const;  // first entry with key >= `key`
  Iterator UpperBound(std::string_view key) const;  // first entry with key > `key`
  Iterator begin() const;
  Iterator end() const { return Iterator(); }

  size_t size() const { return size_; }
  size_t MemoryBytes() const { return node_bytes_; }
  // Checks every structural invariant (order, bounds, fill, fragments, leaf chain, size);
  // false on the first violation. Costs O(n): for tests.
  bool Validate() const;

 private:
  struct Path;
  const Leaf* FindLeaf(std::string_view key, Path* path) const;
  int LeafPosition(const Leaf* leaf, const Entry* entry) const;
  void InsertIntoParent(Path& path, Node* left, uint64_t separator, Node* right);
  Leaf* SplitLeaf(Leaf* leaf, int position, Entry* entry);
  void Rebalance(Path& path, Node* node);
  bool RebalanceLeaves(Inner* parent, int left_index);
  bool RebalanceInners(Inner* parent, int left_index);
  void FreeSubtree(Node* node);
  Leaf* NewLeaf();
  Inner* NewInner();
  void FreeNode(Node* node);
  bool ValidateNode(const Node* node, int depth, std::string_view low, bool has_low,
                    std::string_view high, bool has_high, size_t& count,
                    const Leaf*& previous_leaf) const;

  Node* root_ = nullptr;
  int height_ = 0;  // 0 = empty, 1 = the root is a leaf
  size_t size_ = 0;
  size_t node_bytes_ = 0;
};

}  // namespace flod::engine::kv
