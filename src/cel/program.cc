#include "cel/program.h"

#include <algorithm>
#include <cmath>

#include "cel/record_table.h"

namespace spmis::cel {

// One step of a planned program: a stack machine instruction.
enum class Op : uint8_t {
  kEnd,
  kConst,              // push constants[a]
  kVar,                // push variables[a]
  kLocal,              // push locals[a]
  kStore,              // pop into locals[a]
  kSelect,             // pop x; push x.names[a] (b: 1 for has())
  kSelectSlot,         // pop x; push field slot c of record type p, else as kSelect
  kLocalSelectSlot,    // push field slot c of locals[d] (record type p), else as kSelect
  kCompare,            // pop 2; push comparison c (Comparison) of two d (OperandKind)
  kCompareConst,       // pop x; push comparison c of x and constants[b], both d
  kFieldCompareConst,  // push comparison c of field e of locals[d] (as kLocalSelectSlot)
                       // and constants[b], both of kind c >> 8 & 0xff
  kTightLoop,          // frame d: every element's kFieldCompareConst, counted or
                       // quantified by c >> 16 (TightMode)
  kCall,               // pop a args; push overload p (args)
  kCallDynamic,        // pop a args; push the overload of names[b] fitting them (c: receiver)
  kList,               // pop a values; push a list
  kMap,                // pop 2a values; push a map
  kAndTest,            // if top is false, jump a (it stays the result)
  kAnd,                // pop 2; push their CEL conjunction
  kOrTest,             // if top is true, jump a
  kOr,                 // pop 2; push their CEL disjunction
  kNotStrictlyFalse,   // pop x; push x is not false
  kCondJump,           // pop c; true: go on; false: jump a; else push error, jump b
  kJump,               // jump a
  kIterInit,           // pop a range into frame a; on error push it and jump b
  kIterNext,           // frame a: next element into locals c (and d), or jump b
  kLoopCond,           // pop c; false: jump a; not a bool: locals[b] = error, jump a
  // The loop body's last step jumps back to the loop's kIterNext, d.
  kQuantStep,        // pop p into frame a (c: 1 all, 0 exists); jump b when decided
  kQuantResult,      // push frame a's all()/exists() result (c as above)
  kCountStep,        // pop p: true counts in frame a; an error fails it and jumps b
  kFilterStep,       // pop p: true collects locals[c] in frame a; an error jumps b
  kSkipUnlessTrue,   // pop p: false jumps c (next element); an error fails, jumps b
  kAppend,           // pop v: collect it in frame a; an error fails, jumps b
  kCountResult,      // push frame a's count (or its error)
  kExistsOneResult,  // push frame a's count == 1 (or its error)
  kListResult,       // push frame a's collected list (or its error)
  kTrace,            // record (a, top of stack) for explain
};

struct Step {
  Op op = Op::kEnd;
  uint32_t a = 0;
  uint32_t b = 0;
  uint32_t c = 0;
  uint32_t d = 0;
  const void* p = nullptr;
  uint32_t e = 0;
};

namespace {

constexpr uint32_t kNoSlot = UINT32_MAX;

enum Comparison : uint32_t { kLess, kLessEqual, kGreater, kGreaterEqual };
enum class TightMode : uint32_t { kCount, kExists, kAll };
enum OperandKind : uint32_t { kInts, kDoubles };

// The comparisons the checker resolved to int or double operands, which the
// evaluator runs inline.
bool InlineComparison(const Overload& o, Comparison* comparison, OperandKind* kind) {
  static const std::pair<std::string_view, Comparison> kPrefixes[] = {
      {"less_equals_", kLessEqual},
      {"less_", kLess},
      {"greater_equals_", kGreaterEqual},
      {"greater_", kGreater}};
  for (auto [prefix, c] : kPrefixes) {
    if (!o.id.starts_with(prefix)) continue;
    std::string_view rest = std::string_view(o.id).substr(prefix.size());
    if (rest == "int64") {
      *kind = kInts;
    } else if (rest == "double") {
      *kind = kDoubles;
    } else {
      return false;
    }
    *comparison = c;
    return true;
  }
  return false;
}

template <typename T>
bool Holds(Comparison c, T a, T b) {
  switch (c) {
    case kLess:
      return a < b;
    case kLessEqual:
      return a <= b;
    case kGreater:
      return a > b;
    case kGreaterEqual:
      return a >= b;
  }
  return false;
}

// Values not of the planned kinds (a null field, a sum that became a double):
// compare as CEL does, or give the error.
void CompareSlow(Value& out, const Value& a, const Value& b, Comparison c) {
  if (a.IsError()) {
    out = Value(a);
  } else if (b.IsError()) {
    out = Value(b);
  } else if (auto order = Compare(a, b)) {
    out.SetBool(Holds(c, *order, 0));
  } else if ((a.is(ValueKind::kDouble) && std::isnan(a.double_value())) ||
             (b.is(ValueKind::kDouble) && std::isnan(b.double_value()))) {
    out.SetBool(false);  // NaN is neither less nor greater than anything
  } else {
    out = Value::Error("no such overload");
  }
}

// out = a (comparison) b, inline when both have the planned kind.
// out may be a itself.
SPMIS_CEL_INLINE void CompareInto(Value& out, const Value& a, const Value& b, uint32_t comparison,
                                  uint32_t kind) {
  auto c = static_cast<Comparison>(comparison);
  if (kind == kInts && a.is(ValueKind::kInt) && b.is(ValueKind::kInt)) {
    out.SetBool(Holds(c, a.int_value(), b.int_value()));
  } else if (kind == kDoubles && a.is(ValueKind::kDouble) && b.is(ValueKind::kDouble)) {
    out.SetBool(Holds(c, a.double_value(), b.double_value()));
  } else {
    CompareSlow(out, a, b, c);
  }
}

// out = field `slot` of x, a record whose type the checker knew: read a
// RecordTable's column directly, ask any other record, or look the field up
// by name. out may be x itself.
void SelectKnownFieldSlow(Value& out, const Value& x, const RecordType* shape, uint32_t slot,
                          std::string_view name);

SPMIS_CEL_INLINE void SelectKnownField(Value& out, const Value& x, const RecordType* shape,
                                       uint32_t slot, std::string_view name) {
  if (x.is(ValueKind::kRecord) && x.record().table_shape() == shape) {
    static_cast<const RecordTable&>(x.record())
        .FieldInto(out, x.record_row(), static_cast<int>(slot));
  } else {
    SelectKnownFieldSlow(out, x, shape, slot, name);
  }
}

Value NoOverload() { return Value::Error("no such overload"); }

// x.name, or has(x.name).
Value SelectByName(const Value& x, std::string_view name, bool test_only) {
  switch (x.kind()) {
    case ValueKind::kMap: {
      const Value* found = x.map().Find(Value::BorrowedString(name));
      if (test_only) return Value::Bool(found != nullptr);
      if (found == nullptr) return Value::Error("no such key: '" + std::string(name) + "'");
      return *found;
    }
    case ValueKind::kRecord: {
      int slot = x.record().Type().FieldSlot(name);
      if (slot < 0) {
        return Value::Error("no such field: '" + std::string(name) + "' in " +
                            x.record().Type().name);
      }
      if (test_only) return Value::Bool(x.record().HasField(x.record_row(), slot));
      return x.record().Field(x.record_row(), slot);
    }
    case ValueKind::kError:
      return x;
    default:
      return Value::Error("a " + std::string(KindTypeName(x.kind())) +
                          " value has no fields (looking for '." + std::string(name) + "')");
  }
}

void SelectKnownFieldSlow(Value& out, const Value& x, const RecordType* shape, uint32_t slot,
                          std::string_view name) {
  if (x.is(ValueKind::kRecord) && &x.record().Type() == shape) {
    out = x.record().Field(x.record_row(), static_cast<int>(slot));
  } else {
    out = SelectByName(x, name, false);
  }
}

// CEL's && (c true) and || (c false) over two values, each possibly an error.
Value Logical(const Value& a, const Value& b, bool conjunction) {
  bool decisive = !conjunction;  // false decides &&, true decides ||
  auto is = [&](const Value& v, bool want) {
    return v.is(ValueKind::kBool) && v.bool_value() == want;
  };
  if (is(a, decisive) || is(b, decisive)) return Value::Bool(decisive);
  if (is(a, !decisive) && is(b, !decisive)) return Value::Bool(!decisive);
  if (a.IsError()) return a;
  if (b.IsError()) return b;
  return NoOverload();
}

}  // namespace

class Planner {
 public:
  Planner(Program& program, const Environment& env, const CheckResult* checked, bool trace,
          std::vector<Step>& steps)
      : program_(program), env_(env), checked_(checked), trace_(trace), steps_(steps) {}

  void Plan(const Expr& root) {
    Emit(root);
    Add({Op::kEnd});
  }

 private:
  uint32_t Add(Step s) {
    steps_.push_back(s);
    return static_cast<uint32_t>(steps_.size() - 1);
  }
  uint32_t Here() const { return static_cast<uint32_t>(steps_.size()); }

  uint32_t Constant(Value v) {
    program_.constants_.push_back(std::move(v));
    return static_cast<uint32_t>(program_.constants_.size() - 1);
  }
  uint32_t Name(std::string_view name) {
    auto& names = program_.names_;
    auto found = std::find(names.begin(), names.end(), name);
    if (found != names.end()) return static_cast<uint32_t>(found - names.begin());
    names.emplace_back(name);
    return static_cast<uint32_t>(names.size() - 1);
  }
  uint32_t Variable(const std::string& name) {
    auto& vars = program_.variables_;
    auto found = std::find(vars.begin(), vars.end(), name);
    if (found != vars.end()) return static_cast<uint32_t>(found - vars.begin());
    vars.push_back(name);
    return static_cast<uint32_t>(vars.size() - 1);
  }
  uint32_t LocalSlot(std::string_view name) const {
    for (auto it = scopes_.rbegin(); it != scopes_.rend(); ++it) {
      if (it->first == name) return it->second;
    }
    return kNoSlot;
  }
  const Reference* ReferenceOf(const Expr& e) const {
    if (!checked_) return nullptr;
    const Reference& r = checked_->references[static_cast<size_t>(e.id)];
    return r.kind == Reference::Kind::kNone ? nullptr : &r;
  }
  const Type* TypeOf(const Expr& e) const {
    return checked_ ? &checked_->types[static_cast<size_t>(e.id)] : nullptr;
  }

  void Emit(const Expr& e) {
    EmitNode(e);
    if (trace_) Add({Op::kTrace, static_cast<uint32_t>(e.id)});
  }

  // A name that is not a local: a variable, a type, or (unchecked) a binding.
  bool EmitGlobal(const Expr& e) {
    if (const Reference* r = ReferenceOf(e)) {
      if (r->kind == Reference::Kind::kVariable) {
        Add({Op::kVar, Variable(r->name)});
        return true;
      }
      if (r->kind == Reference::Kind::kTypeName) {
        Add({Op::kConst, Constant(Value::Type(TypeValueName(r->type)))});
        return true;
      }
    }
    if (checked_) return false;
    auto name = QualifiedName(e);
    if (!name) return false;
    std::string plain = name->starts_with(".") ? name->substr(1) : *name;
    if (auto type = BuiltinTypeName(plain)) {
      Add({Op::kConst, Constant(Value::Type(TypeValueName(*type)))});
      return true;
    }
    // Unchecked, a dotted name is a variable when one is declared by that
    // name (the longest such prefix wins, as it is tried first).
    if (e.kind == ExprKind::kIdent || env_.Variable(plain) != nullptr) {
      Add({Op::kVar, Variable(plain)});
      return true;
    }
    return false;
  }

  void EmitNode(const Expr& e) {
    switch (e.kind) {
      case ExprKind::kConstant:
        Add({Op::kConst, Constant(e.constant)});
        return;
      case ExprKind::kIdent: {
        uint32_t local = LocalSlot(e.name);
        if (local != kNoSlot) {
          Add({Op::kLocal, local});
          return;
        }
        EmitGlobal(e);
        return;
      }
      case ExprKind::kSelect: {
        if (!e.test_only) {
          auto qualified = QualifiedName(e);
          bool shadowed =
              qualified && LocalSlot(qualified->substr(0, qualified->find('.'))) != kNoSlot;
          if (!shadowed && EmitGlobal(e)) return;
        }
        const Type* operand_type = TypeOf(*e.operand);
        if (!e.test_only && operand_type && operand_type->kind == TypeKind::kRecord) {
          const RecordDeclaration* record = env_.Record(operand_type->name);
          int slot = record ? record->shape->FieldSlot(e.name) : -1;
          if (slot >= 0) {
            // m.age on a loop variable reads the local and the field in one step.
            uint32_t local =
                e.operand->kind == ExprKind::kIdent ? LocalSlot(e.operand->name) : kNoSlot;
            if (local != kNoSlot && !trace_) {
              Add({Op::kLocalSelectSlot, Name(e.name), 0, static_cast<uint32_t>(slot), local,
                   record->shape.get()});
              return;
            }
            Emit(*e.operand);
            Add({Op::kSelectSlot, Name(e.name), 0, static_cast<uint32_t>(slot), 0,
                 record->shape.get()});
            return;
          }
        }
        Emit(*e.operand);
        Add({Op::kSelect, Name(e.name), e.test_only ? 1u : 0u});
        return;
      }
      case ExprKind::kCall:
        EmitCall(e);
        return;
      case ExprKind::kList:
        for (const ExprPtr& item : e.args) Emit(*item);
        Add({Op::kList, static_cast<uint32_t>(e.args.size())});
        return;
      case ExprKind::kMap:
        for (const MapEntry& entry : e.entries) {
          Emit(*entry.key);
          Emit(*entry.value);
        }
        Add({Op::kMap, static_cast<uint32_t>(e.entries.size())});
        return;
      case ExprKind::kComprehension:
        EmitComprehension(e, false);
        return;
    }
  }

  void EmitCall(const Expr& e) {
    const std::string& name = e.name;
    bool global = e.operand == nullptr;
    if (global && (name == "_&&_" || name == "_||_")) {
      bool conjunction = name == "_&&_";
      Emit(*e.args[0]);
      uint32_t test = Add({conjunction ? Op::kAndTest : Op::kOrTest});
      Emit(*e.args[1]);
      Add({conjunction ? Op::kAnd : Op::kOr});
      steps_[test].a = Here();
      return;
    }
    if (global && name == "_?_:_") {
      Emit(*e.args[0]);
      uint32_t jump = Add({Op::kCondJump});
      Emit(*e.args[1]);
      uint32_t skip = Add({Op::kJump});
      steps_[jump].a = Here();
      Emit(*e.args[2]);
      steps_[skip].a = Here();
      steps_[jump].b = Here();
      return;
    }
    if (global && name == "@not_strictly_false") {
      Emit(*e.args[0]);
      Add({Op::kNotStrictlyFalse});
      return;
    }
    // filter(...).size() counts the matches instead of collecting them.
    const Expr* sized = nullptr;
    if (name == "size" && global && e.args.size() == 1) sized = e.args[0].get();
    if (name == "size" && !global && e.args.empty()) sized = e.operand.get();
    if (sized && sized->kind == ExprKind::kComprehension && sized->macro == MacroKind::kFilter) {
      EmitComprehension(*sized, true);
      return;
    }

    std::string function = name;
    bool receiver = !global;
    if (const Reference* r = ReferenceOf(e); r && r->kind == Reference::Kind::kFunction) {
      function = r->name;
      receiver = false;
    } else if (receiver && !checked_) {
      auto qualified = QualifiedName(*e.operand);
      if (qualified && LocalSlot(qualified->substr(0, qualified->find('.'))) == kNoSlot &&
          env_.functions().Has(*qualified + "." + name)) {
        function = *qualified + "." + name;
        receiver = false;
      }
    }
    uint32_t argc = static_cast<uint32_t>(e.args.size());
    if (receiver) {
      Emit(*e.operand);
      ++argc;
    }
    for (const ExprPtr& a : e.args) Emit(*a);
    const Overload* overload = checked_ ? checked_->overloads[static_cast<size_t>(e.id)] : nullptr;
    Comparison comparison;
    OperandKind operand_kind;
    if (overload && InlineComparison(*overload, &comparison, &operand_kind)) {
      // Comparing against a literal keeps the literal in the step.
      const Expr& right = *e.args[1];
      if (right.kind == ExprKind::kConstant && !trace_) {
        steps_.pop_back();  // the literal's push
        Step& left = steps_.back();
        if (left.op == Op::kLocalSelectSlot) {
          // m.age < 5: read the field and compare in one step.
          left.op = Op::kFieldCompareConst;
          left.e = left.c;
          left.b = Constant(right.constant);
          left.c = comparison | (operand_kind << 8);
        } else {
          Add({Op::kCompareConst, 0, Constant(right.constant), comparison, operand_kind});
        }
      } else {
        Add({Op::kCompare, 0, 0, comparison, operand_kind});
      }
      return;
    }
    if (overload) {
      Add({Op::kCall, argc, Name(function), receiver ? 1u : 0u, 0, overload});
    } else {
      Add({Op::kCallDynamic, argc, Name(function), receiver ? 1u : 0u});
    }
  }

  uint32_t NewLocal(const std::string& name) {
    uint32_t slot = program_.local_count_++;
    scopes_.emplace_back(name, slot);
    return slot;
  }

  void EmitComprehension(const Expr& e, bool count_only) {
    uint32_t frame = program_.frame_count_++;
    Emit(*e.iter_range);
    uint32_t init = Add({Op::kIterInit, frame});
    std::vector<uint32_t> to_exit;  // steps whose b jumps to the exit

    if (e.macro == MacroKind::kNone) {
      Emit(*e.accu_init);
      uint32_t accu = NewLocal(e.accu_var);
      Add({Op::kStore, accu});
      uint32_t var = NewLocal(e.iter_var);
      uint32_t var2 = e.iter_var2.empty() ? kNoSlot : NewLocal(e.iter_var2);
      uint32_t loop = Add({Op::kIterNext, frame, 0, var, var2});
      to_exit.push_back(loop);
      bool always =
          e.loop_condition->kind == ExprKind::kConstant && e.loop_condition->constant.IsTrue();
      uint32_t condition = kNoSlot;
      if (!always) {
        Emit(*e.loop_condition);
        condition = Add({Op::kLoopCond, 0, accu});
      }
      Emit(*e.loop_step);
      Add({Op::kStore, accu});
      Add({Op::kJump, loop});
      scopes_.pop_back();
      if (var2 != kNoSlot) scopes_.pop_back();
      uint32_t exit = Here();
      steps_[loop].b = exit;
      if (condition != kNoSlot) steps_[condition].a = exit;
      Emit(*e.result);
      scopes_.pop_back();
      steps_[init].b = Here();
      return;
    }

    uint32_t var = NewLocal(e.iter_var);
    uint32_t var2 = e.iter_var2.empty() ? kNoSlot : NewLocal(e.iter_var2);
    uint32_t loop = Add({Op::kIterNext, frame, 0, var, var2});
    to_exit.push_back(loop);
    Op result_op = Op::kListResult;
    uint32_t result_c = 0;
    // A predicate that is one comparison of a field of the loop variable with
    // a literal (m.age < 5) runs as one step looping over the whole list.
    bool tight = false;
    auto tight_loop = [&](TightMode mode) {
      if (trace_ || var2 != kNoSlot || steps_.size() != loop + 2) return false;
      Step predicate = steps_.back();
      if (predicate.op != Op::kFieldCompareConst || predicate.d != var) return false;
      steps_.resize(loop);
      to_exit.clear();  // the loop falls through to the result step
      predicate.op = Op::kTightLoop;
      predicate.d = frame;
      predicate.c |= static_cast<uint32_t>(mode) << 16;
      Add(predicate);
      tight = true;
      return true;
    };
    switch (e.macro) {
      case MacroKind::kAll:
      case MacroKind::kExists: {
        result_c = e.macro == MacroKind::kAll ? 1 : 0;
        Emit(*e.loop_step->args[1]);  // @result && p, @result || p
        if (!tight_loop(e.macro == MacroKind::kAll ? TightMode::kAll : TightMode::kExists)) {
          to_exit.push_back(Add({Op::kQuantStep, frame, 0, result_c}));
        }
        result_op = Op::kQuantResult;
        break;
      }
      case MacroKind::kExistsOne:
        Emit(*e.loop_step->args[0]);  // p ? @result + 1 : @result
        if (!tight_loop(TightMode::kCount)) to_exit.push_back(Add({Op::kCountStep, frame}));
        result_op = Op::kExistsOneResult;
        break;
      case MacroKind::kFilter:
        Emit(*e.loop_step->args[0]);  // p ? @result + [x] : @result
        if (count_only) {
          if (!tight_loop(TightMode::kCount)) to_exit.push_back(Add({Op::kCountStep, frame}));
          result_op = Op::kCountResult;
        } else {
          to_exit.push_back(Add({Op::kFilterStep, frame, 0, var}));
        }
        break;
      case MacroKind::kMap:
        Emit(*e.loop_step->args[1]->args[0]);  // @result + [t]
        to_exit.push_back(Add({Op::kAppend, frame}));
        break;
      case MacroKind::kMapFilter:
        Emit(*e.loop_step->args[0]);  // p ? @result + [t] : @result
        to_exit.push_back(Add({Op::kSkipUnlessTrue, frame, 0, loop}));
        Emit(*e.loop_step->args[1]->args[1]->args[0]);
        to_exit.push_back(Add({Op::kAppend, frame}));
        break;
      case MacroKind::kNone:
        break;
    }
    if (!tight) steps_.back().d = loop;  // the body's last step loops back itself
    scopes_.pop_back();
    if (var2 != kNoSlot) scopes_.pop_back();
    uint32_t exit = Here();
    for (uint32_t s : to_exit) steps_[s].b = exit;
    Add({result_op, frame, 0, result_c});
    steps_[init].b = Here();
  }

  Program& program_;
  const Environment& env_;
  const CheckResult* checked_;
  bool trace_;
  std::vector<Step>& steps_;
  std::vector<std::pair<std::string, uint32_t>> scopes_;
};

Program::Program() = default;
Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;
Program::~Program() = default;

Result<Program> Program::Compile(std::string_view source, const Environment& environment) {
  auto parsed = Parse(source, environment.parse_options);
  if (!parsed.ok()) return parsed.error();
  Program program;
  program.parsed_ = std::move(parsed).value();
  program.functions_ = &environment.functions();
  program.cost_limit_ = environment.cost_limit;
  std::unique_ptr<CheckResult> checked;
  if (environment.check) {
    auto result = Check(program.parsed_, environment);
    if (!result.ok()) return result.error();
    checked = std::make_unique<CheckResult>(std::move(result).value());
    program.result_type_ = checked->result_type;
  }
  Planner(program, environment, checked.get(), false, program.steps_).Plan(*program.parsed_.root);
  // The explain plan shares constants, names, variables and slots with the
  // main one; it only adds the recording steps.
  uint32_t locals = program.local_count_, frames = program.frame_count_;
  program.local_count_ = program.frame_count_ = 0;
  Planner(program, environment, checked.get(), true, program.explain_steps_)
      .Plan(*program.parsed_.root);
  program.local_count_ = std::max(locals, program.local_count_);
  program.frame_count_ = std::max(frames, program.frame_count_);
  return program;
}

std::vector<Value> Program::BindVariables(const Activation& activation) const {
  std::vector<Value> values;
  values.reserve(variables_.size());
  for (const std::string& name : variables_) {
    const Value* v = activation.Find(name);
    values.push_back(v ? *v : Value::Error("undeclared reference to '" + name + "'"));
  }
  return values;
}

Value Program::Evaluate(const Activation& activation, EvalContext& context) const {
  std::vector<Value> values = BindVariables(activation);
  return Evaluate(values, context);
}

Value Program::Evaluate(std::span<const Value> variables, EvalContext& context) const {
  return Run(steps_, variables, context, nullptr);
}

std::vector<std::pair<int64_t, Value>> Program::Explain(const Activation& activation,
                                                        EvalContext& context) const {
  std::vector<Value> values = BindVariables(activation);
  std::vector<std::pair<int64_t, Value>> trace;
  Value result = Run(explain_steps_, values, context, &trace);
  if (trace.empty() || !EqualsStrict(trace.back().second, result) || result.IsError()) {
    trace.emplace_back(parsed_.root->id, result);
  }
  return trace;
}

Value Program::Run(const std::vector<Step>& steps, std::span<const Value> variables,
                   EvalContext& context, std::vector<std::pair<int64_t, Value>>* trace) const {
  // Every step pushes at most one value, so this many slots always suffice.
  if (context.stack_.size() < steps.size() + 1) context.stack_.resize(steps.size() + 1);
  if (context.locals_.size() < local_count_) context.locals_.resize(local_count_);
  if (context.frames_.size() < frame_count_) context.frames_.resize(frame_count_);
  Value* stack = context.stack_.data();
  Value* locals = context.locals_.data();
  EvalContext::Frame* frames = context.frames_.data();
  int64_t cost = 0;
  const int64_t cost_limit = std::min(cost_limit_, context.cost_limit);
  size_t sp = 0;
  size_t pc = 0;
  auto fail_frame = [&](EvalContext::Frame& f, Value&& v) {
    if (!f.failed) {
      f.failed = true;
      f.error = v.IsError() ? std::move(v) : NoOverload();
    }
  };
  while (true) {
    const Step& s = steps[pc++];
    switch (s.op) {
      case Op::kEnd:
        context.cost = cost;
        return std::move(stack[sp - 1]);
      case Op::kConst:
        stack[sp++] = constants_[s.a];
        break;
      case Op::kVar:
        stack[sp++] = variables[s.a];
        break;
      case Op::kLocal:
        stack[sp++] = locals[s.a];
        break;
      case Op::kStore:
        locals[s.a] = std::move(stack[--sp]);
        break;
      case Op::kSelect:
        stack[sp - 1] = SelectByName(stack[sp - 1], names_[s.a], s.b != 0);
        break;
      case Op::kSelectSlot:
        SelectKnownField(stack[sp - 1], stack[sp - 1], static_cast<const RecordType*>(s.p), s.c,
                         names_[s.a]);
        break;
      case Op::kLocalSelectSlot:
        SelectKnownField(stack[sp], locals[s.d], static_cast<const RecordType*>(s.p), s.c,
                         names_[s.a]);
        ++sp;
        break;
      case Op::kFieldCompareConst: {
        Value& out = stack[sp++];
        SelectKnownField(out, locals[s.d], static_cast<const RecordType*>(s.p), s.e, names_[s.a]);
        CompareInto(out, out, constants_[s.b], s.c & 0xff, (s.c >> 8) & 0xff);
        break;
      }
      case Op::kTightLoop: {
        EvalContext::Frame& f = frames[s.d];
        auto mode = static_cast<TightMode>(s.c >> 16);
        const auto* shape = static_cast<const RecordType*>(s.p);
        const Value& literal = constants_[s.b];
        cost += f.size - f.index;
        if (cost > cost_limit) return Value::Error("the rule exceeded its evaluation cost limit");
        const RecordObject* rows = f.is_map ? nullptr : f.range.list().rows_of();
        Value& element = stack[sp];
        Value& p = stack[sp + 1];
        for (; f.index < f.size; ++f.index) {
          if (rows) {
            element.SetRecord(rows, f.range.list_begin() + f.index);
          } else {
            element = f.is_map ? f.range.map().KeyAt(f.index) : f.range.list_at(f.index);
          }
          SelectKnownField(p, element, shape, s.e, names_[s.a]);
          CompareInto(p, p, literal, s.c & 0xff, (s.c >> 8) & 0xff);
          if (p.is(ValueKind::kBool)) {
            bool b = p.bool_value();
            if (mode == TightMode::kCount) {
              f.count += b ? 1 : 0;
            } else if (b == (mode == TightMode::kExists)) {
              f.decided = true;
              break;
            }
          } else {
            fail_frame(f, std::move(p));
            if (mode == TightMode::kCount) break;
          }
        }
        break;
      }
      case Op::kCompare:
        --sp;
        CompareInto(stack[sp - 1], stack[sp - 1], stack[sp], s.c, s.d);
        break;
      case Op::kCompareConst:
        CompareInto(stack[sp - 1], stack[sp - 1], constants_[s.b], s.c, s.d);
        break;
      case Op::kCall:
      case Op::kCallDynamic: {
        Value* args = stack + sp - s.a;
        const Value* error = nullptr;
        for (uint32_t i = 0; i < s.a; ++i) {
          if (args[i].IsError()) {
            error = &args[i];
            break;
          }
        }
        Value result;
        if (error) {
          result = *error;
        } else {
          const Overload* overload = static_cast<const Overload*>(s.p);
          // The checker's choice holds unless a value is not of its declared
          // type (an unset field is null): then look again, by the values.
          if (s.op == Op::kCallDynamic || !overload->MatchesValues(args)) {
            overload = functions_->Dispatch(names_[s.b], s.c != 0, args, s.a);
          }
          if (overload) {
            if (++cost > cost_limit)
              return Value::Error("the rule exceeded its evaluation cost limit");
            result = overload->impl(args, context);
          } else if (!functions_->Has(names_[s.b])) {
            result = Value::Error("unbound function: " + names_[s.b]);
          } else {
            result = NoOverload();
          }
        }
        sp -= s.a;
        stack[sp++] = std::move(result);
        break;
      }
      case Op::kList: {
        Value* items = stack + sp - s.a;
        const Value* error = nullptr;
        for (uint32_t i = 0; i < s.a && !error; ++i) {
          if (items[i].IsError()) error = &items[i];
        }
        Value result = error ? *error : Value::List(std::vector<Value>(items, items + s.a));
        sp -= s.a;
        stack[sp++] = std::move(result);
        break;
      }
      case Op::kMap: {
        Value* items = stack + sp - 2 * s.a;
        Value result;
        auto map = std::make_shared<HashMapObject>();
        for (uint32_t i = 0; i < 2 * s.a; i += 2) {
          if (items[i].IsError()) {
            result = items[i];
            break;
          }
          if (items[i + 1].IsError()) {
            result = items[i + 1];
            break;
          }
          if (!IsValidMapKey(items[i])) {
            result = Value::Error("unsupported map key type: " +
                                  std::string(KindTypeName(items[i].kind())));
            break;
          }
          if (!map->Insert(items[i], items[i + 1])) {
            result = Value::Error("Failed with repeated key: " + items[i].DebugString());
            break;
          }
        }
        if (!result.IsError()) result = Value::Map(std::move(map));
        sp -= 2 * s.a;
        stack[sp++] = std::move(result);
        break;
      }
      case Op::kAndTest:
        if (stack[sp - 1].IsFalse()) pc = s.a;
        break;
      case Op::kOrTest:
        if (stack[sp - 1].IsTrue()) pc = s.a;
        break;
      case Op::kAnd:
      case Op::kOr:
        --sp;
        stack[sp - 1] = Logical(stack[sp - 1], stack[sp], s.op == Op::kAnd);
        break;
      case Op::kNotStrictlyFalse:
        stack[sp - 1] = Value::Bool(!stack[sp - 1].IsFalse());
        break;
      case Op::kCondJump: {
        Value& c = stack[sp - 1];
        if (c.IsTrue()) {
          --sp;
        } else if (c.IsFalse()) {
          --sp;
          pc = s.a;
        } else {
          if (!c.IsError()) c = NoOverload();
          pc = s.b;
        }
        break;
      }
      case Op::kJump:
        pc = s.a;
        break;
      case Op::kIterInit: {
        Value& range = stack[sp - 1];
        EvalContext::Frame& f = frames[s.a];
        if (range.is(ValueKind::kList)) {
          f.size = range.list_size();
          f.is_map = false;
        } else if (range.is(ValueKind::kMap)) {
          f.size = range.map().Size();
          f.is_map = true;
        } else {
          if (!range.IsError()) range = NoOverload();
          pc = s.b;
          break;
        }
        f.range = std::move(range);
        --sp;
        f.index = 0;
        f.decided = false;
        f.failed = false;
        f.count = 0;
        f.items.clear();
        break;
      }
      case Op::kIterNext: {
        EvalContext::Frame& f = frames[s.a];
        if (f.index >= f.size) {
          pc = s.b;
          break;
        }
        if (++cost > cost_limit) return Value::Error("the rule exceeded its evaluation cost limit");
        uint32_t i = f.index++;
        if (f.is_map) {
          locals[s.c] = f.range.map().KeyAt(i);
          if (s.d != kNoSlot) locals[s.d] = f.range.map().ValueAt(i);
        } else if (s.d != kNoSlot) {
          locals[s.c] = Value::Int(i);
          locals[s.d] = f.range.list_at(i);
        } else if (const RecordObject* rows = f.range.list().rows_of()) {
          locals[s.c].SetRecord(rows, f.range.list_begin() + i);
        } else {
          locals[s.c] = f.range.list_at(i);
        }
        break;
      }
      case Op::kLoopCond: {
        Value c = std::move(stack[--sp]);
        if (c.IsTrue()) break;
        if (!c.IsFalse()) locals[s.b] = c.IsError() ? std::move(c) : NoOverload();
        pc = s.a;
        break;
      }
      case Op::kQuantStep: {
        EvalContext::Frame& f = frames[s.a];
        Value p = std::move(stack[--sp]);
        bool decisive = s.c == 0;  // exists: true decides; all: false decides
        pc = s.d;
        if (p.is(ValueKind::kBool)) {
          if (p.bool_value() == decisive) {
            f.decided = true;
            pc = s.b;
          }
        } else {
          fail_frame(f, std::move(p));
        }
        break;
      }
      case Op::kQuantResult: {
        EvalContext::Frame& f = frames[s.a];
        bool all = s.c == 1;
        if (f.decided) {
          stack[sp++] = Value::Bool(!all);
        } else if (f.failed) {
          stack[sp++] = f.error;
        } else {
          stack[sp++] = Value::Bool(all);
        }
        break;
      }
      case Op::kCountStep: {
        EvalContext::Frame& f = frames[s.a];
        Value& p = stack[--sp];
        pc = s.d;
        if (p.IsTrue()) {
          ++f.count;
        } else if (!p.IsFalse()) {
          fail_frame(f, std::move(p));
          pc = s.b;
        }
        break;
      }
      case Op::kFilterStep: {
        EvalContext::Frame& f = frames[s.a];
        Value& p = stack[--sp];
        pc = s.d;
        if (p.IsTrue()) {
          f.items.push_back(locals[s.c]);
        } else if (!p.IsFalse()) {
          fail_frame(f, std::move(p));
          pc = s.b;
        }
        break;
      }
      case Op::kSkipUnlessTrue: {
        EvalContext::Frame& f = frames[s.a];
        Value& p = stack[--sp];
        if (p.IsFalse()) {
          pc = s.c;
        } else if (!p.IsTrue()) {
          fail_frame(f, std::move(p));
          pc = s.b;
        }
        break;
      }
      case Op::kAppend: {
        EvalContext::Frame& f = frames[s.a];
        Value& v = stack[--sp];
        if (v.IsError()) {
          fail_frame(f, std::move(v));
          pc = s.b;
        } else {
          f.items.push_back(std::move(v));
          pc = s.d;
        }
        break;
      }
      case Op::kCountResult: {
        EvalContext::Frame& f = frames[s.a];
        stack[sp++] = f.failed ? f.error : Value::Int(f.count);
        break;
      }
      case Op::kExistsOneResult: {
        EvalContext::Frame& f = frames[s.a];
        stack[sp++] = f.failed ? f.error : Value::Bool(f.count == 1);
        break;
      }
      case Op::kListResult: {
        EvalContext::Frame& f = frames[s.a];
        stack[sp++] = f.failed ? f.error : Value::List(std::move(f.items));
        f.items = {};
        break;
      }
      case Op::kTrace:
        if (trace) trace->emplace_back(static_cast<int64_t>(s.a), stack[sp - 1]);
        break;
    }
  }
}

}  // namespace spmis::cel
