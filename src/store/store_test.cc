#include <gtest/gtest.h>

#include "store/database.h"
#include "store/index_suspension.h"
#include "store/migrations.h"
#include "testing/test_database.h"

namespace spmis::store {
namespace {

using StoreTest = spmis::testing::BackendTest;

TEST_P(StoreTest, MigrationsAreRecordedAndNotReapplied) {
  auto connection = db().Acquire();
  EXPECT_EQ(CurrentSchemaVersion(*connection), SchemaMigrations().back().version);
  auto again = ApplyMigrations(*connection);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
}

TEST_P(StoreTest, RefusesASchemaNewerThanTheProgram) {
  auto connection = db().Acquire();
  auto insert = connection->Prepare(
      "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', $2)");
  insert->Bind(1, 9999).Bind(2, Timestamp::Now()).Execute();
  auto result = ApplyMigrations(*connection);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().message.find("newer than this program"), std::string::npos);
}

TEST_P(StoreTest, BindsAndReadsEveryTypeWithReorderedPlaceholders) {
  auto connection = db().Acquire();
  connection->Execute(connection->Dialect(
      "CREATE TABLE sample (id {pk}, name TEXT, born {date}, at {timestamp}, flag {bool}, "
      "score DOUBLE PRECISION)"));
  auto insert = connection->Prepare(
      "INSERT INTO sample (score, flag, at, born, name) VALUES ($5, $4, $3, $2, $1) RETURNING id");
  insert->Bind(1, "Amina \"quoted\"\ttab")
      .Bind(2, *Date::Parse("1990-04-01"))
      .Bind(3, *Timestamp::Parse("2026-01-02T03:04:05.000006Z"))
      .Bind(4, true)
      .Bind(5, 2.5);
  ASSERT_TRUE(insert->Step());
  int64_t id = insert->Int(0);
  EXPECT_GT(id, 0);
  EXPECT_FALSE(insert->Step());

  // Read back as text, then in the server's binary form: the same values.
  for (bool binary : {false, true}) {
    SCOPED_TRACE(binary ? "binary results" : "text results");
    auto select = connection->Prepare(
        "SELECT name, born, at, flag, score, NULL, id, CAST(7 AS INTEGER) FROM sample WHERE id = "
        "$1");
    if (binary) select->PreferBinaryResults();
    select->Bind(1, id);
    ASSERT_TRUE(select->Step());
    EXPECT_EQ(select->Text(0), "Amina \"quoted\"\ttab");
    EXPECT_EQ(select->OptionalDate(1)->ToString(), "1990-04-01");
    EXPECT_EQ(select->TimestampAt(2).ToString(), "2026-01-02T03:04:05.000006Z");
    EXPECT_TRUE(select->Bool(3));
    EXPECT_DOUBLE_EQ(select->Double(4), 2.5);
    EXPECT_TRUE(select->IsNull(5));
    EXPECT_FALSE(select->OptionalText(5));
    EXPECT_FALSE(select->OptionalDate(5));
    EXPECT_EQ(select->Int(6), id);
    EXPECT_EQ(select->Int(7), 7);
  }
}

TEST_P(StoreTest, RolledBackTransactionChangesNothing) {
  auto connection = db().Acquire();
  {
    Transaction tx(*connection);
    connection->Prepare("INSERT INTO group_kinds (code, label) VALUES ('camp', 'Camp')")->Execute();
    // destroyed without Commit
  }
  auto count = connection->Prepare("SELECT COUNT(*) FROM group_kinds WHERE code = 'camp'");
  ASSERT_TRUE(count->Step());
  EXPECT_EQ(count->Int(0), 0);
}

TEST_P(StoreTest, NestedTransactionRollsBackOnlyItsOwnPart) {
  auto connection = db().Acquire();
  {
    Transaction outer(*connection);
    connection->Prepare("INSERT INTO group_kinds (code, label) VALUES ('a', 'A')")->Execute();
    {
      Transaction inner(*connection);
      connection->Prepare("INSERT INTO group_kinds (code, label) VALUES ('b', 'B')")->Execute();
    }
    outer.Commit();
  }
  auto count = connection->Prepare("SELECT code FROM group_kinds WHERE code IN ('a', 'b')");
  std::vector<std::string> codes;
  while (count->Step()) codes.emplace_back(count->Text(0));
  EXPECT_EQ(codes, std::vector<std::string>{"a"});
}

TEST_P(StoreTest, ConstraintViolationIsReportedAsSuch) {
  auto connection = db().Acquire();
  auto insert = connection->Prepare("INSERT INTO group_kinds (code, label) VALUES ($1, 'x')");
  insert->Bind(1, "household");
  try {
    insert->Execute();
    FAIL() << "duplicate key accepted";
  } catch (const DatabaseError& error) {
    EXPECT_EQ(error.kind(), DatabaseError::Kind::kConstraint);
  }
}

TEST_P(StoreTest, BulkInsertWritesEveryRowWithEscapes) {
  auto connection = db().Acquire();
  connection->Execute("CREATE TABLE bulk (n BIGINT, label TEXT)");
  {
    Transaction tx(*connection);
    auto writer = connection->BulkInsert("bulk", {"n", "label"});
    for (int64_t i = 0; i < 5000; ++i) {
      writer->Add(i);
      if (i % 2 == 0) {
        writer->Add("line\nbreak\\slash\ttab " + std::to_string(i));
      } else {
        writer->AddNull();
      }
      writer->EndRow();
    }
    writer->Finish();
    tx.Commit();
  }
  auto stats = connection->Prepare("SELECT COUNT(*), SUM(n), COUNT(label) FROM bulk");
  ASSERT_TRUE(stats->Step());
  EXPECT_EQ(stats->Int(0), 5000);
  EXPECT_EQ(stats->Int(1), 5000 * 4999 / 2);
  EXPECT_EQ(stats->Int(2), 2500);
  auto one = connection->Prepare("SELECT label FROM bulk WHERE n = 10");
  ASSERT_TRUE(one->Step());
  EXPECT_EQ(one->Text(0), "line\nbreak\\slash\ttab 10");
}

// Each column type takes the values a bulk load gives it, as text or typed
// (PostgreSQL's binary COPY converts them on the client), and reads back the
// same; a value a column cannot take is refused with the column's name.
TEST_P(StoreTest, BulkInsertConvertsValuesToEachColumnsType) {
  auto connection = db().Acquire();
  connection->Execute(connection->Dialect(
      "CREATE TABLE typed (n BIGINT, small INTEGER, label TEXT, doc {json}, born {date}, "
      "at {timestamp}, flag {bool}, score DOUBLE PRECISION)"));
  {
    Transaction tx(*connection);
    auto writer = connection->BulkInsert(
        "typed", {"n", "small", "label", "doc", "born", "at", "flag", "score"});
    // Typed values.
    writer->Add(int64_t{1} << 40);
    writer->Add(int64_t{-7});
    writer->Add("tab\there \"quoted\" \\ é");
    writer->Add(R"({"a":[1,2]})");
    writer->Add(*Date::Parse("1999-12-31"));
    writer->Add(*Timestamp::Parse("2026-01-02T03:04:05.000006Z"));
    writer->Add(true);
    writer->Add(-2.5);
    writer->EndRow();
    // The same kinds of value given as text, as imports give them; and nulls.
    writer->Add(int64_t{2});
    writer->AddNull();
    writer->Add("");
    writer->Add("{}");
    writer->Add("2000-01-01");
    writer->Add("1969-12-31T23:59:59.999999Z");
    writer->Add(false);
    writer->Add(int64_t{3});
    writer->EndRow();
    writer->Finish();
    tx.Commit();
  }
  auto read = connection->Prepare(
      "SELECT n, small, label, doc, born, at, flag, score FROM typed ORDER BY n DESC");
  ASSERT_TRUE(read->Step());
  EXPECT_EQ(read->Int(0), int64_t{1} << 40);
  EXPECT_EQ(read->Int(1), -7);
  EXPECT_EQ(read->Text(2), "tab\there \"quoted\" \\ é");
  EXPECT_NE(read->Text(3).find("[1"), std::string::npos);
  EXPECT_EQ(read->OptionalDate(4)->ToString(), "1999-12-31");
  EXPECT_EQ(read->TimestampAt(5).ToString(), "2026-01-02T03:04:05.000006Z");
  EXPECT_TRUE(read->Bool(6));
  EXPECT_DOUBLE_EQ(read->Double(7), -2.5);
  ASSERT_TRUE(read->Step());
  EXPECT_EQ(read->Int(0), 2);
  EXPECT_TRUE(read->IsNull(1));
  EXPECT_EQ(read->Text(2), "");
  EXPECT_EQ(read->OptionalDate(4)->ToString(), "2000-01-01");
  EXPECT_EQ(read->TimestampAt(5).ToString(), "1969-12-31T23:59:59.999999Z");
  EXPECT_FALSE(read->Bool(6));
  EXPECT_DOUBLE_EQ(read->Double(7), 3.0);

  if (connection->backend() == Backend::kPostgres) {
    // Text that is not a date, for a date column.
    try {
      Transaction tx(*connection);
      auto writer = connection->BulkInsert("typed", {"n", "born"});
      writer->Add(int64_t{3});
      writer->Add("31/12/1999");
      FAIL() << "a date column took text that is not a date";
    } catch (const DatabaseError& error) {
      EXPECT_NE(std::string(error.what()).find("column born"), std::string::npos) << error.what();
    }
    // A type the binary encoder does not know goes in the text format.
    connection->Execute("CREATE TABLE other_types (n BIGINT, amount NUMERIC(12, 2))");
    Transaction tx(*connection);
    auto writer = connection->BulkInsert("other_types", {"n", "amount"});
    writer->Add(int64_t{1});
    writer->Add("12.50");
    writer->EndRow();
    writer->Finish();
    tx.Commit();
    auto amount = connection->Prepare("SELECT amount::text FROM other_types");
    ASSERT_TRUE(amount->Step());
    EXPECT_EQ(amount->Text(0), "12.50");
  }
}

TEST_P(StoreTest, SameStatementCanRunNested) {
  auto connection = db().Acquire();
  const char* sql = "SELECT code FROM membership_roles WHERE code = $1";
  auto outer = connection->Prepare(sql);
  outer->Bind(1, "head");
  ASSERT_TRUE(outer->Step());
  auto inner = connection->Prepare(sql);
  inner->Bind(1, "child");
  ASSERT_TRUE(inner->Step());
  EXPECT_EQ(outer->Text(0), "head");
  EXPECT_EQ(inner->Text(0), "child");
}

TEST_P(StoreTest, SuspendedIndexesComeBackEvenAfterACrash) {
  auto connection = db().Acquire();
  auto index_exists = [&](const char* name) {
    auto q = connection->Prepare(
        connection->backend() == Backend::kSqlite
            ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = $1"
            : "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = "
              "$1");
    q->Bind(1, name);
    q->Step();
    return q->Int(0) == 1;
  };
  {
    Transaction tx(*connection);
    SuspendIndexes(*connection,
                   {"individuals_family_name", "individuals_birth_date", "no_such_index"});
    tx.Commit();
  }
  EXPECT_FALSE(index_exists("individuals_family_name"));
  EXPECT_FALSE(index_exists("individuals_birth_date"));
  // The process "crashed" here: a later start rebuilds what is recorded.
  auto other = db().Acquire();
  EXPECT_EQ(RestoreSuspendedIndexes(*other), 2);
  EXPECT_TRUE(index_exists("individuals_family_name"));
  EXPECT_TRUE(index_exists("individuals_birth_date"));
  EXPECT_EQ(RestoreSuspendedIndexes(*other), 0);
}

TEST(DatabaseOpenTest, ReportsAnUnreachableServerClearly) {
  try {
    Database::Open("postgresql://nobody@127.0.0.1:1/none?connect_timeout=2");
    FAIL() << "opened a database that does not exist";
  } catch (const DatabaseError& error) {
    EXPECT_EQ(error.kind(), DatabaseError::Kind::kConnection);
    EXPECT_NE(std::string(error.what()).find("cannot connect"), std::string::npos);
  }
}

TEST(DatabaseOpenTest, ResolvesLocationFromFlagThenEnvironmentThenDefault) {
  unsetenv("SPMIS_DATABASE");
  EXPECT_EQ(Database::ResolveLocation(""), "spmis.db");
  setenv("SPMIS_DATABASE", "/tmp/env.db", 1);
  EXPECT_EQ(Database::ResolveLocation(""), "/tmp/env.db");
  EXPECT_EQ(Database::ResolveLocation("/tmp/flag.db"), "/tmp/flag.db");
  unsetenv("SPMIS_DATABASE");
}

INSTANTIATE_BACKEND_TESTS(StoreTest);

}  // namespace
}  // namespace spmis::store
