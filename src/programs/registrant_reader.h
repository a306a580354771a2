// RegistrantReader: streams the registry into RuleBatches, in id order, a
// batch at a time, reading only the columns the rule needs. Memory stays
// bounded by the batch size, whatever the registry's size. Only active
// registrants are read; a group's members are its active individuals whose
// membership is current on the evaluation date.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/date.h"
#include "registry/custom_field.h"
#include "rules/registry_rules.h"
#include "store/database.h"

namespace spmis::programs {

class AgesOn;  // registrant_reader.cc

struct ReaderOptions {
  rules::RuleTarget target = rules::RuleTarget::kGroups;
  std::set<std::string> fields;  // RegistryRules::FieldsRead
  Date as_of;
  // Materialised area paths; empty: every area.
  std::vector<std::string> within_paths;
  std::vector<registry::CustomField> individual_custom;
  std::vector<registry::CustomField> group_custom;
  bool all_fields = false;  // read every field, not only `fields` (to show a registrant whole)
};

class RegistrantReader {
 public:
  RegistrantReader(store::Connection& connection, ReaderOptions options);

  // Reads up to `limit` registrants after those read before into `batch`
  // (a new one), their ids into `ids` and their registration times into
  // `registered`. False when none are left.
  bool Next(rules::RuleBatch& batch, int limit, std::vector<int64_t>& ids,
            std::vector<Timestamp>* registered = nullptr);
  // How many registrants a full read gives (for progress), and the largest id.
  int64_t CountActive();
  int64_t MaxId();
  // Reads the registrants with ids first..last (one id range of a parallel scan).
  bool ReadRange(rules::RuleBatch& batch, int64_t first, int64_t last, std::vector<int64_t>& ids);
  // Reads the one registrant `id` (if active and within the areas).
  bool ReadOne(rules::RuleBatch& batch, int64_t id);

 private:
  struct Column;  // a selected column and the fields it fills
  bool Read(rules::RuleBatch& batch, int64_t after, int64_t up_to, int limit,
            std::vector<int64_t>& ids, std::vector<Timestamp>* registered);
  void ReadMembers(rules::RuleBatch& batch, int64_t first, int64_t last,
                   const std::vector<std::pair<int64_t, uint32_t>>& rows);
  // The registrants with ids first..last that are not active (few), in order.
  std::vector<int64_t> NotActive(bool groups, int64_t first, int64_t last);
  const AgesOn& Ages();  // ages on the evaluation date, by birth date
  bool Needs(const char* field) const {
    return options_.all_fields || options_.fields.count(field) > 0;
  }

  store::Connection& db_;
  ReaderOptions options_;
  std::unordered_map<int64_t, std::string> area_codes_;
  std::shared_ptr<const AgesOn> ages_;
  int64_t last_id_ = 0;
};

}  // namespace spmis::programs
