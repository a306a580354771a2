// Crash safety of the money path: the spmis process is killed (SIGKILL) at
// random moments while it generates entitlements, makes payment batches and
// reconciles a status file; after each kill it runs again, and the
// invariants must hold: one entitlement per beneficiary, at most one live
// payment per entitlement, whole batches, nothing lost, totals balanced.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "auth/user_service.h"
#include "payments/payment.h"
#include "store/database.h"
#include "testing/process.h"

namespace spmis::payments {
namespace {

using spmis::testing::BackgroundProcess;
using spmis::testing::RunProcess;
using spmis::testing::SpmisBinary;

class PaymentFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("spmis-faults-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    db_path_ = (dir_ / "faults.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  testing::ProcessResult Spmis(std::vector<std::string> args) {
    args.insert(args.begin(), SpmisBinary());
    args.push_back("--database");
    args.push_back(db_path_);
    return RunProcess(args);
  }
  // Starts the command and kills it after a random delay, several times; the
  // command may also finish before its kill.
  void KillRepeatedly(std::vector<std::string> args, int times) {
    args.insert(args.begin(), SpmisBinary());
    args.push_back("--database");
    args.push_back(db_path_);
    std::uniform_int_distribution<int> delay_ms(5, 120);
    for (int i = 0; i < times; ++i) {
      BackgroundProcess process(args, (dir_ / "stderr.txt").string());
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms(random_)));
      process.Kill(SIGKILL);
      process.Wait();
    }
  }
  int64_t Count(const std::string& sql) {
    auto database = store::Database::Open(db_path_);
    auto connection = database->Acquire();
    auto query = connection->Prepare(sql);
    query->Step();
    int64_t value = query->Int(0);
    query->Reset();
    return value;
  }

  std::filesystem::path dir_;
  std::string db_path_;
  std::mt19937 random_{20261123};  // the same kill points on every run
};

TEST_F(PaymentFaultsTest, KillsDuringGenerationBatchingAndReconciliationLoseAndDoubleNothing) {
  ASSERT_EQ(Spmis({"demo", "load", "--households", "6000"}).exit_code, 0);
  {
    auto database = store::Database::Open(db_path_);
    auto connection = database->Acquire();
    auth::UserService users(*connection);
    for (auto [name, role] :
         {std::pair{"fiona", Role::kFinanceOfficer}, std::pair{"mark", Role::kProgramManager},
          std::pair{"mary", Role::kProgramManager}}) {
      ASSERT_TRUE(
          users.Create(Principal::System(), {name, "a long pass phrase", role, {}, {}}).ok());
    }
  }
  ASSERT_EQ(
      Spmis({"program", "update", "CHILD-GRANT", "--funding-account", "GB82WEST12345698765432"})
          .exit_code,
      0);
  // The cycle starts today: its beneficiaries are those enrolled by the end
  // of its first day, and they are enrolled now.
  const Date start = Date::Today();
  const Date end = start.AddMonths(1).AddDays(-1);
  ASSERT_EQ(Spmis({"eligibility", "run", "CHILD-GRANT", "--as-of", start.ToString()}).exit_code, 0);
  auto created = Spmis(
      {"cycle", "create", "CHILD-GRANT", "--start", start.ToString(), "--end", end.ToString()});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  std::string cycle = created.out.substr(0, created.out.find('\n'));
  const std::string in_cycle = " WHERE cycle_id = " + cycle;

  // Generation.
  KillRepeatedly({"cycle", "generate", cycle, "--user", "fiona"}, 6);
  auto generated = Spmis({"cycle", "generate", cycle, "--user", "fiona"});
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  auto summary = boost::json::parse(generated.out).as_object();
  int64_t beneficiaries = summary.at("beneficiaries").as_int64();
  ASSERT_GT(beneficiaries, 1000);
  EXPECT_EQ(summary.at("created").as_int64() + summary.at("existing").as_int64() +
                summary.at("nothing_due").as_int64(),
            beneficiaries);
  int64_t entitlements = Count("SELECT COUNT(*) FROM entitlements" + in_cycle);
  EXPECT_EQ(entitlements, beneficiaries - summary.at("nothing_due").as_int64());
  EXPECT_EQ(Count("SELECT COUNT(DISTINCT registrant_id) FROM entitlements" + in_cycle),
            entitlements);
  ASSERT_EQ(Spmis({"cycle", "submit", cycle, "--user", "fiona"}).exit_code, 0);
  // The demo programs need a second approver above 1,000,000.00 KES.
  ASSERT_EQ(Spmis({"cycle", "approve", cycle, "--user", "mark"}).exit_code, 0);
  auto state = Spmis({"cycle", "show", cycle, "--json"});
  if (boost::json::parse(state.out).at("state").as_string() == "to_approve") {
    auto second = Spmis({"cycle", "approve", cycle, "--user", "mary"});
    ASSERT_EQ(second.exit_code, 0) << second.err;
  }

  // Batches: whole or absent, one live payment per entitlement at most.
  KillRepeatedly({"payment", "batch", cycle, "--max-size", "97", "--user", "fiona"}, 6);
  auto batched = Spmis({"payment", "batch", cycle, "--max-size", "97", "--user", "fiona"});
  ASSERT_EQ(batched.exit_code, 0) << batched.err;
  auto exceptions = Spmis({"payment", "exceptions", cycle});
  ASSERT_EQ(exceptions.exit_code, 0);
  int64_t exception_count = boost::json::parse(exceptions.out).at("exceptions").as_int64();
  int64_t payments = Count("SELECT COUNT(*) FROM payments" + in_cycle);
  EXPECT_EQ(payments + exception_count, entitlements);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM (SELECT entitlement_id FROM payments GROUP BY "
                  "entitlement_id HAVING COUNT(*) > 1) AS twice"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_batches b WHERE b.cycle_id = " + cycle +
                  " AND (b.payments <> (SELECT COUNT(*) FROM payments p WHERE p.batch_id = b.id) "
                  "OR b.total_minor <> (SELECT COALESCE(SUM(amount_minor), 0) FROM payments p "
                  "WHERE p.batch_id = b.id))"),
            0);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_batches WHERE cycle_id = " + cycle +
                  " AND payments > 97"),
            0);

  // A status file for every payment: most paid, every seventh failed.
  std::string status_path = (dir_ / "status.csv").string();
  int64_t paid_lines = 0, failed_lines = 0;
  {
    auto database = store::Database::Open(db_path_);
    auto connection = database->Acquire();
    auto query =
        connection->Prepare("SELECT cycle_id, entitlement_id, attempt, amount_minor FROM payments" +
                            in_cycle + " ORDER BY id");
    std::ofstream status(status_path);
    status << "end_to_end_id,status,amount,reason\n";
    int64_t n = 0;
    while (query->Step()) {
      int64_t minor = query->Int(3);
      std::string amount = std::to_string(minor / 100) + "." + (minor % 100 < 10 ? "0" : "") +
                           std::to_string(minor % 100);
      bool failed = ++n % 7 == 0;
      (failed ? failed_lines : paid_lines)++;
      status << EndToEndId(query->Int(0), query->Int(1), static_cast<int>(query->Int(2))) << ","
             << (failed ? "failed" : "paid") << "," << amount << ","
             << (failed ? "AC04 account closed" : "") << "\n";
    }
  }
  KillRepeatedly({"payment", "reconcile", status_path, "--user", "fiona"}, 6);
  auto reconciled = Spmis({"payment", "reconcile", status_path, "--user", "fiona"});
  ASSERT_EQ(reconciled.exit_code, 0) << reconciled.err;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payments" + in_cycle + " AND state = 'paid'"), paid_lines);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payments" + in_cycle + " AND state = 'failed'"),
            failed_lines);
  EXPECT_EQ(Count("SELECT COUNT(*) FROM entitlements" + in_cycle + " AND state = 'paid'"),
            paid_lines);
  // Each payment changed state once, however often the file was applied.
  EXPECT_EQ(Count("SELECT COUNT(*) FROM payment_events"), paid_lines + failed_lines);
  auto shown = Spmis({"cycle", "show", cycle, "--json"});
  ASSERT_EQ(shown.exit_code, 0) << shown.out;
  auto totals = boost::json::parse(shown.out).at("totals");
  EXPECT_TRUE(totals.at("balanced").as_bool());
  EXPECT_EQ(totals.at("approved").as_int64(),
            Count("SELECT SUM(amount_minor) FROM entitlements" + in_cycle));
  EXPECT_EQ(totals.at("paid").as_int64() + totals.at("failed").as_int64(),
            Count("SELECT SUM(amount_minor) FROM payments" + in_cycle));
}

}  // namespace
}  // namespace spmis::payments
