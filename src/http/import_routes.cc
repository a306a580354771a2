// Import routes: upload a file to import (a background job), follow the
// import history, download an import's error report.
#include <sodium.h>

#include <boost/json.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/page.h"
#include "core/text.h"
#include "http/api.h"
#include "http/json_codec.h"
#include "http/multipart.h"
#include "http/problem.h"
#include "importer/import_repository.h"
#include "importer/importer.h"

namespace spmis::http {
namespace {

Response Upload(const Request& request, RequestContext& context) {
  auto parts = ParseMultipartForm(request.Header("content-type").value_or(""), request.body);
  if (!parts.ok()) return Problem(400, parts.error().message);
  const FormPart* file = nullptr;
  std::string kind_text, mapping_json;
  for (const auto& part : *parts) {
    if (part.name == "file") file = &part;
    if (part.name == "kind") kind_text = std::string(Trim(part.data));
    if (part.name == "mapping") mapping_json = part.data;
  }
  std::vector<FieldError> errors;
  auto kind = importer::ParseImportKind(kind_text);
  if (!kind) errors.push_back({"kind", "must be areas, individuals, groups or memberships"});
  if (!file) errors.push_back({"file", "is required (a CSV or XLSX file)"});
  if (!mapping_json.empty()) {
    auto mapping = importer::ParseColumnMapping(mapping_json);
    if (!mapping.ok()) errors.push_back({"mapping", mapping.error().message});
  }
  if (!errors.empty()) return Problem(422, "the upload was not accepted", errors);

  importer::ImportRequest import;
  import.kind = *kind;
  import.file_name = SafeFileName(file->filename);
  std::string extension =
      ToLowerAscii(std::filesystem::path(import.file_name).extension().string());
  if (extension != ".csv" && extension != ".xlsx") extension = ".upload";
  unsigned char random[12];
  randombytes_buf(random, sizeof random);
  char hex[sizeof random * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, random, sizeof random);
  auto path = UploadDirectory() / (std::string("import-") + hex + extension);
  {
    std::ofstream out(path, std::ios::binary);
    out.write(file->data.data(), static_cast<std::streamsize>(file->data.size()));
    if (!out) return Problem(503, "the upload could not be stored");
  }
  import.path = path.string();
  auto job =
      context.jobs().Submit(importer::kImportJob,
                            importer::ImportJobParameters(
                                import, mapping_json, /*delete_file=*/true, context.principal()),
                            context.actor());
  if (!job.ok()) {
    std::filesystem::remove(path);
    return Problem(job.error());
  }
  return JobAccepted(*job);
}

Response ListImports(const Request& request, RequestContext& context) {
  std::vector<FieldError> errors;
  int limit;
  ParseLimit(request, limit, errors);
  int64_t before = ParseNewestFirstCursor(request, errors);
  if (!errors.empty()) return Problem(400, "invalid query parameters", errors);
  importer::ImportRepository repository(context.db());
  auto items = repository.List(limit + 1, before);
  auto next = NewestFirstNext(items, limit);
  return JsonResponse(200, PageToJson(items, next, repository.Count()));
}

Response GetImport(const Request& request, RequestContext& context) {
  auto id = PositivePathId(request, "id");
  auto record = id ? importer::ImportRepository(context.db()).Find(*id) : std::nullopt;
  if (!record) return Problem(404, "no import " + request.path_params.at("id"));
  return JsonResponse(200, ToJson(*record));
}

Response ImportErrors(const Request& request, RequestContext& context) {
  auto id = PositivePathId(request, "id");
  importer::ImportRepository repository(context.db());
  auto record = id ? repository.Find(*id) : std::nullopt;
  if (!record) return Problem(404, "no import " + request.path_params.at("id"));
  auto report = repository.ErrorReport(*id);
  if (!report)
    return Problem(404,
                   "import " + std::to_string(*id) + " has no error report (no row was refused)");
  Response response{200, "text/csv; charset=utf-8", std::move(*report), {}};
  response.headers.emplace_back("Content-Disposition", "attachment; filename=\"import-" +
                                                           std::to_string(*id) + "-errors.csv\"");
  return response;
}

}  // namespace

void AddImportRoutes(Router& router) {
  router.Add({"POST", "/api/v1/imports",
              "Upload a CSV or XLSX file to import (multipart/form-data: kind, file, mapping?); "
              "answers 202 with the job",
              Access::Need(Permission::kImportRun), Upload});
  router.Add({"GET", "/api/v1/imports", "Import history, newest first",
              Access::Need(Permission::kRegistryRead), ListImports});
  router.Add({"GET", "/api/v1/imports/{id}", "One import: file, checksum, counts, state",
              Access::Need(Permission::kRegistryRead), GetImport});
  router.Add({"GET", "/api/v1/imports/{id}/errors", "The error report of an import (CSV)",
              Access::Need(Permission::kRegistryRead), ImportErrors});
}

}  // namespace spmis::http
