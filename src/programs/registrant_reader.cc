#include "programs/registrant_reader.h"

#include <algorithm>
#include <functional>
#include <limits>

#include "cel/record_table.h"
#include "core/registrant_id.h"
#include "registry/group.h"
#include "store/query_builder.h"

namespace spmis::programs {

// Ages on one day by birth date, from a table of the last 130 years built
// once: a registry of millions asks the same thing millions of times.
class AgesOn {
 public:
  explicit AgesOn(Date on) : on_(on), first_(on.AddDays(-kDays)) {
    ages_.resize(kDays + 1);
    for (int32_t i = 0; i <= kDays; ++i) {
      ages_[static_cast<size_t>(i)] = static_cast<int16_t>(first_.AddDays(i).YearsUntil(on));
    }
  }
  int Age(Date birth) const {
    int32_t offset = birth.days_since_epoch() - first_.days_since_epoch();
    if (offset < 0 || offset > kDays) return birth.YearsUntil(on_);
    return ages_[static_cast<size_t>(offset)];
  }

 private:
  static constexpr int32_t kDays = 130 * 366;
  Date on_;
  Date first_;
  std::vector<int16_t> ages_;
};

namespace {

// How the fields of a person (an individual, or a member of a group) come
// from the selected columns: the slot each fills, and the column it reads.
struct PersonFill {
  struct Text {
    int slot;
    int column;
  };
  int id_slot = -1;
  int registrant_id_slot = -1;
  std::vector<Text> texts;  // given_name, family_name, sex, phone, email, status
  int birth_column = -1;
  int birth_date_slot = -1, birthdate_slot = -1, age_slot = -1;
  int area_column = -1, area_slot = -1;
  int disability_column = -1, disability_slot = -1;
  int custom_column = -1;
  std::vector<std::pair<registry::CustomField, int>> custom;  // field, slot

  // Appends the columns it needs (", i.x") to `select`, numbering them from
  // `*next_column`.
  void Plan(const std::function<int(std::string_view)>& slot_of,
            const std::function<bool(const char*)>& needs,
            const std::vector<registry::CustomField>& declared, const std::string& alias,
            std::string& select, int* next_column) {
    auto add = [&](const std::string& column) {
      select += ", " + alias + "." + column;
      return (*next_column)++;
    };
    id_slot = slot_of("id");
    if (needs("registrant_id")) registrant_id_slot = slot_of("registrant_id");
    for (const char* name : {"given_name", "family_name", "sex", "phone", "email", "status"}) {
      if (needs(name)) texts.push_back({slot_of(name), add(name)});
    }
    // Each of the three is filled only when the rule reads it (a date is a
    // value with its own allocation; an age a plain integer).
    if (needs("birth_date") || needs("birthdate") || needs("age")) {
      birth_column = add("birth_date");
      if (needs("birth_date")) birth_date_slot = slot_of("birth_date");
      if (needs("birthdate")) birthdate_slot = slot_of("birthdate");
      if (needs("age")) age_slot = slot_of("age");
    }
    if (needs("area")) {
      area_column = add("area_id");
      area_slot = slot_of("area");
    }
    if (needs("disability")) {
      disability_column = add("disability");
      disability_slot = slot_of("disability");
    }
    for (const auto& field : declared) {
      if (needs(field.name.c_str())) custom.emplace_back(field, slot_of(field.name));
    }
    if (!custom.empty()) custom_column = add("custom");
  }

  void Fill(cel::RecordTable& table, uint32_t row, int64_t id, RegistrantKind kind,
            store::Statement& query, const AgesOn& ages,
            const std::unordered_map<int64_t, std::string>& area_codes) const {
    if (id_slot >= 0) table.SetInt(row, id_slot, id);
    if (registrant_id_slot >= 0) {
      table.SetString(row, registrant_id_slot, RegistrantId{kind, id}.ToString());
    }
    for (const Text& t : texts) {
      if (!query.IsNull(t.column)) table.SetString(row, t.slot, std::string(query.Text(t.column)));
    }
    if (birth_column >= 0 && !query.IsNull(birth_column)) {
      if (auto birth = query.OptionalDate(birth_column)) {
        cel::Value date = rules::DateValue(*birth);
        if (birth_date_slot >= 0) table.SetValue(row, birth_date_slot, date);
        if (birthdate_slot >= 0) table.SetValue(row, birthdate_slot, date);
        if (age_slot >= 0) table.SetInt(row, age_slot, ages.Age(*birth));
      }
    }
    if (area_column >= 0 && !query.IsNull(area_column)) {
      auto found = area_codes.find(query.Int(area_column));
      if (found != area_codes.end()) table.SetString(row, area_slot, found->second);
    }
    if (disability_column >= 0) {
      table.SetBool(row, disability_slot, query.Bool(disability_column));
    }
    if (custom_column >= 0) {
      registry::CustomValues values = registry::DecodeCustomValues(query.Text(custom_column));
      for (const auto& [field, slot] : custom) {
        auto found = values.find(field.name);
        if (found != values.end()) {
          table.SetValue(row, slot, rules::CustomFieldValue(field, found->second));
        }
      }
    }
  }
};

constexpr uint32_t kNoRow = std::numeric_limits<uint32_t>::max();

// The rows of groups (sorted by id), found by id; asked mostly in id order,
// so the search starts where the last one ended.
class GroupRowFinder {
 public:
  explicit GroupRowFinder(const std::vector<std::pair<int64_t, uint32_t>>& rows) : rows_(rows) {}
  uint32_t RowOf(int64_t id) {
    if (at_ >= rows_.size() || rows_[at_].first > id) at_ = 0;  // asked out of order
    while (at_ < rows_.size() && rows_[at_].first < id) ++at_;
    return at_ < rows_.size() && rows_[at_].first == id ? rows_[at_].second : kNoRow;
  }

 private:
  const std::vector<std::pair<int64_t, uint32_t>>& rows_;
  size_t at_ = 0;
};

// Ids to leave out, sorted, asked in any order.
class SkipList {
 public:
  explicit SkipList(std::vector<int64_t> ids) : ids_(std::move(ids)) {}
  bool Holds(int64_t id) const {
    return !ids_.empty() && std::binary_search(ids_.begin(), ids_.end(), id);
  }

 private:
  std::vector<int64_t> ids_;
};

void AppendWithin(store::QueryBuilder& q, const std::vector<std::string>& paths,
                  const char* column) {
  if (paths.empty()) return;
  q.Sql(" AND ").Sql(column).Sql(" IN (SELECT id FROM areas WHERE ");
  for (size_t i = 0; i < paths.size(); ++i) {
    q.Sql(i == 0 ? "path LIKE " : " OR path LIKE ").Value(paths[i] + "%");
  }
  q.Sql(")");
}

}  // namespace

RegistrantReader::RegistrantReader(store::Connection& connection, ReaderOptions options)
    : db_(connection), options_(std::move(options)) {
  if (Needs("area")) {
    auto query = db_.Prepare("SELECT id, code FROM areas");
    while (query->Step()) area_codes_.emplace(query->Int(0), std::string(query->Text(1)));
  }
}

int64_t RegistrantReader::CountActive() {
  bool groups = options_.target == rules::RuleTarget::kGroups;
  store::QueryBuilder q(groups ? "SELECT COUNT(*) FROM registry_groups g WHERE g.status = 'active'"
                               : "SELECT COUNT(*) FROM individuals i WHERE i.status = 'active'");
  AppendWithin(q, options_.within_paths, groups ? "g.area_id" : "i.area_id");
  auto query = db_.Prepare(q.sql());
  q.BindTo(*query);
  query->Step();
  int64_t count = query->Int(0);
  query->Reset();
  return count;
}

int64_t RegistrantReader::MaxId() {
  auto query = db_.Prepare(options_.target == rules::RuleTarget::kGroups
                               ? "SELECT COALESCE(MAX(id), 0) FROM registry_groups"
                               : "SELECT COALESCE(MAX(id), 0) FROM individuals");
  query->Step();
  int64_t id = query->Int(0);
  query->Reset();
  return id;
}

bool RegistrantReader::Next(rules::RuleBatch& batch, int limit, std::vector<int64_t>& ids,
                            std::vector<Timestamp>* registered) {
  return Read(batch, last_id_, std::numeric_limits<int64_t>::max(), limit, ids, registered);
}

const AgesOn& RegistrantReader::Ages() {
  if (!ages_) ages_ = std::make_shared<const AgesOn>(options_.as_of);
  return *ages_;
}

std::vector<int64_t> RegistrantReader::NotActive(bool groups, int64_t first, int64_t last) {
  auto query =
      db_.Prepare(groups ? "SELECT id FROM registry_groups WHERE status <> 'active' AND id "
                           "BETWEEN $1 AND $2 ORDER BY id"
                         : "SELECT id FROM individuals WHERE status <> 'active' AND id "
                           "BETWEEN $1 AND $2 ORDER BY id");
  query->Bind(1, first).Bind(2, last);
  std::vector<int64_t> ids;
  while (query->Step()) ids.push_back(query->Int(0));
  return ids;
}

bool RegistrantReader::ReadRange(rules::RuleBatch& batch, int64_t first, int64_t last,
                                 std::vector<int64_t>& ids) {
  return Read(batch, first - 1, last, std::numeric_limits<int>::max(), ids, nullptr);
}

bool RegistrantReader::ReadOne(rules::RuleBatch& batch, int64_t id) {
  std::vector<int64_t> ids;
  return Read(batch, id - 1, id, 1, ids, nullptr);
}

bool RegistrantReader::Read(rules::RuleBatch& batch, int64_t after, int64_t up_to, int limit,
                            std::vector<int64_t>& ids, std::vector<Timestamp>* registered) {
  ids.clear();
  if (registered) registered->clear();
  cel::RecordTable& table = batch.registrants();
  auto slot_of = [&](std::string_view field) { return batch.RegistrantSlot(field); };
  auto needs = [&](const char* field) { return Needs(field); };
  bool groups = options_.target == rules::RuleTarget::kGroups;
  // The registration time only when asked for (timestamps are the dearest
  // column to print and parse).
  std::string select = groups ? "SELECT g.id" : "SELECT i.id";
  if (registered) select += groups ? ", g.created_at" : ", i.created_at";
  int next_column = registered ? 2 : 1;
  PersonFill person;
  struct GroupText {
    int slot;
    int column;
  };
  std::vector<GroupText> group_texts;
  int group_area_column = -1, group_custom_column = -1;
  std::vector<std::pair<registry::CustomField, int>> group_custom;
  if (groups) {
    for (const char* name : {"kind", "name", "status"}) {
      if (Needs(name)) {
        select += std::string(", g.") + name;
        group_texts.push_back({slot_of(name), next_column++});
      }
    }
    if (Needs("area")) {
      select += ", g.area_id";
      group_area_column = next_column++;
    }
    for (const auto& field : options_.group_custom) {
      if (Needs(field.name.c_str())) group_custom.emplace_back(field, slot_of(field.name));
    }
    if (!group_custom.empty()) {
      select += ", g.custom";
      group_custom_column = next_column++;
    }
  } else {
    person.Plan(slot_of, needs, options_.individual_custom, "i", select, &next_column);
  }
  // A range is read whole, its few registrants that are not active found
  // apart (NotActive); a page of a given size must count active ones only.
  const bool whole_range = limit == std::numeric_limits<int>::max();
  store::QueryBuilder q(select +
                        (groups ? " FROM registry_groups g WHERE " : " FROM individuals i WHERE ") +
                        (whole_range ? "TRUE"
                         : groups    ? "g.status = 'active'"
                                     : "i.status = 'active'"));
  const char* alias = groups ? "g" : "i";
  SkipList skip(whole_range ? NotActive(groups, after + 1, up_to) : std::vector<int64_t>{});
  q.Sql(std::string(" AND ") + alias + ".id > ").Value(after);
  q.Sql(std::string(" AND ") + alias + ".id <= ").Value(up_to);
  AppendWithin(q, options_.within_paths, groups ? "g.area_id" : "i.area_id");
  q.Sql(std::string(" ORDER BY ") + alias + ".id LIMIT ").Value(static_cast<int64_t>(limit));

  std::vector<std::pair<int64_t, uint32_t>> rows;  // group id -> row, in id order
  {
    auto query = db_.Prepare(q.sql());
    query->PreferBinaryResults();
    q.BindTo(*query);
    int registrant_id_slot = slot_of("registrant_id");
    while (query->Step()) {
      int64_t id = query->Int(0);
      if (skip.Holds(id)) continue;
      uint32_t row = table.AddRow();
      ids.push_back(id);
      if (registered) registered->push_back(query->TimestampAt(1));
      if (!groups) {
        person.Fill(table, row, id, RegistrantKind::kIndividual, *query, Ages(), area_codes_);
        continue;
      }
      rows.emplace_back(id, row);
      table.SetInt(row, slot_of("id"), id);
      if (Needs("registrant_id")) {
        table.SetString(row, registrant_id_slot,
                        RegistrantId{RegistrantKind::kGroup, id}.ToString());
      }
      for (const GroupText& t : group_texts) {
        table.SetString(row, t.slot, std::string(query->Text(t.column)));
      }
      if (group_area_column >= 0 && !query->IsNull(group_area_column)) {
        auto found = area_codes_.find(query->Int(group_area_column));
        if (found != area_codes_.end()) table.SetString(row, slot_of("area"), found->second);
      }
      if (group_custom_column >= 0) {
        auto values = registry::DecodeCustomValues(query->Text(group_custom_column));
        for (const auto& [field, slot] : group_custom) {
          auto found = values.find(field.name);
          if (found != values.end()) {
            table.SetValue(row, slot, rules::CustomFieldValue(field, found->second));
          }
        }
      }
    }
  }
  if (ids.empty()) return false;
  last_id_ = ids.back();
  if (groups) ReadMembers(batch, ids.front(), ids.back(), rows);
  return true;
}

void RegistrantReader::ReadMembers(rules::RuleBatch& batch, int64_t first, int64_t last,
                                   const std::vector<std::pair<int64_t, uint32_t>>& rows) {
  // Two reads instead of a join: the groups' current memberships, then the
  // people they name, in id order. A join looks each member up by id and
  // costs up to three times the two range reads. A group whose members are
  // consecutive people (a registry loaded household by household) lists them
  // where they are; the others get copies of their members at the end.
  struct MemberRef {
    int64_t group_id;
    int64_t membership_id;
    int64_t individual_id;
    std::string role;
  };
  std::vector<MemberRef> refs;
  refs.reserve(rows.size() * 5);  // households of about four and a half
  int64_t lowest = std::numeric_limits<int64_t>::max(), highest = 0;
  const bool read_roles = Needs("role") || Needs("is_head");
  GroupRowFinder finder(rows);
  {
    // Ordered by group only (the index's order): members are put in
    // membership order here, which spares the server a sort per range.
    store::QueryBuilder q(std::string("SELECT gm.group_id, gm.id, gm.individual_id") +
                          (read_roles ? ", gm.role" : "") +
                          " FROM group_memberships gm WHERE gm.group_id BETWEEN ");
    q.Value(first).Sql(" AND ").Value(last);
    q.Sql(" AND (gm.start_date IS NULL OR gm.start_date <= ").Value(options_.as_of);
    q.Sql(") AND (gm.end_date IS NULL OR gm.end_date > ").Value(options_.as_of);
    q.Sql(")");
    auto query = db_.Prepare(q.sql());
    query->PreferBinaryResults();
    q.BindTo(*query);
    while (query->Step()) {
      int64_t group_id = query->Int(0);
      if (finder.RowOf(group_id) == kNoRow) continue;  // an inactive group, or outside the areas
      int64_t person = query->Int(2);
      refs.push_back(
          {group_id, query->Int(1), person, read_roles ? std::string(query->Text(3)) : ""});
      lowest = std::min(lowest, person);
      highest = std::max(highest, person);
    }
  }
  // The index gives groups in order; a group's members may come out of
  // membership order (a member added later in another part of the table).
  auto by_group = [](const MemberRef& a, const MemberRef& b) { return a.group_id < b.group_id; };
  auto by_membership = [](const MemberRef& a, const MemberRef& b) {
    return a.membership_id < b.membership_id;
  };
  if (!std::is_sorted(refs.begin(), refs.end(), by_group))
    std::stable_sort(refs.begin(), refs.end(), by_group);
  for (size_t at = 0; at < refs.size();) {
    size_t end = at + 1;
    while (end < refs.size() && refs[end].group_id == refs[at].group_id) ++end;
    if (!std::is_sorted(refs.begin() + at, refs.begin() + end, by_membership))
      std::sort(refs.begin() + at, refs.begin() + end, by_membership);
    at = end;
  }

  // The people, into members() in id order, found by id through `row_of`:
  // an array over the stretch of ids when they are dense, else a map.
  cel::RecordTable& people = batch.members();
  const int64_t count = static_cast<int64_t>(refs.size());
  people.Reserve(static_cast<uint32_t>(refs.size()));
  const bool dense = !refs.empty() && highest - lowest < 4 * count;
  constexpr uint32_t kAbsent = std::numeric_limits<uint32_t>::max();
  std::vector<uint32_t> dense_rows;
  std::unordered_map<int64_t, uint32_t> sparse_rows;
  if (dense) {
    dense_rows.assign(static_cast<size_t>(highest - lowest + 1), kAbsent);
  } else {
    sparse_rows.reserve(refs.size());
  }
  auto remember = [&](int64_t id, uint32_t row) {
    if (!dense) {
      sparse_rows.emplace(id, row);
    } else if (id >= lowest && id <= highest) {
      dense_rows[static_cast<size_t>(id - lowest)] = row;
    }
  };
  auto row_of = [&](int64_t id) -> uint32_t {
    if (dense) {
      return id >= lowest && id <= highest ? dense_rows[static_cast<size_t>(id - lowest)] : kAbsent;
    }
    auto found = sparse_rows.find(id);
    return found == sparse_rows.end() ? kAbsent : found->second;
  };
  if (!refs.empty()) {
    auto slot_of = [&](std::string_view field) { return batch.MemberSlot(field); };
    auto needs = [&](const char* field) { return Needs(field); };
    std::string select = "SELECT i.id";
    int next_column = 1;
    PersonFill person;
    person.Plan(slot_of, needs, options_.individual_custom, "i", select, &next_column);
    store::QueryBuilder q(select + " FROM individuals i WHERE ");
    if (dense) {
      // Registries loaded household by household keep a household's people
      // together: read that stretch of ids (a few strangers are skipped).
      q.Sql("i.id BETWEEN ").Value(lowest).Sql(" AND ").Value(highest);
    } else {
      q.Sql(
           "i.id IN (SELECT gm.individual_id FROM group_memberships gm WHERE gm.group_id "
           "BETWEEN ")
          .Value(first)
          .Sql(" AND ")
          .Value(last)
          .Sql(")");
    }
    SkipList skip(NotActive(false, lowest, highest));
    auto query = db_.Prepare(q.sql());
    query->PreferBinaryResults();
    q.BindTo(*query);
    while (query->Step()) {
      int64_t id = query->Int(0);
      if (skip.Holds(id)) continue;
      uint32_t row = people.AddRow();
      remember(id, row);
      person.Fill(people, row, id, RegistrantKind::kIndividual, *query, Ages(), area_codes_);
    }
  }

  int role_slot = Needs("role") ? batch.MemberSlot("role") : -1;
  int head_slot = Needs("is_head") ? batch.MemberSlot("is_head") : -1;
  std::vector<uint8_t> claimed(people.size(), 0);
  std::vector<uint32_t> group_rows;
  GroupRowFinder group_finder(rows);
  for (size_t at = 0; at < refs.size();) {
    int64_t group_id = refs[at].group_id;
    size_t end = at;
    while (end < refs.size() && refs[end].group_id == group_id) ++end;
    group_rows.clear();
    std::vector<MemberRef*> present;
    for (size_t k = at; k < end; ++k) {
      uint32_t found = row_of(refs[k].individual_id);
      if (found == kAbsent) continue;  // not an active individual
      group_rows.push_back(found);
      present.push_back(&refs[k]);
    }
    bool in_place = true;
    for (size_t k = 0; k < group_rows.size(); ++k) {
      if (group_rows[k] != group_rows[0] + k || claimed[group_rows[k]]) in_place = false;
    }
    uint32_t begin = group_rows.empty() ? people.size() : group_rows[0];
    if (!in_place) {
      begin = people.size();
      for (uint32_t source : group_rows) people.CopyRow(people, source, people.AddRow());
    }
    for (size_t k = 0; k < present.size(); ++k) {
      uint32_t row = begin + static_cast<uint32_t>(k);
      if (row < claimed.size()) claimed[row] = 1;
      if (head_slot >= 0) people.SetBool(row, head_slot, present[k]->role == registry::kHeadRole);
      if (role_slot >= 0) people.SetString(row, role_slot, present[k]->role);
    }
    batch.SetMembers(group_finder.RowOf(group_id), begin, static_cast<uint32_t>(group_rows.size()));
    at = end;
  }
  cel::RecordTable& members = people;
  // Groups with no current member have an empty list, not null; size follows.
  cel::RecordTable& groups = batch.registrants();
  int size_slot = batch.RegistrantSlot("size");
  int members_slot = batch.RegistrantSlot("members");
  for (const auto& [id, row] : rows) {
    if (!groups.HasField(row, members_slot)) batch.SetMembers(row, members.size(), 0);
    if (size_slot >= 0) {
      cel::Value list = groups.Field(row, members_slot);
      groups.SetInt(row, size_slot, static_cast<int64_t>(list.list_size()));
    }
  }
}

}  // namespace spmis::programs
