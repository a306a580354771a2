// Type: the static types of the checker. Primitive types, list(T), map(K, V),
// type(T), record types named by the bindings, dyn (anything; checked when the
// rule runs) and type parameters (A, B) of generic function signatures.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cel/value.h"

namespace spmis::cel {

enum class TypeKind : uint8_t {
  kDyn,
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kTimestamp,
  kDuration,
  kList,
  kMap,
  kType,
  kRecord,
  kParam,
  kError,
};

struct Type {
  TypeKind kind = TypeKind::kDyn;
  std::string name;          // kRecord: the record type; kParam: the parameter
  std::vector<Type> params;  // kList: element; kMap: key, value; kType: the type

  static Type Of(TypeKind k) { return Type{k, {}, {}}; }
  static Type Dyn() { return Of(TypeKind::kDyn); }
  static Type List(Type element) { return Type{TypeKind::kList, {}, {std::move(element)}}; }
  static Type Map(Type key, Type value) {
    return Type{TypeKind::kMap, {}, {std::move(key), std::move(value)}};
  }
  static Type TypeOf(Type t) { return Type{TypeKind::kType, {}, {std::move(t)}}; }
  static Type Record(std::string name) { return Type{TypeKind::kRecord, std::move(name), {}}; }
  static Type Param(std::string name) { return Type{TypeKind::kParam, std::move(name), {}}; }

  bool is(TypeKind k) const { return kind == k; }
  bool operator==(const Type&) const = default;

  // As CEL writes it: "int", "list(string)", "map(string, dyn)".
  std::string ToString() const;
};

// Parses a type as written in declarations: "int", "list(A)", "map(string, dyn)",
// "timestamp", a record name. Single capital letters are type parameters.
// Throws std::invalid_argument on a malformed spec (a programming error).
Type ParseType(std::string_view spec);

// Whether a value of this kind can have the type (dyn and type parameters
// take any kind; element types of lists and maps are not looked at).
bool KindMatchesType(ValueKind kind, const Type& type);

// The type value's name ("int", "list", "google.protobuf.Timestamp") of a type.
std::string_view TypeValueName(const Type& type);

}  // namespace spmis::cel
