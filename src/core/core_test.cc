#include <gtest/gtest.h>

#include "core/date.h"
#include "core/money.h"
#include "core/registrant_id.h"
#include "core/sha256.h"
#include "core/text.h"

namespace spmis {
namespace {

TEST(DateTest, ParsesAndPrintsIsoDates) {
  auto date = Date::Parse("2024-02-29");
  ASSERT_TRUE(date);
  EXPECT_EQ(date->ToString(), "2024-02-29");
  EXPECT_EQ(date->year(), 2024);
  EXPECT_EQ(date->month(), 2u);
  EXPECT_EQ(date->day(), 29u);
}

TEST(DateTest, RefusesImpossibleOrMalformedDates) {
  EXPECT_FALSE(Date::Parse("2023-02-29"));
  EXPECT_FALSE(Date::Parse("2023-13-01"));
  EXPECT_FALSE(Date::Parse("2023-1-01"));
  EXPECT_FALSE(Date::Parse("01/02/2023"));
  EXPECT_FALSE(Date::Parse("2023-01-01x"));
  EXPECT_FALSE(Date::Parse(""));
}

TEST(DateTest, AgeCountsOnlyReachedBirthdays) {
  Date birth = *Date::Parse("2000-06-15");
  EXPECT_EQ(birth.YearsUntil(*Date::Parse("2020-06-14")), 19);
  EXPECT_EQ(birth.YearsUntil(*Date::Parse("2020-06-15")), 20);
  Date leap = *Date::Parse("2004-02-29");
  EXPECT_EQ(leap.YearsUntil(*Date::Parse("2005-02-28")), 0);
  EXPECT_EQ(leap.YearsUntil(*Date::Parse("2005-03-01")), 1);
}

TEST(DateTest, AddMonthsClampsToMonthEnd) {
  EXPECT_EQ(Date::Parse("2024-01-31")->AddMonths(1).ToString(), "2024-02-29");
  EXPECT_EQ(Date::Parse("2024-11-15")->AddMonths(3).ToString(), "2025-02-15");
}

TEST(TimestampTest, RoundTripsAndReadsPostgresForm) {
  auto ts = Timestamp::Parse("2026-11-23T03:21:30.123456Z");
  ASSERT_TRUE(ts);
  EXPECT_EQ(ts->ToString(), "2026-11-23T03:21:30.123456Z");
  auto pg = Timestamp::Parse("2026-11-23 05:21:30.123456+02");
  ASSERT_TRUE(pg);
  EXPECT_EQ(*pg, *ts);
  auto seconds_only = Timestamp::Parse("2026-11-23 03:21:30+00");
  ASSERT_TRUE(seconds_only);
  EXPECT_EQ(seconds_only->ToString(), "2026-11-23T03:21:30.000000Z");
  EXPECT_FALSE(Timestamp::Parse("2026-11-23T03:21:30"));  // no offset
  EXPECT_FALSE(Timestamp::Parse("2026-11-23T25:00:00Z"));
}

TEST(RegistrantIdTest, RoundTripsWithCheckDigit) {
  RegistrantId id{RegistrantKind::kIndividual, 42};
  std::string text = id.ToString();
  EXPECT_EQ(text.substr(0, 13), "IND-00000042-");
  auto parsed = RegistrantId::Parse(text);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->number, 42);
  EXPECT_EQ(parsed->kind, RegistrantKind::kIndividual);
  EXPECT_EQ(RegistrantId::Parse(RegistrantId{RegistrantKind::kGroup, 7}.ToString())->kind,
            RegistrantKind::kGroup);
}

TEST(RegistrantIdTest, CatchesEverySingleDigitErrorAndAdjacentSwap) {
  for (int64_t number : {1, 42, 123456, 98765432}) {
    std::string text = RegistrantId{RegistrantKind::kIndividual, number}.ToString();
    for (size_t pos = 4; pos < 12; ++pos) {
      for (char digit = '0'; digit <= '9'; ++digit) {
        if (digit == text[pos]) continue;
        std::string typo = text;
        typo[pos] = digit;
        EXPECT_FALSE(RegistrantId::Parse(typo)) << typo;
      }
      if (pos < 11 && text[pos] != text[pos + 1]) {
        std::string swapped = text;
        std::swap(swapped[pos], swapped[pos + 1]);
        EXPECT_FALSE(RegistrantId::Parse(swapped)) << swapped;
      }
    }
  }
  EXPECT_FALSE(RegistrantId::Parse("XYZ-00000042-1"));
  EXPECT_FALSE(RegistrantId::Parse("IND-00000000-0"));
}

TEST(MoneyTest, FormatsAndParsesMajorUnits) {
  EXPECT_EQ(Money(15000, "USD").ToMajorString(), "150.00");
  EXPECT_EQ(Money(-5, "USD").ToMajorString(), "-0.05");
  EXPECT_EQ(Money(1500, "JPY").ToMajorString(), "1500");
  EXPECT_EQ(Money(1, "KWD").ToMajorString(), "0.001");
  EXPECT_EQ(Money::ParseMajor("150.5", "USD")->minor_units(), 15050);
  EXPECT_FALSE(Money::ParseMajor("150.555", "USD").ok());
  EXPECT_FALSE(Money::ParseMajor("1e3", "USD").ok());
  EXPECT_FALSE(Money::ParseMajor("10", "usd").ok());
}

TEST(MoneyTest, AdditionRefusesOverflowAndMixedCurrencies) {
  EXPECT_EQ(Money(1, "USD").Add(Money(2, "USD"))->minor_units(), 3);
  EXPECT_FALSE(Money(1, "USD").Add(Money(2, "EUR")).ok());
  EXPECT_FALSE(Money(INT64_MAX, "USD").Add(Money(1, "USD")).ok());
}

TEST(TextTest, ValidatesUtf8) {
  EXPECT_TRUE(IsValidUtf8("Ngozi Okonkwo-Ámà ✓"));
  EXPECT_FALSE(IsValidUtf8("\xC3"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));  // surrogate
}

TEST(TextTest, ParsesWholeNumbersOnly) {
  EXPECT_EQ(ParseInt64("42"), 42);
  EXPECT_EQ(ParseInt64("-7"), -7);
  EXPECT_FALSE(ParseInt64("42x"));
  EXPECT_FALSE(ParseInt64(""));
  EXPECT_FALSE(ParseInt64("99999999999999999999"));
  EXPECT_EQ(ParseDouble("1.5"), 1.5);
  EXPECT_FALSE(ParseDouble("nan"));
}

}  // namespace
}  // namespace spmis

namespace spmis {
namespace {

TEST(Sha256Test, MatchesTheStandardVectorsWholeOrInPieces) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  Sha256 pieces;
  pieces.Update("abcdbcdecdefdefgefghfghighij").Update("").Update("hijkijkljklmklmnlmnomnopnopq");
  EXPECT_EQ(pieces.HexDigest(), "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

}  // namespace
}  // namespace spmis
