#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

#include "cycles/cycle_repository.h"
#include "cycles/cycle_service.h"
#include "payments/batch_service.h"
#include "payments/payment_details_service.h"
#include "payments/payment_repository.h"
#include "payments/reconciliation_service.h"
#include "programs/eligibility.h"
#include "programs/program_service.h"
#include "registry/area_service.h"
#include "registry/group_service.h"
#include "registry/individual_service.h"
#include "store/migrations.h"
#include "testing/test_database.h"

namespace spmis::payments {
namespace {

// Cycles start today: a cycle's beneficiaries are those enrolled by the end
// of its first day, and these tests enroll them now. Birth dates are counted
// back from it, so ages stay what the tests say whatever the day.
const Date kStart = Date::Today();
constexpr const char* kIban = "GB82WEST12345698765432";
constexpr const char* kOtherIban = "DE89370400440532013000";

size_t Count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

TEST(PaymentDetailsTest, AccountsAreCheckedByChannel) {
  PaymentDetails d;
  d.channel = Channel::kBankTransfer;
  d.provider = "Equity Bank";
  d.account = kIban;
  EXPECT_EQ(CheckDetails(d), "");
  d.account = "GB82WEST12345698765433";  // one digit off
  EXPECT_NE(CheckDetails(d).find("check digits"), std::string::npos);
  d.account = "0123456789";  // a plain account number
  EXPECT_EQ(CheckDetails(d), "");
  d.account = "12-34";
  EXPECT_NE(CheckDetails(d), "");
  d.channel = Channel::kMobileMoney;
  d.account = "+254712345678";
  EXPECT_EQ(CheckDetails(d), "");
  d.account = "0712345678";  // not international
  EXPECT_NE(CheckDetails(d), "");
  d.provider = "";
  EXPECT_EQ(CheckDetails(d), "the provider is missing");
  d.provider = "Point 4";
  d.channel = Channel::kCash;
  d.account = "";
  EXPECT_EQ(CheckDetails(d), "");
  d.bic = "ABC";
  EXPECT_NE(CheckDetails(d), "");
  EXPECT_EQ(EndToEndId(7, 1234, 2), "SPMIS-C000007-E0000001234-2");
  EXPECT_EQ(MaskAccount("+254712345678"), "*********5678");
}

TEST(EndToEndIdTest, ParsesOnlyWhatItMade) {
  auto key = ParseEndToEndId("SPMIS-C000007-E0000001234-2");
  ASSERT_TRUE(key);
  EXPECT_EQ(key->cycle_id, 7);
  EXPECT_EQ(key->entitlement_id, 1234);
  EXPECT_EQ(key->attempt, 2);
  // Ids past the padding's width still round-trip.
  std::string wide = EndToEndId(12345678, 98765432101, 11);
  ASSERT_TRUE(ParseEndToEndId(wide));
  EXPECT_EQ(ParseEndToEndId(wide)->entitlement_id, 98765432101);
  for (const char* other :
       {"", "SPMIS-C7-E1234-2", "SPMIS-C000007-E0000001234-02", "SPMIS-C000007-E0000001234-",
        "SPMIS-C000007-E0000001234-2x", "SPMIS-C000007-E-000001234-2",
        "SPMIS-C000000-E0000001234-1", "spmis-C000007-E0000001234-2", "BANK-REF-0001",
        "SPMIS-C000007-E0000001234-2 "}) {
    EXPECT_FALSE(ParseEndToEndId(other)) << other;
  }
}

TEST(EndToEndIdTest, IsPrintfsFormatWhateverTheWidths) {
  auto printed = [](int64_t cycle, int64_t entitlement, int attempt) {
    char id[64];
    std::snprintf(id, sizeof id, "SPMIS-C%06lld-E%010lld-%d", static_cast<long long>(cycle),
                  static_cast<long long>(entitlement), attempt);
    return std::string(id);
  };
  for (int64_t cycle : {int64_t{0}, int64_t{1}, int64_t{99999}, int64_t{999999}, int64_t{1000000},
                        int64_t{-3}, std::numeric_limits<int64_t>::max()}) {
    for (int64_t entitlement : {int64_t{0}, int64_t{7}, int64_t{1234567890}, int64_t{12345678901},
                                int64_t{-42}, std::numeric_limits<int64_t>::max()}) {
      for (int attempt : {0, 1, 9, 10, 123, -1}) {
        EXPECT_EQ(EndToEndId(cycle, entitlement, attempt), printed(cycle, entitlement, attempt));
      }
    }
  }
}

TEST(XmlEscapeTest, EscapesMarkupAndReplacesControlCharacters) {
  std::string out = "<Nm>";
  AppendXmlEscaped(out, "Amina & <Co> \"O'Brien\"\tline\nbreak\x01!");
  EXPECT_EQ(out, "<Nm>Amina &amp; &lt;Co&gt; &quot;O&apos;Brien&quot;\tline break !");
  out.clear();
  AppendXmlEscaped(out, "");
  AppendXmlEscaped(out, "plain");
  AppendXmlEscaped(out, "&");
  AppendXmlEscaped(out, "Zo\xC3\xAB");  // UTF-8 passes through
  EXPECT_EQ(out, "plain&amp;Zo\xC3\xAB");
}

class PaymentsTest : public spmis::testing::BackendTest {
 protected:
  void SetUp() override {
    BackendTest::SetUp();
    if (IsSkipped()) return;
    connection_.emplace(db().Acquire());
    registry::Area area;
    area.code = "KE";
    area.name = "Kenya";
    ASSERT_TRUE(registry::AreaService(conn(), system_).Create(area).ok());
    dir_ = std::filesystem::temp_directory_path() /
           ("spmis-payments-" + std::to_string(::getpid()) + "-" +
            std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    connection_.reset();
    std::filesystem::remove_all(dir_);
    BackendTest::TearDown();
  }
  store::Connection& conn() { return **connection_; }
  std::string File(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  // A household with a head named `head` and `children` under 5.
  std::string Household(const std::string& head, int children) {
    registry::Group group;
    group.kind = "household";
    group.name = "household of " + head;
    group.area_code = "KE";
    auto created = registry::GroupService(conn(), system_).Create(group);
    EXPECT_TRUE(created.ok());
    for (int i = 0; i <= children; ++i) {
      registry::Individual person;
      person.given_name = i == 0 ? head : "Child" + std::to_string(i);
      person.family_name = "Otieno";
      person.birth_date = kStart.AddMonths(i == 0 ? -36 * 12 : -30 - i);  // a child of 2 and a half
      person.area_code = "KE";
      auto p = registry::IndividualService(conn(), system_).Create(person);
      EXPECT_TRUE(p.ok());
      EXPECT_TRUE(registry::GroupService(conn(), system_)
                      .AddMember({0, created->id, p->id, i == 0 ? "head" : "child",
                                  Date::Parse("2020-01-01"), std::nullopt, ""})
                      .ok());
    }
    return RegistrantId{RegistrantKind::kGroup, created->id}.ToString();
  }
  // 100.00 + 50.00 per child under 5, approved by a second person.
  // Generates the cycle's entitlements as this version does; a test of an
  // older schema writes them as that schema's version did instead.
  using Generator = std::function<void(int64_t cycle)>;
  int64_t ApprovedCycle(bool funding_account = true, const Generator& generate = {}) {
    programs::Program p;
    p.code = "CG";
    p.name = "Child grant";
    p.institution = "Ministry of Labour";
    p.target = programs::ProgramTarget::kGroups;
    p.rules.eligibility = "group.members.exists(m, m.age < 5)";
    p.rules.amount_fixed = 10000;
    p.rules.amount_rule = "5000 * group.members.filter(m, m.age < 5).size()";
    p.currency = "KES";
    if (funding_account) {
      p.funding_account = kOtherIban;
      p.funding_bic = "COBADEFFXXX";
    }
    EXPECT_TRUE(programs::ProgramService(conn(), system_).Create(p).ok());
    EXPECT_TRUE(programs::Eligibility(db(), system_).Run({"CG", kStart, {}}, nullptr).ok());
    cycles::CycleService cycles(db(), finance_);
    auto cycle = cycles.Create("CG", kStart, kStart.AddMonths(1).AddDays(-1));
    EXPECT_TRUE(cycle.ok());
    if (generate) {
      generate(cycle->id);
    } else {
      EXPECT_TRUE(cycles.Generate(cycle->id, nullptr).ok());
    }
    EXPECT_TRUE(cycles.Submit(cycle->id).ok());
    auto approved = cycles::CycleService(db(), manager_).Approve(cycle->id, "ok");
    EXPECT_TRUE(approved.ok()) << approved.error().ToString();
    return cycle->id;
  }
  void Details(const std::string& who, Channel channel, const std::string& provider,
               const std::string& account) {
    PaymentDetails d;
    d.channel = channel;
    d.provider = provider;
    d.account = account;
    auto saved = PaymentDetailsService(conn(), finance_).Set(who, d);
    ASSERT_TRUE(saved.ok()) << saved.error().ToString();
  }
  cycles::CycleView View(int64_t cycle) { return *cycles::CycleService(db(), system_).Get(cycle); }
  std::vector<Payment> PaymentsOf(int64_t batch) {
    return *BatchService(db(), finance_).Payments(batch, 0, 1000);
  }
  static Principal User(int64_t id, const std::string& name, Role role) {
    Principal p;
    p.user_id = id;
    p.name = name;
    p.role = role;
    return p;
  }

  Principal system_ = Principal::SystemAs(Actor{"tester", ""});
  Principal finance_ = User(1, "fiona.finance", Role::kFinanceOfficer);
  Principal manager_ = User(2, "mark.manager", Role::kProgramManager);
  std::optional<store::PooledConnection> connection_;
  std::filesystem::path dir_;
};

TEST_P(PaymentsTest, DetailsAreValidatedScopedAndAudited) {
  std::string amina = Household("Amina", 1);
  PaymentDetailsService service(conn(), finance_);
  PaymentDetails d;
  d.channel = Channel::kMobileMoney;
  d.provider = "M-Pesa";
  d.account = "12";
  auto refused = service.Set(amina, d);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(service.Get(amina).error().code, ErrorCode::kNotFound);  // nothing was kept
  d.account = "+254712345678";
  ASSERT_TRUE(service.Set(amina, d).ok());
  EXPECT_EQ(service.Get(amina)->account, "+254712345678");
  EXPECT_FALSE(service.Set("GRP-99999999-0", d).ok());
  EXPECT_EQ(PaymentDetailsService(conn(), User(9, "viv", Role::kProgramViewer))
                .Set(amina, d)
                .error()
                .code,
            ErrorCode::kPermissionDenied);

  // A file: good rows kept, bad ones listed by row.
  std::string file =
      File("details.csv", "beneficiary_id,channel,provider,account\n" + amina +
                              ",bank_transfer,Equity,GB82WEST12345698765432\n" + amina +
                              ",bank_transfer,Equity,GB00WEST12345698765432\n"
                              "GRP-00000099-1,cash,Point 1,\n" +
                              amina + ",pigeon,X,1\n");
  auto imported = service.ImportFile(file);
  ASSERT_TRUE(imported.ok()) << imported.error().ToString();
  EXPECT_EQ(imported->rows, 4);
  EXPECT_EQ(imported->saved, 1);
  EXPECT_EQ(imported->refused, 3);
  ASSERT_EQ(imported->problems.size(), 3u);
  EXPECT_EQ(imported->problems[0].row, 3);
  EXPECT_EQ(service.Get(amina)->channel, Channel::kBankTransfer);
  EXPECT_EQ(service.ImportFile(File("bad.csv", "name,phone\nx,y\n")).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_P(PaymentsTest, BatchesPayEachApprovedEntitlementOnceAndListExceptions) {
  std::string amina = Household("Amina", 1);    // 150.00
  std::string baraka = Household("Baraka", 2);  // 200.00
  std::string chebet = Household("Chebet", 1);  // 150.00, wallet
  std::string dalmas = Household("Dalmas", 3);  // 250.00, no details
  Details(amina, Channel::kBankTransfer, "Equity", kIban);
  Details(baraka, Channel::kBankTransfer, "Equity", kOtherIban);
  Details(chebet, Channel::kMobileMoney, "M-Pesa", "+254712345678");

  // Not before approval.
  int64_t cycle = ApprovedCycle();
  EXPECT_EQ(BatchService(db(), manager_).Create(cycle, {}).error().code,
            ErrorCode::kPermissionDenied);

  BatchService batches(db(), finance_);
  auto made = batches.Create(cycle, {"", 1, false});
  ASSERT_TRUE(made.ok()) << made.error().ToString();
  ASSERT_EQ(made->batches.size(), 3u);  // Equity x2 (max 1), M-Pesa x1
  EXPECT_EQ(made->payments, 3);
  EXPECT_EQ(made->total_minor, 15000 + 20000 + 15000);
  ASSERT_EQ(made->exceptions, 1);
  EXPECT_EQ(made->exception_list[0].beneficiary_id, dalmas);
  EXPECT_EQ(made->exception_list[0].problem, "no payment details");
  EXPECT_EQ(made->batches[0].provider, "Equity");
  EXPECT_EQ(made->batches[2].channel, Channel::kMobileMoney);
  EXPECT_EQ(View(cycle).cycle.state, cycles::CycleState::kDistributing);

  // Running again pays no one twice; the exception stays listed.
  auto again = batches.Create(cycle, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->payments, 0);
  EXPECT_TRUE(again->batches.empty());
  EXPECT_EQ(again->exceptions, 1);

  // Once the details are there, the exception is batched.
  Details(dalmas, Channel::kMobileMoney, "M-Pesa", "+254722000111");
  auto fixed = batches.Create(cycle, {"M-Pesa", 0, false});
  ASSERT_TRUE(fixed.ok());
  ASSERT_EQ(fixed->batches.size(), 1u);
  EXPECT_EQ(fixed->batches[0].total_minor, 25000);
  EXPECT_EQ(fixed->exceptions, 0);
  auto totals = View(cycle).totals;
  EXPECT_EQ(totals.approved, 75000);
  EXPECT_EQ(totals.pending, 75000);
  EXPECT_TRUE(totals.balanced());
  auto payments = PaymentsOf(fixed->batches[0].id);
  ASSERT_EQ(payments.size(), 1u);
  EXPECT_EQ(payments[0].name, "Dalmas Otieno");  // the head of the household
  EXPECT_EQ(payments[0].attempt, 1);
}

TEST_P(PaymentsTest, ExportsRepeatByteForByteWithControlSums) {
  std::string amina = Household("Amina & <Co>", 1);
  std::string baraka = Household("Baraka", 2);
  Details(amina, Channel::kBankTransfer, "Equity", kIban);
  Details(baraka, Channel::kBankTransfer, "Equity", "0123456789");
  int64_t cycle = ApprovedCycle();
  BatchService batches(db(), finance_);
  auto made = batches.Create(cycle, {});
  ASSERT_TRUE(made.ok());
  ASSERT_EQ(made->batches.size(), 1u);
  int64_t batch = made->batches[0].id;

  std::ostringstream csv;
  auto exported = batches.Export(batch, ExportFormat::kCsv, csv);
  ASSERT_TRUE(exported.ok()) << exported.error().ToString();
  auto payments = PaymentsOf(batch);
  ASSERT_EQ(payments.size(), 2u);
  std::string expected =
      "end_to_end_id,beneficiary_id,name,amount,currency,channel,provider,account,bic\r\n" +
      payments[0].end_to_end_id + "," + amina +
      ",Amina & <Co> Otieno,150.00,KES,bank_transfer,Equity," + kIban + ",\r\n" +
      payments[1].end_to_end_id + "," + baraka +
      ",Baraka Otieno,200.00,KES,bank_transfer,Equity,0123456789,\r\n";
  EXPECT_EQ(csv.str(), expected);
  EXPECT_EQ(exported->bytes, static_cast<int64_t>(expected.size()));

  std::ostringstream first, second;
  ASSERT_TRUE(batches.Export(batch, ExportFormat::kPain001, first).ok());
  // A change of name after the batch does not change the file.
  Details(baraka, Channel::kBankTransfer, "Other Bank", kOtherIban);
  auto again = batches.Export(batch, ExportFormat::kPain001, second);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(first.str(), second.str());
  const std::string xml = first.str();
  EXPECT_NE(xml.find("urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"), std::string::npos);
  EXPECT_EQ(Count(xml, "<NbOfTxs>2</NbOfTxs>"), 2u);       // group header and payment block
  EXPECT_EQ(Count(xml, "<CtrlSum>350.00</CtrlSum>"), 2u);  // 150.00 + 200.00
  EXPECT_EQ(Count(xml, "<CdtTrfTxInf>"), 2u);
  EXPECT_NE(xml.find("<EndToEndId>" + payments[0].end_to_end_id + "</EndToEndId>"),
            std::string::npos);
  EXPECT_NE(xml.find("<InstdAmt Ccy=\"KES\">150.00</InstdAmt>"), std::string::npos);
  EXPECT_NE(xml.find("<Nm>Amina &amp; &lt;Co&gt; Otieno</Nm>"), std::string::npos);
  EXPECT_NE(xml.find("<IBAN>" + std::string(kIban) + "</IBAN>"), std::string::npos);
  EXPECT_NE(xml.find("<Othr><Id>0123456789</Id></Othr>"), std::string::npos);
  EXPECT_NE(xml.find("<DbtrAcct><Id><IBAN>" + std::string(kOtherIban)), std::string::npos);
  EXPECT_EQ(again->sha256, batches.Export(batch, ExportFormat::kPain001, first)->sha256);
}

TEST_P(PaymentsTest, Pain001NeedsAFundingAccount) {
  std::string amina = Household("Amina", 1);
  Details(amina, Channel::kBankTransfer, "Equity", kIban);
  int64_t cycle = ApprovedCycle(/*funding_account=*/false);
  BatchService batches(db(), finance_);
  auto made = batches.Create(cycle, {});
  ASSERT_TRUE(made.ok());
  std::ostringstream out;
  auto refused = batches.Export(made->batches[0].id, ExportFormat::kPain001, out);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("funding account"), std::string::npos);
  EXPECT_TRUE(out.str().empty());
}

TEST_P(PaymentsTest, ReconciliationAppliesWhatIsSafeAndReportsTheRest) {
  std::string a = Household("Amina", 1), b = Household("Baraka", 2), c = Household("Chebet", 1),
              d = Household("Dalmas", 3), e = Household("Esther", 1);
  for (const auto& who : {a, b, c, d, e}) {
    Details(who, Channel::kMobileMoney, "M-Pesa", "+254712345678");
  }
  int64_t cycle = ApprovedCycle();
  BatchService batches(db(), finance_);
  auto made = batches.Create(cycle, {});
  ASSERT_TRUE(made.ok());
  auto p = PaymentsOf(made->batches[0].id);
  ASSERT_EQ(p.size(), 5u);
  std::string file =
      File("status.csv", "end_to_end_id,status,amount,reason\n" + p[0].end_to_end_id +
                             ",paid,150.00,\n" + p[1].end_to_end_id +
                             ",failed,200.00,wallet closed\n" + p[2].end_to_end_id +
                             ",pending,,\n" + p[3].end_to_end_id + ",paid,249.99,\n" +
                             p[4].end_to_end_id + ",paid,150.00,\n" + p[4].end_to_end_id +
                             ",paid,150.00,\n"
                             "SPMIS-C9-E9-1,paid,1.00,\n" +
                             p[2].end_to_end_id.substr(0, 5) + ",bounced,,\n");
  ReconciliationService reconcile(db(), finance_);
  EXPECT_EQ(ReconciliationService(db(), manager_).Reconcile(file, StatusFormat::kCsv).error().code,
            ErrorCode::kPermissionDenied);
  auto done = reconcile.Reconcile(file, StatusFormat::kCsv);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  EXPECT_EQ(done->record.lines, 8);
  EXPECT_EQ(done->record.paid, 1);
  EXPECT_EQ(done->record.failed, 1);
  EXPECT_EQ(done->record.pending, 1);
  EXPECT_EQ(done->record.problems, 5);  // mismatch, 2 duplicates, unknown id, unknown status
  ASSERT_EQ(done->problems.size(), 5u);
  EXPECT_EQ(done->problems[0].line, 5);
  EXPECT_NE(done->problems[0].problem.find("249.99 KES is not the payment's 250.00 KES"),
            std::string::npos);
  EXPECT_NE(done->problems[1].problem.find("more than one line"), std::string::npos);
  EXPECT_EQ(done->problems[3].problem, "no payment has this end-to-end id");
  // Each problem quotes the id as the line wrote it.
  EXPECT_EQ(done->problems[0].end_to_end_id, p[3].end_to_end_id);
  EXPECT_EQ(done->problems[1].end_to_end_id, p[4].end_to_end_id);
  EXPECT_EQ(done->problems[2].end_to_end_id, p[4].end_to_end_id);
  EXPECT_EQ(done->problems[3].end_to_end_id, "SPMIS-C9-E9-1");
  EXPECT_EQ(done->problems[4].end_to_end_id, p[2].end_to_end_id.substr(0, 5));
  EXPECT_EQ(done->problems[4].problem,
            "the status 'bounced' is not understood (paid, failed or pending)");

  auto after = PaymentsOf(made->batches[0].id);
  EXPECT_EQ(after[0].state, PaymentState::kPaid);
  EXPECT_EQ(after[1].state, PaymentState::kFailed);
  EXPECT_EQ(after[1].reason, "wallet closed");
  EXPECT_EQ(after[3].state, PaymentState::kPending);  // the mismatch changed nothing
  EXPECT_EQ(after[4].state, PaymentState::kPending);  // neither did the duplicates
  auto totals = View(cycle).totals;
  EXPECT_EQ(totals.paid, 15000);
  EXPECT_EQ(totals.failed, 20000);
  EXPECT_EQ(totals.pending, 15000 + 25000 + 15000);
  EXPECT_TRUE(totals.balanced());
  auto stored = reconcile.Problems(done->record.id, 0, 100);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->size(), 5u);

  // The same file again changes nothing more.
  auto twice = reconcile.Reconcile(file, StatusFormat::kCsv);
  ASSERT_TRUE(twice.ok());
  EXPECT_EQ(twice->record.paid, 0);
  EXPECT_EQ(twice->record.failed, 0);
  EXPECT_EQ(twice->record.unchanged, 2);
  EXPECT_EQ(View(cycle).totals.paid, 15000);

  // Paid then failed, failed then paid: reported, not applied.
  auto reversed = reconcile.Reconcile(
      File("reversed.csv", "end_to_end_id,status,amount,reason\n" + p[0].end_to_end_id +
                               ",failed,,reversal\n" + p[1].end_to_end_id + ",paid,,\n"),
      StatusFormat::kCsv);
  ASSERT_TRUE(reversed.ok());
  EXPECT_EQ(reversed->record.problems, 2);
  EXPECT_EQ(PaymentsOf(made->batches[0].id)[0].state, PaymentState::kPaid);
  EXPECT_EQ(PaymentsOf(made->batches[0].id)[1].state, PaymentState::kFailed);

  // A file that is not a status file changes nothing.
  EXPECT_EQ(
      reconcile.Reconcile(File("x.csv", "id,state\n1,paid\n"), StatusFormat::kCsv).error().code,
      ErrorCode::kInvalidArgument);
}

TEST_P(PaymentsTest, FailedPaymentsAreReissuedOnceAndTheCycleEnds) {
  std::string a = Household("Amina", 1), b = Household("Baraka", 2);
  Details(a, Channel::kMobileMoney, "M-Pesa", "+254712345678");
  Details(b, Channel::kMobileMoney, "M-Pesa", "+254712345679");
  int64_t cycle = ApprovedCycle();
  BatchService batches(db(), finance_);
  auto first = batches.Create(cycle, {});
  ASSERT_TRUE(first.ok());
  auto p = PaymentsOf(first->batches[0].id);
  ASSERT_EQ(p.size(), 2u);
  ReconciliationService reconcile(db(), finance_);
  // pain.002: one settled, one rejected with a reason code.
  std::string report =
      "<?xml version=\"1.0\"?>\n<Document "
      "xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10\"><CstmrPmtStsRpt>"
      "<GrpHdr><MsgId>R1</MsgId></GrpHdr><OrgnlGrpInfAndSts><OrgnlMsgId>SPMIS-B" +
      std::to_string(first->batches[0].id) +
      "</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>"
      "<OrgnlPmtInfAndSts><TxInfAndSts><OrgnlEndToEndId>" +
      p[0].end_to_end_id +
      "</OrgnlEndToEndId><TxSts>ACSC</TxSts><OrgnlTxRef><Amt><InstdAmt "
      "Ccy=\"KES\">150.00</InstdAmt></Amt></OrgnlTxRef></TxInfAndSts>\n<TxInfAndSts>"
      "<OrgnlEndToEndId>" +
      p[1].end_to_end_id +
      "</OrgnlEndToEndId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn>"
      "<AddtlInf>account closed</AddtlInf></StsRsnInf></TxInfAndSts>"
      "</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>\n";
  // Malformed: refused whole, nothing changes.
  std::string broken = report.substr(0, report.size() / 2 + 40);
  ASSERT_FALSE(reconcile.Reconcile(File("broken.xml", broken), StatusFormat::kPain002).ok());
  EXPECT_EQ(PaymentsOf(first->batches[0].id)[0].state, PaymentState::kPending);

  auto done = reconcile.Reconcile(File("status.xml", report), StatusFormat::kPain002);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  EXPECT_EQ(done->record.paid, 1);
  EXPECT_EQ(done->record.failed, 1);
  EXPECT_EQ(PaymentsOf(first->batches[0].id)[1].reason, "AC04: account closed");
  EXPECT_EQ(View(cycle).cycle.state, cycles::CycleState::kDistributing);
  // An amount in another currency than its batch's is reported.
  std::string in_dollars = report;
  in_dollars.replace(in_dollars.find("Ccy=\"KES\""), 9, "Ccy=\"USD\"");
  auto dollars = reconcile.Reconcile(File("dollars.xml", in_dollars), StatusFormat::kPain002);
  ASSERT_TRUE(dollars.ok()) << dollars.error().ToString();
  ASSERT_EQ(dollars->problems.size(), 1u);
  EXPECT_EQ(dollars->problems[0].problem, "the currency USD is not the payment's (KES)");
  EXPECT_EQ(dollars->record.unchanged, 1);  // the rejected one, failed already

  // Without --reissue the failed one is not paid again; with it, once.
  EXPECT_EQ(batches.Create(cycle, {})->payments, 0);
  Details(b, Channel::kMobileMoney, "Airtel Money", "+254733000111");
  auto reissue = batches.Create(cycle, {"", 0, true});
  ASSERT_TRUE(reissue.ok());
  ASSERT_EQ(reissue->payments, 1);
  auto second = PaymentsOf(reissue->batches[0].id);
  EXPECT_EQ(second[0].entitlement_id, p[1].entitlement_id);
  EXPECT_EQ(second[0].attempt, 2);
  EXPECT_EQ(second[0].provider, "Airtel Money");
  EXPECT_NE(second[0].end_to_end_id, p[1].end_to_end_id);
  EXPECT_EQ(batches.Create(cycle, {"", 0, true})->payments, 0);  // not twice
  auto totals = View(cycle).totals;
  EXPECT_EQ(totals.failed, 0);
  EXPECT_EQ(totals.pending, 20000);
  EXPECT_TRUE(totals.balanced());
  // The late "paid" for the failed first attempt is not applied.
  auto late = reconcile.Reconcile(
      File("late.csv", "end_to_end_id,status,amount,reason\n" + p[1].end_to_end_id +
                           ",paid,200.00,\n" + second[0].end_to_end_id + ",paid,200.00,\n"),
      StatusFormat::kCsv);
  ASSERT_TRUE(late.ok());
  EXPECT_EQ(late->record.problems, 1);
  EXPECT_EQ(late->record.paid, 1);
  ASSERT_EQ(late->ended_cycles.size(), 1u);
  auto view = View(cycle);
  EXPECT_EQ(view.cycle.state, cycles::CycleState::kEnded);
  EXPECT_EQ(view.totals.paid, 35000);
  EXPECT_EQ(view.totals.approved, 35000);
  EXPECT_TRUE(view.totals.balanced());
}

TEST_P(PaymentsTest, AnIdOfAnotherCycleOrAttemptNamesNoPayment) {
  std::string a = Household("Amina", 1);
  Details(a, Channel::kMobileMoney, "M-Pesa", "+254712345678");
  int64_t cycle = ApprovedCycle();
  auto made = BatchService(db(), finance_).Create(cycle, {});
  ASSERT_TRUE(made.ok());
  auto p = PaymentsOf(made->batches[0].id);
  ASSERT_EQ(p.size(), 1u);
  ASSERT_EQ(p[0].end_to_end_id, EndToEndId(cycle, p[0].entitlement_id, 1));
  std::string file =
      File("status.csv", "end_to_end_id,status,amount,reason\n" +
                             EndToEndId(cycle + 1, p[0].entitlement_id, 1) + ",paid,150.00,\n" +
                             EndToEndId(cycle, p[0].entitlement_id, 2) + ",paid,150.00,\n");
  auto done = ReconciliationService(db(), finance_).Reconcile(file, StatusFormat::kCsv);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  EXPECT_EQ(done->record.paid, 0);
  ASSERT_EQ(done->problems.size(), 2u);
  for (const auto& problem : done->problems) {
    EXPECT_EQ(problem.problem, "no payment has this end-to-end id");
  }
  EXPECT_EQ(PaymentsOf(made->batches[0].id)[0].state, PaymentState::kPending);
}

// Payables are named by one scan of their range when it is dense, by IN
// lists when it is sparse: both give the head's name, keep an account
// holder's, and leave unnamed whoever has no details.
TEST_P(PaymentsTest, PayablesAreNamedAfterTheHeadWhetherCloseOrFarApart) {
  std::vector<int64_t> groups;
  for (const char* head : {"Amina", "Baraka", "Chebet", "Dalmas", "Esther"}) {
    groups.push_back(RegistrantId::Parse(Household(head, 1))->number);
  }
  auto payable = [&](size_t i, const std::string& holder, bool details) {
    Payable p;
    p.registrant_id = groups[i];
    if (details) {
      p.details = PaymentDetails{};
      p.name = holder;
    }
    return p;
  };
  PaymentRepository repository(conn());
  // Dense: five in a range of five.
  std::vector<Payable> dense = {payable(0, "", true), payable(1, "Account Holder", true),
                                payable(2, "", false), payable(3, "", true), payable(4, "", true)};
  repository.NamePayables(RegistrantKind::kGroup, dense);
  EXPECT_EQ(dense[0].name, "Amina Otieno");
  EXPECT_EQ(dense[1].name, "Account Holder");
  EXPECT_EQ(dense[2].name, "");
  EXPECT_EQ(dense[3].name, "Dalmas Otieno");
  EXPECT_EQ(dense[4].name, "Esther Otieno");
  // Sparse: the first and the last of five.
  ASSERT_EQ(groups[4] - groups[0], 4);
  std::vector<Payable> sparse = {payable(0, "", true), payable(4, "", true)};
  repository.NamePayables(RegistrantKind::kGroup, sparse);
  EXPECT_EQ(sparse[0].name, "Amina Otieno");
  EXPECT_EQ(sparse[1].name, "Esther Otieno");
  // Individuals, by their own names.
  auto people =
      conn().Prepare("SELECT id FROM individuals WHERE given_name = 'Child1' ORDER BY id");
  std::vector<Payable> children;
  while (people->Step()) {
    Payable p;
    p.registrant_id = people->Int(0);
    p.details = PaymentDetails{};
    children.push_back(p);
  }
  ASSERT_EQ(children.size(), 5u);
  std::vector<Payable> far = {children.front(), children.back()};
  repository.NamePayables(RegistrantKind::kIndividual, children);
  repository.NamePayables(RegistrantKind::kIndividual, far);
  for (const Payable& p : children) EXPECT_EQ(p.name, "Child1 Otieno");
  for (const Payable& p : far) EXPECT_EQ(p.name, "Child1 Otieno");
}

// The states and channels the code writes are the only ones the database
// accepts, on both backends; on SQLite the checks of the tables written a
// million rows at a time are comparisons, not IN lists (migration 0018).
TEST_P(PaymentsTest, TheDatabaseAcceptsOnlyKnownStatesAndChannels) {
  std::string a = Household("Amina", 1);
  Details(a, Channel::kMobileMoney, "M-Pesa", "+254712345678");
  int64_t cycle = ApprovedCycle();
  ASSERT_TRUE(BatchService(db(), finance_).Create(cycle, {}).ok());
  struct Column {
    std::string table, column;
    std::vector<std::string> accepted;
  };
  const std::vector<Column> columns = {
      {"individuals", "sex", {"female", "male", "other", "unknown"}},
      {"individuals", "status", {"active", "inactive", "deceased"}},
      {"program_memberships",
       "state",
       {"draft", "enrolled", "paused", "exited", "graduated", "not_eligible", "duplicated"}},
      {"payment_details", "channel", {"bank_transfer", "mobile_money", "cash"}},
      {"entitlements",
       "state",
       {"draft", "pending_approval", "approved", "paid", "failed", "cancelled"}},
      {"payments", "state", {"pending", "paid", "failed"}}};
  // Each change is made in a transaction of its own and rolled back.
  auto set = [&](const Column& c, const std::string& value) {
    store::Transaction transaction(conn());
    auto update = conn().Prepare("UPDATE " + c.table + " SET " + c.column + " = $1");
    update->Bind(1, value);
    return update->Execute();
  };
  for (const Column& c : columns) {
    for (const std::string& value : c.accepted) {
      EXPECT_GT(set(c, value), 0) << c.table << "." << c.column << " = " << value;
    }
    for (const std::string value : {"settled", "", "Paid", "paid "}) {
      try {
        set(c, value);
        ADD_FAILURE() << c.table << "." << c.column << " accepted '" << value << "'";
      } catch (const store::DatabaseError& e) {
        EXPECT_EQ(e.kind(), store::DatabaseError::Kind::kConstraint) << e.what();
      }
    }
    if (conn().backend() == store::Backend::kSqlite) {
      auto schema = conn().Prepare("SELECT sql FROM sqlite_schema WHERE name = $1");
      schema->Bind(1, c.table);
      ASSERT_TRUE(schema->Step());
      const std::string sql(schema->Text(0));
      EXPECT_EQ(sql.find("CHECK (" + c.column + " IN"), std::string::npos) << sql;
      EXPECT_NE(sql.find("CHECK (" + c.column + " = '" + c.accepted[0] + "' OR"), std::string::npos)
          << sql;
    }
  }
}

INSTANTIATE_BACKEND_TESTS(PaymentsTest);

// Payments written at schema version 13, when end-to-end ids were stored,
// migrated to derived ids (migration 0014).
class PaymentsBeforeDerivedIdsTest : public PaymentsTest {
 protected:
  PaymentsBeforeDerivedIdsTest() { schema_version_ = 13; }
};

TEST_P(PaymentsBeforeDerivedIdsTest, KeepTheirIdsStatesAndKeyThroughTheMigration) {
  std::string a = Household("Amina", 1), b = Household("Baraka", 2);
  // Entitlements as generation wrote them at schema 13: inputs as JSON.
  int64_t cycle = ApprovedCycle(true, [&](int64_t cycle_id) {
    int64_t amount = 15000, from_rule = 5000;  // Amina's household first, one child
    for (const std::string& household : {a, b}) {
      auto insert = conn().Prepare(
          "INSERT INTO entitlements (cycle_id, registrant_id, amount_minor, currency, state, "
          "rule_version, inputs, created_at, updated_at) VALUES ($1, $2, $3, 'KES', 'draft', 1, "
          "$4, $5, $5)");
      insert->Bind(1, cycle_id)
          .Bind(2, RegistrantId::Parse(household)->number)
          .Bind(3, amount)
          .Bind(4, R"({"as_of":")" + kStart.ToString() +
                       R"(","fixed":10000,"cap":null,"from_rule":)" + std::to_string(from_rule) +
                       R"(,"capped":false})")
          .Bind(5, Timestamp::Now());
      insert->Execute();
      amount += 5000;
      from_rule += 5000;
    }
  });
  std::vector<std::pair<int64_t, int64_t>> entitlements;  // id, registrant
  {
    auto query = conn().Prepare(
        "SELECT id, registrant_id FROM entitlements WHERE cycle_id = $1 ORDER BY id");
    query->Bind(1, cycle);
    while (query->Step()) entitlements.emplace_back(query->Int(0), query->Int(1));
  }
  ASSERT_EQ(entitlements.size(), 2u);
  const Timestamp made = *Timestamp::Parse("2026-12-01T08:00:00Z");
  const Timestamp failed = *Timestamp::Parse("2026-12-03T09:30:00Z");
  int64_t batch = 0;
  {
    store::Transaction transaction(conn());
    auto insert = conn().Prepare(
        "INSERT INTO payment_batches (cycle_id, sequence, channel, provider, payments, "
        "total_minor, currency, created_by, created_at) VALUES ($1, 1, 'mobile_money', 'M-Pesa', "
        "2, 35000, 'KES', 'fiona.finance', $2) RETURNING id");
    insert->Bind(1, cycle).Bind(2, made);
    ASSERT_TRUE(insert->Step());
    batch = insert->Int(0);
    insert->Reset();
    // As batching wrote them then: the id stored, updated_at set at creation.
    auto payment = conn().Prepare(
        "INSERT INTO payments (id, batch_id, cycle_id, entitlement_id, registrant_id, attempt, "
        "end_to_end_id, amount_minor, currency, name, channel, provider, account, state, "
        "created_at, updated_at, failed_at) VALUES ($1, $2, $3, $4, $5, 1, $6, $7, 'KES', $8, "
        "'mobile_money', 'M-Pesa', '+254712345678', $9, $10, $11, $12)");
    payment->Bind(1, int64_t{7}).Bind(2, batch).Bind(3, cycle).Bind(4, entitlements[0].first);
    payment->Bind(5, entitlements[0].second)
        .Bind(6, EndToEndId(cycle, entitlements[0].first, 1))
        .Bind(7, int64_t{15000})
        .Bind(8, "Amina Otieno")
        .Bind(9, "pending")
        .Bind(10, made)
        .Bind(11, made)
        .BindNull(12);
    payment->Execute();
    payment->Reset();
    payment->Bind(1, int64_t{9}).Bind(2, batch).Bind(3, cycle).Bind(4, entitlements[1].first);
    payment->Bind(5, entitlements[1].second)
        .Bind(6, EndToEndId(cycle, entitlements[1].first, 1))
        .Bind(7, int64_t{20000})
        .Bind(8, "Baraka Otieno")
        .Bind(9, "failed")
        .Bind(10, made)
        .Bind(11, failed)
        .Bind(12, failed);
    payment->Execute();
    // Ids up to 20 were handed out before (an insert rolled back): never again.
    conn().Execute(GetParam() == store::Backend::kSqlite
                       ? "UPDATE sqlite_sequence SET seq = 20 WHERE name = 'payments'"
                       : "SELECT setval(pg_get_serial_sequence('payments', 'id'), 20)");
    transaction.Commit();
  }

  auto migrated = store::ApplyMigrations(conn());
  ASSERT_TRUE(migrated.ok()) << migrated.error().ToString();
  EXPECT_GE(*migrated, 1);

  auto p = PaymentsOf(batch);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].id, 7);
  EXPECT_EQ(p[0].end_to_end_id, EndToEndId(cycle, entitlements[0].first, 1));
  EXPECT_EQ(p[0].state, PaymentState::kPending);
  EXPECT_EQ(p[0].name, "Amina Otieno");
  // Channel, provider and currency now come from the batch.
  EXPECT_EQ(p[0].channel, Channel::kMobileMoney);
  EXPECT_EQ(p[0].provider, "M-Pesa");
  EXPECT_EQ(p[0].currency, "KES");
  EXPECT_EQ(p[0].account, "+254712345678");
  EXPECT_EQ(p[1].id, 9);
  EXPECT_EQ(p[1].state, PaymentState::kFailed);
  {
    auto query = conn().Prepare(
        "SELECT id, updated_at IS NULL, failed_at IS NOT NULL FROM payments ORDER BY id");
    ASSERT_TRUE(query->Step());
    EXPECT_EQ(query->Int(1), 1);  // never changed since made
    EXPECT_EQ(query->Int(2), 0);
    ASSERT_TRUE(query->Step());
    EXPECT_EQ(query->Int(1), 0);  // its failure kept
    EXPECT_EQ(query->Int(2), 1);
    EXPECT_FALSE(query->Step());
  }
  // The same attempt of an entitlement twice is refused by the new key.
  {
    Payment again = p[1];
    again.state = PaymentState::kFailed;
    store::Transaction transaction(conn());
    EXPECT_THROW(PaymentRepository(conn()).InsertPayments({again}), store::DatabaseError);
  }
  // A re-issue is a new attempt, with an id never handed out before.
  Payment reissue = p[1];
  reissue.attempt = 2;
  reissue.state = PaymentState::kPending;
  {
    store::Transaction transaction(conn());
    PaymentRepository(conn()).InsertPayments({reissue});
    transaction.Commit();
  }
  auto after = PaymentsOf(batch);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[2].end_to_end_id, EndToEndId(cycle, entitlements[1].first, 2));
  EXPECT_GT(after[2].id, 20);  // (PostgreSQL spent 21 on the refused insert)

  // Reconciliation finds the migrated payment by its id.
  std::string file = File("status.csv", "end_to_end_id,status,amount,reason\n" +
                                            p[0].end_to_end_id + ",paid,150.00,\n");
  auto done = ReconciliationService(db(), finance_).Reconcile(file, StatusFormat::kCsv);
  ASSERT_TRUE(done.ok()) << done.error().ToString();
  EXPECT_EQ(done->record.paid, 1);
  EXPECT_TRUE(done->problems.empty());
  EXPECT_EQ(PaymentsOf(batch)[0].state, PaymentState::kPaid);
}

INSTANTIATE_BACKEND_TESTS(PaymentsBeforeDerivedIdsTest);

}  // namespace
}  // namespace spmis::payments
