#include "registry/individual_repository.h"

#include <unordered_map>

#include "core/text.h"
#include "store/query_builder.h"

namespace spmis::registry {
namespace {

constexpr const char* kSelect =
    "SELECT i.id, i.external_id, i.given_name, i.family_name, i.other_names, i.sex, "
    "i.birth_date, i.phone, i.email, i.address, i.latitude, i.longitude, i.area_id, a.code, "
    "i.disability, i.custom, i.status, i.version, i.created_at, i.updated_at, a.path "
    "FROM individuals i LEFT JOIN areas a ON a.id = i.area_id ";

Individual ReadIndividual(store::Statement& row) {
  Individual p;
  p.id = row.Int(0);
  p.external_id = row.OptionalText(1);
  p.given_name = row.Text(2);
  p.family_name = row.Text(3);
  p.other_names = row.Text(4);
  p.sex = ParseSex(row.Text(5)).value_or(Sex::kUnknown);
  p.birth_date = row.OptionalDate(6);
  p.phone = row.OptionalText(7);
  p.email = row.OptionalText(8);
  p.address = row.OptionalText(9);
  if (!row.IsNull(10) && !row.IsNull(11)) p.location = GeoPoint{row.Double(10), row.Double(11)};
  p.area_id = row.OptionalInt(12);
  p.area_code = row.OptionalText(13).value_or("");
  p.disability = row.Bool(14);
  p.custom = DecodeCustomValues(row.Text(15));
  p.status = ParseIndividualStatus(row.Text(16)).value_or(IndividualStatus::kActive);
  p.version = row.Int(17);
  p.created_at = row.TimestampAt(18);
  p.updated_at = row.TimestampAt(19);
  p.area_path = row.OptionalText(20).value_or("");
  return p;
}

// Binds $1..$16: every stored column but id, version and times.
void BindFields(store::Statement& s, const Individual& p) {
  s.Bind(1, p.external_id)
      .Bind(2, p.given_name)
      .Bind(3, p.family_name)
      .Bind(4, p.other_names)
      .Bind(5, SearchName(p))
      .Bind(6, SexName(p.sex))
      .Bind(7, p.birth_date)
      .Bind(8, p.phone)
      .Bind(9, p.email)
      .Bind(10, p.address);
  if (p.location) {
    s.Bind(11, p.location->latitude).Bind(12, p.location->longitude);
  } else {
    s.BindNull(11);
    s.BindNull(12);
  }
  s.Bind(13, p.area_id)
      .Bind(14, p.disability)
      .Bind(15, EncodeCustomValues(p.custom))
      .Bind(16, IndividualStatusName(p.status));
}

const char* SortExpression(IndividualSort sort) {
  switch (sort) {
    case IndividualSort::kId:
      return "i.id";
    case IndividualSort::kFamilyName:
      return "i.family_name";
    case IndividualSort::kBirthDate:
      return "COALESCE(i.birth_date, '0001-01-01')";
    case IndividualSort::kCreatedAt:
      return "i.created_at";
  }
  return "i.id";
}

std::string LikePattern(std::string_view needle) {
  std::string pattern = "%";
  for (char c : ToLowerAscii(needle)) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

// The WHERE clause shared by List and Count: only the filters present.
void AppendFilter(store::QueryBuilder& q, const IndividualFilter& f) {
  q.Sql("WHERE 1 = 1 ");
  if (!f.name.empty())
    q.Sql("AND i.search_name LIKE ").Value(LikePattern(f.name)).Sql(" ESCAPE '\\' ");
  if (f.area_path) {
    q.Sql("AND i.area_id IN (SELECT id FROM areas WHERE path LIKE ")
        .Value(*f.area_path + "%")
        .Sql(") ");
  }
  if (!f.within_paths.empty()) {
    q.Sql("AND i.area_id IN (SELECT id FROM areas WHERE ");
    for (size_t i = 0; i < f.within_paths.size(); ++i) {
      q.Sql(i == 0 ? "path LIKE " : " OR path LIKE ").Value(f.within_paths[i] + "%");
    }
    q.Sql(") ");
  }
  if (f.born_from) q.Sql("AND i.birth_date >= ").Value(*f.born_from).Sql(" ");
  if (f.born_to) q.Sql("AND i.birth_date <= ").Value(*f.born_to).Sql(" ");
  if (f.status) q.Sql("AND i.status = ").Value(IndividualStatusName(*f.status)).Sql(" ");
}

}  // namespace

std::optional<IndividualSort> ParseIndividualSort(std::string_view name) {
  for (auto sort : {IndividualSort::kId, IndividualSort::kFamilyName, IndividualSort::kBirthDate,
                    IndividualSort::kCreatedAt}) {
    if (name == IndividualSortName(sort)) return sort;
  }
  return std::nullopt;
}

const char* IndividualSortName(IndividualSort sort) {
  switch (sort) {
    case IndividualSort::kId:
      return "id";
    case IndividualSort::kFamilyName:
      return "family_name";
    case IndividualSort::kBirthDate:
      return "birth_date";
    case IndividualSort::kCreatedAt:
      return "created_at";
  }
  return "id";
}

std::string SearchName(const Individual& person) { return ToLowerAscii(person.full_name()); }

void IndividualRepository::Insert(Individual& person) {
  auto insert = db_.Prepare(
      "INSERT INTO individuals (external_id, given_name, family_name, other_names, search_name, "
      "sex, birth_date, phone, email, address, latitude, longitude, area_id, disability, custom, "
      "status, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
      "$11, $12, $13, $14, $15, $16, 1, $17, $17) RETURNING id");
  BindFields(*insert, person);
  insert->Bind(17, person.created_at);
  insert->Step();
  person.id = insert->Int(0);
  person.version = 1;
  WriteDocuments(person);
}

bool IndividualRepository::Update(const Individual& person, int64_t expected_version) {
  auto update = db_.Prepare(
      "UPDATE individuals SET external_id = $1, given_name = $2, family_name = $3, "
      "other_names = $4, search_name = $5, sex = $6, birth_date = $7, phone = $8, email = $9, "
      "address = $10, latitude = $11, longitude = $12, area_id = $13, disability = $14, "
      "custom = $15, status = $16, version = version + 1, updated_at = $17 "
      "WHERE id = $18 AND version = $19");
  BindFields(*update, person);
  update->Bind(17, person.updated_at).Bind(18, person.id).Bind(19, expected_version);
  if (update->Execute() != 1) return false;
  auto clear = db_.Prepare("DELETE FROM id_documents WHERE individual_id = $1");
  clear->Bind(1, person.id).Execute();
  WriteDocuments(person);
  return true;
}

void IndividualRepository::WriteDocuments(const Individual& person) {
  if (person.documents.empty()) return;
  auto insert = db_.Prepare(
      "INSERT INTO id_documents (individual_id, type, number, issuer, expiry) "
      "VALUES ($1, $2, $3, $4, $5)");
  for (const auto& document : person.documents) {
    insert->Bind(1, person.id)
        .Bind(2, document.type)
        .Bind(3, document.number)
        .Bind(4, document.issuer)
        .Bind(5, document.expiry);
    insert->Execute();
    insert->Reset();
  }
}

void IndividualRepository::LoadDocuments(std::vector<Individual>& people) {
  if (people.empty()) return;
  std::unordered_map<int64_t, Individual*> by_id;
  int64_t low = people.front().id, high = people.front().id;
  for (auto& p : people) {
    by_id[p.id] = &p;
    low = std::min(low, p.id);
    high = std::max(high, p.id);
  }
  // One query for the page: the id range covers it, the map keeps only its rows.
  auto query = db_.Prepare(
      "SELECT individual_id, type, number, issuer, expiry FROM id_documents "
      "WHERE individual_id BETWEEN $1 AND $2 ORDER BY id");
  if (people.size() == 1 || high - low <= static_cast<int64_t>(people.size()) * 4) {
    query->Bind(1, low).Bind(2, high);
    while (query->Step()) {
      auto it = by_id.find(query->Int(0));
      if (it == by_id.end()) continue;
      it->second->documents.push_back({std::string(query->Text(1)), std::string(query->Text(2)),
                                       query->OptionalText(3).value_or(""),
                                       query->OptionalDate(4)});
    }
    return;
  }
  for (auto& p : people) {  // scattered ids (a filtered page): one lookup each
    query->Reset();
    query->Bind(1, p.id).Bind(2, p.id);
    while (query->Step()) {
      p.documents.push_back({std::string(query->Text(1)), std::string(query->Text(2)),
                             query->OptionalText(3).value_or(""), query->OptionalDate(4)});
    }
  }
}

std::optional<Individual> IndividualRepository::Find(int64_t id) {
  auto query = db_.Prepare(std::string(kSelect) + "WHERE i.id = $1");
  query->Bind(1, id);
  if (!query->Step()) return std::nullopt;
  std::vector<Individual> people{ReadIndividual(*query)};
  LoadDocuments(people);
  return std::move(people.front());
}

std::optional<int64_t> IndividualRepository::FindIdByExternalId(std::string_view external_id) {
  auto query = db_.Prepare("SELECT id FROM individuals WHERE external_id = $1");
  query->Bind(1, external_id);
  if (!query->Step()) return std::nullopt;
  return query->Int(0);
}

std::optional<int64_t> IndividualRepository::FindIdByNationalId(std::string_view number) {
  auto query = db_.Prepare(
      "SELECT individual_id FROM id_documents WHERE type = 'national_id' AND number = $1");
  query->Bind(1, number);
  if (!query->Step()) return std::nullopt;
  return query->Int(0);
}

bool IndividualRepository::Exists(int64_t id) {
  auto query = db_.Prepare("SELECT 1 FROM individuals WHERE id = $1");
  query->Bind(1, id);
  return query->Step();
}

std::vector<Individual> IndividualRepository::List(const IndividualListRequest& request) {
  std::string key = SortExpression(request.sort);
  std::string direction = request.descending ? "DESC" : "ASC";
  store::QueryBuilder q(kSelect);
  AppendFilter(q, request.filter);
  if (request.after) {
    const char* op = request.descending ? " < " : " > ";
    if (request.sort == IndividualSort::kId) {
      q.Sql("AND i.id").Sql(op).Value(request.after->id).Sql(" ");
    } else {
      q.Sql("AND (" + key + ", i.id)").Sql(op).Sql("(").Value(request.after->sort_value).Sql(", ");
      q.Value(request.after->id).Sql(") ");
    }
  }
  q.Sql("ORDER BY ");
  if (request.sort != IndividualSort::kId) q.Sql(key + " " + direction + ", ");
  q.Sql("i.id " + direction + " LIMIT ").Value(int64_t{request.limit});
  auto query = db_.Prepare(q.sql());
  q.BindTo(*query);
  std::vector<Individual> people;
  while (query->Step()) people.push_back(ReadIndividual(*query));
  LoadDocuments(people);
  return people;
}

int64_t IndividualRepository::Count(const IndividualFilter& filter) {
  store::QueryBuilder q("SELECT COUNT(*) FROM individuals i ");
  AppendFilter(q, filter);
  auto query = db_.Prepare(q.sql());
  q.BindTo(*query);
  query->Step();
  return query->Int(0);
}

std::string IndividualRepository::SortValue(const Individual& person, IndividualSort sort) {
  switch (sort) {
    case IndividualSort::kId:
      return std::to_string(person.id);
    case IndividualSort::kFamilyName:
      return person.family_name;
    case IndividualSort::kBirthDate:
      return person.birth_date ? person.birth_date->ToString() : "0001-01-01";
    case IndividualSort::kCreatedAt:
      return person.created_at.ToString();
  }
  return {};
}

}  // namespace spmis::registry
