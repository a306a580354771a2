#include "payments/chunk_reader.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "testing/test_database.h"

namespace spmis::payments {
namespace {

// Chunks of three numbers counting up from `after` + 1 to 10; the second
// stage doubles them.
std::vector<int64_t> Count(PaymentRepository&, int64_t after) {
  std::vector<int64_t> chunk;
  for (int64_t n = after + 1; n <= 10 && chunk.size() < 3; ++n) chunk.push_back(n);
  return chunk;
}
int64_t Itself(const int64_t& n) { return n; }

class ChunkReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string skipped;
    database_ = testing::TestDatabase::Create(store::Backend::kSqlite, skipped);
    ASSERT_NE(database_, nullptr) << skipped;
  }
  store::Database& db() { return database_->database(); }
  std::unique_ptr<testing::TestDatabase> database_;
};

TEST_F(ChunkReaderTest, ReadsEveryChunkInOrderThroughBothStages) {
  ChunkReader<int64_t> reader(db(), Count, Itself,
                              [](PaymentRepository&, std::vector<int64_t>& chunk) {
                                for (auto& n : chunk) n *= 2;
                              });
  std::vector<int64_t> all;
  for (auto chunk = reader.Next(); !chunk.empty(); chunk = reader.Next()) {
    EXPECT_LE(chunk.size(), 3u);
    all.insert(all.end(), chunk.begin(), chunk.end());
  }
  EXPECT_EQ(all, (std::vector<int64_t>{2, 4, 6, 8, 10, 12, 14, 16, 18, 20}));
  EXPECT_TRUE(reader.Next().empty());  // and stays at the end
}

// Calls Next() until it throws; the numbers it gave before.
std::vector<int64_t> UntilItThrows(ChunkReader<int64_t>& reader) {
  std::vector<int64_t> given;
  for (int calls = 0; calls < 10; ++calls) {
    try {
      auto chunk = reader.Next();
      given.insert(given.end(), chunk.begin(), chunk.end());
    } catch (const std::runtime_error&) {
      return given;
    }
  }
  ADD_FAILURE() << "Next() never threw";
  return given;
}

TEST_F(ChunkReaderTest, AFailureOfEitherStageReachesTheCaller) {
  // The failure may come before the chunks read until then: never after.
  ChunkReader<int64_t> failing_read(
      db(),
      [](PaymentRepository& source, int64_t after) -> std::vector<int64_t> {
        if (after >= 3) throw std::runtime_error("read failed");
        return Count(source, after);
      },
      Itself);
  for (int64_t n : UntilItThrows(failing_read)) EXPECT_LE(n, 3);

  ChunkReader<int64_t> failing_completion(db(), Count, Itself,
                                          [](PaymentRepository&, std::vector<int64_t>& chunk) {
                                            if (chunk.front() > 3) {
                                              throw std::runtime_error("completion failed");
                                            }
                                          });
  for (int64_t n : UntilItThrows(failing_completion)) EXPECT_LE(n, 3);
}

TEST_F(ChunkReaderTest, StopsWhenLeftBeforeTheEnd) {
  // Both stages are blocked on full queues when the reader is destroyed.
  for (int i = 0; i < 20; ++i) {
    ChunkReader<int64_t> reader(db(), Count, Itself,
                                [](PaymentRepository&, std::vector<int64_t>&) {});
    if (i % 2) {
      EXPECT_EQ(reader.Next().front(), 1);
    }
  }
}

}  // namespace
}  // namespace spmis::payments
