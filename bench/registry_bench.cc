// Registry reads on the demo population: one individual by registrant ID (the
// API's profile view) and one filtered page of the list. The database is
// SQLite in a temporary file, or PostgreSQL when SPMIS_BENCH_DATABASE names one
// (it must be empty: the benchmark loads the demo population into it).
//   build/bench/registry_bench [--benchmark_filter=...]
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

#include "demo/demo_loader.h"
#include "registry/individual_service.h"
#include "store/migrations.h"

namespace {

using namespace spmis;

constexpr int64_t kHouseholds = 20000;

struct Fixture {
  std::string path;
  std::unique_ptr<store::Database> database;
  int64_t individuals = 0;

  Fixture() {
    const char* url = std::getenv("SPMIS_BENCH_DATABASE");
    if (url != nullptr && *url != '\0') {
      database = store::Database::Open(url);
    } else {
      path = (std::filesystem::temp_directory_path() / "spmis_registry_bench.db").string();
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
      database = store::Database::Open(path);
    }
    (void)store::ApplyMigrations(*database->Acquire());
    jobs::JobRunner runner(*database);
    demo::RegisterDemoJobs(runner);
    (void)runner.RunNow(demo::kDemoLoadJob,
                        demo::DemoLoadParameters({kHouseholds, 1, std::nullopt}), Actor::System());
    auto connection = database->Acquire();
    auto count = connection->Prepare("SELECT COUNT(*) FROM individuals");
    count->Step();
    individuals = count->Int(0);
  }
  ~Fixture() {
    database.reset();
    if (!path.empty()) {
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    }
  }
};

Fixture& Shared() {
  static Fixture fixture;
  return fixture;
}

void BM_GetIndividualById(benchmark::State& state) {
  auto& fixture = Shared();
  auto connection = fixture.database->Acquire();
  registry::IndividualService service(*connection, Principal::System());
  int64_t id = 1;
  for (auto _ : state) {
    auto person = service.Get(id);
    benchmark::DoNotOptimize(person);
    id = id % fixture.individuals + 1;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_GetIndividualById);

void BM_ListIndividualsInRegion(benchmark::State& state) {
  auto& fixture = Shared();
  auto connection = fixture.database->Acquire();
  registry::IndividualService service(*connection, Principal::System());
  registry::IndividualQuery query;
  query.area_code = "DM-03";
  query.sort = registry::IndividualSort::kFamilyName;
  query.limit = 50;
  for (auto _ : state) {
    auto page = service.List(query);
    benchmark::DoNotOptimize(page);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ListIndividualsInRegion)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
