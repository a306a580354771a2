#include "cel/checker.h"

#include <algorithm>
#include <map>

namespace spmis::cel {

std::optional<Type> BuiltinTypeName(std::string_view name) {
  static const std::map<std::string, Type, std::less<>> kTypes = {
      {"int", Type::Of(TypeKind::kInt)},
      {"uint", Type::Of(TypeKind::kUint)},
      {"double", Type::Of(TypeKind::kDouble)},
      {"bool", Type::Of(TypeKind::kBool)},
      {"string", Type::Of(TypeKind::kString)},
      {"bytes", Type::Of(TypeKind::kBytes)},
      {"null_type", Type::Of(TypeKind::kNull)},
      {"list", Type::List(Type::Dyn())},
      {"map", Type::Map(Type::Dyn(), Type::Dyn())},
      {"type", Type::TypeOf(Type::Dyn())},
      {"google.protobuf.Timestamp", Type::Of(TypeKind::kTimestamp)},
      {"google.protobuf.Duration", Type::Of(TypeKind::kDuration)},
  };
  auto found = kTypes.find(name);
  if (found == kTypes.end()) return std::nullopt;
  return found->second;
}

std::optional<std::string> QualifiedName(const Expr& expr) {
  if (expr.kind == ExprKind::kIdent) return expr.name;
  if (expr.kind == ExprKind::kSelect && !expr.test_only) {
    auto prefix = QualifiedName(*expr.operand);
    if (prefix) return *prefix + "." + expr.name;
  }
  return std::nullopt;
}

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t previous = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t current = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] != b[j - 1] ? 1 : 0)});
      previous = current;
    }
  }
  return row[b.size()];
}

std::string Suggestion(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 3;
  for (const std::string& c : candidates) {
    size_t d = EditDistance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best.empty() ? "" : " (did you mean '" + best + "'?)";
}

struct CheckFailure {
  int32_t offset;
  std::string message;
};

using Substitution = std::map<std::string, Type>;

Type Substitute(const Type& t, const Substitution& s) {
  if (t.kind == TypeKind::kParam) {
    auto found = s.find(t.name);
    return found == s.end() ? Type::Dyn() : found->second;
  }
  Type out = t;
  for (Type& p : out.params) p = Substitute(p, s);
  return out;
}

// Whether a value of type `actual` may be passed where `declared` is expected,
// binding the declared type's parameters as it goes.
bool Assignable(const Type& declared, const Type& actual, Substitution& s) {
  if (declared.kind == TypeKind::kParam) {
    auto found = s.find(declared.name);
    if (found == s.end()) {
      s[declared.name] = actual;
      return true;
    }
    if (found->second.kind == TypeKind::kDyn) return true;
    if (actual.kind == TypeKind::kDyn) return true;
    Substitution inner;
    if (Assignable(found->second, actual, inner)) return true;
    // A more general binding seen later (list(dyn) after list(int)) widens it.
    if (Assignable(actual, found->second, inner)) {
      found->second = actual;
      return true;
    }
    return false;
  }
  if (declared.kind == TypeKind::kDyn || actual.kind == TypeKind::kDyn ||
      actual.kind == TypeKind::kError) {
    // Still bind parameters inside the declared type, to dyn.
    if (actual.kind == TypeKind::kDyn) {
      for (const Type& p : declared.params) Assignable(p, Type::Dyn(), s);
    }
    return true;
  }
  if (declared.kind != actual.kind) return false;
  if (declared.kind == TypeKind::kRecord) return declared.name == actual.name;
  if (declared.kind == TypeKind::kType && (declared.params.empty() || actual.params.empty())) {
    return true;
  }
  if (declared.params.size() != actual.params.size()) return false;
  for (size_t i = 0; i < declared.params.size(); ++i) {
    if (!Assignable(declared.params[i], actual.params[i], s)) return false;
  }
  return true;
}

bool IsConcrete(const Type& t) {
  if (t.kind == TypeKind::kDyn || t.kind == TypeKind::kParam || t.kind == TypeKind::kError) {
    return false;
  }
  return true;
}

// The common type of two: itself when equal, dyn otherwise.
Type Join(const Type& a, const Type& b) {
  if (a == b) return a;
  if (a.kind == TypeKind::kError) return b;
  if (b.kind == TypeKind::kError) return a;
  if (a.kind == b.kind && (a.kind == TypeKind::kList || a.kind == TypeKind::kMap)) {
    Type joined = a;
    for (size_t i = 0; i < a.params.size(); ++i) joined.params[i] = Join(a.params[i], b.params[i]);
    return joined;
  }
  return Type::Dyn();
}

Type TypeOfConstant(const Value& v) {
  switch (v.kind()) {
    case ValueKind::kNull:
      return Type::Of(TypeKind::kNull);
    case ValueKind::kBool:
      return Type::Of(TypeKind::kBool);
    case ValueKind::kInt:
      return Type::Of(TypeKind::kInt);
    case ValueKind::kUint:
      return Type::Of(TypeKind::kUint);
    case ValueKind::kDouble:
      return Type::Of(TypeKind::kDouble);
    case ValueKind::kString:
      return Type::Of(TypeKind::kString);
    case ValueKind::kBytes:
      return Type::Of(TypeKind::kBytes);
    default:
      return Type::Dyn();
  }
}

class Checker {
 public:
  Checker(const ParsedExpr& parsed, const Environment& env) : parsed_(parsed), env_(env) {
    auto n = static_cast<size_t>(parsed.next_id);
    result_.types.resize(n);
    result_.overloads.resize(n, nullptr);
    result_.references.resize(n);
  }

  Result<CheckResult> Run() {
    try {
      result_.result_type = Visit(*parsed_.root);
    } catch (const CheckFailure& failure) {
      auto [line, column] = parsed_.LineColumn(failure.offset);
      return Error::Invalid(std::to_string(line) + ":" + std::to_string(column) + ": " +
                            failure.message);
    }
    return std::move(result_);
  }

 private:
  [[noreturn]] void Fail(const Expr& e, std::string message) {
    throw CheckFailure{e.offset, std::move(message)};
  }

  const Type* Local(std::string_view name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->first == name) return &it->second;
    }
    return nullptr;
  }

  Type Record(const Expr& e, Type t) {
    result_.types[static_cast<size_t>(e.id)] = t;
    return t;
  }

  // Resolves a name that is not a local: a declared variable, a type name.
  std::optional<Type> ResolveGlobal(const Expr& e, const std::string& name) {
    std::string plain = name.starts_with(".") ? name.substr(1) : name;
    if (const Type* t = env_.Variable(plain)) {
      result_.references[static_cast<size_t>(e.id)] = {Reference::Kind::kVariable, plain, {}};
      return *t;
    }
    std::optional<Type> type = BuiltinTypeName(plain);
    if (!type && env_.Record(plain) != nullptr) type = Type::Record(plain);
    if (type) {
      result_.references[static_cast<size_t>(e.id)] = {Reference::Kind::kTypeName, plain, *type};
      return Type::TypeOf(*type);
    }
    return std::nullopt;
  }

  [[noreturn]] void UnknownName(const Expr& e, const std::string& name) {
    std::vector<std::string> candidates;
    for (const auto& [n, t] : env_.variables()) candidates.push_back(n);
    for (const auto& [n, t] : scopes_) candidates.push_back(n);
    Fail(e, "'" + name + "' is not a known variable" + Suggestion(name, candidates));
  }

  Type Visit(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kConstant:
        return Record(e, TypeOfConstant(e.constant));
      case ExprKind::kIdent: {
        if (const Type* local = Local(e.name)) return Record(e, *local);
        if (auto t = ResolveGlobal(e, e.name)) return Record(e, *t);
        UnknownName(e, e.name);
      }
      case ExprKind::kSelect:
        return Record(e, VisitSelect(e));
      case ExprKind::kCall:
        return Record(e, VisitCall(e));
      case ExprKind::kList: {
        Type element;
        bool first = true;
        for (const ExprPtr& item : e.args) {
          Type t = Visit(*item);
          element = first ? t : Join(element, t);
          first = false;
        }
        return Record(e, Type::List(first ? Type::Dyn() : element));
      }
      case ExprKind::kMap: {
        Type key, value;
        bool first = true;
        for (const MapEntry& entry : e.entries) {
          Type k = Visit(*entry.key);
          Type v = Visit(*entry.value);
          switch (k.kind) {
            case TypeKind::kBool:
            case TypeKind::kInt:
            case TypeKind::kUint:
            case TypeKind::kString:
            case TypeKind::kDyn:
            case TypeKind::kError:
              break;
            default:
              Fail(*entry.key,
                   "a map key must be a bool, int, uint or string, not " + k.ToString());
          }
          key = first ? k : Join(key, k);
          value = first ? v : Join(value, v);
          first = false;
        }
        if (first) return Record(e, Type::Map(Type::Dyn(), Type::Dyn()));
        return Record(e, Type::Map(key, value));
      }
      case ExprKind::kComprehension:
        return Record(e, VisitComprehension(e));
    }
    Fail(e, "unknown expression");
  }

  Type VisitSelect(const Expr& e) {
    // A dotted name may be one variable ("household.income" declared whole).
    if (!e.test_only) {
      auto qualified = QualifiedName(e);
      if (qualified) {
        std::string root = qualified->substr(0, qualified->find('.'));
        if (Local(root) == nullptr) {
          if (auto t = ResolveGlobal(e, *qualified)) return *t;
        }
      }
    }
    Type operand = Visit(*e.operand);
    Type field;
    switch (operand.kind) {
      case TypeKind::kDyn:
      case TypeKind::kError:
        field = Type::Dyn();
        break;
      case TypeKind::kMap:
        if (operand.params[0].kind != TypeKind::kString &&
            operand.params[0].kind != TypeKind::kDyn) {
          Fail(e, "'." + e.name + "' needs a map with string keys, not " + operand.ToString());
        }
        field = operand.params[1];
        break;
      case TypeKind::kRecord: {
        const RecordDeclaration* record = env_.Record(operand.name);
        const Type* t = record ? record->FieldType(e.name) : nullptr;
        if (t == nullptr) {
          std::vector<std::string> fields;
          if (record) fields = record->shape->fields;
          Fail(e,
               "'" + operand.name + "' has no field '" + e.name + "'" + Suggestion(e.name, fields));
        }
        field = *t;
        break;
      }
      default:
        Fail(e, "a value of type " + operand.ToString() + " has no fields (looking for '." +
                    e.name + "')");
    }
    return e.test_only ? Type::Of(TypeKind::kBool) : field;
  }

  static std::string ArgumentList(const std::vector<Type>& types) {
    std::string out = "(";
    for (size_t i = 0; i < types.size(); ++i) {
      if (i > 0) out += ", ";
      out += types[i].ToString();
    }
    return out + ")";
  }

  void ExpectBool(const Expr& e, const Type& t, std::string_view what) {
    if (t.kind != TypeKind::kBool && t.kind != TypeKind::kDyn && t.kind != TypeKind::kError) {
      Fail(e, std::string(what) + " must be true or false, but it is " + t.ToString());
    }
  }

  Type VisitCall(const Expr& e) {
    const std::string& name = e.name;
    // The logical operators take any mix of bools and errors.
    if (!e.operand && (name == "_&&_" || name == "_||_")) {
      for (const ExprPtr& a : e.args) ExpectBool(*a, Visit(*a), "each side of && and ||");
      return Type::Of(TypeKind::kBool);
    }
    if (!e.operand && name == "_?_:_") {
      ExpectBool(*e.args[0], Visit(*e.args[0]), "the condition of ?:");
      return Join(Visit(*e.args[1]), Visit(*e.args[2]));
    }
    if (!e.operand && name == "@not_strictly_false") {
      Visit(*e.args[0]);
      return Type::Of(TypeKind::kBool);
    }
    // Equality works across types (1 == 1.0 is true, 1 == "1" is false).
    if (!e.operand && (name == "_==_" || name == "_!=_")) {
      Visit(*e.args[0]);
      Visit(*e.args[1]);
      return Type::Of(TypeKind::kBool);
    }
    if (!e.operand && name == "@in") {
      Visit(*e.args[0]);
      Type container = Visit(*e.args[1]);
      if (container.kind != TypeKind::kList && container.kind != TypeKind::kMap &&
          container.kind != TypeKind::kDyn && container.kind != TypeKind::kError) {
        Fail(e, "'in' needs a list or a map on its right, not " + container.ToString());
      }
      return Type::Of(TypeKind::kBool);
    }

    // A receiver that is a namespace, not a value: math.least(...), strings.quote(...).
    std::string function = name;
    bool receiver = e.operand != nullptr;
    if (receiver) {
      auto qualified = QualifiedName(*e.operand);
      if (qualified && Local(qualified->substr(0, qualified->find('.'))) == nullptr &&
          env_.Variable(*qualified) == nullptr && env_.functions().Has(*qualified + "." + name)) {
        function = *qualified + "." + name;
        receiver = false;
        result_.references[static_cast<size_t>(e.id)] = {Reference::Kind::kFunction, function, {}};
      }
    }
    const std::vector<Overload>* overloads = env_.functions().Find(function);
    if (overloads == nullptr) {
      Fail(e, "'" + function + "' is not a known function");
    }
    std::vector<Type> args;
    if (receiver) args.push_back(Visit(*e.operand));
    for (const ExprPtr& a : e.args) args.push_back(Visit(*a));

    const Overload* chosen = nullptr;
    int matches = 0;
    Type result;
    for (const Overload& o : *overloads) {
      if (o.receiver != receiver || o.args.size() != args.size()) continue;
      Substitution s;
      bool fits = true;
      for (size_t i = 0; i < args.size() && fits; ++i) fits = Assignable(o.args[i], args[i], s);
      if (!fits) continue;
      Type r = Substitute(o.result, s);
      result = matches == 0 ? r : Join(result, r);
      chosen = &o;
      ++matches;
    }
    if (matches == 0) {
      std::string shown = receiver ? args[0].ToString() + "." + function +
                                         ArgumentList({args.begin() + 1, args.end()})
                                   : ArgumentList(args);
      Fail(e, "no version of '" + DisplayName(function) + "' takes these arguments: " + shown);
    }
    if (matches == 1 && std::all_of(args.begin(), args.end(), IsConcrete)) {
      result_.overloads[static_cast<size_t>(e.id)] = chosen;
    }
    return result;
  }

  static std::string DisplayName(const std::string& function) {
    static const std::map<std::string, std::string, std::less<>> kOperators = {
        {"_+_", "+"}, {"_-_", "-"},   {"_*_", "*"}, {"_/_", "/"},   {"_%_", "%"},
        {"_<_", "<"}, {"_<=_", "<="}, {"_>_", ">"}, {"_>=_", ">="}, {"-_", "-"},
        {"!_", "!"},  {"_[_]", "[]"}, {"@in", "in"}};
    auto found = kOperators.find(function);
    return found == kOperators.end() ? function : found->second;
  }

  Type VisitComprehension(const Expr& e) {
    Type range = Visit(*e.iter_range);
    Type var, var2;
    bool two = !e.iter_var2.empty();
    switch (range.kind) {
      case TypeKind::kList:
        var = two ? Type::Of(TypeKind::kInt) : range.params[0];
        var2 = range.params[0];
        break;
      case TypeKind::kMap:
        var = range.params[0];
        var2 = range.params[1];
        break;
      case TypeKind::kDyn:
      case TypeKind::kError:
        var = var2 = Type::Dyn();
        break;
      default:
        Fail(*e.iter_range, "only a list or a map can be looped over, not " + range.ToString());
    }
    Type accu = Visit(*e.accu_init);
    scopes_.emplace_back(e.accu_var, accu);
    scopes_.emplace_back(e.iter_var, var);
    if (two) scopes_.emplace_back(e.iter_var2, var2);
    Visit(*e.loop_condition);
    Type step = Visit(*e.loop_step);
    scopes_.pop_back();
    if (two) scopes_.pop_back();
    // filter() and map() start from an empty list: the element they add
    // gives the result's type.
    const Expr* added = nullptr;  // the [x] or [t] the step appends
    if (e.macro == MacroKind::kFilter || e.macro == MacroKind::kMapFilter) {
      added = e.loop_step->args[1]->args[1].get();
    } else if (e.macro == MacroKind::kMap) {
      added = e.loop_step->args[1].get();
    }
    if (added != nullptr) {
      scopes_.back().second = result_.types[static_cast<size_t>(added->id)];
    } else if ((accu.kind == TypeKind::kList || accu.kind == TypeKind::kMap) &&
               step.kind == accu.kind) {
      scopes_.back().second = step;
    } else {
      scopes_.back().second = Join(accu, step);
    }
    Type result = Visit(*e.result);
    scopes_.pop_back();
    return result;
  }

  const ParsedExpr& parsed_;
  const Environment& env_;
  CheckResult result_;
  std::vector<std::pair<std::string, Type>> scopes_;
};

}  // namespace

Result<CheckResult> Check(const ParsedExpr& parsed, const Environment& environment) {
  return Checker(parsed, environment).Run();
}

}  // namespace spmis::cel
