// PostgreSQL backend over libpq: statements prepared once per connection,
// parameters sent as text, bulk loads through COPY FROM STDIN. Every session
// speaks UTC and ISO dates so values read back the same as on SQLite.
#include <libpq-fe.h>

#include <bit>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>

#include <memory>
#include <string>
#include <vector>

#include "store/database.h"
#include "store/postgres_binary.h"
#include "store/postgres_copy.h"

namespace spmis::store {
namespace {

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

[[noreturn]] void ThrowResult(PGconn* conn, const PGresult* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string sqlstate = state ? state : "";
  DatabaseError::Kind kind = DatabaseError::Kind::kOther;
  if (sqlstate.starts_with("23")) kind = DatabaseError::Kind::kConstraint;
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    kind = DatabaseError::Kind::kBusy;
  }
  if (PQstatus(conn) != CONNECTION_OK || sqlstate.starts_with("08")) {
    kind = DatabaseError::Kind::kConnection;
  }
  const char* constraint = result ? PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  const char* message = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  throw DatabaseError(kind, std::string(what) + ": " + message, constraint ? constraint : "");
}

void CheckCommand(PGconn* conn, const PGresult* result, std::string_view what) {
  auto status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && status != PGRES_EMPTY_QUERY) {
    ThrowResult(conn, result, what);
  }
}

using namespace pg_binary;  // type oids and epoch

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(PGconn* conn, std::string name, std::string_view sql)
      : conn_(conn), name_(std::move(name)) {
    std::string text(sql);
    ResultPtr result(PQprepare(conn_, name_.c_str(), text.c_str(), 0, nullptr));
    CheckCommand(conn_, result.get(), "prepare '" + text.substr(0, 200) + "'");
    ResultPtr described(PQdescribePrepared(conn_, name_.c_str()));
    CheckCommand(conn_, described.get(), "describe");
    params_.resize(static_cast<size_t>(PQnparams(described.get())));
  }
  ~PostgresStatement() override {
    if (PQstatus(conn_) == CONNECTION_OK) {
      ResultPtr(PQexec(conn_, ("DEALLOCATE " + name_).c_str()));
    }
  }

  void BindNull(int index) override { Param(index).reset(); }
  void BindInt(int index, int64_t value) override { Param(index) = std::to_string(value); }
  void BindDouble(int index, double value) override {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", value);
    Param(index) = buf;
  }
  void BindText(int index, std::string_view value) override { Param(index) = std::string(value); }

  bool Step() override {
    if (!result_) {
      std::vector<const char*> values(params_.size());
      for (size_t i = 0; i < params_.size(); ++i) {
        values[i] = params_[i] ? params_[i]->c_str() : nullptr;
      }
      result_.reset(PQexecPrepared(conn_, name_.c_str(), static_cast<int>(values.size()),
                                   values.data(), nullptr, nullptr, binary_ ? 1 : 0));
      CheckCommand(conn_, result_.get(), "execute " + name_);
      rows_ = PQntuples(result_.get());
      row_ = -1;
      types_.clear();
      if (binary_) {
        for (int c = 0; c < PQnfields(result_.get()); ++c)
          types_.push_back(PQftype(result_.get(), c));
      }
      const char* tuples = PQcmdTuples(result_.get());
      changes_ = (tuples && *tuples) ? std::stoll(tuples) : 0;
    }
    ++row_;
    return row_ < rows_;
  }
  int64_t ChangedRows() const override { return changes_; }
  void Reset() override {
    result_.reset();
    for (auto& p : params_) p.reset();
    rows_ = row_ = 0;
    changes_ = 0;
    binary_ = false;
  }
  void PreferBinaryResults() override { binary_ = true; }

  int ColumnCount() const override { return result_ ? PQnfields(result_.get()) : 0; }
  bool IsNull(int column) const override { return PQgetisnull(result_.get(), row_, column) != 0; }
  int64_t Int(int column) const override {
    if (binary_) {
      switch (Type(column)) {
        case kInt8Oid:
          return BigEndian<int64_t>(column);
        case kInt4Oid:
          return BigEndian<int32_t>(column);
        case kInt2Oid:
          return BigEndian<int16_t>(column);
        case kBoolOid:
          return Raw(column)[0] != 0;
        case kTextOid:
        case kVarcharOid:
          break;
        default:
          NotBinary(column, "an integer");
      }
    }
    std::string_view text = Text(column);
    if (text == "t") return 1;
    if (text == "f") return 0;
    int64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }
  double Double(int column) const override {
    if (binary_) {
      switch (Type(column)) {
        case kFloat8Oid:
          return std::bit_cast<double>(BigEndian<uint64_t>(column));
        case kInt8Oid:
        case kInt4Oid:
        case kInt2Oid:
          return static_cast<double>(Int(column));
        default:
          NotBinary(column, "a number");
      }
    }
    return std::strtod(PQgetvalue(result_.get(), row_, column), nullptr);
  }
  bool Bool(int column) const override {
    if (binary_) return Int(column) != 0;
    return Statement::Bool(column);
  }
  std::string_view Text(int column) const override {
    std::string_view raw(Raw(column),
                         static_cast<size_t>(PQgetlength(result_.get(), row_, column)));
    if (!binary_) return raw;
    switch (Type(column)) {
      case kTextOid:
      case kVarcharOid:
      case kBpcharOid:
      case kNameOid:
      case kJsonOid:
        return raw;
      case kJsonbOid:  // a version byte, then the JSON text
        return raw.empty() ? raw : raw.substr(1);
      default:
        NotBinary(column, "text");
    }
  }
  std::optional<Date> OptionalDate(int column) const override {
    if (!binary_ || IsNull(column)) return Statement::OptionalDate(column);
    if (Type(column) != kDateOid) NotBinary(column, "a date");
    return Date::FromDays(BigEndian<int32_t>(column) + kEpochDays);
  }
  std::optional<Timestamp> OptionalTimestamp(int column) const override {
    if (!binary_ || IsNull(column)) return Statement::OptionalTimestamp(column);
    auto type = Type(column);
    if (type != kTimestamptzOid && type != kTimestampOid) NotBinary(column, "a timestamp");
    return Timestamp::FromMicros(BigEndian<int64_t>(column) + kEpochMicros);
  }

 private:
  std::optional<std::string>& Param(int index) {
    if (index <= 0 || index > static_cast<int>(params_.size())) {
      throw DatabaseError(DatabaseError::Kind::kOther,
                          "statement has no parameter $" + std::to_string(index));
    }
    return params_[static_cast<size_t>(index - 1)];
  }

  const char* Raw(int column) const { return PQgetvalue(result_.get(), row_, column); }
  // A binary result's column type, read once per run (a value is read many
  // times a row in a million rows).
  Oid Type(int column) const {
    return column >= 0 && column < static_cast<int>(types_.size())
               ? types_[static_cast<size_t>(column)]
               : PQftype(result_.get(), column);
  }
  template <typename T>
  T BigEndian(int column) const {
    if (PQgetlength(result_.get(), row_, column) != static_cast<int>(sizeof(T))) {
      throw DatabaseError(DatabaseError::Kind::kOther, "binary column of the wrong size");
    }
    const auto* bytes = reinterpret_cast<const unsigned char*>(Raw(column));
    using Unsigned = std::make_unsigned_t<T>;
    Unsigned value = 0;
    for (size_t i = 0; i < sizeof(T); ++i) value = static_cast<Unsigned>((value << 8) | bytes[i]);
    return static_cast<T>(value);
  }
  [[noreturn]] void NotBinary(int column, const char* wanted) const {
    throw DatabaseError(DatabaseError::Kind::kOther, "column " + std::to_string(column) +
                                                         " (type " + std::to_string(Type(column)) +
                                                         ") cannot be read as " + wanted +
                                                         " in binary results");
  }

  PGconn* conn_;
  std::string name_;
  std::vector<std::optional<std::string>> params_;
  ResultPtr result_;
  int rows_ = 0;
  int row_ = 0;
  int64_t changes_ = 0;
  bool binary_ = false;
  std::vector<Oid> types_;
};

// COPY ... FROM STDIN in text format, buffered into large chunks.
// COPY FROM STDIN, binary when the columns' types allow (CopyRowEncoder);
// the rows are sent every 64 KiB, so the server parses a batch while the
// rest of it is still being encoded.
class PostgresBulkWriter final : public BulkWriter {
 public:
  PostgresBulkWriter(PGconn* conn, std::string_view table, CopyRowEncoder encoder)
      : conn_(conn), encoder_(std::move(encoder)) {
    std::string sql = encoder_.CopyStatement(table);
    ResultPtr result(PQexec(conn_, sql.c_str()));
    if (PQresultStatus(result.get()) != PGRES_COPY_IN) ThrowResult(conn_, result.get(), sql);
  }
  ~PostgresBulkWriter() override {
    if (!finished_) {
      PQputCopyEnd(conn_, "bulk load abandoned");
      while (ResultPtr(PQgetResult(conn_))) {
      }
    }
  }

  void AddNull() override { encoder_.AddNull(); }
  void AddText(std::string_view value) override { encoder_.AddText(value); }
  void AddInt(int64_t value) override { encoder_.AddInt(value); }
  void AddDouble(double value) override { encoder_.AddDouble(value); }
  void AddDate(Date value) override { encoder_.AddDate(value); }
  void AddTimestamp(Timestamp value) override { encoder_.AddTimestamp(value); }
  void EndRow() override {
    if (!encoder_.EndRow()) {
      throw DatabaseError(DatabaseError::Kind::kOther, "bulk row has the wrong number of values");
    }
    if (encoder_.buffer().size() >= kFlushAt) Flush();
  }
  void Finish() override {
    encoder_.AppendTrailer();
    Flush();
    finished_ = true;
    if (PQputCopyEnd(conn_, nullptr) != 1) {
      throw DatabaseError(DatabaseError::Kind::kConnection, PQerrorMessage(conn_));
    }
    ResultPtr result(PQgetResult(conn_));
    while (ResultPtr extra{PQgetResult(conn_)}) {
    }
    CheckCommand(conn_, result.get(), "COPY");
  }

 private:
  static constexpr size_t kFlushAt = 1 << 16;
  void Flush() {
    const std::string& data = encoder_.buffer();
    if (data.empty()) return;
    if (PQputCopyData(conn_, data.data(), static_cast<int>(data.size())) != 1) {
      throw DatabaseError(DatabaseError::Kind::kConnection, PQerrorMessage(conn_));
    }
    encoder_.Clear();
  }

  PGconn* conn_;
  CopyRowEncoder encoder_;
  bool finished_ = false;
};

class PostgresConnection final : public Connection {
 public:
  explicit PostgresConnection(const std::string& url) {
    conn_ = PQconnectdb(url.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) {
      std::string message = "cannot connect to PostgreSQL: " + std::string(PQerrorMessage(conn_));
      PQfinish(conn_);
      conn_ = nullptr;
      throw DatabaseError(DatabaseError::Kind::kConnection, message);
    }
    // random_page_cost: the planner's default (4) prices a random read as
    // on a spinning disk; with it, PostgreSQL reads a whole table to join a
    // few thousand rows by key (a batch of households and their members takes
    // seven times longer). 1.1 is the usual figure for SSDs and cached data.
    // jit: compiling a query costs tens of milliseconds at every execution,
    // more than our batch queries take to run.
    Execute(
        "SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET client_encoding = 'UTF8';"
        "SET client_min_messages = warning; SET extra_float_digits = 3;"
        "SET random_page_cost = 1.1; SET jit = off");
  }
  ~PostgresConnection() override {
    ClearCache();
    PQfinish(conn_);
  }

  Backend backend() const override { return Backend::kPostgres; }

  void Execute(std::string_view sql) override {
    std::string text(sql);
    ResultPtr result(PQexec(conn_, text.c_str()));
    CheckCommand(conn_, result.get(), "execute '" + text.substr(0, 200) + "'");
  }

  std::unique_ptr<Statement> PrepareUncached(std::string_view sql) override {
    return std::make_unique<PostgresStatement>(conn_, "spmis_" + std::to_string(++statements_),
                                               sql);
  }

  std::unique_ptr<BulkWriter> BulkInsert(std::string_view table,
                                         const std::vector<std::string>& columns) override {
    return std::make_unique<PostgresBulkWriter>(
        conn_, table, CopyRowEncoder(columns, ColumnTypes(table, columns)));
  }

 protected:
  void BeginOutermost() override { Execute("BEGIN"); }

 private:
  // The type of each named column of `table`, asked once per connection.
  // (A column the catalog does not know gets type 0, and the text format.)
  const std::vector<uint32_t>& ColumnTypes(std::string_view table,
                                           const std::vector<std::string>& columns) {
    std::string key(table);
    for (const auto& column : columns) key += "," + column;
    auto [it, inserted] = column_types_.try_emplace(key);
    if (!inserted) return it->second;
    auto query = Prepare(
        "SELECT COALESCE(a.atttypid, 0)::bigint FROM unnest($1::text[]) WITH ORDINALITY AS c(name, "
        "n) "
        "LEFT JOIN pg_attribute a ON a.attrelid = $2::regclass AND a.attname = c.name "
        "AND NOT a.attisdropped ORDER BY c.n");
    std::string names = "{";
    for (size_t i = 0; i < columns.size(); ++i) names += (i ? "," : "") + columns[i];
    names += "}";
    query->Bind(1, names).Bind(2, table);
    while (query->Step()) it->second.push_back(static_cast<uint32_t>(query->Int(0)));
    return it->second;
  }

  PGconn* conn_ = nullptr;
  int64_t statements_ = 0;
  std::map<std::string, std::vector<uint32_t>> column_types_;
};

class PostgresDatabase final : public Database {
 public:
  explicit PostgresDatabase(std::string url) : Database(std::move(url)) {}
  Backend backend() const override { return Backend::kPostgres; }
  std::unique_ptr<Connection> Connect() override {
    return std::make_unique<PostgresConnection>(location());
  }
};

}  // namespace

std::unique_ptr<Database> OpenPostgres(const std::string& url) {
  auto database = std::make_unique<PostgresDatabase>(url);
  database->Acquire();  // fail now when the server cannot be reached
  return database;
}

}  // namespace spmis::store
