#include "importer/recent_keys.h"

#include <algorithm>
#include <functional>

namespace spmis::importer {
namespace {

constexpr int kProbes = 4;
constexpr int64_t kBitsPerKey = 16;  // with 4 probes: about 1 false "may hold" in 400

// Two independent hashes of a key; probe i is h1 + i * h2.
std::pair<uint64_t, uint64_t> Hashes(std::string_view key) {
  uint64_t h1 = std::hash<std::string_view>{}(key);
  uint64_t h2 = h1 * 0x9E3779B97F4A7C15ull;
  h2 ^= h2 >> 29;
  return {h1, h2 | 1};
}

}  // namespace

RecentKeys::RecentKeys(int64_t keys_per_chunk) {
  uint64_t wanted = static_cast<uint64_t>(std::max<int64_t>(keys_per_chunk, 1024) * kBitsPerKey);
  bit_count_ = 64;
  while (bit_count_ < wanted) bit_count_ <<= 1;
}

RecentKeys::Filter& RecentKeys::Current() {
  if (filters_.empty() || filters_.back().chunk != commits_) {
    filters_.push_back({commits_, std::vector<uint64_t>(bit_count_ / 64, 0)});
  }
  return filters_.back();
}

void RecentKeys::Add(std::string_view key) {
  auto [h1, h2] = Hashes(key);
  auto& bits = Current().bits;
  for (int i = 0; i < kProbes; ++i) {
    uint64_t bit = (h1 + static_cast<uint64_t>(i) * h2) & (bit_count_ - 1);
    bits[bit / 64] |= uint64_t{1} << (bit % 64);
  }
}

bool RecentKeys::MayHold(std::string_view key, int64_t commits_seen) const {
  auto [h1, h2] = Hashes(key);
  for (const auto& filter : filters_) {
    if (filter.chunk < commits_seen) continue;  // committed before the look-up ran
    bool all = true;
    for (int i = 0; i < kProbes && all; ++i) {
      uint64_t bit = (h1 + static_cast<uint64_t>(i) * h2) & (bit_count_ - 1);
      all = (filter.bits[bit / 64] >> (bit % 64)) & 1;
    }
    if (all) return true;
  }
  return false;
}

void RecentKeys::Committed() { ++commits_; }

void RecentKeys::Forget(int64_t commits_seen) {
  while (!filters_.empty() && filters_.front().chunk < commits_seen) filters_.pop_front();
}

}  // namespace spmis::importer
