// `spmis serve`: the HTTP API with background job workers.
#include <cstdlib>
#include <iostream>

#include "audit/read_recorder.h"
#include "auth/user_service.h"
#include "cli/commands.h"
#include "cli/open_database.h"
#include "cycles/cycle_service.h"
#include "demo/demo_loader.h"
#include "http/api.h"
#include "http/server.h"
#include "importer/import_repository.h"
#include "importer/importer.h"
#include "programs/eligibility.h"
#include "store/index_suspension.h"

namespace spmis::cli {

int Serve(const ServeOptions& options) {
  auto database = OpenMigratedDatabase(options.database);
  if (!database) return kExitFailed;
  jobs::JobRunner runner(*database);
  demo::RegisterDemoJobs(runner);
  importer::RegisterImportJobs(runner);
  programs::RegisterEligibilityJobs(runner);
  cycles::RegisterCycleJobs(runner);
  try {
    int recovered = runner.RecoverInterrupted(std::chrono::seconds(60));
    if (recovered > 0) std::cerr << "recovered " << recovered << " interrupted job(s)\n";
    // Indexes an interrupted import left suspended are rebuilt when no import runs.
    auto connection = database->Acquire();
    if (!importer::ImportRepository(*connection).OtherImportRunning(std::nullopt)) {
      if (int restored = store::RestoreSuspendedIndexes(*connection); restored > 0) {
        std::cerr << "rebuilt " << restored << " index(es) an interrupted import had suspended\n";
      }
    }
  } catch (const store::DatabaseError& error) {
    std::cerr << "error: cannot recover jobs: " << error.what() << "\n";
    return kExitFailed;
  }
  {
    // The first start creates the administrator: with SPMIS_ADMIN_PASSWORD, or
    // a generated password shown this once.
    auto connection = database->Acquire();
    const char* given = std::getenv("SPMIS_ADMIN_PASSWORD");
    auto created = auth::UserService(*connection)
                       .EnsureInitialAdministrator(
                           given && *given ? std::optional<std::string>(given) : std::nullopt);
    if (!created.ok()) {
      std::cerr << "error: cannot create the first administrator: " << created.error().ToString()
                << "\n";
      return kExitFailed;
    }
    if (created->has_value()) {
      std::cerr << "created the administrator 'admin'"
                << (given && *given ? " with the password in SPMIS_ADMIN_PASSWORD"
                                    : " with the password " + **created + " (shown only now)")
                << "\n";
    }
  }
  http::Router router = http::BuildApiRouter();
  http::ServerOptions server_options;
  server_options.address = options.address;
  server_options.port = static_cast<uint16_t>(options.port);
  server_options.threads = options.threads;
  if (options.tls_certificate.empty() != options.tls_key.empty()) {
    std::cerr << "error: --tls-cert and --tls-key go together\n";
    return kExitRefused;
  }
  server_options.tls_certificate_file = options.tls_certificate;
  server_options.tls_key_file = options.tls_key;
  // Reads of personal data are entered in the audit trail in batches.
  audit::ReadRecorder reads(*database);
  std::optional<http::HttpServer> server;
  try {
    server.emplace(server_options, [&](http::Request& request) {
      http::RequestContext context(*database, runner, &reads);
      return router.Dispatch(request, context);
    });
    server->Listen();
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kExitFailed;
  }
  runner.Start(options.job_workers);
  std::cerr << "spmis serving " << (options.tls_key.empty() ? "http" : "https") << "://"
            << options.address << ":" << server->port() << " ("
            << (database->backend() == store::Backend::kSqlite ? "SQLite " : "PostgreSQL ")
            << database->location() << ")" << std::endl;
  server->Run(/*handle_signals=*/true);
  runner.Stop();
  std::cerr << "spmis stopped\n";
  return kExitOk;
}

}  // namespace spmis::cli
