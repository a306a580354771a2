#include "demo/demo_loader.h"

#include <boost/json.hpp>

#include "demo/demo_payments.h"
#include "demo/demo_programs.h"
#include "demo/population.h"
#include "payments/payment_repository.h"
#include "programs/logic_pack_repository.h"
#include "programs/program_service.h"
#include "registry/area_service.h"
#include "registry/configuration_service.h"
#include "registry/group_repository.h"
#include "registry/history_repository.h"
#include "registry/individual_repository.h"

namespace spmis::demo {
namespace {

using registry::CustomField;
using registry::CustomFieldType;

Status DeclareDemoFields(store::Connection& connection, const Actor& actor) {
  registry::ConfigurationService configuration(connection, Principal::SystemAs(actor));
  const CustomField fields[] = {
      {RegistrantKind::kIndividual,
       "in_school",
       "Attends school",
       CustomFieldType::kBoolean,
       {},
       false},
      {RegistrantKind::kGroup, "income", "Monthly income", CustomFieldType::kDecimal, {}, false},
      {RegistrantKind::kGroup,
       "farming",
       "Farming household",
       CustomFieldType::kBoolean,
       {},
       false},
      {RegistrantKind::kGroup,
       "land_hectares",
       "Land (hectares)",
       CustomFieldType::kDecimal,
       {},
       false},
  };
  for (const auto& field : fields) SPMIS_RETURN_IF_ERROR(configuration.DeclareCustomField(field));
  return OkStatus();
}

registry::HistoryEntry Created(RegistrantKind kind, int64_t id, const Actor& actor, Timestamp at) {
  registry::HistoryEntry e;
  e.registrant_kind = kind;
  e.registrant_id = id;
  e.action = "created";
  e.actor = actor.name;
  e.changed_at = at;
  return e;
}

Result<std::string> RunDemoLoad(jobs::JobContext& context) {
  SPMIS_ASSIGN_OR_RETURN(DemoLoadOptions options,
                         ParseDemoLoadParameters(context.job().parameters));
  Actor actor = context.actor();
  auto connection = context.database().Acquire();
  {
    auto count = connection->Prepare("SELECT COUNT(*) FROM individuals");
    count->Step();
    if (int64_t existing = count->Int(0); existing > 0) {
      return std::string(R"({"skipped":true,"reason":"the registry already holds )") +
             std::to_string(existing) + R"( individuals"})";
    }
  }
  context.SetTotal(options.households);
  store::Transaction transaction(*connection);
  SPMIS_RETURN_IF_ERROR(DeclareDemoFields(*connection, actor));

  PopulationGenerator generator(options.seed);
  registry::AreaService areas(*connection, Principal::SystemAs(actor));
  for (const auto& demo_area : generator.areas()) {
    registry::Area area;
    area.code = demo_area.code;
    area.name = demo_area.name;
    area.level = demo_area.level;
    area.parent_code = demo_area.parent_code;
    SPMIS_RETURN_IF_ERROR(areas.Create(area));
  }
  std::map<std::string, int64_t> area_ids;
  for (const auto& demo_area : generator.areas()) {
    area_ids[demo_area.code] = areas.GetByCode(demo_area.code)->id;
  }

  registry::IndividualRepository people(*connection);
  registry::GroupRepository groups(*connection);
  registry::HistoryRepository history(*connection);
  payments::PaymentRepository payment_details(*connection);
  auto save_details = [&](RegistrantKind kind, int64_t id,
                          std::optional<payments::PaymentDetails> d, Timestamp at) {
    if (!d) return;
    d->kind = kind;
    d->registrant_id = id;
    d->updated_by = actor.name;
    d->updated_at = at;
    payment_details.SaveDetails(*d);
  };
  int64_t individuals = 0;
  for (int64_t n = 0; n < options.households; ++n) {
    if (context.CancelRequested()) return Error::Precondition("cancelled");
    DemoHousehold demo = generator.NextHousehold();
    Timestamp now = Timestamp::Now();
    registry::Group group;
    group.external_id = demo.external_id;
    group.name = demo.name;
    group.area_id = area_ids.at(demo.area_code);
    group.custom = {{"income", static_cast<double>(demo.income)},
                    {"farming", demo.farming},
                    {"land_hectares", demo.land_hectares}};
    group.created_at = group.updated_at = now;
    groups.Insert(group);
    history.Append(Created(RegistrantKind::kGroup, group.id, actor, now));
    save_details(RegistrantKind::kGroup, group.id, HouseholdPaymentDetails(demo), now);
    for (const auto& member : demo.members) {
      registry::Individual person;
      person.external_id = member.external_id;
      person.given_name = member.given_name;
      person.family_name = member.family_name;
      person.sex = *registry::ParseSex(member.sex);
      person.birth_date = member.birth_date;
      if (!member.phone.empty()) person.phone = member.phone;
      person.location = registry::GeoPoint{member.latitude, member.longitude};
      person.area_id = group.area_id;
      person.disability = member.disability;
      if (!member.national_id.empty()) {
        person.documents.push_back(
            {"national_id", member.national_id, "Demoland Registrar", std::nullopt});
      }
      if (member.in_school) person.custom["in_school"] = true;
      person.created_at = person.updated_at = now;
      people.Insert(person);
      history.Append(Created(RegistrantKind::kIndividual, person.id, actor, now));
      save_details(RegistrantKind::kIndividual, person.id,
                   PersonPaymentDetails(member, generator.as_of()), now);
      registry::Membership membership;
      membership.group_id = group.id;
      membership.individual_id = person.id;
      membership.role = member.role;
      membership.start_date = demo.registered_on;
      groups.InsertMembership(membership);
      ++individuals;
    }
    context.SetDone(n + 1);
  }
  // The personas, in the first area of the lowest level.
  Date personas_as_of = options.personas_as_of.value_or(Date::Today());
  int64_t persona_area = area_ids.at(generator.areas().back().code);
  for (const Persona& persona : DemoPersonas(personas_as_of)) {
    Timestamp now = Timestamp::Now();
    registry::Group group;
    group.external_id = persona.external_id;
    group.name = "Persona " + persona.external_id.substr(8) + ": " + persona.story;
    group.area_id = persona_area;
    group.custom = {{"income", persona.income},
                    {"farming", persona.farming},
                    {"land_hectares", persona.land_hectares}};
    group.created_at = group.updated_at = now;
    groups.Insert(group);
    history.Append(Created(RegistrantKind::kGroup, group.id, actor, now));
    {
      // Personas are paid to a demo wallet each.
      payments::PaymentDetails wallet;
      wallet.channel = payments::Channel::kMobileMoney;
      wallet.provider = "M-Pesa";
      wallet.account = "+2547000000" + persona.external_id.substr(persona.external_id.size() - 2);
      save_details(RegistrantKind::kGroup, group.id, wallet, now);
    }
    for (size_t i = 0; i < persona.members.size(); ++i) {
      const PersonaMember& member = persona.members[i];
      registry::Individual person;
      person.external_id = persona.external_id + "-" + std::to_string(i + 1);
      person.given_name = member.given_name;
      person.family_name = persona.family_name;
      person.sex = *registry::ParseSex(member.sex);
      person.birth_date = member.birth_date;
      person.area_id = persona_area;
      person.disability = member.disability;
      person.created_at = person.updated_at = now;
      people.Insert(person);
      history.Append(Created(RegistrantKind::kIndividual, person.id, actor, now));
      registry::Membership membership;
      membership.group_id = group.id;
      membership.individual_id = person.id;
      membership.role = member.role;
      membership.start_date = personas_as_of.AddMonths(-12);
      groups.InsertMembership(membership);
      ++individuals;
    }
  }

  // The Logic Pack and the six demo programs (rules checked as any program's).
  programs::LogicPackRepository(*connection).Replace(DemoLogicPack());
  programs::ProgramService program_service(*connection, Principal::SystemAs(actor));
  for (const programs::Program& program : DemoPrograms()) {
    SPMIS_RETURN_IF_ERROR(program_service.Create(program));
  }
  transaction.Commit();
  boost::json::object result{{"areas", generator.areas().size()},
                             {"households", options.households},
                             {"individuals", individuals},
                             {"personas", DemoPersonas(personas_as_of).size()},
                             {"personas_as_of", personas_as_of.ToString()},
                             {"programs", DemoPrograms().size()}};
  return boost::json::serialize(result);
}

}  // namespace

std::string DemoLoadParameters(const DemoLoadOptions& options) {
  boost::json::object parameters{{"households", options.households}, {"seed", options.seed}};
  if (options.personas_as_of) parameters["personas_as_of"] = options.personas_as_of->ToString();
  return boost::json::serialize(parameters);
}

Result<DemoLoadOptions> ParseDemoLoadParameters(std::string_view json) {
  DemoLoadOptions options;
  boost::json::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec || !value.is_object()) return Error::Invalid("demo.load parameters are not a JSON object");
  const auto& object = value.as_object();
  if (auto* households = object.if_contains("households")) {
    if (!households->is_int64() || households->as_int64() < 1 ||
        households->as_int64() > 10'000'000) {
      return Error::Invalid("households must be a whole number from 1 to 10000000");
    }
    options.households = households->as_int64();
  }
  if (auto* seed = object.if_contains("seed")) {
    if (seed->is_uint64()) {
      options.seed = seed->as_uint64();
    } else if (seed->is_int64() && seed->as_int64() >= 0) {
      options.seed = static_cast<uint64_t>(seed->as_int64());
    } else {
      return Error::Invalid("seed must be a non-negative whole number");
    }
  }
  if (auto* date = object.if_contains("personas_as_of")) {
    options.personas_as_of = date->is_string() ? Date::Parse(date->as_string()) : std::nullopt;
    if (!options.personas_as_of) return Error::Invalid("personas_as_of must be a date");
  }
  return options;
}

void RegisterDemoJobs(jobs::JobRunner& runner) {
  runner.Register({kDemoLoadJob, RunDemoLoad, /*resumable=*/true});
}

}  // namespace spmis::demo
