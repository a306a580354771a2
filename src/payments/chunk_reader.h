// ChunkReader: rows read a chunk ahead on a connection and thread of their
// own while the caller handles the chunk before. Batching (payables read,
// payments written) and export (payments read, a file written) each spend
// about half their time reading.
//
// Each chunk starts after the key of the last one's last row. An optional
// second stage (`complete`) finishes each chunk on a third thread and
// connection, in order: batching reads a chunk's payables on one and names
// them (a look-up per household head) on the other, so that neither keeps the
// writer waiting. At most two chunks wait at each stage. A failure of either
// stage is rethrown from Next() as soon as it is known (chunks waiting are
// not handed out after it); the destructor stops both threads.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "payments/payment_repository.h"
#include "store/bulk_support.h"
#include "store/database.h"

namespace spmis::payments {

template <typename Row>
class ChunkReader {
 public:
  using Read = std::function<std::vector<Row>(PaymentRepository&, int64_t after)>;
  using Complete = std::function<void(PaymentRepository&, std::vector<Row>&)>;
  using KeyOf = int64_t (*)(const Row&);

  ChunkReader(store::Database& database, Read read, KeyOf key_of, Complete complete = {})
      : key_of_(key_of), staged_(complete != nullptr) {
    try {
      if (staged_) {
        completer_ = std::thread([this, &database, complete = std::move(complete)] {
          CompleteChunks(database, complete);
        });
      }
      reader_ =
          std::thread([this, &database, read = std::move(read)] { ReadChunks(database, read); });
    } catch (...) {
      Stop();
      throw;
    }
  }
  ~ChunkReader() { Stop(); }
  ChunkReader(const ChunkReader&) = delete;
  ChunkReader& operator=(const ChunkReader&) = delete;

  // The next chunk; empty at the end.
  std::vector<Row> Next() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !queues_[1].empty() || finished_[1] || failure_; });
    if (failure_) std::rethrow_exception(failure_);
    if (queues_[1].empty()) return {};
    return Pop(1);
  }

 private:
  // Queue 0 holds chunks read and not yet completed (with a second stage);
  // queue 1 the chunks ready for Next().
  std::vector<Row> Pop(int queue) {
    std::vector<Row> chunk = std::move(queues_[queue].front());
    queues_[queue].pop_front();
    changed_.notify_all();
    return chunk;
  }
  // False when stopped.
  bool Push(int queue, std::vector<Row> chunk, std::unique_lock<std::mutex>& lock) {
    changed_.wait(lock, [&] { return queues_[queue].size() < 2 || stop_; });
    if (stop_) return false;
    queues_[queue].push_back(std::move(chunk));
    changed_.notify_all();
    return true;
  }
  void Fail() {
    std::lock_guard lock(mutex_);
    if (!failure_) failure_ = std::current_exception();
    stop_ = true;
    changed_.notify_all();
  }
  void Done(int queue) {
    std::lock_guard lock(mutex_);
    finished_[queue] = true;
    changed_.notify_all();
  }

  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    changed_.notify_all();
    if (reader_.joinable()) reader_.join();
    if (completer_.joinable()) completer_.join();
  }

  void ReadChunks(store::Database& database, const Read& read) {
    const int to = staged_ ? 0 : 1;
    try {
      auto connection = database.Acquire();
      // Read once, in order: a page is not wanted again once passed.
      store::SqlitePragmaWhile small_cache(*connection, "cache_size", store::kStreamingCacheSize);
      PaymentRepository source(*connection);
      int64_t after = 0;
      while (true) {
        std::vector<Row> chunk = read(source, after);
        if (chunk.empty()) break;
        after = key_of_(chunk.back());
        std::unique_lock lock(mutex_);
        if (!Push(to, std::move(chunk), lock)) break;
      }
    } catch (...) {
      Fail();
    }
    Done(to);
  }

  void CompleteChunks(store::Database& database, const Complete& complete) {
    try {
      auto connection = database.Acquire();
      store::SqlitePragmaWhile small_cache(*connection, "cache_size", store::kStreamingCacheSize);
      PaymentRepository source(*connection);
      while (true) {
        std::vector<Row> chunk;
        {
          std::unique_lock lock(mutex_);
          changed_.wait(lock, [&] { return !queues_[0].empty() || finished_[0] || stop_; });
          if (stop_ || queues_[0].empty()) break;
          chunk = Pop(0);
        }
        complete(source, chunk);
        std::unique_lock lock(mutex_);
        if (!Push(1, std::move(chunk), lock)) break;
      }
    } catch (...) {
      Fail();
    }
    Done(1);
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<Row>> queues_[2];
  bool finished_[2] = {false, false};
  bool stop_ = false;
  std::exception_ptr failure_;
  KeyOf key_of_;
  bool staged_;
  std::thread completer_;
  std::thread reader_;
};

}  // namespace spmis::payments
