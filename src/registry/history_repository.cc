#include "registry/history_repository.h"

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

std::vector<HistoryEntry> HistoryRepository::ForRegistrant(RegistrantKind kind, int64_t id) {
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

}  // namespace spmis::registry
