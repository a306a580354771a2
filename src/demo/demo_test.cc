#include <gtest/gtest.h>

#include <map>

#include "core/registrant_id.h"
#include "demo/demo_loader.h"
#include "demo/demo_programs.h"
#include "demo/population.h"
#include "programs/eligibility.h"
#include "programs/program_service.h"
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
  auto job =
      runner.RunNow(kDemoLoadJob, DemoLoadParameters({200, 99, std::nullopt}), Actor{"admin", ""});
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
  EXPECT_EQ(counts->Int(0), 200 + 12);        // and the personas' households
  EXPECT_EQ(counts->Int(1), counts->Int(2));  // everyone is in one household
  EXPECT_EQ(counts->Int(3), 111);
  EXPECT_EQ(counts->Int(4), 0);  // every household has a head

  registry::GroupService groups(*connection, Principal::System());
  auto first = groups.Get(1);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(first->head_id.has_value());
  EXPECT_TRUE(first->custom.contains("income"));
  auto programs = programs::ProgramService(*connection, Principal::System()).List();
  ASSERT_TRUE(programs.ok());
  EXPECT_EQ(programs->size(), 6u);

  // Loading again changes nothing.
  auto again =
      runner.RunNow(kDemoLoadJob, DemoLoadParameters({200, 99, std::nullopt}), Actor{"admin", ""});
  ASSERT_EQ(again->state, jobs::JobState::kSucceeded);
  EXPECT_NE(again->result->find("skipped"), std::string::npos);
  registry::IndividualService people(*connection, Principal::System());
  EXPECT_EQ(people.List({})->total, counts->Int(1));
}

// Each persona qualifies for exactly the programs its story says, on the
// date it was built around, and for none of the others; also the edge cases
// (five today, a day short of sixty, land and income exactly at the line).
TEST_P(DemoLoadTest, EachPersonaQualifiesForExactlyWhatItsStorySays) {
  const Date as_of = *Date::Parse("2027-03-01");
  jobs::JobRunner runner(db());
  RegisterDemoJobs(runner);
  auto job = runner.RunNow(kDemoLoadJob, DemoLoadParameters({30, 3, as_of}), Actor{"admin", ""});
  ASSERT_TRUE(job.ok());
  ASSERT_EQ(job->state, jobs::JobState::kSucceeded) << job->error.value_or("");
  auto connection = db().Acquire();
  auto id_of = [&](const char* table, const std::string& external_id) {
    auto q =
        connection->Prepare(std::string("SELECT id FROM ") + table + " WHERE external_id = $1");
    q->Bind(1, external_id);
    EXPECT_TRUE(q->Step()) << external_id;
    int64_t id = q->Int(0);
    q->Reset();
    return id;
  };
  programs::Eligibility eligibility(db(), Principal::System());
  auto personas = DemoPersonas(as_of);
  ASSERT_EQ(personas.size(), 12u);
  int qualifying = 0, none = 0;
  for (const Persona& persona : personas) {
    SCOPED_TRACE(persona.external_id + ": " + persona.story);
    std::set<std::string> qualifies;
    for (const programs::Program& program : DemoPrograms()) {
      std::vector<std::string> registrants;
      if (program.target == programs::ProgramTarget::kGroups) {
        registrants.push_back(
            RegistrantId{RegistrantKind::kGroup, id_of("registry_groups", persona.external_id)}
                .ToString());
      } else {
        for (size_t i = 0; i < persona.members.size(); ++i) {
          registrants.push_back(
              RegistrantId{RegistrantKind::kIndividual,
                           id_of("individuals", persona.external_id + "-" + std::to_string(i + 1))}
                  .ToString());
        }
      }
      for (const auto& registrant : registrants) {
        auto explained = eligibility.Explain(program.code, registrant, as_of);
        ASSERT_TRUE(explained.ok()) << explained.error().ToString();
        EXPECT_EQ(explained->result.rfind("error", 0), std::string::npos) << explained->result;
        if (explained->eligible) qualifies.insert(program.code);
      }
    }
    EXPECT_EQ(qualifies, persona.qualifies);
    (persona.qualifies.empty() ? none : qualifying)++;
  }
  EXPECT_EQ(qualifying, 8);
  EXPECT_EQ(none, 4);
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
