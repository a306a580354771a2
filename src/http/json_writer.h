// Serializes JSON for API responses. Boost.JSON 1.81 prints doubles in
// exponent form ("1.652E3"); people and spreadsheets reading the API expect
// "1652" and "-1.2676", so numbers are written with std::to_chars (shortest
// form that reads back exactly) and everything else as Boost.JSON does.
#pragma once

#include <boost/json/value.hpp>
#include <string>

namespace spmis::http {

std::string WriteJson(const boost::json::value& value);

}  // namespace spmis::http
