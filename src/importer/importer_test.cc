#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "importer/import_repository.h"
#include "importer/importer.h"
#include "importer/recent_keys.h"
#include "registry/area_service.h"
#include "registry/configuration_service.h"
#include "registry/group_service.h"
#include "registry/individual_service.h"
#include "testing/process.h"
#include "testing/test_database.h"

namespace spmis::importer {
namespace {

std::string Fixture(const std::string& name) {
  return (std::filesystem::path(__FILE__).parent_path() / "testdata" / name).string();
}

class ImporterTest : public spmis::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    connection_.emplace(db().Acquire());
    registry::AreaService areas(conn(), actor_);
    for (auto [code, parent] : std::vector<std::pair<std::string, std::string>>{
             {"KE", ""}, {"KE-NBO", "KE"}, {"KE-MSA", "KE"}}) {
      registry::Area area;
      area.code = code;
      area.name = code;
      area.parent_code = parent;
      ASSERT_TRUE(areas.Create(area).ok());
    }
    ASSERT_TRUE(registry::ConfigurationService(conn(), actor_)
                    .DeclareCustomField({RegistrantKind::kIndividual,
                                         "school_grade",
                                         "Grade",
                                         registry::CustomFieldType::kInteger,
                                         {},
                                         false})
                    .ok());
    dir_ = std::filesystem::temp_directory_path() /
           ("spmis_import_" + std::to_string(getpid()) + "_" +
            std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    connection_.reset();
    std::filesystem::remove_all(dir_);
    BackendTest::TearDown();
  }
  store::Connection& conn() { return **connection_; }

  std::string Write(const std::string& name, const std::string& content) {
    auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }
  Result<ImportRecord> Import(ImportKind kind, const std::string& path,
                              const std::string& mapping = "") {
    return ImportAs(actor_, kind, path, mapping);
  }
  Result<ImportRecord> ImportAs(const Principal& principal, ImportKind kind,
                                const std::string& path, const std::string& mapping = "") {
    ImportRequest request;
    request.kind = kind;
    request.path = path;
    if (!mapping.empty()) request.mapping = *ParseColumnMapping(mapping);
    return RunImport(db(), request, principal, nullptr);
  }
  int64_t Count(const char* table) {
    auto q = conn().Prepare(std::string("SELECT COUNT(*) FROM ") + table);
    q->Step();
    return q->Int(0);
  }
  registry::Individual ByExternalId(const std::string& external_id) {
    auto q = conn().Prepare("SELECT id FROM individuals WHERE external_id = $1");
    q->Bind(1, external_id);
    EXPECT_TRUE(q->Step()) << external_id;
    return *registry::IndividualService(conn(), actor_).Get(q->Int(0));
  }
  std::string Report(int64_t import_id) {
    return ImportRepository(conn()).ErrorReport(import_id).value_or("");
  }

  Principal actor_ = Principal::SystemAs(Actor{"registrar", ""});
  std::optional<store::PooledConnection> connection_;
  std::filesystem::path dir_;
};

TEST_P(ImporterTest, ReadsXlsxAsSpreadsheetProgramsWriteIt) {
  for (const char* file : {"individuals_openpyxl.xlsx", "individuals_libreoffice.xlsx"}) {
    SCOPED_TRACE(file);
    auto record = Import(ImportKind::kIndividuals, Fixture(file));
    ASSERT_TRUE(record.ok()) << record.error().ToString();
    EXPECT_EQ(record->format, "xlsx");
    EXPECT_EQ(record->counts.read, 3);
    EXPECT_EQ(record->counts.failed, 0) << Report(record->id);
    auto amina = ByExternalId("X1");
    EXPECT_EQ(amina.birth_date->ToString(), "1985-03-04");  // a date serial number in the file
    EXPECT_EQ(amina.national_id(), "12345678");             // a number cell, printed whole
    // LibreOffice turned "+254712345678" into a number when it read the CSV
    // it converted: a big number cell must still come back whole.
    EXPECT_EQ(amina.phone, std::string(file).find("libreoffice") != std::string::npos
                               ? "254712345678"
                               : "+254712345678");
    auto baraka = ByExternalId("X2");
    EXPECT_FALSE(baraka.national_id());  // skipped cells are empty
    EXPECT_TRUE(baraka.disability);
    EXPECT_EQ(ByExternalId("X3").sex, registry::Sex::kFemale);  // "F"
  }
  // The second file matched the first one's people: nothing was duplicated.
  EXPECT_EQ(Count("individuals"), 3);
  auto inline_strings = Import(ImportKind::kIndividuals, Fixture("individuals_inline.xlsx"));
  ASSERT_TRUE(inline_strings.ok()) << inline_strings.error().ToString();
  EXPECT_EQ(inline_strings->counts.created, 1);
  EXPECT_EQ(ByExternalId("X4").family_name, "Wanjiku");
}

TEST_P(ImporterTest, RefusesFilesThatAreNotWhatTheyClaimAndChangesNothing) {
  struct Case {
    std::string file;
    std::string mapping;
    std::string reason;
  };
  std::vector<Case> cases = {
      {Fixture("truncated.xlsx"), "", "corrupt or truncated"},
      {Fixture("not_a_workbook.xlsx"), "", "not an XLSX"},
      {Fixture("binary.csv"), "", "binary data"},
      {Fixture("latin1.csv"), "", "not UTF-8"},
      {Fixture("empty.csv"), "", "empty"},
      {Fixture("unterminated_quote.csv"), "", "truncated"},
      {Fixture("individuals_openpyxl.xlsx"), R"({"sheet":"Missing"})", "no sheet 'Missing'"},
      {Fixture("individuals_openpyxl.xlsx"), R"({"sheet":"Notes"})", "unknown column"},
      {Write("no_names.csv", "external_id,phone\nX1,0712345678\n"), "",
       "no given_name or family_name"},
      {Write("typo.csv", "external_id,given_name,famly_name\nX1,A,B\n"), "", "'famly_name'"},
      {Write("twice.csv", "given_name,Given Name\nA,B\n"), "", "two columns"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file + " " + c.mapping);
    auto record = Import(ImportKind::kIndividuals, c.file, c.mapping);
    ASSERT_FALSE(record.ok());
    EXPECT_NE(record.error().message.find(c.reason), std::string::npos) << record.error().message;
  }
  EXPECT_EQ(Count("individuals"), 0);
  for (const auto& r : ImportRepository(conn()).List(100, INT64_MAX)) {
    EXPECT_EQ(r.state, ImportState::kRefused);
    EXPECT_TRUE(r.message.has_value());
  }
}

// The whole-file check runs beside the writing: a file broken only at its
// end, after batches of good rows that may already be written, is still
// refused whole, and the indexes suspended for it are back.
TEST_P(ImporterTest, AFileBrokenAtItsEndIsRefusedWholeAfterItsRowsBeganToBeWritten) {
  std::string content = "external_id,given_name,family_name\n";
  for (int i = 0; i < 12 * kImportBatchRows; ++i) content += "E" + std::to_string(i) + ",A,B\n";
  content += "E-last,\xff\xfe,B\n";
  ImportRequest request;
  request.kind = ImportKind::kIndividuals;
  request.path = Write("broken_end.csv", content);
  request.suspend_indexes_from_rows = 10;
  auto record = RunImport(db(), request, actor_, nullptr);
  ASSERT_FALSE(record.ok());
  EXPECT_NE(record.error().message.find("not UTF-8"), std::string::npos) << record.error().message;
  EXPECT_EQ(Count("individuals"), 0);
  EXPECT_EQ(Count("suspended_indexes"), 0);
  auto imports = ImportRepository(conn()).List(1, INT64_MAX);
  ASSERT_EQ(imports.size(), 1u);
  EXPECT_EQ(imports[0].state, ImportState::kRefused);
  EXPECT_EQ(imports[0].counts.created, 0);
  EXPECT_EQ(imports[0].checksum.size(), 64u);
}

TEST_P(ImporterTest, ReadsCsvEdgeCases) {
  // A byte-order mark, semicolons, a quoted field holding the delimiter, a
  // doubled quote and a line break, and a blank line.
  std::string path = Write("edge.csv",
                           "\xEF\xBB\xBF"
                           "External ID;Given Name;Family Name;Address\r\n"
                           "E1;Amina;\"Odhiambo; Jr\";\"Plot 4\r\nWaiyaki \"\"Way\"\"\"\r\n"
                           "\r\n"
                           "E2;Baraka;Otieno;\r\n");
  auto record = Import(ImportKind::kIndividuals, path);
  ASSERT_TRUE(record.ok()) << record.error().ToString();
  EXPECT_EQ(record->format, "csv");
  EXPECT_EQ(record->counts.created, 2) << Report(record->id);
  auto amina = ByExternalId("E1");
  EXPECT_EQ(amina.family_name, "Odhiambo; Jr");
  EXPECT_EQ(amina.address, "Plot 4\r\nWaiyaki \"Way\"");
}

TEST_P(ImporterTest, EachBadRowRuleRefusesTheRowWithItsReasonAndKeepsTheRest) {
  // One person already registered holds national ID 99999999.
  ASSERT_TRUE(Import(ImportKind::kIndividuals,
                     Write("seed.csv", "external_id,given_name,national_id\nS1,Seeded,99999999\n"))
                  .ok());
  std::string tomorrow = Date::Today().AddDays(1).ToString();
  std::string path = Write("bad.csv",
                           "external_id,given_name,family_name,birth_date,area_code,national_id,"
                           "phone,latitude,longitude,"
                           "disability,school_grade\n"
                           "G1,Good,Person,1980-01-01,KE-NBO,11111111,0712345678,-1.2,36.8,no,7\n"
                           "B1,,,1980-01-01,,,,,,,\n"  // no name
                           "B2,Future,Child," +
                               tomorrow +
                               ",,,,,,,\n"                        // birth date in the future
                               "B3,Bad,Date,31/12/1990,,,,,,,\n"  // not ISO
                               "B4,Unknown,Area,,XX-404,,,,,,\n"  // unknown area
                               "B5,Bad,Phone,,,,call me,,,,\n"    // malformed phone
                               "B6,Bad,Id,,,#!,,,,,\n"            // malformed ID number
                               "B7,Same,Id,,,11111111,,,,,\n"   // national ID repeated in the file
                               "B8,Taken,Id,,,99999999,,,,,\n"  // held by another registrant
                               "B9,Bad,Types,,,,,north,36.8,maybe,seven\n"  // types
                               "G1,Repeated,External,,,,,,,,\n"  // external ID repeated in the file
                               "G2,Also,Good,,KE-MSA,,,,,,\n");
  auto record = Import(ImportKind::kIndividuals, path);
  ASSERT_TRUE(record.ok()) << record.error().ToString();
  EXPECT_EQ(record->counts.read, 12);
  EXPECT_EQ(record->counts.created, 2);
  EXPECT_EQ(record->counts.failed, 10);
  ASSERT_TRUE(record->has_error_report);
  std::string report = Report(record->id);
  // The report is the original rows plus an errors column.
  EXPECT_EQ(report.substr(0, report.find('\n')),
            "external_id,given_name,family_name,birth_date,area_code,national_id,phone,latitude,"
            "longitude,disability,school_grade,errors\r");
  for (const char* reason :
       {"B1,,,1980-01-01", "a given name or a family name is required", "is in the future",
        "'31/12/1990' is not a date", "no area with code 'XX-404'",
        "'call me' is not a phone number", "'#!' is not a document number",
        "national ID 11111111 is repeated in this file (first at row 2)", "is already held by IND-",
        "a GPS point needs a numeric latitude", "'maybe' is not yes or no",
        "school_grade: expected a value of type integer, got 'seven'",
        "external ID G1 is repeated in this file (first at row 2)"}) {
    EXPECT_NE(report.find(reason), std::string::npos) << reason << "\n" << report;
  }
  EXPECT_EQ(report.find("G2,Also"), std::string::npos);
  EXPECT_EQ(std::get<int64_t>(ByExternalId("G1").custom.at("school_grade")), 7);
  EXPECT_EQ(Count("individuals"), 3);

  // The report, fixed and uploaded again, imports just those rows.
  std::string fixed =
      Write("fixed.csv", "external_id,given_name,family_name,errors\nB1,Now,Named,whatever\n");
  auto again = Import(ImportKind::kIndividuals, fixed);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(again->counts.created, 1);
}

TEST_P(ImporterTest, RepeatsAcrossBatchesAreCaughtWithoutRememberingTheFile) {
  // Rows of an earlier batch are found in the database, not in memory:
  // committed ones by the look-ups that run ahead of the writing, those not
  // committed yet by the writer's own look-up (see RecentKeys). Both ways,
  // with one commit at the end and with a commit after every batch.
  for (int64_t commit_every : {int64_t{0}, int64_t{kImportBatchRows}}) {
    SCOPED_TRACE(commit_every);
    const std::string prefix = commit_every ? "S" : "R";
    const int base = commit_every ? 40000000 : 30000000;
    std::string content = "external_id,given_name,national_id\n";
    for (int i = 0; i < 3 * kImportBatchRows + 10; ++i) {
      content += prefix + std::to_string(i) + ",Person," + std::to_string(base + i) + "\n";
    }
    content += prefix + "1,Again," + std::to_string(base + 9999999) + "\n";  // row 3's external ID
    content += prefix + "99999,Copy," + std::to_string(base) + "\n";         // row 2's national ID
    content += prefix + std::to_string(3 * kImportBatchRows + 5) + ",Late,\n";  // the last batch's
    ImportRequest request;
    request.kind = ImportKind::kIndividuals;
    request.path = Write("long.csv", content);
    request.commit_every_rows = commit_every;
    auto record = RunImport(db(), request, actor_, nullptr);
    ASSERT_TRUE(record.ok()) << record.error().ToString();
    EXPECT_EQ(record->counts.created, 3 * kImportBatchRows + 10);
    EXPECT_EQ(record->counts.failed, 3);
    std::string report = Report(record->id);
    for (const std::string& reason :
         {"external ID " + prefix + "1 is repeated in this file",
          "national ID " + std::to_string(base) + " is repeated in this file",
          "external ID " + prefix + std::to_string(3 * kImportBatchRows + 5) + " is repeated"}) {
      EXPECT_NE(report.find(reason), std::string::npos) << reason << "\n" << report;
    }
  }
}

TEST(RecentKeysTest, HoldsWhatWasWrittenInChunksALookUpCouldNotSee) {
  RecentKeys recent(1000);
  recent.Add("P1");  // chunk 0
  EXPECT_TRUE(recent.MayHold("P1", 0));
  recent.Committed();
  recent.Add("P2");  // chunk 1
  // A look-up that saw one commit saw P1 (chunk 0), not P2.
  EXPECT_FALSE(recent.MayHold("P1", 1));
  EXPECT_TRUE(recent.MayHold("P2", 1));
  EXPECT_TRUE(recent.MayHold("P1", 0));
  int false_alarms = 0;
  for (int i = 0; i < 10000; ++i) false_alarms += recent.MayHold("Q" + std::to_string(i), 0);
  EXPECT_LT(false_alarms, 20);  // a filter of 16 bits a key: about 1 in 400 at capacity
  recent.Forget(1);
  EXPECT_FALSE(recent.MayHold("P1", 0));  // chunk 0 forgotten
  EXPECT_TRUE(recent.MayHold("P2", 0));
}

TEST_P(ImporterTest, ALargeLoadSuspendsSecondaryIndexesAndRebuildsThem) {
  std::string content = "external_id,given_name,family_name,birth_date\n";
  for (int i = 0; i < 50; ++i) {
    content += "L" + std::to_string(i) + ",Given,Family" + std::to_string(i % 7) + ",1990-01-0" +
               std::to_string(1 + i % 9) + "\n";
  }
  ImportRequest request;
  request.kind = ImportKind::kIndividuals;
  request.path = Write("large.csv", content);
  request.suspend_indexes_from_rows = 10;  // "large" for this test
  auto record = RunImport(db(), request, actor_, nullptr);
  ASSERT_TRUE(record.ok()) << record.error().ToString();
  EXPECT_EQ(record->counts.created, 50);
  EXPECT_EQ(Count("suspended_indexes"), 0);
  // The rebuilt indexes serve the listing as before.
  registry::IndividualQuery query;
  query.sort = registry::IndividualSort::kFamilyName;
  query.born_from = Date::Parse("1990-01-05");
  auto page = registry::IndividualService(conn(), actor_).List(query);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 26);  // days 5 to 9 of a 9-day cycle over 50 rows: 5 * 5 + 1
  EXPECT_EQ(page->items.front().family_name, "Family0");
  auto has_index = conn().Prepare(
      conn().backend() == store::Backend::kSqlite
          ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name LIKE 'individuals_%'"
          : "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname "
            "LIKE 'individuals_%'");
  has_index->Step();
  EXPECT_GE(has_index->Int(0), 4);
  // The foreign keys left unchecked while it wrote are checked again: on
  // PostgreSQL the constraints are back, on SQLite the pooled connections
  // check them.
  if (conn().backend() == store::Backend::kPostgres) {
    auto keys = conn().Prepare(
        "SELECT COUNT(*) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid WHERE "
        "c.contype = 'f' AND t.relname IN ('individuals', 'id_documents') AND t.relnamespace = "
        "current_schema()::regnamespace");
    keys->Step();
    EXPECT_EQ(keys->Int(0), 2);
  }
  for (int i = 0; i < 3; ++i) {
    auto pooled = db().Acquire();
    if (pooled->backend() != store::Backend::kSqlite) break;
    auto checks = pooled->Prepare("PRAGMA foreign_keys");
    ASSERT_TRUE(checks->Step());
    EXPECT_EQ(checks->Int(0), 1);
    auto mapped = pooled->Prepare("PRAGMA mmap_size");
    ASSERT_TRUE(mapped->Step());
    EXPECT_GT(mapped->Int(0), 0);
  }
}

TEST_P(ImporterTest, ReimportMatchesByExternalOrNationalIdAndRecordsChanges) {
  std::string first = Write("people.csv",
                            "external_id,given_name,family_name,national_id,phone\n"
                            "P1,Amina,Odhiambo,10000001,0712000001\n"
                            "P2,Baraka,Otieno,10000002,\n");
  auto one = Import(ImportKind::kIndividuals, first);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->counts.created, 2);
  auto same = Import(ImportKind::kIndividuals, first);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->counts.unchanged, 2);
  EXPECT_EQ(Count("individuals"), 2);
  EXPECT_EQ(same->checksum, one->checksum);
  EXPECT_EQ(same->checksum.size(), 64u);

  // Another system's export: no external IDs, matched by national ID; an
  // empty cell leaves the stored value alone.
  std::string other = Write("other.csv",
                            "given_name,family_name,national_id,phone\n"
                            "Amina,Otieno,10000001,\n");
  auto three = Import(ImportKind::kIndividuals, other);
  ASSERT_TRUE(three.ok()) << three.error().ToString();
  EXPECT_EQ(three->counts.updated, 1) << Report(three->id);
  auto amina = ByExternalId("P1");
  EXPECT_EQ(amina.family_name, "Otieno");
  EXPECT_EQ(amina.phone, "0712000001");
  auto history = registry::IndividualService(conn(), actor_).History(amina.id);
  ASSERT_TRUE(history.ok());
  // The creation is read from the person's import, not from a stored row.
  EXPECT_EQ(history->front().action, "created");
  EXPECT_EQ(history->front().new_value, "import " + std::to_string(one->id));
  EXPECT_EQ(history->front().actor, "registrar");
  EXPECT_EQ(history->front().changed_at, amina.created_at);
  EXPECT_EQ(Count("registrant_history WHERE action = 'created'"), 0);
  EXPECT_EQ(history->back().field, "family_name");
  EXPECT_EQ(history->back().old_value, "Odhiambo");
  EXPECT_EQ(history->back().actor, "registrar");
  EXPECT_EQ(Count("individuals"), 2);
}

TEST_P(ImporterTest, MappingFileRenamesAndIgnoresColumns) {
  std::string path = Write(
      "mapped.csv", "ID,First name,Surname,NIN,Comment\nM1,Amina,Odhiambo,20000001,call back\n");
  auto record = Import(ImportKind::kIndividuals, path,
                       R"({"columns":{"ID":"external_id","First name":"given_name",)"
                       R"("Surname":"family_name","NIN":"national_id","Comment":""}})");
  ASSERT_TRUE(record.ok()) << record.error().ToString();
  EXPECT_EQ(record->counts.created, 1);
  EXPECT_EQ(ByExternalId("M1").national_id(), "20000001");
  EXPECT_FALSE(ParseColumnMapping(R"({"colums":{}})").ok());
}

TEST_P(ImporterTest, GroupsAndMembershipsKeepOneHeadAndKnownPeople) {
  ASSERT_TRUE(
      Import(ImportKind::kIndividuals,
             Write("p.csv", "external_id,given_name\nA,Amina\nB,Baraka\nC,Chebet\nD,Dorcas\n"))
          .ok());
  auto groups = Import(ImportKind::kGroups, Write("g.csv",
                                                  "external_id,kind,name,area_code\n"
                                                  "H1,household,One,KE-NBO\n"
                                                  "H2,household,Two,KE-MSA\n"
                                                  "H3,commune,Three,\n"
                                                  ",household,No id,\n"));
  ASSERT_TRUE(groups.ok()) << groups.error().ToString();
  EXPECT_EQ(groups->counts.created, 2);
  EXPECT_EQ(groups->counts.failed, 2);
  EXPECT_NE(Report(groups->id).find("'commune' is not a declared group kind"), std::string::npos);

  std::string members = Write("m.csv",
                              "group_external_id,individual_external_id,role,start_date\n"
                              "H1,A,head,2020-01-01\n"
                              "H1,B,head,2020-01-01\n"  // a second head in the file
                              "H1,C,child,2020-01-01\n"
                              "H9,D,child,\n"   // no such group
                              "H2,Z,child,\n"   // no such person
                              "H2,D,cousin,\n"  // undeclared role
                              "H2,D,head,2021-05-01\n");
  auto first = Import(ImportKind::kMemberships, members);
  ASSERT_TRUE(first.ok()) << first.error().ToString();
  EXPECT_EQ(first->counts.created, 3) << Report(first->id);
  std::string report = Report(first->id);
  for (const char* reason :
       {"group H1 already has a head at row 2", "no group with external ID H9",
        "no individual with external ID Z", "'cousin' is not a declared role"}) {
    EXPECT_NE(report.find(reason), std::string::npos) << reason << "\n" << report;
  }
  // Re-importing creates nothing; a head for a group that has one is refused.
  auto again = Import(ImportKind::kMemberships, members);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->counts.created, 0);
  EXPECT_EQ(again->counts.unchanged, 3);
  auto another_head =
      Import(ImportKind::kMemberships,
             Write("m2.csv", "group_external_id,individual_external_id,role\nH2,B,head\n"));
  ASSERT_TRUE(another_head.ok());
  EXPECT_EQ(another_head->counts.failed, 1);
  EXPECT_NE(Report(another_head->id).find("already has a head (IND-"), std::string::npos);
  EXPECT_EQ(Count("group_memberships"), 3);
  auto q = conn().Prepare("SELECT id FROM registry_groups WHERE external_id = 'H1'");
  q->Step();
  auto group = registry::GroupService(conn(), actor_).Get(q->Int(0));
  EXPECT_EQ(group->head_id, ByExternalId("A").id);

  // The group's history: created by the groups import, its members added by
  // the memberships import, then a member ended by hand, in that order.
  auto membership = conn().Prepare(
      "SELECT id FROM group_memberships WHERE individual_id = $1 AND end_date IS NULL");
  membership->Bind(1, ByExternalId("C").id);
  ASSERT_TRUE(membership->Step());
  ASSERT_TRUE(
      registry::GroupService(conn(), actor_).EndMember(membership->Int(0), std::nullopt).ok());
  auto history = registry::GroupService(conn(), actor_).History(group->id);
  ASSERT_TRUE(history.ok());
  std::vector<std::string> actions;
  for (const auto& e : *history) actions.push_back(e.action + " " + e.field);
  const std::string c_id = ByExternalId("C").registrant_id();
  EXPECT_EQ(actions, (std::vector<std::string>{"created ",
                                               "member_added " + ByExternalId("A").registrant_id(),
                                               "member_added " + c_id, "member_ended " + c_id}));
  EXPECT_EQ((*history)[0].new_value, "import " + std::to_string(groups->id));
  EXPECT_EQ((*history)[1].new_value, "head");
  EXPECT_EQ((*history)[1].actor, "registrar");
}

// An import acts as whoever asked for it: their role must allow imports, and
// a user limited to areas imports only into them.
TEST_P(ImporterTest, ImportsAsThePrincipalWithinItsAreas) {
  ASSERT_TRUE(Import(ImportKind::kIndividuals,
                     Write("m.csv", "external_id,given_name,area_code\nM1,Mwanaisha,KE-MSA\n"))
                  .ok());
  ASSERT_TRUE(Import(ImportKind::kGroups,
                     Write("g.csv", "external_id,kind,name,area_code\nHM,household,M,KE-MSA\n"))
                  .ok());
  Principal officer;
  officer.name = "officer.nairobi";
  officer.role = Role::kRegistrar;
  officer.area_paths = {registry::AreaService(conn(), actor_).GetByCode("KE-NBO")->path};

  auto people = ImportAs(officer, ImportKind::kIndividuals,
                         Write("p.csv",
                               "external_id,given_name,area_code\n"
                               "N1,Njeri,KE-NBO\n"
                               "N2,Neema,KE-MSA\n"       // outside the officer's areas
                               "N3,Nuru,\n"              // no area: not allowed when limited
                               "M1,Renamed,KE-NBO\n"));  // someone out of reach
  ASSERT_TRUE(people.ok()) << people.error().ToString();
  EXPECT_EQ(people->counts.created, 1);
  EXPECT_EQ(people->counts.failed, 3);
  std::string report = Report(people->id);
  EXPECT_NE(report.find("area 'KE-MSA' is outside your areas"), std::string::npos) << report;
  EXPECT_NE(report.find("is required: you may only register people in your areas"),
            std::string::npos)
      << report;
  EXPECT_EQ(ByExternalId("M1").given_name, "Mwanaisha");
  EXPECT_EQ(people->created_by, "officer.nairobi");

  auto members =
      ImportAs(officer, ImportKind::kMemberships,
               Write("mm.csv", "group_external_id,individual_external_id,role\nHM,N1,child\n"));
  ASSERT_TRUE(members.ok());
  EXPECT_EQ(members->counts.failed, 1);
  EXPECT_NE(Report(members->id).find("no group with external ID HM"), std::string::npos);
  EXPECT_EQ(Count("group_memberships"), 0);

  Principal viewer;
  viewer.name = "viewer";
  viewer.role = Role::kProgramViewer;
  int64_t before = Count("individuals");
  auto refused = ImportAs(viewer, ImportKind::kIndividuals,
                          Write("v.csv", "external_id,given_name\nV1,Vera\n"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kPermissionDenied);
  EXPECT_EQ(Count("individuals"), before);
}

TEST_P(ImporterTest, AreasImportParentsFirstAndUpdateByCode) {
  std::string path = Write("areas.csv",
                           "code,name,level,parent_code\n"
                           "TZ,Tanzania,0,\n"
                           "TZ-01,Arusha,1,TZ\n"
                           "TZ-01-01,Meru,2,TZ-01\n"
                           "TZ-02-01,Orphan,2,TZ-02\n"
                           "TZ-03,Wrong level,2,TZ\n");
  auto record = Import(ImportKind::kAreas, path);
  ASSERT_TRUE(record.ok()) << record.error().ToString();
  EXPECT_EQ(record->counts.created, 3);
  EXPECT_EQ(record->counts.failed, 2);
  auto renamed = Import(ImportKind::kAreas,
                        Write("rename.csv", "code,name,parent_code\nTZ-01,Arusha Region,TZ\n"));
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->counts.updated, 1);
  EXPECT_EQ(registry::AreaService(conn(), actor_).GetByCode("TZ-01")->name, "Arusha Region");
}

TEST_P(ImporterTest, CommandLineExitCodesTellTheOutcome) {
  using spmis::testing::RunProcess;
  using spmis::testing::SpmisBinary;
  std::string good = Write("good.csv", "external_id,given_name\nC1,Amina\n");
  std::string partly =
      Write("partly.csv", "external_id,given_name,birth_date\nC2,Baraka,\nC3,Chebet,soon\n");
  std::string report = (dir_ / "report.csv").string();
  auto ok = RunProcess({SpmisBinary(), "import", "individuals", good, "--database", location()});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("1 created"), std::string::npos) << ok.out;
  auto partial = RunProcess({SpmisBinary(), "import", "individuals", partly, "--errors", report,
                             "--database", location()});
  EXPECT_EQ(partial.exit_code, 3) << partial.err;
  std::ifstream in(report);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(content.find("C3,Chebet,soon,birth_date: 'soon' is not a date"), std::string::npos)
      << content;
  auto refused = RunProcess(
      {SpmisBinary(), "import", "individuals", Fixture("binary.csv"), "--database", location()});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("nothing was imported"), std::string::npos) << refused.err;
  EXPECT_EQ(RunProcess({SpmisBinary(), "import", "people", good}).exit_code, 2);
}

INSTANTIATE_BACKEND_TESTS(ImporterTest);

}  // namespace
}  // namespace spmis::importer
