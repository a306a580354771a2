// Payment routes: beneficiaries' payment details, a cycle's batches and
// exceptions, payment files, and reconciliation of providers' status files.
// The services check permissions and program scopes again.
#include <sodium.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/text.h"
#include "http/api.h"
#include "http/delivery_json.h"
#include "http/json_codec.h"
#include "http/multipart.h"
#include "http/problem.h"
#include "payments/batch_service.h"
#include "payments/payment_details_service.h"
#include "payments/reconciliation_service.h"

namespace spmis::http {
namespace {

namespace json = boost::json;
using namespace spmis::payments;

Response GetDetails(const Request& request, RequestContext& context) {
  auto details = PaymentDetailsService(context.db(), context.principal())
                     .Get(request.path_params.at("registrant"));
  if (!details.ok()) return Problem(details.error());
  return JsonResponse(200, PaymentDetailsToJson(*details));
}

// {"channel", "provider", "account", "bic"?, "holder_name"?}
Response PutDetails(const Request& request, RequestContext& context) {
  auto body = JsonObjectBody(request);
  if (!body) return Problem(400, "the body must be a JSON object");
  auto channel = ParseChannel(TextField(*body, "channel"));
  if (!channel) {
    return Problem(Error::Invalid("the payment details were not saved",
                                  {{"channel", "must be bank_transfer, mobile_money or cash"}}));
  }
  PaymentDetails d;
  d.channel = *channel;
  d.provider = TextField(*body, "provider");
  d.account = TextField(*body, "account");
  d.bic = TextField(*body, "bic");
  d.holder_name = TextField(*body, "holder_name");
  auto saved = PaymentDetailsService(context.db(), context.principal())
                   .Set(request.path_params.at("registrant"), d);
  if (!saved.ok()) return Problem(saved.error());
  return JsonResponse(200, PaymentDetailsToJson(*saved));
}

Response ListBatches(const Request& request, RequestContext& context) {
  auto id = PositivePathId(request, "id");
  if (!id) return Problem(404, "no cycle " + request.path_params.at("id"));
  auto list = BatchService(context.database(), context.principal()).List(*id);
  if (!list.ok()) return Problem(list.error());
  json::array items;
  for (const auto& b : *list) items.push_back(BatchToJson(b));
  return JsonResponse(200, json::object{{"items", std::move(items)},
                                        {"next", nullptr},
                                        {"total", static_cast<int64_t>(list->size())}});
}

// {"provider"?, "max_size"?, "reissue_failed"?}
Response CreateBatches(const Request& request, RequestContext& context) {
  auto id = PositivePathId(request, "id");
  if (!id) return Problem(404, "no cycle " + request.path_params.at("id"));
  BatchOptions options;
  if (!request.body.empty()) {
    auto body = JsonObjectBody(request);
    if (!body) return Problem(400, "the body must be a JSON object");
    options.provider = TextField(*body, "provider");
    if (const auto* max = body->if_contains("max_size")) {
      if (!max->is_int64() || max->as_int64() <= 0) {
        return Problem(
            Error::Invalid("no batch was made", {{"max_size", "must be a positive whole number"}}));
      }
      options.max_size = max->as_int64();
    }
    if (const auto* reissue = body->if_contains("reissue_failed")) {
      if (!reissue->is_bool()) {
        return Problem(
            Error::Invalid("no batch was made", {{"reissue_failed", "must be true or false"}}));
      }
      options.reissue_failed = reissue->as_bool();
    }
  }
  auto made = BatchService(context.database(), context.principal()).Create(*id, options);
  if (!made.ok()) return Problem(made.error());
  return JsonResponse(made->batches.empty() ? 200 : 201, BatchCreationToJson(*made));
}

Response Exceptions(const Request& request, RequestContext& context) {
  auto id = PositivePathId(request, "id");
  if (!id) return Problem(404, "no cycle " + request.path_params.at("id"));
  bool failed = request.Query("include_failed").value_or("") == "true";
  auto found = BatchService(context.database(), context.principal()).Exceptions(*id, failed);
  if (!found.ok()) return Problem(found.error());
  json::object body = BatchCreationToJson(*found);
  body.erase("batches");
  body.erase("payments");
  body.erase("total_minor");
  return JsonResponse(200, body);
}

Response GetBatch(const Request& request, RequestContext& context) {
  auto id = PositivePathId(request, "id");
  if (!id) return Problem(404, "no payment batch " + request.path_params.at("id"));
  auto batch = BatchService(context.database(), context.principal()).Get(*id);
  if (!batch.ok()) return Problem(batch.error());
  return JsonResponse(200, BatchToJson(*batch));
}

// Payments in id order: ?after=ID&limit=N.
Response BatchPayments(const Request& request, RequestContext& context) {
  auto id = PositivePathId(request, "id");
  if (!id) return Problem(404, "no payment batch " + request.path_params.at("id"));
  std::vector<FieldError> errors;
  int limit;
  ParseLimit(request, limit, errors);
  int64_t after = ParseAfter(request, "a payment id", errors);
  if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
  auto list = BatchService(context.database(), context.principal()).Payments(*id, after, limit);
  if (!list.ok()) return Problem(list.error());
  json::array items;
  for (const auto& p : *list) items.push_back(PaymentToJson(p));
  json::value next = nullptr;
  if (static_cast<int>(list->size()) == limit) next = std::to_string(list->back().id);
  return JsonResponse(200, json::object{{"items", std::move(items)}, {"next", next}});
}

// ?format=csv|pain.001: the file, the same bytes each time.
Response ExportBatch(const Request& request, RequestContext& context) {
  auto id = PositivePathId(request, "id");
  if (!id) return Problem(404, "no payment batch " + request.path_params.at("id"));
  auto format = ParseExportFormat(request.Query("format").value_or("csv"));
  if (!format) {
    return Problem(400, "invalid query parameters", {{"format", "must be csv or pain.001"}});
  }
  std::ostringstream out;
  auto summary = BatchService(context.database(), context.principal()).Export(*id, *format, out);
  if (!summary.ok()) return Problem(summary.error());
  bool csv = *format == ExportFormat::kCsv;
  Response response{
      200, csv ? "text/csv; charset=utf-8" : "application/xml; charset=utf-8", out.str(), {}};
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"batch-" +
                                                           std::to_string(*id) +
                                                           (csv ? ".csv" : "-pain.001.xml") + "\"");
  response.headers.emplace_back("X-Content-SHA256", summary->sha256);
  return response;
}

// multipart/form-data: file, format? (csv | pain.002; default from the name).
Response Reconcile(const Request& request, RequestContext& context) {
  auto parts = ParseMultipartForm(request.Header("content-type").value_or(""), request.body);
  if (!parts.ok()) return Problem(400, parts.error().message);
  const FormPart* file = nullptr;
  std::string format_text;
  for (const auto& part : *parts) {
    if (part.name == "file") file = &part;
    if (part.name == "format") format_text = std::string(Trim(part.data));
  }
  if (!file) return Problem(422, "the upload was not accepted", {{"file", "is required"}});
  std::string name = SafeFileName(file->filename);
  if (format_text.empty()) {
    format_text = ToLowerAscii(std::filesystem::path(name).extension().string()) == ".xml"
                      ? "pain.002"
                      : "csv";
  }
  auto format = ParseStatusFormat(format_text);
  if (!format) {
    return Problem(422, "the upload was not accepted", {{"format", "must be csv or pain.002"}});
  }
  unsigned char random[12];
  randombytes_buf(random, sizeof random);
  char hex[sizeof random * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, random, sizeof random);
  auto path = UploadDirectory() / (std::string("status-") + hex);
  {
    std::ofstream out(path, std::ios::binary);
    out.write(file->data.data(), static_cast<std::streamsize>(file->data.size()));
    if (!out) return Problem(503, "the upload could not be stored");
  }
  auto done = ReconciliationService(context.database(), context.principal())
                  .Reconcile(path.string(), *format, name);
  std::error_code ec;
  std::filesystem::remove(path, ec);
  if (!done.ok()) return Problem(done.error());
  Response response =
      JsonResponse(201, ReconciliationToJson(done->record, &done->problems, &done->ended_cycles));
  response.headers.emplace_back("Location",
                                "/api/v1/reconciliations/" + std::to_string(done->record.id));
  return response;
}

Response GetReconciliation(const Request& request, RequestContext& context) {
  auto id = PositivePathId(request, "id");
  if (!id) return Problem(404, "no reconciliation " + request.path_params.at("id"));
  auto record = ReconciliationService(context.database(), context.principal()).Get(*id);
  if (!record.ok()) return Problem(record.error());
  return JsonResponse(200, ReconciliationToJson(*record));
}

// The lines not applied, in file order: ?after=LINE&limit=N.
Response ReconciliationProblems(const Request& request, RequestContext& context) {
  auto id = PositivePathId(request, "id");
  if (!id) return Problem(404, "no reconciliation " + request.path_params.at("id"));
  std::vector<FieldError> errors;
  int limit;
  ParseLimit(request, limit, errors);
  int64_t after = ParseAfter(request, "a line number", errors);
  if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
  auto list =
      ReconciliationService(context.database(), context.principal()).Problems(*id, after, limit);
  if (!list.ok()) return Problem(list.error());
  json::array items;
  for (const auto& p : *list) {
    items.push_back({{"line", p.line}, {"end_to_end_id", p.end_to_end_id}, {"problem", p.problem}});
  }
  json::value next = nullptr;
  if (static_cast<int>(list->size()) == limit) next = std::to_string(list->back().line);
  return JsonResponse(200, json::object{{"items", std::move(items)}, {"next", next}});
}

}  // namespace

void AddPaymentRoutes(Router& router) {
  const Access read = Access::Need(Permission::kPaymentRead);
  const Access manage = Access::Need(Permission::kPaymentManage);
  router.Add({"GET", "/api/v1/registrants/{registrant}/payment-details",
              "A beneficiary's payment details (IND-... or GRP-...)", read, GetDetails});
  router.Add({"PUT", "/api/v1/registrants/{registrant}/payment-details",
              "Set a beneficiary's payment details {channel, provider, account, bic?, "
              "holder_name?}",
              manage, PutDetails});
  router.Add(
      {"GET", "/api/v1/cycles/{id}/batches", "A cycle's payment batches", read, ListBatches});
  router.Add({"POST", "/api/v1/cycles/{id}/batches",
              "Batch the cycle's unpaid approved entitlements per provider {provider?, "
              "max_size?, reissue_failed?}; lists the exceptions",
              manage, CreateBatches});
  router.Add({"GET", "/api/v1/cycles/{id}/payment-exceptions",
              "Entitlements that cannot be paid, and why (?include_failed=true)", read,
              Exceptions});
  router.Add({"GET", "/api/v1/batches/{id}", "One payment batch", read, GetBatch});
  router.Add({"GET", "/api/v1/batches/{id}/payments", "A batch's payments (?after=&limit=)", read,
              BatchPayments});
  router.Add({"GET", "/api/v1/batches/{id}/export",
              "The batch's payment file (?format=csv|pain.001), the same bytes each time", manage,
              ExportBatch});
  router.Add({"POST", "/api/v1/reconciliations",
              "Apply a provider's status file (multipart/form-data: file, format? csv|pain.002)",
              Access::Need(Permission::kReconciliationImport), Reconcile});
  router.Add({"GET", "/api/v1/reconciliations/{id}", "One reconciliation's counts", read,
              GetReconciliation});
  router.Add({"GET", "/api/v1/reconciliations/{id}/problems",
              "The lines a reconciliation did not apply, with why (?after=&limit=)", read,
              ReconciliationProblems});
}

}  // namespace spmis::http
