#include "audit/read_recorder.h"

#include <iostream>

#include "audit/audit_log.h"

namespace spmis::audit {

ReadRecorder::ReadRecorder(store::Database& database, std::chrono::milliseconds interval)
    : database_(database), interval_(interval), thread_([this] { Run(); }) {}

ReadRecorder::~ReadRecorder() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  Flush();
}

void ReadRecorder::Record(const Actor& actor, std::string entity_type, std::string entity_id) {
  std::lock_guard lock(mutex_);
  pending_.push_back({actor, std::move(entity_type), std::move(entity_id)});
}

void ReadRecorder::Flush() {
  std::lock_guard flushing(flush_mutex_);
  std::vector<Read> batch;
  {
    std::lock_guard lock(mutex_);
    batch.swap(pending_);
  }
  if (batch.empty()) return;
  try {
    std::vector<AuditEntry> entries;
    entries.reserve(batch.size());
    for (const Read& read : batch) {
      AuditEntry e;
      e.actor = read.actor.name;
      e.request_id = read.actor.request_id;
      e.action = "read";
      e.entity_type = read.entity_type;
      e.entity_id = read.entity_id;
      entries.push_back(std::move(e));
    }
    auto connection = database_.Acquire();
    AuditLog(*connection).AppendAll(entries);
  } catch (const std::exception& e) {
    // Put them back, in front, to try again at the next interval.
    std::lock_guard lock(mutex_);
    pending_.insert(pending_.begin(), batch.begin(), batch.end());
    std::cerr << "audit: could not record " << batch.size() << " reads yet: " << e.what() << "\n";
  }
}

void ReadRecorder::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, interval_, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    Flush();
    lock.lock();
  }
}

}  // namespace spmis::audit
