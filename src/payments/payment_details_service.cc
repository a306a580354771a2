#include "payments/payment_details_service.h"

#include <boost/json.hpp>

#include "audit/audit_log.h"
#include "core/text.h"
#include "importer/importer.h"
#include "importer/table_reader.h"
#include "payments/payment_repository.h"
#include "registry/group_repository.h"
#include "registry/group_service.h"
#include "registry/individual_repository.h"
#include "registry/individual_service.h"

namespace spmis::payments {
namespace {

namespace json = boost::json;

std::string DetailsJson(const PaymentDetails& d) {
  return json::serialize(json::object{{"channel", ChannelName(d.channel)},
                                      {"provider", d.provider},
                                      {"account", MaskAccount(d.account)},
                                      {"bic", d.bic},
                                      {"holder_name", d.holder_name}});
}

constexpr size_t kMaxProblems = 1000;
constexpr int64_t kRowsPerTransaction = 5000;

}  // namespace

std::string MaskAccount(const std::string& account) {
  if (account.size() <= 4) return account;
  return std::string(account.size() - 4, '*') + account.substr(account.size() - 4);
}

Status PaymentDetailsService::MayWrite() const {
  return principal_.Require(Permission::kPaymentManage);
}

Result<RegistrantId> PaymentDetailsService::Resolve(const std::string& registrant) {
  auto id = RegistrantId::Parse(registrant);
  if (!id) {
    return Error::Invalid("'" + registrant + "' is not a beneficiary id (IND-... or GRP-...)",
                          {{"registrant", "is not a valid beneficiary id"}});
  }
  // The registry's own reads check existence and the area scope; as the
  // system they need no permission beyond what was checked here.
  Principal reader = principal_;
  if (!reader.is_system() && !reader.Has(Permission::kRegistryRead)) {
    reader = Principal::SystemAs(principal_.actor());
    reader.area_paths = principal_.area_paths;
  }
  if (id->kind == RegistrantKind::kGroup) {
    SPMIS_RETURN_IF_ERROR(registry::GroupService(db_, reader).Get(id->number));
  } else {
    SPMIS_RETURN_IF_ERROR(registry::IndividualService(db_, reader).Get(id->number));
  }
  return *id;
}

Result<PaymentDetails> PaymentDetailsService::Set(const std::string& registrant,
                                                  PaymentDetails details) {
  SPMIS_RETURN_IF_ERROR(MayWrite());
  SPMIS_ASSIGN_OR_RETURN(RegistrantId id, Resolve(registrant));
  details.kind = id.kind;
  details.registrant_id = id.number;
  if (std::string problem = CheckDetails(details); !problem.empty()) {
    return Error::Invalid("the payment details were not saved: " + problem, {{"details", problem}});
  }
  details.updated_by = principal_.name;
  details.updated_at = Timestamp::Now();
  store::Transaction transaction(db_);
  PaymentRepository payments(db_);
  auto before = payments.FindDetails(id.kind, id.number);
  payments.SaveDetails(details);
  audit::AuditLog(db_).Append(
      principal_.actor(), before ? "update" : "create", "payment_details", registrant,
      before ? std::optional(DetailsJson(*before)) : std::nullopt, DetailsJson(details));
  transaction.Commit();
  return details;
}

Result<PaymentDetails> PaymentDetailsService::Get(const std::string& registrant) {
  SPMIS_RETURN_IF_ERROR(principal_.Require(Permission::kPaymentRead));
  SPMIS_ASSIGN_OR_RETURN(RegistrantId id, Resolve(registrant));
  auto details = PaymentRepository(db_).FindDetails(id.kind, id.number);
  if (!details) return Error::NotFound(registrant + " has no payment details");
  return std::move(*details);
}

Result<DetailsImportSummary> PaymentDetailsService::ImportFile(const std::string& path) {
  SPMIS_RETURN_IF_ERROR(MayWrite());
  SPMIS_ASSIGN_OR_RETURN(std::string checksum, importer::FileSha256(path));
  SPMIS_ASSIGN_OR_RETURN(auto table, importer::OpenTable(path, {}));
  std::vector<std::string> cells;
  SPMIS_ASSIGN_OR_RETURN(bool has_header, table->Next(cells));
  if (!has_header) return Error::Invalid("the payment details file is empty");
  std::map<std::string, size_t> columns;
  for (size_t i = 0; i < cells.size(); ++i) columns[std::string(Trim(cells[i]))] = i;
  auto column = [&](const char* name) -> std::optional<size_t> {
    auto found = columns.find(name);
    if (found == columns.end()) return std::nullopt;
    return found->second;
  };
  auto beneficiary = column("beneficiary_id"), group = column("group_external_id"),
       individual = column("individual_external_id"), channel = column("channel"),
       provider = column("provider"), account = column("account"), bic = column("bic"),
       holder = column("holder_name");
  if ((!beneficiary && !group && !individual) || !channel || !provider || !account) {
    return Error::Invalid(
        "the payment details file needs a header with beneficiary_id, group_external_id or "
        "individual_external_id, and channel, provider and account (bic and holder_name are "
        "optional)");
  }
  auto cell = [&](std::optional<size_t> at) {
    return at && *at < cells.size() ? std::string(Trim(cells[*at])) : std::string();
  };
  const bool unscoped = principal_.area_paths.empty();
  DetailsImportSummary summary;
  PaymentRepository payments(db_);
  registry::GroupRepository groups(db_);
  registry::IndividualRepository individuals(db_);
  const Timestamp now = Timestamp::Now();
  auto refuse = [&](std::string reason) {
    ++summary.refused;
    if (summary.problems.size() < kMaxProblems) {
      summary.problems.push_back({table->row_number(), std::move(reason)});
    }
  };
  std::optional<store::Transaction> transaction;
  while (true) {
    SPMIS_ASSIGN_OR_RETURN(bool more, table->Next(cells));
    if (!more) break;
    ++summary.rows;
    std::optional<RegistrantId> id;
    if (std::string text = cell(beneficiary); !text.empty()) {
      id = RegistrantId::Parse(text);
      if (!id) {
        refuse("'" + text + "' is not a beneficiary id");
        continue;
      }
    } else if (std::string text = cell(group); !text.empty()) {
      if (auto found = groups.FindIdByExternalId(text)) {
        id = RegistrantId{RegistrantKind::kGroup, *found};
      }
    } else if (std::string text = cell(individual); !text.empty()) {
      if (auto found = individuals.FindIdByExternalId(text)) {
        id = RegistrantId{RegistrantKind::kIndividual, *found};
      }
    }
    if (!id) {
      refuse("no registrant with this id");
      continue;
    }
    if (!unscoped || cell(beneficiary).size()) {
      // Existence (for typed-in ids) and the area scope, as a single Set would check.
      if (auto resolved = Resolve(id->ToString()); !resolved.ok()) {
        refuse(resolved.error().message);
        continue;
      }
    }
    PaymentDetails d;
    d.kind = id->kind;
    d.registrant_id = id->number;
    auto parsed_channel = ParseChannel(cell(channel));
    if (!parsed_channel) {
      refuse("the channel '" + cell(channel) + "' is not bank_transfer, mobile_money or cash");
      continue;
    }
    d.channel = *parsed_channel;
    d.provider = cell(provider);
    d.account = cell(account);
    d.bic = cell(bic);
    d.holder_name = cell(holder);
    if (std::string problem = CheckDetails(d); !problem.empty()) {
      refuse(problem);
      continue;
    }
    d.updated_by = principal_.name;
    d.updated_at = now;
    if (!transaction) transaction.emplace(db_);
    payments.SaveDetails(d);
    if (++summary.saved % kRowsPerTransaction == 0) {
      transaction->Commit();
      transaction.reset();
    }
  }
  if (!transaction) transaction.emplace(db_);
  json::object after{{"file", path},
                     {"sha256", checksum},
                     {"rows", summary.rows},
                     {"saved", summary.saved},
                     {"refused", summary.refused}};
  audit::AuditLog(db_).Append(principal_.actor(), "import", "payment_details", path, std::nullopt,
                              json::serialize(after));
  transaction->Commit();
  return summary;
}

}  // namespace spmis::payments
