#include "demo/population.h"

#include <array>
#include <cmath>
#include <cstdio>
#include <string_view>

namespace spmis::demo {
namespace {

constexpr std::array<std::string_view, 40> kFemaleNames = {
    "Amina",  "Grace",  "Fatuma", "Wanjiru", "Achieng", "Mary",     "Esther", "Zawadi",
    "Neema",  "Halima", "Chebet", "Nafula",  "Akinyi",  "Faith",    "Joyce",  "Mercy",
    "Aisha",  "Rehema", "Njeri",  "Auma",    "Irene",   "Lucy",     "Salma",  "Mwanaisha",
    "Ruth",   "Jane",   "Nasra",  "Wairimu", "Atieno",  "Beatrice", "Sarah",  "Khadija",
    "Mumbua", "Nekesa", "Winnie", "Pendo",   "Eunice",  "Tabitha",  "Asha",   "Dorcas"};
constexpr std::array<std::string_view, 40> kMaleNames = {
    "Baraka", "John",    "Juma",    "Kamau",   "Otieno",  "Peter",   "Hassan", "Mwangi",
    "Omondi", "Daniel",  "Kiprono", "Wafula",  "Musa",    "Joseph",  "Ali",    "Kevin",
    "Brian",  "Ochieng", "Njoroge", "Samuel",  "Ibrahim", "David",   "Kibet",  "Onyango",
    "Paul",   "James",   "Abdi",    "Mutua",   "Simon",   "Charles", "Hamisi", "Wekesa",
    "George", "Francis", "Rashid",  "Kariuki", "Stephen", "Tom",     "Yusuf",  "Moses"};
constexpr std::array<std::string_view, 50> kFamilyNames = {
    "Odhiambo",  "Otieno",   "Kamau",  "Mwangi", "Wanjiku", "Ochieng",  "Njoroge",   "Kiprop",
    "Wafula",    "Mutua",    "Hassan", "Ali",    "Omondi",  "Kariuki",  "Chebet",    "Onyango",
    "Kimani",    "Mohamed",  "Wekesa", "Barasa", "Mutiso",  "Njeri",    "Korir",     "Rotich",
    "Abdi",      "Juma",     "Maina",  "Gitau",  "Owino",   "Nyambura", "Cheruiyot", "Kilonzo",
    "Musyoka",   "Achieng",  "Simiyu", "Langat", "Koech",   "Ndungu",   "Okoth",     "Atieno",
    "Mburu",     "Kiplagat", "Wambui", "Oduor",  "Omar",    "Salim",    "Nduta",     "Macharia",
    "Kiprotich", "Muthoni"};
constexpr std::array<std::string_view, 10> kRegions = {
    "Coast",   "Highlands", "Lakeside", "Rift",     "Northern",
    "Eastern", "Central",   "Western",  "Southern", "Capital"};

// Household sizes 1..12 with a mean of about 4.5.
constexpr std::array<int, 12> kSizeWeights = {8, 13, 16, 17, 15, 11, 8, 5, 3, 2, 1, 1};

}  // namespace

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t Rng::Below(uint64_t bound) {
  // The tiny modulo bias is irrelevant for synthetic data.
  return Next() % bound;
}

double Rng::Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

bool Rng::Chance(double probability) { return Uniform() < probability; }

PopulationGenerator::PopulationGenerator(uint64_t seed, Date as_of) : rng_(seed), as_of_(as_of) {
  areas_.push_back({"DM", "Demoland", 0, "", 0.5, 37.0});
  for (size_t r = 0; r < kRegions.size(); ++r) {
    char code[32];
    std::snprintf(code, sizeof code, "DM-%02zu", r + 1);
    double lat = -4.0 + static_cast<double>(r % 5) * 2.0;
    double lon = 34.0 + static_cast<double>(r / 5) * 3.0;
    areas_.push_back({code, std::string(kRegions[r]), 1, "DM", lat, lon});
    std::string region_code = code;
    for (int d = 0; d < 10; ++d) {
      char district[48];
      std::snprintf(district, sizeof district, "%s-%02d", region_code.c_str(), d + 1);
      districts_.push_back(areas_.size());
      areas_.push_back({district, std::string(kRegions[r]) + " District " + std::to_string(d + 1),
                        2, region_code, lat + (d % 5) * 0.3, lon + (d / 5) * 0.4});
    }
  }
}

DemoPerson PopulationGenerator::MakePerson(const std::string& family_name, const std::string& sex,
                                           int age, const DemoArea& district,
                                           const std::string& role) {
  DemoPerson p;
  ++people_;
  char id[32];
  std::snprintf(id, sizeof id, "P%09lld", static_cast<long long>(people_));
  p.external_id = id;
  p.given_name = std::string(sex == "female" ? kFemaleNames[rng_.Below(kFemaleNames.size())]
                                             : kMaleNames[rng_.Below(kMaleNames.size())]);
  p.family_name = family_name;
  p.sex = sex;
  int day_of_year = static_cast<int>(rng_.Below(365));
  p.birth_date = as_of_.AddMonths(-12 * age).AddDays(-day_of_year - 1);
  p.area_code = district.code;
  if (age >= 18) {
    std::snprintf(id, sizeof id, "%08lld", static_cast<long long>(20000000 + people_));
    p.national_id = id;
    if (rng_.Chance(0.8)) {
      std::snprintf(id, sizeof id, "+2547%08llu",
                    static_cast<unsigned long long>(rng_.Below(100000000)));
      p.phone = id;
    }
  }
  p.disability = rng_.Chance(0.04);
  p.in_school = age >= 5 && age <= 17 && rng_.Chance(0.85);
  // Six decimals: about 10 cm, as a phone's GPS reports.
  p.latitude = std::round((district.latitude + (rng_.Uniform() - 0.5) * 0.2) * 1e6) / 1e6;
  p.longitude = std::round((district.longitude + (rng_.Uniform() - 0.5) * 0.2) * 1e6) / 1e6;
  p.role = role;
  return p;
}

DemoHousehold PopulationGenerator::NextHousehold() {
  DemoHousehold h;
  ++households_;
  char id[32];
  std::snprintf(id, sizeof id, "H%08lld", static_cast<long long>(households_));
  h.external_id = id;
  const DemoArea& district = areas_[districts_[rng_.Below(districts_.size())]];
  h.area_code = district.code;
  std::string family(kFamilyNames[rng_.Below(kFamilyNames.size())]);
  h.name = family + " household";
  h.farming = rng_.Chance(0.45);
  h.land_hectares = h.farming ? std::round(rng_.Uniform() * 60.0) / 10.0 : 0.0;
  // Skewed income: most households are poor, a few are not.
  double u = rng_.Uniform();
  h.income = static_cast<int64_t>(1500 + u * u * u * 60000);
  h.registered_on = as_of_.AddDays(-static_cast<int32_t>(rng_.Below(3 * 365)));

  int total_weight = 0;
  for (int w : kSizeWeights) total_weight += w;
  int pick = static_cast<int>(rng_.Below(static_cast<uint64_t>(total_weight)));
  int size = 1;
  for (int w : kSizeWeights) {
    if (pick < w) break;
    pick -= w;
    ++size;
  }

  std::string head_sex = rng_.Chance(0.4) ? "female" : "male";
  int head_age = 18 + static_cast<int>(rng_.Below(70));
  if (size == 1 && rng_.Chance(0.35)) head_age = 60 + static_cast<int>(rng_.Below(30));
  h.members.push_back(MakePerson(family, head_sex, head_age, district, "head"));
  int remaining = size - 1;
  if (remaining > 0 && head_age < 75 && rng_.Chance(0.75)) {
    int spouse_age = std::max(18, head_age + static_cast<int>(rng_.Below(11)) - 5);
    h.members.push_back(MakePerson(family, head_sex == "female" ? "male" : "female", spouse_age,
                                   district, "spouse"));
    --remaining;
  }
  for (int i = 0; i < remaining; ++i) {
    std::string sex = rng_.Chance(0.5) ? "female" : "male";
    if (rng_.Chance(0.8)) {
      int max_child_age = std::max(1, std::min(17, head_age - 16));
      int age = static_cast<int>(rng_.Below(static_cast<uint64_t>(max_child_age) + 1));
      h.members.push_back(MakePerson(family, sex, age, district, "child"));
    } else if (rng_.Chance(0.7)) {
      int age = rng_.Chance(0.5) ? 60 + static_cast<int>(rng_.Below(30))
                                 : static_cast<int>(rng_.Below(40));
      h.members.push_back(MakePerson(family, sex, age, district, "other_relative"));
    } else {
      std::string other(kFamilyNames[rng_.Below(kFamilyNames.size())]);
      h.members.push_back(
          MakePerson(other, sex, 15 + static_cast<int>(rng_.Below(50)), district, "non_relative"));
    }
  }
  return h;
}

}  // namespace spmis::demo
