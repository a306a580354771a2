// ReadRecorder: reads of personal data (a registrant's profile, a list of
// registrants) entered in the audit trail in batches by a background thread,
// so that recording a read does not make every read a database write. A
// crash can lose the reads of the last interval (200 ms by default), never a
// write's entry (writes append in their own transaction).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/actor.h"
#include "store/database.h"

namespace spmis::audit {

class ReadRecorder {
 public:
  explicit ReadRecorder(store::Database& database,
                        std::chrono::milliseconds interval = std::chrono::milliseconds(200));
  ~ReadRecorder();  // records what is pending
  ReadRecorder(const ReadRecorder&) = delete;
  ReadRecorder& operator=(const ReadRecorder&) = delete;

  void Record(const Actor& actor, std::string entity_type, std::string entity_id);
  // Enters everything pending now.
  void Flush();

 private:
  struct Read {
    Actor actor;
    std::string entity_type;
    std::string entity_id;
  };
  void Run();

  store::Database& database_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::mutex flush_mutex_;  // one flush at a time keeps the order
  std::condition_variable wake_;
  std::vector<Read> pending_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace spmis::audit
