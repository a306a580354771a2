// RecentKeys: which keys (external IDs, national IDs) rows this import wrote
// recently may hold, for the look-ups that run ahead of the writing.
//
// An import looks up each batch's keys on a second connection while the
// previous batch is being written (see RowProcessor::Prepare). Such a look-up
// sees what was committed when it ran, not the rows this import has written
// since its last commit. The writer therefore remembers the keys it wrote per
// commit chunk, as a Bloom filter (a few bits a key, so memory is bounded by
// a chunk, never by the file), and looks a key up again on its own connection
// when a filter of a chunk the look-up could not see may hold it. A filter
// never misses a key it was given; a false "may hold" costs one extra look-up.
#pragma once

#include <cstdint>
#include <deque>
#include <string_view>
#include <vector>

namespace spmis::importer {

class RecentKeys {
 public:
  // `keys_per_chunk`: about how many keys a chunk adds (sizes the filters).
  explicit RecentKeys(int64_t keys_per_chunk);

  // A key written in the current chunk.
  void Add(std::string_view key);
  // Whether `key` may have been written in a chunk that was not committed
  // yet when `commits_seen` commits had been made.
  bool MayHold(std::string_view key, int64_t commits_seen) const;
  // The current chunk was committed.
  void Committed();
  // No look-up that saw fewer than `commits_seen` commits is still to be
  // checked: the filters of the chunks those commits made are dropped.
  void Forget(int64_t commits_seen);

 private:
  struct Filter {
    int64_t chunk;  // the number of commits made before it
    std::vector<uint64_t> bits;
  };
  Filter& Current();

  size_t bit_count_;  // a power of two
  int64_t commits_ = 0;
  std::deque<Filter> filters_;  // oldest first
};

}  // namespace spmis::importer
