#include "http/delivery_json.h"

#include <boost/json.hpp>

namespace spmis::http {
namespace {

namespace json = boost::json;

json::value OptionalInt(const std::optional<int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}
json::value OptionalDate(const std::optional<Date>& d) {
  return d ? json::value(d->ToString()) : json::value(nullptr);
}
json::value OptionalText(const std::string& text) {
  return text.empty() ? json::value(nullptr) : json::value(text);
}

}  // namespace

json::object ProgramToJson(const programs::Program& p,
                           const std::map<programs::MembershipState, int64_t>* memberships) {
  json::array items;
  for (const auto& i : p.rules.in_kind_items) {
    items.push_back({{"item", i.item}, {"quantity", i.quantity}, {"unit", i.unit}});
  }
  json::object o{{"code", p.code},
                 {"name", p.name},
                 {"kind", programs::ProgramKindName(p.kind)},
                 {"target", programs::ProgramTargetName(p.target)},
                 {"state", programs::ProgramStateName(p.state)},
                 {"period_from", OptionalDate(p.period_from)},
                 {"period_to", OptionalDate(p.period_to)},
                 {"max_beneficiaries", OptionalInt(p.max_beneficiaries)},
                 {"budget", OptionalInt(p.budget_minor)},
                 {"currency", p.currency},
                 {"institution", p.institution},
                 {"dialect", p.dialect},
                 {"rule", p.rules.eligibility},
                 {"priority", OptionalText(p.rules.priority)},
                 {"rule_version", p.rules.version},
                 {"amount", OptionalInt(p.rules.amount_fixed)},
                 {"amount_rule", OptionalText(p.rules.amount_rule)},
                 {"amount_cap", OptionalInt(p.rules.amount_cap)},
                 {"in_kind_items", std::move(items)},
                 {"second_approval_above", OptionalInt(p.second_approval_above)},
                 {"funding_account", OptionalText(p.funding_account)},
                 {"funding_bic", OptionalText(p.funding_bic)},
                 {"version", p.version},
                 {"created_by", p.created_by},
                 {"created_at", p.created_at.ToString()},
                 {"updated_at", p.updated_at.ToString()}};
  if (memberships) {
    json::object counts;
    size_t n = 0;
    const programs::MembershipState* states = programs::AllMembershipStates(&n);
    for (size_t i = 0; i < n; ++i) {
      auto found = memberships->find(states[i]);
      counts[programs::MembershipStateName(states[i])] =
          found == memberships->end() ? 0 : found->second;
    }
    o["memberships"] = std::move(counts);
  }
  return o;
}

json::object CycleToJson(const cycles::CycleView& v) {
  const auto& c = v.cycle;
  const auto& t = v.totals;
  json::array approvals;
  for (const auto& a : v.approvals) {
    approvals.push_back({{"level", a.level},
                         {"decision", a.decision},
                         {"actor", a.actor},
                         {"role", OptionalText(a.role)},
                         {"comment", a.comment},
                         {"at", a.at.ToString()}});
  }
  return json::object{{"id", c.id},
                      {"program", c.program_code},
                      {"sequence", c.sequence},
                      {"start", c.start_date.ToString()},
                      {"end", c.end_date.ToString()},
                      {"state", cycles::CycleStateName(c.state)},
                      {"prepared_by", OptionalText(c.prepared_by)},
                      {"submitted_by", OptionalText(c.submitted_by)},
                      {"approvals_needed", c.approvals_needed},
                      {"approvals", std::move(approvals)},
                      {"entitlements", t.entitlements},
                      {"currency", t.currency},
                      {"totals", json::object{{"draft", t.draft},
                                              {"approved", t.approved},
                                              {"paid", t.paid},
                                              {"failed", t.failed},
                                              {"pending", t.pending},
                                              {"cancelled", t.cancelled},
                                              {"balanced", t.balanced()}}},
                      {"version", c.version}};
}

}  // namespace spmis::http
