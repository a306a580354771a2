#include "programs/program_repository.h"

#include <boost/json.hpp>

namespace spmis::programs {
namespace {

constexpr const char* kSelect =
    "SELECT p.id, p.code, p.name, p.kind, p.target, p.period_from, p.period_to, "
    "p.max_beneficiaries, p.budget_minor, p.currency, p.institution, p.state, p.dialect, "
    "p.rule_version, p.version, p.created_by, p.created_at, p.updated_at, r.eligibility, "
    "r.priority, r.created_by, r.created_at, r.amount_fixed, r.amount_rule, r.amount_cap, "
    "r.in_kind_items, p.second_approval_above, p.funding_account, p.funding_bic FROM programs p "
    "JOIN program_rules r "
    "ON r.program_id = p.id AND r.version = p.rule_version ";

std::optional<std::string> NonEmpty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

std::vector<InKindItem> DecodeItems(const std::string& text) {
  std::vector<InKindItem> items;
  if (text.empty()) return items;
  boost::system::error_code ec;
  auto parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_array()) return items;
  for (const auto& v : parsed.as_array()) {
    if (!v.is_object()) continue;
    const auto& o = v.as_object();
    InKindItem item;
    if (const auto* name = o.if_contains("item"); name && name->is_string()) {
      item.item = std::string(name->as_string());
    }
    if (const auto* q = o.if_contains("quantity"); q && q->is_int64())
      item.quantity = q->as_int64();
    if (const auto* unit = o.if_contains("unit"); unit && unit->is_string()) {
      item.unit = std::string(unit->as_string());
    }
    items.push_back(std::move(item));
  }
  return items;
}

Program Read(store::Statement& row) {
  Program p;
  p.id = row.Int(0);
  p.code = row.Text(1);
  p.name = row.Text(2);
  p.kind = ParseProgramKind(row.Text(3)).value_or(ProgramKind::kUnconditionalCash);
  p.target = ParseProgramTarget(row.Text(4)).value_or(ProgramTarget::kGroups);
  p.period_from = row.OptionalDate(5);
  p.period_to = row.OptionalDate(6);
  p.max_beneficiaries = row.OptionalInt(7);
  p.budget_minor = row.OptionalInt(8);
  p.currency = row.Text(9);
  p.institution = row.Text(10);
  p.state = ParseProgramState(row.Text(11)).value_or(ProgramState::kDraft);
  p.dialect = row.Text(12);
  p.rules.version = static_cast<int>(row.Int(13));
  p.version = row.Int(14);
  p.created_by = row.Text(15);
  p.created_at = row.TimestampAt(16);
  p.updated_at = row.TimestampAt(17);
  p.rules.eligibility = row.Text(18);
  p.rules.priority = row.OptionalText(19).value_or("");
  p.rules.created_by = row.Text(20);
  p.rules.created_at = row.TimestampAt(21);
  p.rules.amount_fixed = row.OptionalInt(22);
  p.rules.amount_rule = row.OptionalText(23).value_or("");
  p.rules.amount_cap = row.OptionalInt(24);
  p.rules.in_kind_items = DecodeItems(row.OptionalText(25).value_or(""));
  p.second_approval_above = row.OptionalInt(26);
  p.funding_account = row.OptionalText(27).value_or("");
  p.funding_bic = row.OptionalText(28).value_or("");
  return p;
}

std::string EncodeItems(const std::vector<InKindItem>& items) {
  if (items.empty()) return "";
  boost::json::array array;
  for (const auto& i : items) {
    array.push_back({{"item", i.item}, {"quantity", i.quantity}, {"unit", i.unit}});
  }
  return boost::json::serialize(array);
}

}  // namespace

void ProgramRepository::InsertRules(int64_t program_id, const ProgramRules& rules) {
  auto insert = db_.Prepare(
      "INSERT INTO program_rules (program_id, version, eligibility, priority, created_by, "
      "created_at, amount_fixed, amount_rule, amount_cap, in_kind_items) VALUES ($1, $2, $3, "
      "$4, $5, $6, $7, $8, $9, $10)");
  insert->Bind(1, program_id)
      .Bind(2, rules.version)
      .Bind(3, rules.eligibility)
      .Bind(4, NonEmpty(rules.priority))
      .Bind(5, rules.created_by)
      .Bind(6, rules.created_at)
      .Bind(7, rules.amount_fixed)
      .Bind(8, NonEmpty(rules.amount_rule))
      .Bind(9, rules.amount_cap)
      .Bind(10, NonEmpty(EncodeItems(rules.in_kind_items)))
      .Execute();
}

void ProgramRepository::Insert(Program& p) {
  p.version = 1;
  p.rules.version = 1;
  auto insert = db_.Prepare(
      "INSERT INTO programs (code, name, kind, target, period_from, period_to, "
      "max_beneficiaries, budget_minor, currency, institution, state, dialect, rule_version, "
      "version, created_by, created_at, updated_at, second_approval_above, funding_account, "
      "funding_bic) VALUES "
      "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, 1, $13, $14, $15, $16, $17, $18) "
      "RETURNING id");
  insert->Bind(1, p.code)
      .Bind(2, p.name)
      .Bind(3, ProgramKindName(p.kind))
      .Bind(4, ProgramTargetName(p.target))
      .Bind(5, p.period_from)
      .Bind(6, p.period_to)
      .Bind(7, p.max_beneficiaries)
      .Bind(8, p.budget_minor)
      .Bind(9, p.currency)
      .Bind(10, p.institution)
      .Bind(11, ProgramStateName(p.state))
      .Bind(12, p.dialect)
      .Bind(13, p.created_by)
      .Bind(14, p.created_at)
      .Bind(15, p.updated_at)
      .Bind(16, p.second_approval_above)
      .Bind(17, NonEmpty(p.funding_account))
      .Bind(18, NonEmpty(p.funding_bic));
  insert->Step();
  p.id = insert->Int(0);
  insert->Reset();
  InsertRules(p.id, p.rules);
}

bool ProgramRepository::Update(Program& p, int64_t expected_version, bool new_rules) {
  if (new_rules) {
    auto last = db_.Prepare("SELECT MAX(version) FROM program_rules WHERE program_id = $1");
    last->Bind(1, p.id);
    last->Step();
    p.rules.version = static_cast<int>(last->Int(0)) + 1;
    last->Reset();
  }
  auto update = db_.Prepare(
      "UPDATE programs SET name = $1, kind = $2, period_from = $3, period_to = $4, "
      "max_beneficiaries = $5, budget_minor = $6, currency = $7, institution = $8, state = $9, "
      "dialect = $10, rule_version = $11, version = version + 1, updated_at = $12, "
      "second_approval_above = $15, funding_account = $16, funding_bic = $17 WHERE id = $13 AND "
      "version = $14");
  update->Bind(1, p.name)
      .Bind(2, ProgramKindName(p.kind))
      .Bind(3, p.period_from)
      .Bind(4, p.period_to)
      .Bind(5, p.max_beneficiaries)
      .Bind(6, p.budget_minor)
      .Bind(7, p.currency)
      .Bind(8, p.institution)
      .Bind(9, ProgramStateName(p.state))
      .Bind(10, p.dialect)
      .Bind(11, p.rules.version)
      .Bind(12, p.updated_at)
      .Bind(13, p.id)
      .Bind(14, expected_version)
      .Bind(15, p.second_approval_above)
      .Bind(16, NonEmpty(p.funding_account))
      .Bind(17, NonEmpty(p.funding_bic));
  if (update->Execute() != 1) return false;
  if (new_rules) InsertRules(p.id, p.rules);
  p.version = expected_version + 1;
  return true;
}

std::optional<Program> ProgramRepository::FindByCode(std::string_view code) {
  auto query = db_.Prepare(std::string(kSelect) + "WHERE p.code = $1");
  query->Bind(1, code);
  if (!query->Step()) return std::nullopt;
  Program p = Read(*query);
  query->Reset();
  return p;
}

std::optional<Program> ProgramRepository::FindById(int64_t id) {
  auto query = db_.Prepare(std::string(kSelect) + "WHERE p.id = $1");
  query->Bind(1, id);
  if (!query->Step()) return std::nullopt;
  Program p = Read(*query);
  query->Reset();
  return p;
}

std::optional<ProgramRules> ProgramRepository::Rules(int64_t program_id, int version) {
  auto query = db_.Prepare(
      "SELECT version, eligibility, priority, created_by, created_at, amount_fixed, amount_rule, "
      "amount_cap, in_kind_items FROM program_rules "
      "WHERE program_id = $1 AND version = $2");
  query->Bind(1, program_id).Bind(2, version);
  if (!query->Step()) return std::nullopt;
  ProgramRules rules;
  rules.version = static_cast<int>(query->Int(0));
  rules.eligibility = query->Text(1);
  rules.priority = query->OptionalText(2).value_or("");
  rules.created_by = query->Text(3);
  rules.created_at = query->TimestampAt(4);
  rules.amount_fixed = query->OptionalInt(5);
  rules.amount_rule = query->OptionalText(6).value_or("");
  rules.amount_cap = query->OptionalInt(7);
  rules.in_kind_items = DecodeItems(query->OptionalText(8).value_or(""));
  query->Reset();
  return rules;
}

std::vector<Program> ProgramRepository::List() {
  auto query = db_.Prepare(std::string(kSelect) + "ORDER BY p.code");
  std::vector<Program> programs;
  while (query->Step()) programs.push_back(Read(*query));
  return programs;
}

}  // namespace spmis::programs
