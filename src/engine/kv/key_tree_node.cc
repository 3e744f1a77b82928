// KeyTree nodes: separators, shared prefixes, fragments and the search within one node.

#include "engine/kv/key_tree_node.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace flod::engine::kv {
namespace {

size_t CommonPrefix(std::string_view a, std::string_view b) {
  size_t limit = std::min(a.size(), b.size());
  size_t i = 0;
  while (i < limit && a[i] == b[i]) ++i;
  return i;
}

// What the keys of the node share: the bytes common to its first and last keys.
size_t SharedBytes(const KeyTree::Node* node) {
  const uint64_t* slots = SlotsOf(node);
  std::string_view first = SlotKey(node, slots[0]);
  size_t shared =
      node->count == 1 ? first.size() : CommonPrefix(first, SlotKey(node, slots[node->count - 1]));
  return std::min<size_t>(shared, UINT16_MAX);
}

// The widest fragment whose digits cover the byte values the node's keys have after the
// prefix: R^width must fit 16 bits, so a narrower span of values buys more bytes.
void ChooseScheme(KeyTree::Node* node) {
  const uint64_t* slots = SlotsOf(node);
  unsigned lows[kMaxFragmentBytes];
  unsigned highs[kMaxFragmentBytes];
  std::fill(lows, lows + kMaxFragmentBytes, 255u);
  std::fill(highs, highs + kMaxFragmentBytes, 0u);
  for (int i = 0; i < node->count; ++i) {
    std::string_view key = SlotKey(node, slots[i]);
    for (size_t b = 0; b < kMaxFragmentBytes && node->prefix + b < key.size(); ++b) {
      unsigned value = static_cast<uint8_t>(key[node->prefix + b]);
      lows[b] = std::min(lows[b], value);
      highs[b] = std::max(highs[b], value);
    }
  }
  for (int width = kMaxFragmentBytes; width >= 2; --width) {
    unsigned low = *std::min_element(lows, lows + width);
    unsigned high = *std::max_element(highs, highs + width);
    if (low > high) low = high = 0;  // no key has bytes there
    uint32_t radix = high - low + 1;
    uint64_t span = 1;
    for (int d = 0; d < width; ++d) span *= radix;
    if (span <= 65536 || width == 2) {
      node->low = static_cast<uint8_t>(low);
      node->radix_minus_one = static_cast<uint8_t>(radix - 1);
      node->width = static_cast<uint8_t>(width);
      return;
    }
  }
}

void SetPrefix(KeyTree::Node* node, size_t shared) {
  uint64_t* slots = SlotsOf(node);
  node->prefix = static_cast<uint16_t>(shared);
  std::string_view first = SlotKey(node, slots[0]);
  std::memcpy(node->prefix_bytes, first.data(), std::min<size_t>(shared, kInlinePrefix));
  ChooseScheme(node);
  for (int i = 0; i < node->count; ++i) {
    slots[i] = WithTag(slots[i], KeyFragment(node, SlotKey(node, slots[i])));
  }
}

}  // namespace

// ---- Separators -------------------------------------------------------------------------------

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

// ---- Prefixes and fragments -------------------------------------------------------------------

uint16_t KeyFragment(const KeyTree::Node* node, std::string_view key) {
  const unsigned radix = node->radix_minus_one + 1u;
  uint32_t value = 0;
  // A byte below the span makes this and every later digit the lowest, one above it the
  // highest: the key then orders against the node's keys as its fragment says.
  unsigned clamp = 0;  // 0 none, 1 low, 2 high
  for (size_t b = 0; b < node->width; ++b) {
    size_t at = node->prefix + b;
    unsigned digit = 0;
    if (clamp == 2) {
      digit = radix - 1;
    } else if (clamp == 0 && at < key.size()) {
      unsigned byte = static_cast<uint8_t>(key[at]);
      if (byte < node->low) {
        clamp = 1;
      } else if (byte - node->low >= radix) {
        clamp = 2;
        digit = radix - 1;
      } else {
        digit = byte - node->low;
      }
    }
    value = value * radix + digit;
  }
  return static_cast<uint16_t>(value);
}

bool FitsScheme(const KeyTree::Node* node, std::string_view key) {
  for (size_t b = 0; b < node->width && node->prefix + b < key.size(); ++b) {
    unsigned byte = static_cast<uint8_t>(key[node->prefix + b]);
    if (byte < node->low || byte - node->low > node->radix_minus_one) return false;
  }
  return true;
}

void Refragment(KeyTree::Node* node) {
  if (node->count == 0) {
    node->prefix = 0;
    return;
  }
  SetPrefix(node, SharedBytes(node));
}

void Tighten(KeyTree::Node* node) {
  if (node->count == 0) return;
  size_t shared = SharedBytes(node);
  if (shared != node->prefix) SetPrefix(node, shared);
}

void CopyScheme(const KeyTree::Node* from, KeyTree::Node* to) {
  to->prefix = from->prefix;
  to->low = from->low;
  to->radix_minus_one = from->radix_minus_one;
  to->width = from->width;
  std::memcpy(to->prefix_bytes, from->prefix_bytes, kInlinePrefix);
}

int ComparePrefix(const KeyTree::Node* node, std::string_view key) {
  size_t length = node->prefix;
  size_t inline_length = std::min<size_t>(length, kInlinePrefix);
  int order =
      key.substr(0, inline_length).compare(std::string_view(node->prefix_bytes, inline_length));
  if (order != 0 || length == inline_length) return order;
  // A long prefix: the rest of it is read from the first key.
  std::string_view rest =
      SlotKey(node, SlotsOf(node)[0]).substr(inline_length, length - inline_length);
  return key.substr(inline_length, rest.size()).compare(rest);
}

// ---- Node operations --------------------------------------------------------------------------

void InsertRaw(uint64_t* slots, int count, int position, uint64_t slot) {
  std::memmove(slots + position + 1, slots + position, (count - position) * sizeof(uint64_t));
  slots[position] = slot;
}

void InsertSlot(KeyTree::Node* node, int position, uint64_t slot) {
  uint64_t* slots = SlotsOf(node);
  std::string_view key = SlotKey(node, slot);
  // A key between the first and the last shares their prefix; only a new first or last
  // key can shorten it.
  bool edge = position == 0 || position == node->count;
  bool shares = node->count > 0 && (!edge || ComparePrefix(node, key) == 0);
  InsertRaw(slots, node->count, position, slot);
  ++node->count;
  if (!shares) {
    Refragment(node);
  } else if (!FitsScheme(node, key)) {
    SetPrefix(node, node->prefix);  // same prefix, a wider span of byte values
  } else {
    slots[position] = WithTag(slot, KeyFragment(node, key));
  }
}

namespace {

// The slots whose fragment equals that of `key` (which shares the node's prefix): [low, high).
// Slots before hold smaller keys, slots after larger ones.
void FragmentRange(const KeyTree::Node* node, std::string_view key, int& low, int& high) {
  const uint64_t* slots = SlotsOf(node);
  uint16_t fragment = KeyFragment(node, key);
  low = 0;
  high = node->count;
  while (low < high) {
    int mid = (low + high) / 2;
    if (TagOf(slots[mid]) < fragment) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  high = low;
  while (high < node->count && TagOf(slots[high]) == fragment) ++high;
}

}  // namespace

int FindPointer(const KeyTree::Node* node, std::string_view key, const void* pointer) {
  if (node->count == 0 || ComparePrefix(node, key) != 0) return -1;
  int low;
  int high;
  FragmentRange(node, key, low, high);
  const uint64_t* slots = SlotsOf(node);
  for (int i = low; i < high; ++i) {
    if ((slots[i] & kPointerMask) == reinterpret_cast<uintptr_t>(pointer)) return i;
  }
  return -1;
}

int Bound(const KeyTree::Node* node, std::string_view key, bool upper) {
  const uint64_t* slots = SlotsOf(node);
  int count = node->count;
  if (count == 0) return 0;
  int order = ComparePrefix(node, key);
  if (order != 0) return order < 0 ? 0 : count;
  int low;
  int high;
  FragmentRange(node, key, low, high);
  while (low < high) {  // the fragment ties: decide on whole keys
    int mid = (low + high) / 2;
    int c = SlotKey(node, slots[mid]).compare(key);
    if (upper ? c <= 0 : c < 0) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

}  // namespace flod::engine::kv
