// Test fixture that gives each test a fresh, migrated database on the backend
// the test is instantiated for. SQLite tests use a temporary file; PostgreSQL
// tests use a private schema on the server named by SPMIS_TEST_POSTGRES_URL
// (the test script starts a throw-away cluster and sets it). Without that
// variable the PostgreSQL instances are skipped, unless
// SPMIS_TEST_REQUIRE_POSTGRES=1, when they fail: CI never silently tests one
// backend only.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/database.h"

namespace spmis::testing {

class TestDatabase {
 public:
  // Nullptr (with the reason in `skip_reason`) when the backend is unavailable.
  // Migrated to `schema_version` when given (to test a later migration on
  // rows written before it), else to the newest.
  static std::unique_ptr<TestDatabase> Create(store::Backend backend, std::string& skip_reason,
                                              int schema_version = 0);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  store::Database& database() { return *database_; }
  const std::string& location() const { return location_; }

 private:
  TestDatabase() = default;
  store::Backend backend_ = store::Backend::kSqlite;
  std::string location_;
  std::string cleanup_;  // file path or schema name
  std::string admin_url_;
  std::unique_ptr<store::Database> database_;
};

// Base of tests that run once per backend: `INSTANTIATE_BACKEND_TESTS(Suite)`.
class BackendTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override;
  void TearDown() override;
  store::Database& db() { return test_db_->database(); }
  const std::string& location() const { return test_db_->location(); }

  // Set by a fixture's constructor to start from an older schema (0: newest).
  int schema_version_ = 0;

 private:
  std::unique_ptr<TestDatabase> test_db_;
};

std::string BackendName(const ::testing::TestParamInfo<store::Backend>& info);

}  // namespace spmis::testing

#define INSTANTIATE_BACKEND_TESTS(suite)                                                       \
  INSTANTIATE_TEST_SUITE_P(                                                                    \
      Backends, suite,                                                                         \
      ::testing::Values(::spmis::store::Backend::kSqlite, ::spmis::store::Backend::kPostgres), \
      ::spmis::testing::BackendName)
