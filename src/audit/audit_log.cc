#include "audit/audit_log.h"

#include "core/sha256.h"
#include "store/query_builder.h"

namespace spmis::audit {

namespace {

constexpr char kGenesis[] = "0000000000000000000000000000000000000000000000000000000000000000";

// Each field with its length first, so no two different entries hash the same
// text ("ab"+"c" against "a"+"bc").
void Feed(Sha256& state, std::string_view field) {
  state.Update(std::to_string(field.size()) + ":").Update(field);
}

void FeedOptional(Sha256& state, const std::optional<std::string>& field) {
  Feed(state, field ? "1" : "0");
  Feed(state, field ? *field : "");
}

AuditEntry ReadEntry(store::Statement& row) {
  AuditEntry e;
  e.seq = row.Int(0);
  e.at = row.TimestampAt(1);
  e.actor = std::string(row.Text(2));
  e.request_id = std::string(row.Text(3));
  e.action = std::string(row.Text(4));
  e.entity_type = std::string(row.Text(5));
  e.entity_id = std::string(row.Text(6));
  e.before = row.OptionalText(7);
  e.after = row.OptionalText(8);
  e.prev_hash = std::string(row.Text(9));
  e.hash = std::string(row.Text(10));
  return e;
}

constexpr char kColumns[] =
    "seq, at, actor, request_id, action, entity_type, entity_id, before_value, after_value, "
    "prev_hash, hash";

}  // namespace

std::string EntryHash(const AuditEntry& entry) {
  Sha256 state;
  Feed(state, std::to_string(entry.seq));
  Feed(state, entry.at.ToString());
  Feed(state, entry.actor);
  Feed(state, entry.request_id);
  Feed(state, entry.action);
  Feed(state, entry.entity_type);
  Feed(state, entry.entity_id);
  FeedOptional(state, entry.before);
  FeedOptional(state, entry.after);
  Feed(state, entry.prev_hash);
  return state.HexDigest();
}

AuditEntry AuditLog::Append(const Actor& actor, std::string action, std::string entity_type,
                            std::string entity_id, std::optional<std::string> before,
                            std::optional<std::string> after) {
  store::Transaction transaction(db_);
  // Taking the head row's lock makes concurrent appends take turns, so the
  // chain never forks.
  auto head = db_.Prepare(
      "UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq, last_hash");
  if (!head->Step()) throw std::runtime_error("the audit head row is missing");
  AuditEntry entry;
  entry.seq = head->Int(0);
  entry.prev_hash = std::string(head->Text(1));
  head->Reset();
  entry.at = Timestamp::Now();
  entry.actor = actor.name;
  entry.request_id = actor.request_id;
  entry.action = std::move(action);
  entry.entity_type = std::move(entity_type);
  entry.entity_id = std::move(entity_id);
  entry.before = std::move(before);
  entry.after = std::move(after);
  entry.hash = EntryHash(entry);
  auto insert = db_.Prepare(std::string("INSERT INTO audit_log (") + kColumns +
                            ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)");
  insert->Bind(1, entry.seq)
      .Bind(2, entry.at)
      .Bind(3, entry.actor)
      .Bind(4, entry.request_id)
      .Bind(5, entry.action)
      .Bind(6, entry.entity_type)
      .Bind(7, entry.entity_id)
      .Bind(8, entry.before)
      .Bind(9, entry.after)
      .Bind(10, entry.prev_hash)
      .Bind(11, entry.hash);
  insert->Execute();
  auto end = db_.Prepare("UPDATE audit_head SET last_hash = $1 WHERE id = 1");
  end->Bind(1, entry.hash);
  end->Execute();
  transaction.Commit();
  return entry;
}

void AuditLog::AppendAll(std::vector<AuditEntry>& entries) {
  if (entries.empty()) return;
  store::Transaction transaction(db_);
  auto head = db_.Prepare(
      "UPDATE audit_head SET last_seq = last_seq + $1 WHERE id = 1 RETURNING last_seq, last_hash");
  head->Bind(1, static_cast<int64_t>(entries.size()));
  if (!head->Step()) throw std::runtime_error("the audit head row is missing");
  int64_t seq = head->Int(0) - static_cast<int64_t>(entries.size());
  std::string previous(head->Text(1));
  head->Reset();
  Timestamp now = Timestamp::Now();
  auto insert = db_.BulkInsert(
      "audit_log", {"seq", "at", "actor", "request_id", "action", "entity_type", "entity_id",
                    "before_value", "after_value", "prev_hash", "hash"});
  for (AuditEntry& e : entries) {
    e.seq = ++seq;
    e.at = now;
    e.prev_hash = previous;
    e.hash = EntryHash(e);
    previous = e.hash;
    insert->Add(e.seq);
    insert->Add(e.at.ToString());
    insert->Add(e.actor);
    insert->Add(e.request_id);
    insert->Add(e.action);
    insert->Add(e.entity_type);
    insert->Add(e.entity_id);
    insert->Add(e.before);
    insert->Add(e.after);
    insert->Add(e.prev_hash);
    insert->Add(e.hash);
    insert->EndRow();
  }
  insert->Finish();
  auto end = db_.Prepare("UPDATE audit_head SET last_hash = $1 WHERE id = 1");
  end->Bind(1, previous);
  end->Execute();
  transaction.Commit();
}

std::vector<AuditEntry> AuditLog::Find(const AuditQuery& query) {
  store::QueryBuilder q(std::string("SELECT ") + kColumns + " FROM audit_log WHERE seq > ");
  q.Value(query.after_seq);
  if (query.entity_type) q.Sql(" AND entity_type = ").Value(*query.entity_type);
  if (query.entity_id) q.Sql(" AND entity_id = ").Value(*query.entity_id);
  if (query.actor) q.Sql(" AND actor = ").Value(*query.actor);
  if (query.from) q.Sql(" AND at >= ").Value(*query.from);
  if (query.to) q.Sql(" AND at < ").Value(*query.to);
  q.Sql(" ORDER BY seq LIMIT ").Value(static_cast<int64_t>(query.limit));
  auto statement = db_.Prepare(q.sql());
  q.BindTo(*statement);
  std::vector<AuditEntry> entries;
  while (statement->Step()) entries.push_back(ReadEntry(*statement));
  return entries;
}

VerifyReport AuditLog::Verify() {
  VerifyReport report;
  auto rows =
      db_.PrepareUncached(std::string("SELECT ") + kColumns + " FROM audit_log ORDER BY seq");
  std::string previous = kGenesis;
  int64_t expected_seq = 1;
  while (rows->Step()) {
    AuditEntry e = ReadEntry(*rows);
    ++report.entries;
    if (e.seq != expected_seq) {
      report.problems.push_back("entries " + std::to_string(expected_seq) + " to " +
                                std::to_string(e.seq - 1) + " are missing (deleted)");
    }
    if (e.prev_hash != previous) {
      report.problems.push_back("entry " + std::to_string(e.seq) +
                                " does not follow the entry before it (inserted, or one before "
                                "it was removed or changed)");
    }
    if (EntryHash(e) != e.hash) {
      report.problems.push_back("entry " + std::to_string(e.seq) +
                                " was changed after it was written");
    }
    previous = e.hash;
    expected_seq = e.seq + 1;
  }
  auto head = db_.Prepare("SELECT last_seq, last_hash FROM audit_head WHERE id = 1");
  if (!head->Step()) {
    report.problems.push_back("the end of the chain (audit_head) is missing");
  } else if (head->Int(0) != expected_seq - 1 || head->Text(1) != previous) {
    report.problems.push_back("the chain should end at entry " + std::to_string(head->Int(0)) +
                              " but ends at entry " + std::to_string(expected_seq - 1) +
                              " (the last entries were removed or the end was changed)");
  }
  return report;
}

}  // namespace spmis::audit
