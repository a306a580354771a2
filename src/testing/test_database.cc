#include "testing/test_database.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

#include "store/migrations.h"

namespace spmis::testing {
namespace {

std::atomic<int> counter{0};

std::string UniqueSuffix() {
  return std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(Timestamp::Now().micros_since_epoch() % 1000000);
}

}  // namespace

std::unique_ptr<TestDatabase> TestDatabase::Create(store::Backend backend, std::string& skip_reason,
                                                   int schema_version) {
  std::unique_ptr<TestDatabase> test(new TestDatabase());  // NOLINT: private constructor
  test->backend_ = backend;
  if (backend == store::Backend::kSqlite) {
    auto path = std::filesystem::temp_directory_path() / ("spmis_test_" + UniqueSuffix() + ".db");
    test->location_ = path.string();
    test->cleanup_ = path.string();
  } else {
    const char* url = std::getenv("SPMIS_TEST_POSTGRES_URL");
    if (url == nullptr || *url == '\0') {
      const char* required = std::getenv("SPMIS_TEST_REQUIRE_POSTGRES");
      if (required != nullptr && std::string(required) == "1") {
        ADD_FAILURE() << "SPMIS_TEST_POSTGRES_URL is not set but PostgreSQL tests are required";
      }
      skip_reason = "SPMIS_TEST_POSTGRES_URL is not set";
      return nullptr;
    }
    test->admin_url_ = url;
    test->cleanup_ = "t_" + UniqueSuffix();
    auto admin = store::Database::Open(url);
    admin->Acquire()->Execute("CREATE SCHEMA " + test->cleanup_);
    std::string separator = test->admin_url_.find('?') == std::string::npos ? "?" : "&";
    test->location_ = test->admin_url_ + separator + "options=-csearch_path%3D" + test->cleanup_;
  }
  test->database_ = store::Database::Open(test->location_);
  std::vector<store::Migration> migrations;
  for (const auto& m : store::SchemaMigrations()) {
    if (schema_version == 0 || m.version <= schema_version) migrations.push_back(m);
  }
  auto migrated = store::ApplyMigrations(*test->database_->Acquire(), migrations);
  if (!migrated.ok()) ADD_FAILURE() << migrated.error().ToString();
  return test;
}

TestDatabase::~TestDatabase() {
  database_.reset();
  if (backend_ == store::Backend::kSqlite) {
    std::error_code ignored;
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(cleanup_ + suffix, ignored);
    }
  } else {
    try {
      auto admin = store::Database::Open(admin_url_);
      admin->Acquire()->Execute("DROP SCHEMA " + cleanup_ + " CASCADE");
    } catch (const std::exception&) {
      // The cluster is thrown away at the end of the run anyway.
    }
  }
}

void BackendTest::SetUp() {
  std::string skip_reason;
  test_db_ = TestDatabase::Create(GetParam(), skip_reason, schema_version_);
  if (!test_db_) GTEST_SKIP() << skip_reason;
}

void BackendTest::TearDown() { test_db_.reset(); }

std::string BackendName(const ::testing::TestParamInfo<store::Backend>& info) {
  return info.param == store::Backend::kSqlite ? "Sqlite" : "Postgres";
}

}  // namespace spmis::testing
