// QueryBuilder: assembles SQL whose clauses depend on the request (optional
// filters, keyset positions) while keeping every value a bound parameter.
// Only the clauses present are written, so each backend plans with the
// indexes that apply and PostgreSQL sees no untyped parameter.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "store/database.h"

namespace spmis::store {

class QueryBuilder {
 public:
  explicit QueryBuilder(std::string_view start = {}) : sql_(start) {}

  QueryBuilder& Sql(std::string_view text) {
    sql_ += text;
    return *this;
  }
  // Appends the placeholder of a new parameter holding `value`.
  QueryBuilder& Value(int64_t value) { return Add({Param::kInt, value, 0, {}}); }
  QueryBuilder& Value(double value) { return Add({Param::kDouble, 0, value, {}}); }
  QueryBuilder& Value(std::string value) { return Add({Param::kText, 0, 0, std::move(value)}); }
  QueryBuilder& Value(const char* value) { return Value(std::string(value)); }
  QueryBuilder& Value(Date value) { return Value(value.ToString()); }
  QueryBuilder& Value(Timestamp value) { return Value(value.ToString()); }

  const std::string& sql() const { return sql_; }
  void BindTo(Statement& statement) const;

 private:
  struct Param {
    enum Kind { kInt, kDouble, kText } kind;
    int64_t int_value;
    double double_value;
    std::string text;
  };
  QueryBuilder& Add(Param value) {
    values_.push_back(std::move(value));
    sql_ += "$" + std::to_string(values_.size());
    return *this;
  }
  std::string sql_;
  std::vector<Param> values_;
};

}  // namespace spmis::store
