#include <gtest/gtest.h>

#include <map>

#include "demo/demo_loader.h"
#include "demo/population.h"
#include "registry/group_service.h"
#include "registry/individual_service.h"
#include "testing/test_database.h"

namespace spmis::demo {
namespace {

TEST(PopulationTest, SameSeedSamePeopleAndPlausibleShape) {
  PopulationGenerator a(7), b(7), c(8);
  EXPECT_EQ(a.areas().size(), 111u);  // 1 country, 10 regions, 100 districts
  int64_t people = 0, disabled = 0;
  std::map<size_t, int> sizes;
  bool differs = false;
  for (int i = 0; i < 5000; ++i) {
    DemoHousehold ha = a.NextHousehold(), hb = b.NextHousehold(), hc = c.NextHousehold();
    ASSERT_EQ(ha.members.size(), hb.members.size());
    for (size_t k = 0; k < ha.members.size(); ++k) {
      EXPECT_EQ(ha.members[k].given_name, hb.members[k].given_name);
      EXPECT_EQ(ha.members[k].birth_date, hb.members[k].birth_date);
    }
    if (ha.members.size() != hc.members.size() || ha.area_code != hc.area_code) differs = true;
    ASSERT_GE(ha.members.size(), 1u);
    ASSERT_LE(ha.members.size(), 12u);
    EXPECT_EQ(ha.members[0].role, "head");
    sizes[ha.members.size()]++;
    people += static_cast<int64_t>(ha.members.size());
    for (const auto& m : ha.members) disabled += m.disability;
  }
  EXPECT_TRUE(differs);
  double mean = static_cast<double>(people) / 5000;
  EXPECT_GT(mean, 4.0);
  EXPECT_LT(mean, 5.0);
  double disability_rate = static_cast<double>(disabled) / static_cast<double>(people);
  EXPECT_GT(disability_rate, 0.03);
  EXPECT_LT(disability_rate, 0.05);
  EXPECT_GT(sizes[1], 0);
  EXPECT_GT(sizes[10] + sizes[11] + sizes[12], 0);
}

using DemoLoadTest = spmis::testing::BackendTest;

TEST_P(DemoLoadTest, LoadsAConsistentRegistryOnceAsAJob) {
  jobs::JobRunner runner(db());
  RegisterDemoJobs(runner);
  auto job = runner.RunNow(kDemoLoadJob, DemoLoadParameters({200, 99}), Actor{"admin", ""});
  ASSERT_TRUE(job.ok()) << job.error().ToString();
  ASSERT_EQ(job->state, jobs::JobState::kSucceeded) << job->error.value_or("");
  EXPECT_EQ(job->progress_done, 200);

  auto connection = db().Acquire();
  auto counts = connection->Prepare(
      "SELECT (SELECT COUNT(*) FROM registry_groups), (SELECT COUNT(*) FROM individuals), "
      "(SELECT COUNT(*) FROM group_memberships), (SELECT COUNT(*) FROM areas), "
      "(SELECT COUNT(*) FROM registry_groups g WHERE NOT EXISTS (SELECT 1 FROM group_memberships m "
      "  WHERE m.group_id = g.id AND m.role = 'head'))");
  ASSERT_TRUE(counts->Step());
  EXPECT_EQ(counts->Int(0), 200);
  EXPECT_EQ(counts->Int(1), counts->Int(2));  // everyone is in one household
  EXPECT_EQ(counts->Int(3), 111);
  EXPECT_EQ(counts->Int(4), 0);  // every household has a head

  registry::GroupService groups(*connection, Principal::System());
  auto first = groups.Get(1);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->head_id.has_value());
  EXPECT_TRUE(first->custom.contains("income"));

  // Loading again changes nothing.
  auto again = runner.RunNow(kDemoLoadJob, DemoLoadParameters({200, 99}), Actor{"admin", ""});
  ASSERT_EQ(again->state, jobs::JobState::kSucceeded);
  EXPECT_NE(again->result->find("skipped"), std::string::npos);
  registry::IndividualService people(*connection, Principal::System());
  EXPECT_EQ(people.List({})->total, counts->Int(1));
}

TEST(DemoParametersTest, RefusesNonsense) {
  EXPECT_FALSE(ParseDemoLoadParameters(R"({"households":0})").ok());
  EXPECT_FALSE(ParseDemoLoadParameters(R"({"households":"ten"})").ok());
  EXPECT_FALSE(ParseDemoLoadParameters("[1]").ok());
  EXPECT_EQ(ParseDemoLoadParameters(R"({"households":5,"seed":3})")->households, 5);
}

INSTANTIATE_BACKEND_TESTS(DemoLoadTest);

}  // namespace
}  // namespace spmis::demo
