#include "registry/history_repository.h"

#include <algorithm>

namespace spmis::registry {

void HistoryRepository::Append(const HistoryEntry& e) {
  auto insert = db_.Prepare(
      "INSERT INTO registrant_history (registrant_kind, registrant_id, action, field, old_value, "
      "new_value, actor, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
  insert->Bind(1, RegistrantKindName(e.registrant_kind)).Bind(2, e.registrant_id).Bind(3, e.action);
  if (e.field.empty()) {
    insert->BindNull(4);
  } else {
    insert->Bind(4, e.field);
  }
  insert->Bind(5, e.old_value).Bind(6, e.new_value).Bind(7, e.actor).Bind(8, e.changed_at);
  insert->Execute();
}

std::vector<HistoryEntry> HistoryRepository::Stored(RegistrantKind kind, int64_t id) {
  auto query = db_.Prepare(
      "SELECT id, action, field, old_value, new_value, actor, changed_at FROM registrant_history "
      "WHERE registrant_kind = $1 AND registrant_id = $2 ORDER BY id");
  query->Bind(1, RegistrantKindName(kind)).Bind(2, id);
  std::vector<HistoryEntry> entries;
  while (query->Step()) {
    HistoryEntry e;
    e.id = query->Int(0);
    e.registrant_kind = kind;
    e.registrant_id = id;
    e.action = query->Text(1);
    e.field = query->OptionalText(2).value_or("");
    e.old_value = query->OptionalText(3);
    e.new_value = query->OptionalText(4);
    e.actor = query->Text(5);
    e.changed_at = query->TimestampAt(6);
    entries.push_back(std::move(e));
  }
  return entries;
}

std::vector<HistoryEntry> HistoryRepository::FromImports(RegistrantKind kind, int64_t id) {
  std::vector<HistoryEntry> entries;
  auto entry = [&](std::string action) {
    HistoryEntry e;
    e.registrant_kind = kind;
    e.registrant_id = id;
    e.action = std::move(action);
    return e;
  };
  {
    auto created =
        db_.Prepare(std::string("SELECT r.import_id, r.created_at, m.created_by FROM ") +
                    (kind == RegistrantKind::kIndividual ? "individuals" : "registry_groups") +
                    " r JOIN imports m ON m.id = r.import_id WHERE r.id = $1");
    created->Bind(1, id);
    if (created->Step()) {
      HistoryEntry e = entry("created");
      e.new_value = "import " + std::to_string(created->Int(0));
      e.changed_at = created->TimestampAt(1);
      e.actor = created->Text(2);
      entries.push_back(std::move(e));
    }
  }
  if (kind == RegistrantKind::kGroup) {
    auto added = db_.Prepare(
        "SELECT g.individual_id, g.role, g.created_at, m.created_by FROM group_memberships g "
        "JOIN imports m ON m.id = g.import_id WHERE g.group_id = $1 ORDER BY g.id");
    added->Bind(1, id);
    while (added->Step()) {
      HistoryEntry e = entry("member_added");
      e.field = RegistrantId{RegistrantKind::kIndividual, added->Int(0)}.ToString();
      e.new_value = std::string(added->Text(1));
      e.changed_at = added->TimestampAt(2);
      e.actor = added->Text(3);
      entries.push_back(std::move(e));
    }
  }
  return entries;
}

std::vector<HistoryEntry> HistoryRepository::ForRegistrant(RegistrantKind kind, int64_t id) {
  std::vector<HistoryEntry> entries = Stored(kind, id);
  // Registries imported before imports stopped writing these entries have
  // them stored already: those are not read twice.
  auto stored = [&](const HistoryEntry& derived) {
    return std::any_of(entries.begin(), entries.end(), [&](const HistoryEntry& e) {
      return e.action == derived.action && e.field == derived.field &&
             e.changed_at == derived.changed_at;
    });
  };
  std::vector<HistoryEntry> derived;
  for (auto& e : FromImports(kind, id)) {
    if (!stored(e)) derived.push_back(std::move(e));
  }
  if (derived.empty()) return entries;
  // Oldest first; an import's entries come before stored ones of the same
  // moment (a registrant is created before it is changed).
  derived.insert(derived.end(), std::make_move_iterator(entries.begin()),
                 std::make_move_iterator(entries.end()));
  std::stable_sort(
      derived.begin(), derived.end(),
      [](const HistoryEntry& a, const HistoryEntry& b) { return a.changed_at < b.changed_at; });
  return derived;
}

}  // namespace spmis::registry
