// The demo programs, the Logic Pack they share, and twelve personas that
// show (and test) what the rules decide: eight households or people who
// qualify for at least one program, and four edge cases that qualify for
// none (a child turning five on the evaluation date, a pensioner one day
// short of the retirement age, land exactly at the threshold, income exactly
// at the poverty line). Personas are dated from an evaluation date, so their
// outcome on that date is known in advance.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "core/date.h"
#include "programs/program.h"
#include "rules/logic_pack.h"

namespace spmis::demo {

rules::LogicPack DemoLogicPack();
std::vector<programs::Program> DemoPrograms();

struct PersonaMember {
  std::string given_name;
  std::string sex;  // female | male
  Date birth_date;
  std::string role;  // head, spouse, child, other_relative
  bool disability = false;
};

struct Persona {
  std::string external_id;  // of the household; its members are external_id + "-1", "-2", ...
  std::string story;        // who they are, in a line
  std::string family_name;
  double income = 0;
  bool farming = false;
  double land_hectares = 0;
  std::vector<PersonaMember> members;  // the first is the one individual programs look at
  std::set<std::string> qualifies;     // program codes they qualify for on the evaluation date
};

std::vector<Persona> DemoPersonas(Date evaluation_date);

}  // namespace spmis::demo
