#include <gtest/gtest.h>

#include "audit/audit_log.h"
#include "registry/area_service.h"
#include "registry/configuration_service.h"
#include "registry/group_service.h"
#include "registry/individual_service.h"
#include "testing/test_database.h"

namespace spmis::registry {
namespace {

class RegistryTest : public spmis::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    connection_.emplace(db().Acquire());
    AreaService areas(conn(), actor_);
    ASSERT_TRUE(areas.Create(MakeArea("KE", "Kenya", "")).ok());
    ASSERT_TRUE(areas.Create(MakeArea("KE-NBO", "Nairobi", "KE")).ok());
    ASSERT_TRUE(areas.Create(MakeArea("KE-NBO-1", "Westlands", "KE-NBO")).ok());
    ASSERT_TRUE(areas.Create(MakeArea("KE-MSA", "Mombasa", "KE")).ok());
  }
  void TearDown() override {
    connection_.reset();
    BackendTest::TearDown();
  }
  store::Connection& conn() { return **connection_; }

  static Area MakeArea(std::string code, std::string name, std::string parent) {
    Area area;
    area.code = std::move(code);
    area.name = std::move(name);
    area.parent_code = std::move(parent);
    return area;
  }
  static Individual Person(std::string given, std::string family, std::string area_code = "") {
    Individual p;
    p.given_name = std::move(given);
    p.family_name = std::move(family);
    p.sex = Sex::kFemale;
    p.birth_date = Date::Parse("1985-03-04");
    p.area_code = std::move(area_code);
    return p;
  }
  Individual MustCreate(Individual p) {
    auto created = IndividualService(conn(), actor_).Create(std::move(p));
    EXPECT_TRUE(created.ok()) << (created.ok() ? "" : created.error().ToString());
    return created.ok() ? created.value() : Individual{};
  }
  static bool HasField(const Error& error, std::string_view field) {
    for (const auto& f : error.fields) {
      if (f.field == field) return true;
    }
    return false;
  }

  Principal actor_ = Principal::SystemAs(Actor{"registrar.amina", "req-1"});
  std::optional<store::PooledConnection> connection_;
};

TEST_P(RegistryTest, AreaHierarchyHasLevelsAndPaths) {
  AreaService areas(conn(), actor_);
  auto westlands = areas.GetByCode("KE-NBO-1");
  ASSERT_TRUE(westlands.ok());
  EXPECT_EQ(westlands->level, 2);
  EXPECT_EQ(westlands->parent_code, "KE-NBO");
  auto children = areas.List("KE", 10, "");
  ASSERT_TRUE(children.ok());
  EXPECT_EQ(children->total, 2);
  auto duplicate = areas.Create(MakeArea("KE-MSA", "Again", "KE"));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
  auto orphan = areas.Create(MakeArea("XX-1", "Nowhere", "XX"));
  ASSERT_FALSE(orphan.ok());
  EXPECT_TRUE(HasField(orphan.error(), "parent_code"));
}

TEST_P(RegistryTest, AreaBoundaryMustBeAPolygon) {
  AreaService areas(conn(), actor_);
  Area area = MakeArea("KE-KSM", "Kisumu", "KE");
  area.boundary_geojson = R"({"type":"Point","coordinates":[1,2]})";
  auto refused = areas.Create(area);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(HasField(refused.error(), "boundary"));
  area.boundary_geojson = R"({"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]})";
  auto accepted = areas.Create(area);
  ASSERT_TRUE(accepted.ok()) << accepted.error().ToString();
  EXPECT_TRUE(accepted->boundary_geojson.has_value());
}

TEST_P(RegistryTest, CreatesAndReadsAnIndividualWithEveryField) {
  Individual p = Person("Amina", "Odhiambo", "KE-NBO-1");
  p.other_names = "Wanjiru";
  p.phone = "+254 (712) 345-678";
  p.email = "amina@example.org";
  p.address = "Plot 4, Waiyaki Way";
  p.location = GeoPoint{-1.2676, 36.8108};
  p.disability = true;
  p.documents = {{"national_id", "12345678", "Government of Kenya", Date::Parse("2030-01-01")}};
  Individual created = MustCreate(p);
  ASSERT_GT(created.id, 0);
  EXPECT_EQ(created.registrant_id(),
            (RegistrantId{RegistrantKind::kIndividual, created.id}.ToString()));
  EXPECT_EQ(created.phone, "+254712345678");  // normalised
  EXPECT_EQ(created.area_code, "KE-NBO-1");
  EXPECT_EQ(created.version, 1);
  EXPECT_EQ(created.national_id(), "12345678");
  ASSERT_EQ(created.documents.size(), 1u);
  EXPECT_EQ(created.documents[0].expiry->ToString(), "2030-01-01");
  EXPECT_TRUE(created.disability);
  EXPECT_DOUBLE_EQ(created.location->latitude, -1.2676);

  auto fetched = IndividualService(conn(), actor_).GetByRegistrantId(created.registrant_id());
  ASSERT_TRUE(fetched.ok());
  EXPECT_EQ(fetched->full_name(), "Amina Wanjiru Odhiambo");
  auto history = IndividualService(conn(), actor_).History(created.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].action, "created");
  EXPECT_EQ((*history)[0].actor, "registrar.amina");
}

TEST_P(RegistryTest, RefusesBadFieldsNamingEachAndWritesNothing) {
  Individual p = Person("", "");
  p.birth_date = Date::Today().AddDays(3);
  p.phone = "call me";
  p.email = "not-an-email";
  p.location = GeoPoint{123, 0};
  p.area_code = "NOPE";
  p.documents = {{"national_id", "#!", "", std::nullopt}};
  auto result = IndividualService(conn(), actor_).Create(p);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  for (const char* field : {"given_name", "birth_date", "phone", "email", "location.latitude",
                            "area_code", "documents[0].number"}) {
    EXPECT_TRUE(HasField(result.error(), field)) << field << " in " << result.error().ToString();
  }
  auto page = IndividualService(conn(), actor_).List({});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 0);
}

TEST_P(RegistryTest, NationalIdIsUnique) {
  Individual first = Person("Amina", "Odhiambo");
  first.documents = {{"national_id", "NID-001", "", std::nullopt}};
  MustCreate(first);
  Individual second = Person("Baraka", "Otieno");
  second.documents = {{"national_id", "NID-001", "", std::nullopt}};
  auto result = IndividualService(conn(), actor_).Create(second);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kConflict);
  EXPECT_NE(result.error().ToString().find("already held by IND-"), std::string::npos);
}

TEST_P(RegistryTest, CustomFieldsAreTypedAndChecked) {
  ConfigurationService configuration(conn(), actor_);
  ASSERT_TRUE(configuration
                  .DeclareCustomField({RegistrantKind::kIndividual,
                                       "school_grade",
                                       "School grade",
                                       CustomFieldType::kInteger,
                                       {},
                                       false})
                  .ok());
  ASSERT_TRUE(configuration
                  .DeclareCustomField({RegistrantKind::kIndividual,
                                       "marital_status",
                                       "Marital status",
                                       CustomFieldType::kChoice,
                                       {"single", "married"},
                                       false})
                  .ok());
  Individual p = Person("Amina", "Odhiambo");
  p.custom["school_grade"] = std::string("seven");
  p.custom["marital_status"] = std::string("divorced");
  p.custom["shoe_size"] = int64_t{40};
  auto refused = IndividualService(conn(), actor_).Create(p);
  ASSERT_FALSE(refused.ok());
  EXPECT_TRUE(HasField(refused.error(), "custom.school_grade"));
  EXPECT_TRUE(HasField(refused.error(), "custom.marital_status"));
  EXPECT_TRUE(HasField(refused.error(), "custom.shoe_size"));

  p.custom = {{"school_grade", int64_t{7}}, {"marital_status", std::string("married")}};
  Individual created = MustCreate(p);
  EXPECT_EQ(std::get<int64_t>(created.custom.at("school_grade")), 7);
  EXPECT_EQ(std::get<std::string>(created.custom.at("marital_status")), "married");
}

TEST_P(RegistryTest, UpdateRecordsFieldHistoryAndRefusesStaleVersions) {
  IndividualService service(conn(), actor_);
  Individual created = MustCreate(Person("Amina", "Odhiambo", "KE-NBO-1"));
  Individual changed = created;
  changed.family_name = "Otieno";
  changed.area_code = "KE-MSA";
  IndividualService clerk(conn(), Principal::SystemAs(Actor{"registrar.baraka", "req-2"}));
  auto updated = clerk.Update(changed, created.version);
  ASSERT_TRUE(updated.ok()) << updated.error().ToString();
  EXPECT_EQ(updated->version, 2);
  EXPECT_EQ(updated->family_name, "Otieno");
  EXPECT_EQ(updated->area_code, "KE-MSA");

  auto history = service.History(created.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 3u);  // created + two fields
  std::map<std::string, HistoryEntry> by_field;
  for (const auto& e : *history) by_field[e.field] = e;
  EXPECT_EQ(by_field["family_name"].old_value, "Odhiambo");
  EXPECT_EQ(by_field["family_name"].new_value, "Otieno");
  EXPECT_EQ(by_field["family_name"].actor, "registrar.baraka");
  EXPECT_EQ(by_field["area_code"].old_value, "KE-NBO-1");

  changed.given_name = "Stale";
  auto stale = clerk.Update(changed, created.version);
  ASSERT_FALSE(stale.ok());
  EXPECT_EQ(stale.error().code, ErrorCode::kFailedPrecondition);
  EXPECT_EQ(service.Get(created.id)->given_name, "Amina");
}

TEST_P(RegistryTest, EveryWriteIsInTheAuditTrailWithBeforeAndAfter) {
  IndividualService service(conn(), actor_);
  Individual created = MustCreate(Person("Amina", "Odhiambo", "KE-NBO-1"));
  Individual changed = created;
  changed.family_name = "Otieno";
  ASSERT_TRUE(IndividualService(conn(), Principal::SystemAs(Actor{"registrar.baraka", "req-7"}))
                  .Update(changed, created.version)
                  .ok());
  Individual refused = changed;
  refused.birth_date = Date::FromYmd(2999, 1, 1);  // in the future: refused, not audited
  EXPECT_FALSE(IndividualService(conn(), Principal::SystemAs(Actor{"registrar.baraka", "req-8"}))
                   .Update(refused, 2)
                   .ok());

  audit::AuditQuery query;
  query.entity_type = "individual";
  query.entity_id = created.registrant_id();
  auto entries = audit::AuditLog(conn()).Find(query);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "create");
  EXPECT_NE(entries[0].after->find("\"family_name\":\"Odhiambo\""), std::string::npos);
  EXPECT_EQ(entries[1].action, "update");
  EXPECT_EQ(entries[1].actor, "registrar.baraka");
  EXPECT_EQ(entries[1].request_id, "req-7");
  EXPECT_EQ(*entries[1].before, "{\"family_name\":\"Odhiambo\"}");
  EXPECT_EQ(*entries[1].after, "{\"family_name\":\"Otieno\"}");
  // The areas made in SetUp are there too, and the chain is whole.
  query.entity_type = "area";
  query.entity_id.reset();
  EXPECT_EQ(audit::AuditLog(conn()).Find(query).size(), 4u);
  EXPECT_TRUE(audit::AuditLog(conn()).Verify().ok());
}

TEST_P(RegistryTest, ListFiltersByNameAreaTreeBirthDateAndStatus) {
  MustCreate(Person("Amina", "Odhiambo", "KE-NBO-1"));
  Individual b = Person("Baraka", "Otieno", "KE-NBO");
  b.birth_date = Date::Parse("2015-06-01");
  MustCreate(b);
  Individual c = Person("Chebet", "Kamau", "KE-MSA");
  c.status = IndividualStatus::kDeceased;
  MustCreate(c);
  IndividualService service(conn(), actor_);

  IndividualQuery in_nairobi;
  in_nairobi.area_code = "KE-NBO";  // includes its sub-area KE-NBO-1
  EXPECT_EQ(service.List(in_nairobi)->total, 2);
  IndividualQuery by_name;
  by_name.name = "OTIE";
  auto named = service.List(by_name);
  ASSERT_EQ(named->items.size(), 1u);
  EXPECT_EQ(named->items[0].given_name, "Baraka");
  IndividualQuery children;
  children.born_from = Date::Parse("2010-01-01");
  EXPECT_EQ(service.List(children)->total, 1);
  IndividualQuery deceased;
  deceased.status = IndividualStatus::kDeceased;
  EXPECT_EQ(service.List(deceased)->items.at(0).given_name, "Chebet");
  IndividualQuery injection;
  injection.name = "' OR 1=1 --";
  EXPECT_EQ(service.List(injection)->total, 0);
  IndividualQuery wildcard;
  wildcard.name = "%";
  EXPECT_EQ(service.List(wildcard)->total, 0);
  IndividualQuery unknown_area;
  unknown_area.area_code = "NOWHERE";
  EXPECT_FALSE(service.List(unknown_area).ok());
}

TEST_P(RegistryTest, CursorPaginationVisitsEveryRowOnceInOrder) {
  std::vector<std::string> families = {"Mwangi", "Achieng", "Kamau", "Wafula",
                                       "Njeri",  "Achieng", "Otieno"};
  for (size_t i = 0; i < families.size(); ++i)
    MustCreate(Person("P" + std::to_string(i), families[i]));
  IndividualService service(conn(), actor_);
  for (bool descending : {false, true}) {
    IndividualQuery query;
    query.sort = IndividualSort::kFamilyName;
    query.descending = descending;
    query.limit = 3;
    std::vector<std::string> seen;
    int pages = 0;
    while (true) {
      auto page = service.List(query);
      ASSERT_TRUE(page.ok()) << page.error().ToString();
      EXPECT_EQ(page->total, 7);
      for (const auto& p : page->items) seen.push_back(p.family_name);
      ++pages;
      if (!page->next) break;
      query.cursor = *page->next;
    }
    EXPECT_EQ(pages, 3);
    std::vector<std::string> expected = families;
    std::sort(expected.begin(), expected.end());
    if (descending) std::reverse(expected.begin(), expected.end());
    EXPECT_EQ(seen, expected);
  }
  IndividualQuery mismatched;
  mismatched.sort = IndividualSort::kFamilyName;
  mismatched.limit = 2;
  auto first = service.List(mismatched);
  mismatched.sort = IndividualSort::kBirthDate;
  mismatched.cursor = *first->next;
  EXPECT_FALSE(service.List(mismatched).ok());
}

TEST_P(RegistryTest, GroupsHaveMembersWithRolesAndOneHead) {
  Individual mother = MustCreate(Person("Amina", "Odhiambo"));
  Individual father = MustCreate(Person("Baraka", "Odhiambo"));
  Individual child = MustCreate(Person("Chebet", "Odhiambo"));
  GroupService groups(conn(), actor_);
  Group household;
  household.name = "Odhiambo household";
  household.area_code = "KE-NBO-1";
  auto created = groups.Create(household);
  ASSERT_TRUE(created.ok()) << created.error().ToString();
  int64_t gid = created->id;

  Membership head{0, gid, mother.id, "head", Date::Parse("2020-01-01"), std::nullopt, ""};
  ASSERT_TRUE(groups.AddMember(head).ok());
  auto second_head = groups.AddMember({0, gid, father.id, "head", std::nullopt, std::nullopt, ""});
  ASSERT_FALSE(second_head.ok());
  EXPECT_EQ(second_head.error().code, ErrorCode::kConflict);
  EXPECT_NE(second_head.error().message.find("already has a head"), std::string::npos);
  ASSERT_TRUE(groups.AddMember({0, gid, father.id, "spouse", std::nullopt, std::nullopt, ""}).ok());
  ASSERT_TRUE(groups.AddMember({0, gid, child.id, "child", std::nullopt, std::nullopt, ""}).ok());
  auto twice = groups.AddMember({0, gid, child.id, "child", std::nullopt, std::nullopt, ""});
  EXPECT_FALSE(twice.ok());
  auto bad_role = groups.AddMember({0, gid, child.id, "cousin", std::nullopt, std::nullopt, ""});
  ASSERT_FALSE(bad_role.ok());
  EXPECT_TRUE(HasField(bad_role.error(), "role"));

  auto fetched = groups.Get(gid);
  ASSERT_TRUE(fetched.ok());
  EXPECT_EQ(fetched->head_id, mother.id);
  auto members = groups.Members(gid);
  ASSERT_EQ(members->size(), 3u);
  EXPECT_EQ((*members)[0].role, "head");
  EXPECT_EQ((*members)[0].individual_name, "Amina Odhiambo");

  // A person may be in several groups.
  Group cooperative;
  cooperative.kind = "cooperative";
  EXPECT_FALSE(groups.Create(cooperative).ok());  // kind not declared yet
  ASSERT_TRUE(ConfigurationService(conn(), actor_)
                  .DeclareGroupKind({"cooperative", "Farmers' cooperative"})
                  .ok());
  auto coop = groups.Create(cooperative);
  ASSERT_TRUE(coop.ok());
  EXPECT_TRUE(
      groups.AddMember({0, coop->id, mother.id, "other_relative", std::nullopt, std::nullopt, ""})
          .ok());

  // Ending the head's membership frees the role.
  ASSERT_TRUE(groups.EndMember((*members)[0].id, Date::Today()).ok());
  Individual grandmother = MustCreate(Person("Dorcas", "Odhiambo"));
  auto new_head =
      groups.AddMember({0, gid, grandmother.id, "head", std::nullopt, std::nullopt, ""});
  ASSERT_TRUE(new_head.ok()) << new_head.error().ToString();
  EXPECT_EQ(groups.Get(gid)->head_id, grandmother.id);
  auto history = groups.History(gid);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->front().action, "created");
  EXPECT_EQ(history->back().action, "member_added");
  EXPECT_EQ((*history)[history->size() - 2].action, "member_ended");
}

TEST_P(RegistryTest, GroupUpdateIsVersioned) {
  GroupService groups(conn(), actor_);
  Group g;
  g.name = "First";
  auto created = groups.Create(g);
  ASSERT_TRUE(created.ok());
  Group changed = *created;
  changed.name = "Second";
  auto updated = groups.Update(changed, 1);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->version, 2);
  EXPECT_FALSE(groups.Update(changed, 1).ok());
  auto missing = groups.GetByRegistrantId("GRP-99999999-0");
  EXPECT_FALSE(missing.ok());
}

// The services check the principal themselves, so the API and the command
// line cannot differ: role first, then the area scope.
TEST_P(RegistryTest, ServicesCheckThePrincipalsRoleAndAreas) {
  Individual in_nairobi = MustCreate(Person("Amina", "Odhiambo", "KE-NBO-1"));
  Individual in_mombasa = MustCreate(Person("Baraka", "Mwangi", "KE-MSA"));
  Principal officer;  // a Registrar limited to Nairobi
  officer.name = "officer.nairobi";
  officer.role = Role::kRegistrar;
  officer.area_paths = {AreaService(conn(), actor_).GetByCode("KE-NBO")->path};

  IndividualService as_officer(conn(), officer);
  EXPECT_TRUE(as_officer.Get(in_nairobi.id).ok());
  auto hidden = as_officer.Get(in_mombasa.id);
  ASSERT_FALSE(hidden.ok());
  EXPECT_EQ(hidden.error().code, ErrorCode::kNotFound);  // not even told it exists
  EXPECT_EQ(as_officer.History(in_mombasa.id).error().code, ErrorCode::kNotFound);
  auto listed = as_officer.List({});
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->total, 1);
  EXPECT_EQ(listed->items[0].id, in_nairobi.id);

  auto elsewhere = as_officer.Create(Person("Chebet", "Kamau", "KE-MSA"));
  ASSERT_FALSE(elsewhere.ok());
  EXPECT_EQ(elsewhere.error().code, ErrorCode::kPermissionDenied);
  EXPECT_TRUE(HasField(elsewhere.error(), "area_code"));
  EXPECT_TRUE(as_officer.Create(Person("Chebet", "Kamau", "KE-NBO")).ok());
  Individual moved = in_nairobi;
  moved.area_code = "KE-MSA";
  moved.area_id.reset();
  EXPECT_EQ(as_officer.Update(moved, in_nairobi.version).error().code,
            ErrorCode::kPermissionDenied);
  Individual renamed = in_mombasa;
  renamed.family_name = "Changed";
  EXPECT_EQ(as_officer.Update(renamed, in_mombasa.version).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(IndividualService(conn(), actor_).Get(in_mombasa.id)->family_name, "Mwangi");

  GroupService groups_as_officer(conn(), officer);
  Group household;
  household.name = "Mwangi household";
  household.area_code = "KE-MSA";
  EXPECT_EQ(groups_as_officer.Create(household).error().code, ErrorCode::kPermissionDenied);
  household.area_code = "KE-NBO-1";
  auto group = groups_as_officer.Create(household);
  ASSERT_TRUE(group.ok()) << group.error().ToString();
  auto outsider = groups_as_officer.AddMember(
      {0, group->id, in_mombasa.id, "head", std::nullopt, std::nullopt, ""});
  ASSERT_FALSE(outsider.ok());
  EXPECT_TRUE(HasField(outsider.error(), "individual_id"));

  Principal viewer;
  viewer.name = "viewer";
  viewer.role = Role::kProgramViewer;
  EXPECT_TRUE(IndividualService(conn(), viewer).Get(in_mombasa.id).ok());
  auto not_allowed = IndividualService(conn(), viewer).Create(Person("Dalia", "Njeri", "KE"));
  ASSERT_FALSE(not_allowed.ok());
  EXPECT_EQ(not_allowed.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(not_allowed.error().message.find("registry.write"), std::string::npos);
  EXPECT_EQ(AreaService(conn(), viewer).Create(MakeArea("KE-KSM", "Kisumu", "KE")).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(ConfigurationService(conn(), viewer).DeclareRole({"cousin", "Cousin"}).error().code,
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(IndividualService(conn(), Principal::Anonymous()).Get(in_nairobi.id).error().code,
            ErrorCode::kUnauthenticated);
}

INSTANTIATE_BACKEND_TESTS(RegistryTest);

}  // namespace
}  // namespace spmis::registry
