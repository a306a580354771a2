// The one database interface of SP-MIS, with two real backends: SQLite (the
// embedded default) and PostgreSQL (production). Code above `store` writes SQL
// once, with PostgreSQL-style `$1, $2, ...` placeholders, which both backends
// accept; the few type names that differ in DDL are written as tokens
// (`{pk}`, `{json}`, `{timestamp}`, `{date}`, `{bool}`, `{blob}`) and filled in
// by `Connection::Dialect`.
//
// Failures of the machinery (a broken connection, a constraint the caller did
// not check first) are thrown as DatabaseError; nothing here returns silently
// on error.
//
// Threads: a Connection is used by one thread at a time. A Database may be
// shared by all threads; it hands out pooled connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/date.h"

namespace spmis::store {

enum class Backend { kSqlite, kPostgres };

class DatabaseError : public std::runtime_error {
 public:
  enum class Kind {
    kConstraint,  // a unique, foreign-key or check constraint refused the write
    kBusy,        // lock timeout, serialization failure or deadlock: retry
    kConnection,  // cannot reach or lost the database
    kOther,
  };
  DatabaseError(Kind kind, const std::string& message, std::string constraint = {})
      : std::runtime_error(message), kind_(kind), constraint_(std::move(constraint)) {}
  Kind kind() const { return kind_; }
  // Name of the violated constraint or index, when the backend tells it.
  const std::string& constraint() const { return constraint_; }

 private:
  Kind kind_;
  std::string constraint_;
};

// A prepared statement and, after Step() returned true, its current row.
// Parameters are 1-based ($1 is index 1); columns are 0-based.
class Statement {
 public:
  virtual ~Statement() = default;

  virtual void BindNull(int index) = 0;
  virtual void BindInt(int index, int64_t value) = 0;
  virtual void BindDouble(int index, double value) = 0;
  virtual void BindText(int index, std::string_view value) = 0;

  // Convenience binders; an empty optional binds NULL.
  Statement& Bind(int index, int64_t value) {
    BindInt(index, value);
    return *this;
  }
  Statement& Bind(int index, int value) {
    BindInt(index, value);
    return *this;
  }
  Statement& Bind(int index, bool value) {
    BindInt(index, value ? 1 : 0);
    return *this;
  }
  Statement& Bind(int index, double value) {
    BindDouble(index, value);
    return *this;
  }
  Statement& Bind(int index, std::string_view value) {
    BindText(index, value);
    return *this;
  }
  Statement& Bind(int index, const char* value) {
    BindText(index, value);
    return *this;
  }
  Statement& Bind(int index, const std::string& value) {
    BindText(index, value);
    return *this;
  }
  Statement& Bind(int index, Date value) {
    BindText(index, value.ToString());
    return *this;
  }
  Statement& Bind(int index, Timestamp value) {
    BindText(index, value.ToString());
    return *this;
  }
  template <typename T>
  Statement& Bind(int index, const std::optional<T>& value) {
    if (value) return Bind(index, *value);
    BindNull(index);
    return *this;
  }

  // Runs the statement on first call; true while a row is available.
  virtual bool Step() = 0;
  // Runs a statement that returns no rows; the number of rows it changed.
  int64_t Execute();
  virtual int64_t ChangedRows() const = 0;
  // Clears bindings and results so the statement can run again.
  virtual void Reset() = 0;
  // Asks for the next run's results in the server's binary form where it has
  // one (PostgreSQL: no number or date is printed by the server and parsed
  // here); the accessors read them the same. Until Reset. No-op on SQLite.
  virtual void PreferBinaryResults() {}

  virtual int ColumnCount() const = 0;
  virtual bool IsNull(int column) const = 0;
  virtual int64_t Int(int column) const = 0;
  virtual double Double(int column) const = 0;
  virtual std::string_view Text(int column) const = 0;
  virtual bool Bool(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;
  std::optional<double> OptionalDouble(int column) const;
  std::optional<std::string> OptionalText(int column) const;
  virtual std::optional<Date> OptionalDate(int column) const;
  Timestamp TimestampAt(int column) const;
  virtual std::optional<Timestamp> OptionalTimestamp(int column) const;
};

// A cached statement borrowed from its connection; reset when returned.
class StatementHandle {
 public:
  StatementHandle(Statement* statement, std::unique_ptr<Statement> owned, bool* in_use)
      : statement_(statement), owned_(std::move(owned)), in_use_(in_use) {}
  StatementHandle(StatementHandle&& other) noexcept;
  StatementHandle& operator=(StatementHandle&&) = delete;
  StatementHandle(const StatementHandle&) = delete;
  ~StatementHandle();
  Statement* operator->() { return statement_; }
  Statement& operator*() { return *statement_; }

 private:
  Statement* statement_;
  std::unique_ptr<Statement> owned_;  // set when the cached one was busy
  bool* in_use_;
};

// Appends many rows to one table as fast as the backend allows: COPY on
// PostgreSQL, a reused prepared INSERT on SQLite. Runs inside the caller's
// transaction; Finish() must be called for the rows to be written.
class BulkWriter {
 public:
  virtual ~BulkWriter() = default;
  virtual void AddNull() = 0;
  virtual void AddText(std::string_view value) = 0;
  virtual void AddInt(int64_t value) = 0;
  virtual void AddDouble(double value) = 0;
  virtual void AddDate(Date value) { AddText(value.ToString()); }
  virtual void AddTimestamp(Timestamp value) { AddText(value.ToString()); }
  void Add(std::string_view value) { AddText(value); }
  void Add(double value) { AddDouble(value); }
  void Add(const std::string& value) { AddText(value); }
  void Add(const char* value) { AddText(value); }
  void Add(int64_t value) { AddInt(value); }
  void Add(bool value) { AddInt(value ? 1 : 0); }
  void Add(Date value) { AddDate(value); }
  void Add(Timestamp value) { AddTimestamp(value); }
  template <typename T>
  void Add(const std::optional<T>& value) {
    if (value) {
      Add(*value);
    } else {
      AddNull();
    }
  }
  virtual void EndRow() = 0;
  virtual void Finish() = 0;
};

class Connection {
 public:
  virtual ~Connection() = default;
  virtual Backend backend() const = 0;

  // How long a write waits for another writer's lock before failing with
  // kBusy. SQLite only (PostgreSQL locks rows, not the database).
  virtual void SetBusyTimeout(std::chrono::milliseconds /*timeout*/) {}

  // Runs SQL without parameters (may hold several statements).
  virtual void Execute(std::string_view sql) = 0;
  // A prepared statement from this connection's cache.
  StatementHandle Prepare(std::string_view sql);
  virtual std::unique_ptr<Statement> PrepareUncached(std::string_view sql) = 0;
  virtual std::unique_ptr<BulkWriter> BulkInsert(std::string_view table,
                                                 const std::vector<std::string>& columns) = 0;

  // Replaces the DDL type tokens with this backend's type names, and keeps
  // only this backend's "--@sqlite" / "--@postgres" ... "--@end" blocks.
  std::string Dialect(std::string_view sql) const;

  // Transactions nest: an inner one is a savepoint. Prefer the Transaction guard.
  void Begin();
  void Commit();
  void Rollback();
  int transaction_depth() const { return depth_; }

 protected:
  virtual void BeginOutermost() = 0;  // SQLite takes the write lock at once
  // Backends call this before closing their handle: statements die first.
  void ClearCache() { cache_.clear(); }

 private:
  struct CachedStatement {
    std::unique_ptr<Statement> statement;
    bool in_use = false;
  };
  std::unordered_map<std::string, CachedStatement> cache_;
  int depth_ = 0;
};

// Commits on Commit(); rolls back if destroyed before (on error or exception).
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(&connection) { connection_->Begin(); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void Commit();

 private:
  Connection* connection_;
  bool done_ = false;
};

class Database;

// A connection borrowed from a Database's pool, returned on destruction.
class PooledConnection {
 public:
  PooledConnection(Database* owner, std::unique_ptr<Connection> connection)
      : owner_(owner), connection_(std::move(connection)) {}
  PooledConnection(PooledConnection&&) noexcept = default;
  PooledConnection& operator=(PooledConnection&&) = delete;
  ~PooledConnection();
  Connection* operator->() { return connection_.get(); }
  Connection& operator*() { return *connection_; }

 private:
  Database* owner_;
  std::unique_ptr<Connection> connection_;
};

// Where the data lives: a SQLite file or a PostgreSQL server, chosen by URL.
class Database {
 public:
  // `location` is a SQLite file path (or "sqlite:PATH"), or a
  // "postgresql://user@host:port/name" URL. Throws DatabaseError when it
  // cannot connect.
  static std::unique_ptr<Database> Open(const std::string& location);
  // The location from --database, else SPMIS_DATABASE, else "spmis.db".
  static std::string ResolveLocation(const std::string& flag_value);

  virtual ~Database() = default;
  virtual Backend backend() const = 0;
  const std::string& location() const { return location_; }
  // A new connection of its own (not pooled).
  virtual std::unique_ptr<Connection> Connect() = 0;
  // A pooled connection; the pool grows as needed and keeps at most `max_idle`.
  PooledConnection Acquire();

 protected:
  explicit Database(std::string location) : location_(std::move(location)) {}

 private:
  friend class PooledConnection;
  void Release(std::unique_ptr<Connection> connection);

  std::string location_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
  static constexpr size_t kMaxIdle = 32;
};

// Backend factories, defined in sqlite_database.cc and postgres_database.cc.
std::unique_ptr<Database> OpenSqlite(const std::string& location, const std::string& path);
std::unique_ptr<Database> OpenPostgres(const std::string& url);

}  // namespace spmis::store
