#include "programs/registry_scan.h"

#include <atomic>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

namespace spmis::programs {
namespace {

// Registrant ids per range: large enough that per-range costs vanish, small
// enough that a range's tables stay a few megabytes.
constexpr int64_t kRangeWidth = 16384;

}  // namespace

RegistryScan::RegistryScan(store::Database& database, const rules::RegistryRules& registry,
                           const cel::Program& rule, const cel::Program* second,
                           ReaderOptions options, int threads)
    : database_(database),
      registry_(registry),
      rule_(rule),
      second_(second),
      options_(std::move(options)),
      threads_(threads < 1 ? 1 : threads) {}

void RegistryScan::Run(const std::function<bool(EvaluatedRange&)>& consume,
                       const PrepareRange& prepare) {
  int64_t max_id;
  {
    auto connection = database_.Acquire();
    max_id = RegistrantReader(*connection, options_).MaxId();
  }
  const int64_t ranges = max_id / kRangeWidth + 1;
  const int64_t ahead = 2 * threads_;  // ranges that may wait to be consumed

  std::mutex mutex;
  std::condition_variable changed;
  std::map<int64_t, EvaluatedRange> done;
  int64_t next_to_consume = 0;
  std::atomic<int64_t> next_to_read{0};
  bool stop = false;
  std::exception_ptr failure;

  auto work = [&] {
    try {
      auto connection = database_.Acquire();
      RegistrantReader reader(*connection, options_);
      while (true) {
        int64_t index = next_to_read.fetch_add(1);
        if (index >= ranges) return;
        {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return stop || index < next_to_consume + ahead; });
          if (stop) return;
        }
        EvaluatedRange range;
        range.first_id = index * kRangeWidth + 1;
        range.last_id = index == ranges - 1 ? max_id : (index + 1) * kRangeWidth;
        auto batch = registry_.NewBatch();
        if (reader.ReadRange(*batch, range.first_id, range.last_id, range.ids)) {
          registry_.EvaluateBatch(rule_, *batch, options_.as_of, range.results);
          if (second_ != nullptr) {
            registry_.EvaluateBatch(*second_, *batch, options_.as_of, range.priorities);
          }
        }
        if (prepare) prepare(*connection, range);
        std::lock_guard lock(mutex);
        done.emplace(index, std::move(range));
        changed.notify_all();
      }
    } catch (...) {
      std::lock_guard lock(mutex);
      if (!failure) failure = std::current_exception();
      stop = true;
      changed.notify_all();
    }
  };
  std::vector<std::thread> workers;
  for (int i = 0; i < threads_; ++i) workers.emplace_back(work);
  auto finish = [&] {
    {
      std::lock_guard lock(mutex);
      stop = true;
      changed.notify_all();
    }
    for (auto& w : workers) w.join();
  };
  try {
    while (next_to_consume < ranges) {
      EvaluatedRange range;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return failure || done.count(next_to_consume) > 0; });
        if (failure) break;
        auto node = done.extract(next_to_consume);
        range = std::move(node.mapped());
      }
      bool more = consume(range);
      {
        std::lock_guard lock(mutex);
        ++next_to_consume;
        changed.notify_all();
      }
      if (!more) break;
    }
  } catch (...) {
    finish();
    throw;
  }
  finish();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace spmis::programs
