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

json::object PaymentDetailsToJson(const payments::PaymentDetails& d) {
  return json::object{{"beneficiary_id", RegistrantId{d.kind, d.registrant_id}.ToString()},
                      {"channel", payments::ChannelName(d.channel)},
                      {"provider", d.provider},
                      {"account", d.account},
                      {"bic", OptionalText(d.bic)},
                      {"holder_name", OptionalText(d.holder_name)},
                      {"version", d.version},
                      {"updated_by", d.updated_by},
                      {"updated_at", d.updated_at.ToString()}};
}

json::object BatchToJson(const payments::PaymentBatch& b) {
  return json::object{
      {"id", b.id},
      {"cycle", b.cycle_id},
      {"sequence", b.sequence},
      {"channel", payments::ChannelName(b.channel)},
      {"provider", b.provider},
      {"payments", b.payments},
      {"total_minor", b.total_minor},
      {"currency", b.currency},
      {"created_by", b.created_by},
      {"created_at", b.created_at.ToString()},
      {"exported_at", b.exported_at ? json::value(b.exported_at->ToString()) : nullptr}};
}

json::object BatchCreationToJson(const payments::BatchCreation& c) {
  json::array batches, exceptions;
  for (const auto& b : c.batches) batches.push_back(BatchToJson(b));
  for (const auto& e : c.exception_list) {
    exceptions.push_back({{"entitlement", e.entitlement_id},
                          {"beneficiary_id", e.beneficiary_id},
                          {"amount_minor", e.amount_minor},
                          {"problem", e.problem}});
  }
  return json::object{{"batches", std::move(batches)},
                      {"payments", c.payments},
                      {"total_minor", c.total_minor},
                      {"exceptions", c.exceptions},
                      {"exception_list", std::move(exceptions)}};
}

json::object PaymentToJson(const payments::Payment& p) {
  return json::object{{"id", p.id},
                      {"batch", p.batch_id},
                      {"entitlement", p.entitlement_id},
                      {"attempt", p.attempt},
                      {"end_to_end_id", p.end_to_end_id},
                      {"amount_minor", p.amount_minor},
                      {"currency", p.currency},
                      {"name", p.name},
                      {"channel", payments::ChannelName(p.channel)},
                      {"provider", p.provider},
                      {"account", p.account},
                      {"state", payments::PaymentStateName(p.state)},
                      {"reason", OptionalText(p.reason)}};
}

json::object ReconciliationToJson(const payments::Reconciliation& r,
                                  const std::vector<payments::ReconciliationProblem>* problems,
                                  const std::vector<int64_t>* ended_cycles) {
  json::object o{{"id", r.id},
                 {"file", r.file_name},
                 {"sha256", r.checksum},
                 {"format", r.format},
                 {"state", r.done ? "done" : "running"},
                 {"lines", r.lines},
                 {"paid", r.paid},
                 {"failed", r.failed},
                 {"pending", r.pending},
                 {"unchanged", r.unchanged},
                 {"problems", r.problems},
                 {"created_by", r.created_by},
                 {"created_at", r.created_at.ToString()}};
  if (problems) {
    json::array list;
    for (const auto& p : *problems) {
      list.push_back(
          {{"line", p.line}, {"end_to_end_id", p.end_to_end_id}, {"problem", p.problem}});
    }
    o["problems_list"] = std::move(list);
  }
  if (ended_cycles) {
    json::array ended;
    for (int64_t id : *ended_cycles) ended.push_back(id);
    o["ended_cycles"] = std::move(ended);
  }
  return o;
}

}  // namespace spmis::http
