#include "store/bulk_support.h"

#include <unordered_set>

namespace spmis::store {

namespace {

template <typename Text>
std::string TextArray(const std::vector<Text>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace

std::unordered_map<std::string, KeyMatch> LookupKeys(Connection& connection,
                                                     std::string_view select_prefix,
                                                     const std::vector<std::string>& keys) {
  std::unordered_map<std::string, KeyMatch> found;
  if (keys.empty()) return found;
  // Each key once: a batch often names one key many times (a household's
  // members all name its group).
  std::vector<std::string_view> unique;
  {
    std::unordered_set<std::string_view> seen;
    seen.reserve(keys.size());
    unique.reserve(keys.size());
    for (const auto& key : keys) {
      if (seen.insert(key).second) unique.push_back(key);
    }
  }
  auto read = [&](Statement& query) {
    while (query.Step()) {  // (PostgreSQL knows its columns only once it ran)
      bool tagged = query.ColumnCount() > 2;
      found.emplace(std::string(query.Text(0)),
                    KeyMatch{query.Int(1), tagged ? query.OptionalInt(2) : std::nullopt});
    }
  };
  if (connection.backend() == Backend::kPostgres) {
    auto query = connection.Prepare(std::string(select_prefix) + " = ANY($1::text[])");
    query->Bind(1, TextArray(unique));
    read(*query);
    return found;
  }
  auto query = connection.Prepare(std::string(select_prefix) + " = $1");
  for (const auto& key : unique) {
    query->Reset();
    query->Bind(1, key);
    read(*query);
  }
  return found;
}

std::unordered_map<std::string, int64_t> LookupIds(Connection& connection,
                                                   std::string_view select_prefix,
                                                   const std::vector<std::string>& keys) {
  std::unordered_map<std::string, int64_t> ids;
  for (auto& [key, match] : LookupKeys(connection, select_prefix, keys)) ids.emplace(key, match.id);
  return ids;
}

void PrepareForKeyLookups(Connection& connection) {
  if (connection.backend() == Backend::kPostgres)
    connection.Execute("SET max_parallel_workers_per_gather = 0");
}

SqlitePragmaWhile::SqlitePragmaWhile(Connection& connection, std::string name,
                                     const std::string& value)
    : connection_(connection), name_(std::move(name)) {
  if (connection_.backend() != Backend::kSqlite) return;
  {
    auto current = connection_.PrepareUncached("PRAGMA " + name_);
    if (current->Step()) before_ = std::string(current->Text(0));
  }
  connection_.Execute("PRAGMA " + name_ + " = " + value);
}

SqlitePragmaWhile::~SqlitePragmaWhile() {
  if (!before_) return;
  try {
    connection_.Execute("PRAGMA " + name_ + " = " + *before_);
  } catch (const DatabaseError&) {
    // A connection that cannot take a pragma is broken and will be dropped.
  }
}

std::vector<int64_t> ReserveIds(Connection& connection, std::string_view table, int64_t count) {
  std::vector<int64_t> ids;
  if (count <= 0) return ids;
  ids.reserve(static_cast<size_t>(count));
  if (connection.backend() == Backend::kPostgres) {
    std::string sequence;
    {
      auto name = connection.Prepare("SELECT pg_get_serial_sequence($1, 'id')");
      name->Bind(1, table);
      name->Step();
      sequence = name->Text(0);
    }
    auto query =
        connection.Prepare("SELECT nextval($1::regclass) FROM generate_series(1, $2::bigint)");
    query->Bind(1, sequence).Bind(2, count);
    while (query->Step()) ids.push_back(query->Int(0));
    return ids;
  }
  // SQLite: inside the write transaction nobody else inserts; AUTOINCREMENT
  // never reuses an id, so start past both the largest id and the sequence.
  auto query =
      connection.Prepare("SELECT MAX(COALESCE((SELECT MAX(id) FROM " + std::string(table) +
                         "), 0), COALESCE((SELECT seq FROM sqlite_sequence WHERE name = $1), 0))");
  query->Bind(1, table);
  query->Step();
  int64_t next = query->Int(0) + 1;
  for (int64_t i = 0; i < count; ++i) ids.push_back(next + i);
  return ids;
}

}  // namespace spmis::store
