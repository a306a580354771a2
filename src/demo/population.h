// PopulationGenerator: a synthetic but plausible registry — a three-level area
// hierarchy (country, 10 regions, 100 districts with centre points) and
// households of 1 to 12 people (mean about 4.5) with ages, sexes, disability
// (about 4%), schooling, income, farming and land, and GPS points inside
// their district. The same seed gives the same population on every machine
// (own random number generator, no <random> distributions), so demos, tests
// and benchmarks are repeatable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/date.h"

namespace spmis::demo {

struct DemoArea {
  std::string code;
  std::string name;
  int level = 0;
  std::string parent_code;
  double latitude = 0;
  double longitude = 0;
};

struct DemoPerson {
  std::string external_id;
  std::string given_name;
  std::string family_name;
  std::string sex;  // female | male
  Date birth_date;
  std::string area_code;
  std::string national_id;  // empty for children
  std::string phone;        // empty for children and some adults
  bool disability = false;
  bool in_school = false;
  double latitude = 0;
  double longitude = 0;
  std::string role;  // in the household: head, spouse, child, other_relative, non_relative
};

struct DemoHousehold {
  std::string external_id;
  std::string name;
  std::string area_code;
  int64_t income = 0;  // monthly, in whole currency units
  bool farming = false;
  double land_hectares = 0;
  Date registered_on;
  std::vector<DemoPerson> members;
};

// splitmix64: tiny, fast and the same everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  uint64_t Below(uint64_t bound);  // uniform in [0, bound)
  bool Chance(double probability);
  double Uniform();  // [0, 1)

 private:
  uint64_t state_;
};

class PopulationGenerator {
 public:
  // `as_of` anchors ages, so a seed gives the same people whatever the day.
  PopulationGenerator(uint64_t seed, Date as_of = *Date::FromYmd(2026, 1, 1));

  const std::vector<DemoArea>& areas() const { return areas_; }
  Date as_of() const { return as_of_; }
  // The next household (numbered from 1).
  DemoHousehold NextHousehold();

 private:
  DemoPerson MakePerson(const std::string& family_name, const std::string& sex, int age,
                        const DemoArea& district, const std::string& role);

  Rng rng_;
  Date as_of_;
  std::vector<DemoArea> areas_;
  std::vector<size_t> districts_;  // indexes into areas_
  int64_t households_ = 0;
  int64_t people_ = 0;
};

}  // namespace spmis::demo
