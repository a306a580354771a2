#include "cel/type.h"

#include <stdexcept>

namespace spmis::cel {

namespace {

const char* PrimitiveName(TypeKind kind) {
  switch (kind) {
    case TypeKind::kDyn:
      return "dyn";
    case TypeKind::kNull:
      return "null_type";
    case TypeKind::kBool:
      return "bool";
    case TypeKind::kInt:
      return "int";
    case TypeKind::kUint:
      return "uint";
    case TypeKind::kDouble:
      return "double";
    case TypeKind::kString:
      return "string";
    case TypeKind::kBytes:
      return "bytes";
    case TypeKind::kTimestamp:
      return "google.protobuf.Timestamp";
    case TypeKind::kDuration:
      return "google.protobuf.Duration";
    case TypeKind::kList:
      return "list";
    case TypeKind::kMap:
      return "map";
    case TypeKind::kType:
      return "type";
    case TypeKind::kError:
      return "error";
    default:
      return "";
  }
}

class TypeSpecParser {
 public:
  explicit TypeSpecParser(std::string_view spec) : spec_(spec) {}

  Type ParseAll() {
    Type t = Parse();
    Skip();
    if (pos_ != spec_.size()) Fail();
    return t;
  }

 private:
  [[noreturn]] void Fail() { throw std::invalid_argument("bad type spec: " + std::string(spec_)); }
  void Skip() {
    while (pos_ < spec_.size() && spec_[pos_] == ' ') ++pos_;
  }
  Type Parse() {
    Skip();
    size_t start = pos_;
    while (pos_ < spec_.size() && spec_[pos_] != '(' && spec_[pos_] != ')' && spec_[pos_] != ',' &&
           spec_[pos_] != ' ') {
      ++pos_;
    }
    std::string_view word = spec_.substr(start, pos_ - start);
    if (word.empty()) Fail();
    std::vector<Type> params;
    Skip();
    if (pos_ < spec_.size() && spec_[pos_] == '(') {
      ++pos_;
      while (true) {
        params.push_back(Parse());
        Skip();
        if (pos_ >= spec_.size()) Fail();
        if (spec_[pos_] == ')') {
          ++pos_;
          break;
        }
        if (spec_[pos_] != ',') Fail();
        ++pos_;
      }
    }
    if (word == "list" && params.size() == 1) return Type::List(params[0]);
    if (word == "map" && params.size() == 2) return Type::Map(params[0], params[1]);
    if (word == "type") return params.empty() ? Type::TypeOf(Type::Dyn()) : Type::TypeOf(params[0]);
    if (!params.empty()) Fail();
    if (word == "dyn") return Type::Dyn();
    if (word == "null_type" || word == "null") return Type::Of(TypeKind::kNull);
    if (word == "bool") return Type::Of(TypeKind::kBool);
    if (word == "int") return Type::Of(TypeKind::kInt);
    if (word == "uint") return Type::Of(TypeKind::kUint);
    if (word == "double") return Type::Of(TypeKind::kDouble);
    if (word == "string") return Type::Of(TypeKind::kString);
    if (word == "bytes") return Type::Of(TypeKind::kBytes);
    if (word == "timestamp" || word == "google.protobuf.Timestamp") {
      return Type::Of(TypeKind::kTimestamp);
    }
    if (word == "duration" || word == "google.protobuf.Duration") {
      return Type::Of(TypeKind::kDuration);
    }
    if (word == "list") return Type::List(Type::Dyn());
    if (word == "map") return Type::Map(Type::Dyn(), Type::Dyn());
    if (word.size() == 1 && word[0] >= 'A' && word[0] <= 'Z') return Type::Param(std::string(word));
    return Type::Record(std::string(word));
  }

  std::string_view spec_;
  size_t pos_ = 0;
};

}  // namespace

std::string Type::ToString() const {
  switch (kind) {
    case TypeKind::kList:
      return "list(" + params[0].ToString() + ")";
    case TypeKind::kMap:
      return "map(" + params[0].ToString() + ", " + params[1].ToString() + ")";
    case TypeKind::kType:
      return params.empty() ? "type" : "type(" + params[0].ToString() + ")";
    case TypeKind::kRecord:
    case TypeKind::kParam:
      return name;
    default:
      return PrimitiveName(kind);
  }
}

Type ParseType(std::string_view spec) { return TypeSpecParser(spec).ParseAll(); }

bool KindMatchesType(ValueKind kind, const Type& type) {
  switch (type.kind) {
    case TypeKind::kDyn:
    case TypeKind::kParam:
      return true;
    case TypeKind::kNull:
      return kind == ValueKind::kNull;
    case TypeKind::kBool:
      return kind == ValueKind::kBool;
    case TypeKind::kInt:
      return kind == ValueKind::kInt;
    case TypeKind::kUint:
      return kind == ValueKind::kUint;
    case TypeKind::kDouble:
      return kind == ValueKind::kDouble;
    case TypeKind::kString:
      return kind == ValueKind::kString;
    case TypeKind::kBytes:
      return kind == ValueKind::kBytes;
    case TypeKind::kTimestamp:
      return kind == ValueKind::kTimestamp;
    case TypeKind::kDuration:
      return kind == ValueKind::kDuration;
    case TypeKind::kList:
      return kind == ValueKind::kList;
    case TypeKind::kMap:
      return kind == ValueKind::kMap;
    case TypeKind::kType:
      return kind == ValueKind::kType;
    case TypeKind::kRecord:
      return kind == ValueKind::kRecord;
    case TypeKind::kError:
      return kind == ValueKind::kError;
  }
  return false;
}

std::string_view TypeValueName(const Type& type) {
  if (type.kind == TypeKind::kRecord) return type.name;
  return PrimitiveName(type.kind);
}

}  // namespace spmis::cel
