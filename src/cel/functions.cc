#include "cel/functions.h"

namespace spmis::cel {

namespace {

bool HasParam(const Type& t) {
  if (t.kind == TypeKind::kParam) return true;
  for (const Type& p : t.params) {
    if (HasParam(p)) return true;
  }
  return false;
}

}  // namespace

bool Overload::MatchesValues(const Value* values) const {
  for (size_t i = 0; i < args.size(); ++i) {
    if (!KindMatchesType(values[i].kind(), args[i])) return false;
    if (args[i].kind == TypeKind::kRecord && values[i].record().Type().name != args[i].name) {
      return false;
    }
  }
  return true;
}

void FunctionRegistry::Add(std::string_view name, std::string_view id, bool receiver,
                           const std::vector<std::string_view>& args, std::string_view result,
                           FunctionImpl impl) {
  Overload overload;
  overload.id = std::string(id);
  overload.receiver = receiver;
  for (std::string_view a : args) overload.args.push_back(ParseType(a));
  overload.result = ParseType(result);
  overload.impl = impl;
  for (const Type& a : overload.args) overload.generic |= HasParam(a);
  overload.generic |= HasParam(overload.result);
  functions_[std::string(name)].push_back(std::move(overload));
}

const std::vector<Overload>* FunctionRegistry::Find(std::string_view name) const {
  auto found = functions_.find(std::string(name));
  return found == functions_.end() ? nullptr : &found->second;
}

const Overload* FunctionRegistry::Dispatch(std::string_view name, bool receiver, const Value* args,
                                           size_t count) const {
  const std::vector<Overload>* overloads = Find(name);
  if (overloads == nullptr) return nullptr;
  for (const Overload& o : *overloads) {
    if (o.receiver == receiver && o.args.size() == count && o.MatchesValues(args)) return &o;
  }
  return nullptr;
}

const FunctionRegistry& FunctionRegistry::Standard() {
  static const FunctionRegistry* registry = [] {
    static FunctionRegistry r;
    RegisterCoreFunctions(r);
    RegisterTimeFunctions(r);
    RegisterStringFunctions(r);
    RegisterMathFunctions(r);
    RegisterRuleFunctions(r);
    return &r;
  }();
  return *registry;
}

}  // namespace spmis::cel
