#include "demo/population_files.h"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "demo/demo_payments.h"
#include "demo/population.h"
#include "importer/csv_writer.h"

namespace spmis::demo {
namespace {

constexpr const char* kConfiguration = R"json({
  "custom_fields": {
    "individual": [
      {"name": "in_school", "label": "Attends school", "type": "boolean"}
    ],
    "group": [
      {"name": "income", "label": "Monthly income", "type": "decimal"},
      {"name": "farming", "label": "Farming household", "type": "boolean"},
      {"name": "land_hectares", "label": "Land (hectares)", "type": "decimal"}
    ]
  }
}
)json";

std::string Number(double value) {
  char text[32];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return std::string(text, end);
}

// A plausible registration mistake: a letter changed, names swapped, or a
// birth date a few days off.
DemoPerson NearDuplicate(const DemoPerson& original, Rng& rng, std::string& how) {
  DemoPerson copy = original;
  copy.national_id.clear();
  copy.phone.clear();
  switch (rng.Below(3)) {
    case 0: {
      how = "typo";
      std::string& name = rng.Chance(0.5) ? copy.given_name : copy.family_name;
      size_t at = 1 + rng.Below(name.size() - 1);
      name[at] = static_cast<char>('a' + rng.Below(26));
      if (name == (&name == &copy.given_name ? original.given_name : original.family_name)) {
        name += 'h';
      }
      break;
    }
    case 1:
      how = "swapped_names";
      std::swap(copy.given_name, copy.family_name);
      break;
    default:
      how = "shifted_birth_date";
      copy.birth_date = copy.birth_date.AddDays(static_cast<int32_t>(1 + rng.Below(20)) *
                                                (rng.Chance(0.5) ? 1 : -1));
      break;
  }
  return copy;
}

}  // namespace

Result<PopulationFileSummary> WritePopulationFiles(const std::string& directory, int64_t households,
                                                   uint64_t seed) {
  std::error_code ec;
  std::filesystem::create_directories(directory, ec);
  if (ec) return Error::Invalid("cannot create " + directory + ": " + ec.message());
  auto path = [&](const char* name) { return (std::filesystem::path(directory) / name).string(); };
  importer::CsvWriter areas(path("areas.csv")), people(path("individuals.csv")),
      groups(path("groups.csv")), members(path("memberships.csv")), truth(path("duplicates.csv")),
      details(path("payment_details.csv"));
  for (auto* w : {&areas, &people, &groups, &members, &truth, &details}) {
    if (!w->ok()) return Error::Invalid("cannot write into " + directory);
  }
  {
    std::ofstream config(path("config.json"));
    config << kConfiguration;
  }
  PopulationGenerator generator(seed);
  Rng duplicates_rng(seed ^ 0x5DEECE66DULL);
  PopulationFileSummary summary;
  areas.Row({"code", "name", "level", "parent_code"});
  for (const auto& area : generator.areas()) {
    areas.Row({area.code, area.name, std::to_string(area.level), area.parent_code});
    ++summary.areas;
  }
  people.Row({"external_id", "given_name", "family_name", "sex", "birth_date", "area_code",
              "national_id", "phone", "disability", "latitude", "longitude", "in_school"});
  groups.Row({"external_id", "kind", "name", "area_code", "income", "farming", "land_hectares"});
  members.Row({"group_external_id", "individual_external_id", "role", "start_date"});
  truth.Row({"original_external_id", "duplicate_external_id", "difference"});
  details.Row({"group_external_id", "individual_external_id", "channel", "provider", "account"});
  auto write_details = [&](const std::string& group, const std::string& individual,
                           const std::optional<payments::PaymentDetails>& d) {
    if (!d) return;
    details.Row({group, individual, payments::ChannelName(d->channel), d->provider, d->account});
  };
  auto write_person = [&](const DemoPerson& p) {
    people.Row({p.external_id, p.given_name, p.family_name, p.sex, p.birth_date.ToString(),
                p.area_code, p.national_id, p.phone, p.disability ? "yes" : "no",
                Number(p.latitude), Number(p.longitude), p.in_school ? "yes" : ""});
    ++summary.individuals;
  };
  for (int64_t n = 0; n < households; ++n) {
    DemoHousehold h = generator.NextHousehold();
    groups.Row({h.external_id, "household", h.name, h.area_code, std::to_string(h.income),
                h.farming ? "yes" : "no", Number(h.land_hectares)});
    ++summary.households;
    write_details(h.external_id, "", HouseholdPaymentDetails(h));
    for (const auto& member : h.members) {
      write_person(member);
      write_details("", member.external_id, PersonPaymentDetails(member, generator.as_of()));
      members.Row({h.external_id, member.external_id, member.role, h.registered_on.ToString()});
      ++summary.memberships;
      if (duplicates_rng.Chance(0.01)) {
        std::string how;
        DemoPerson copy = NearDuplicate(member, duplicates_rng, how);
        copy.external_id = "D" + member.external_id.substr(1);
        write_person(copy);
        truth.Row({member.external_id, copy.external_id, how});
        ++summary.duplicates;
      }
    }
  }
  for (auto* w : {&areas, &people, &groups, &members, &truth, &details}) {
    SPMIS_RETURN_IF_ERROR(w->Close());
  }
  return summary;
}

}  // namespace spmis::demo
