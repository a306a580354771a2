// The JSON shapes of the API's resources. Registrants are identified by their
// registrant IDs ("IND-00000042-4"), never by internal row numbers.
#pragma once

#include <boost/json/value.hpp>
#include <vector>

#include "importer/import_record.h"
#include "jobs/job.h"
#include "registry/area.h"
#include "registry/group.h"
#include "registry/history.h"
#include "registry/individual.h"

namespace spmis::http {

boost::json::value ToJson(const registry::Individual& person);
boost::json::value ToJson(const registry::Group& group);
boost::json::value ToJson(const registry::Membership& membership);
boost::json::value ToJson(const registry::Area& area);
boost::json::value ToJson(const registry::HistoryEntry& entry);
boost::json::value ToJson(const jobs::Job& job);
boost::json::value ToJson(const importer::ImportRecord& record);
boost::json::value ToJson(const registry::CustomValues& values);

// {"items": [...], "next": cursor-or-null, "total": n}
template <typename T>
boost::json::value PageToJson(const std::vector<T>& items, const std::optional<std::string>& next,
                              int64_t total) {
  boost::json::array array;
  array.reserve(items.size());
  for (const auto& item : items) array.push_back(ToJson(item));
  boost::json::object page;
  page["items"] = std::move(array);
  page["next"] = next ? boost::json::value(*next) : boost::json::value(nullptr);
  page["total"] = total;
  return page;
}

}  // namespace spmis::http
