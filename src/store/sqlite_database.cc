// SQLite backend: one file, WAL journal, foreign keys on, a busy timeout so
// concurrent writers wait instead of failing.
#include <sqlite3.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "store/database.h"

namespace spmis::store {
namespace {

[[noreturn]] void Throw(sqlite3* db, int code, std::string_view what) {
  int primary = code & 0xFF;
  DatabaseError::Kind kind = DatabaseError::Kind::kOther;
  if (primary == SQLITE_CONSTRAINT) kind = DatabaseError::Kind::kConstraint;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) kind = DatabaseError::Kind::kBusy;
  if (primary == SQLITE_CANTOPEN || primary == SQLITE_NOTADB)
    kind = DatabaseError::Kind::kConnection;
  std::string message = std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(code));
  std::string constraint;
  if (kind == DatabaseError::Kind::kConstraint) {
    // "UNIQUE constraint failed: table.column" names what clashed.
    const char* msg = db ? sqlite3_errmsg(db) : "";
    constraint = msg;
  }
  throw DatabaseError(kind, message, constraint);
}

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql) : db_(db) {
    const char* tail = nullptr;
    int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt_, &tail);
    if (rc != SQLITE_OK) Throw(db, rc, "prepare '" + std::string(sql.substr(0, 200)) + "'");
    // Map "$N" names to SQLite's parameter slots, which follow first appearance.
    int count = sqlite3_bind_parameter_count(stmt_);
    for (int slot = 1; slot <= count; ++slot) {
      const char* name = sqlite3_bind_parameter_name(stmt_, slot);
      int number = slot;
      if (name != nullptr && name[0] == '$') {
        std::string_view digits(name + 1);
        std::from_chars(digits.data(), digits.data() + digits.size(), number);
      }
      if (number >= static_cast<int>(slots_.size()))
        slots_.resize(static_cast<size_t>(number) + 1, 0);
      slots_[static_cast<size_t>(number)] = slot;
    }
  }
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void BindNull(int index) override { Check(sqlite3_bind_null(stmt_, Slot(index))); }
  void BindInt(int index, int64_t value) override {
    Check(sqlite3_bind_int64(stmt_, Slot(index), value));
  }
  void BindDouble(int index, double value) override {
    Check(sqlite3_bind_double(stmt_, Slot(index), value));
  }
  void BindText(int index, std::string_view value) override {
    Check(sqlite3_bind_text64(stmt_, Slot(index), value.data(), value.size(), SQLITE_TRANSIENT,
                              SQLITE_UTF8));
  }

  bool Step() override {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) {
      changes_ = sqlite3_changes64(db_);
      return false;
    }
    sqlite3_reset(stmt_);
    Throw(db_, rc, "step");
  }
  int64_t ChangedRows() const override { return changes_; }
  void Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    changes_ = 0;
  }

  int ColumnCount() const override { return sqlite3_column_count(stmt_); }
  bool IsNull(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  int64_t Int(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double Double(int column) const override { return sqlite3_column_double(stmt_, column); }
  std::string_view Text(int column) const override {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    if (text == nullptr) return {};
    return {text, static_cast<size_t>(sqlite3_column_bytes(stmt_, column))};
  }

 private:
  int Slot(int index) const {
    if (index <= 0 || index >= static_cast<int>(slots_.size()) ||
        slots_[static_cast<size_t>(index)] == 0) {
      throw DatabaseError(DatabaseError::Kind::kOther,
                          "statement has no parameter $" + std::to_string(index));
    }
    return slots_[static_cast<size_t>(index)];
  }
  void Check(int rc) const {
    if (rc != SQLITE_OK) Throw(db_, rc, "bind");
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::vector<int> slots_;
  int64_t changes_ = 0;
};

// Rows are buffered and written by multi-row INSERTs of up to kRowsPerInsert
// rows: one statement execution (cursor opening, index seeks set-up) serves
// many rows, which is most of the cost of single-row inserts. The statements
// are prepared once per connection and row count (the connection caches them).
class SqliteBulkWriter final : public BulkWriter {
 public:
  SqliteBulkWriter(Connection& connection, std::string_view table,
                   const std::vector<std::string>& columns)
      : connection_(connection), columns_(static_cast<int>(columns.size())) {
    prefix_ = "INSERT INTO " + std::string(table) + " (";
    for (size_t i = 0; i < columns.size(); ++i) {
      if (i) prefix_ += ", ";
      prefix_ += columns[i];
    }
    prefix_ += ") VALUES ";
    rows_per_insert_ = std::max(1, std::min(kRowsPerInsert, kMaxParameters / columns_));
    values_.reserve(static_cast<size_t>(rows_per_insert_ * columns_));
  }
  void AddNull() override { values_.push_back({Value::kNull, 0, 0, {}}); }
  void AddText(std::string_view value) override {
    values_.push_back({Value::kText, 0, 0, std::string(value)});
  }
  void AddInt(int64_t value) override { values_.push_back({Value::kInt, value, 0, {}}); }
  void AddDouble(double value) override { values_.push_back({Value::kDouble, 0, value, {}}); }
  void EndRow() override {
    ++rows_;
    if (values_.size() != static_cast<size_t>(rows_ * columns_)) {
      throw DatabaseError(DatabaseError::Kind::kOther, "bulk row has the wrong number of values");
    }
    if (rows_ == rows_per_insert_) Flush();
  }
  void Finish() override { Flush(); }

 private:
  static constexpr int kRowsPerInsert = 64;
  static constexpr int kMaxParameters = 32766;
  struct Value {
    enum Kind { kNull, kInt, kDouble, kText } kind;
    int64_t int_value;
    double double_value;
    std::string text;
  };

  const std::string& SqlFor(int rows) {
    auto& sql = sql_[rows];
    if (sql.empty()) {
      sql = prefix_;
      int parameter = 1;
      for (int r = 0; r < rows; ++r) {
        sql += r ? ", (" : "(";
        for (int c = 0; c < columns_; ++c) {
          if (c) sql += ", ";
          sql += "$" + std::to_string(parameter++);
        }
        sql += ")";
      }
    }
    return sql;
  }

  void Flush() {
    if (rows_ == 0) return;
    auto handle = connection_.Prepare(SqlFor(rows_));
    Statement& statement = *handle;
    for (size_t i = 0; i < values_.size(); ++i) {
      int index = static_cast<int>(i + 1);
      const Value& v = values_[i];
      switch (v.kind) {
        case Value::kNull:
          statement.BindNull(index);
          break;
        case Value::kInt:
          statement.BindInt(index, v.int_value);
          break;
        case Value::kDouble:
          statement.BindDouble(index, v.double_value);
          break;
        case Value::kText:
          statement.BindText(index, v.text);
          break;
      }
    }
    statement.Execute();
    values_.clear();
    rows_ = 0;
  }

  Connection& connection_;
  int columns_;
  int rows_per_insert_ = 1;
  int rows_ = 0;
  std::string prefix_;
  std::vector<Value> values_;
  std::map<int, std::string> sql_;
};

class SqliteConnection final : public Connection {
 public:
  explicit SqliteConnection(const std::string& path) {
    int rc =
        sqlite3_open_v2(path.c_str(), &db_,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string message = "cannot open SQLite database '" + path +
                            "': " + (db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc));
      sqlite3_close(db_);
      db_ = nullptr;
      throw DatabaseError(DatabaseError::Kind::kConnection, message);
    }
    sqlite3_busy_timeout(db_, 10000);
    sqlite3_extended_result_codes(db_, 1);
    try {
      Execute(
          "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL;"
          "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536; PRAGMA mmap_size=17179869184;");
    } catch (...) {
      sqlite3_close(db_);
      db_ = nullptr;
      throw;
    }
  }
  ~SqliteConnection() override {
    // Statements must be finalized before the handle closes.
    ClearCache();
    sqlite3_close_v2(db_);
  }

  Backend backend() const override { return Backend::kSqlite; }

  void SetBusyTimeout(std::chrono::milliseconds timeout) override {
    sqlite3_busy_timeout(db_, static_cast<int>(timeout.count()));
  }

  void Execute(std::string_view sql) override {
    std::string text(sql);
    char* error = nullptr;
    int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
      std::string message = error ? error : sqlite3_errstr(rc);
      sqlite3_free(error);
      Throw(db_, rc, "execute '" + text.substr(0, 200) + "'");
    }
  }

  std::unique_ptr<Statement> PrepareUncached(std::string_view sql) override {
    return std::make_unique<SqliteStatement>(db_, sql);
  }

  std::unique_ptr<BulkWriter> BulkInsert(std::string_view table,
                                         const std::vector<std::string>& columns) override {
    return std::make_unique<SqliteBulkWriter>(*this, table, columns);
  }

 protected:
  // IMMEDIATE takes the write lock now, so two writers never deadlock upgrading.
  void BeginOutermost() override { Execute("BEGIN IMMEDIATE"); }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string location, std::string path)
      : Database(std::move(location)), path_(std::move(path)) {}
  Backend backend() const override { return Backend::kSqlite; }
  std::unique_ptr<Connection> Connect() override {
    return std::make_unique<SqliteConnection>(path_);
  }

 private:
  std::string path_;
};

}  // namespace

std::unique_ptr<Database> OpenSqlite(const std::string& location, const std::string& path) {
  // Memory statistics take a global mutex on every allocation; SP-MIS never reads them.
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
  auto database = std::make_unique<SqliteDatabase>(location, path);
  database->Acquire();  // fail now, not at first use, when the file cannot be opened
  return database;
}

}  // namespace spmis::store
