#include "cel/program.h"

#include <algorithm>

namespace spmis::cel {

// One step of a planned program: a stack machine instruction.
enum class Op : uint8_t {
  kEnd,
  kConst,             // push constants[a]
  kVar,               // push variables[a]
  kLocal,             // push locals[a]
  kStore,             // pop into locals[a]
  kSelect,            // pop x; push x.names[a] (b: 1 for has())
  kSelectSlot,        // pop x; push field slot c of record type p, else as kSelect
  kCall,              // pop a args; push overload p (args)
  kCallDynamic,       // pop a args; push the overload of names[b] fitting them (c: receiver)
  kList,              // pop a values; push a list
  kMap,               // pop 2a values; push a map
  kAndTest,           // if top is false, jump a (it stays the result)
  kAnd,               // pop 2; push their CEL conjunction
  kOrTest,            // if top is true, jump a
  kOr,                // pop 2; push their CEL disjunction
  kNotStrictlyFalse,  // pop x; push x is not false
  kCondJump,          // pop c; true: go on; false: jump a; else push error, jump b
  kJump,              // jump a
  kIterInit,          // pop a range into frame a; on error push it and jump b
  kIterNext,          // frame a: next element into locals c (and d), or jump b
  kLoopCond,          // pop c; false: jump a; not a bool: locals[b] = error, jump a
  kQuantStep,         // pop p into frame a (c: 1 all, 0 exists); jump b when decided
  kQuantResult,       // push frame a's all()/exists() result (c as above)
  kCountStep,         // pop p: true counts in frame a; an error fails it and jumps b
  kFilterStep,        // pop p: true collects locals[c] in frame a; an error jumps b
  kSkipUnlessTrue,    // pop p: false jumps c (next element); an error fails, jumps b
  kAppend,            // pop v: collect it in frame a; an error fails, jumps b
  kCountResult,       // push frame a's count (or its error)
  kExistsOneResult,   // push frame a's count == 1 (or its error)
  kListResult,        // push frame a's collected list (or its error)
  kTrace,             // record (a, top of stack) for explain
};

struct Step {
  Op op = Op::kEnd;
  uint32_t a = 0;
  uint32_t b = 0;
  uint32_t c = 0;
  uint32_t d = 0;
  const void* p = nullptr;
};

namespace {

constexpr uint32_t kNoSlot = UINT32_MAX;

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
        Emit(*e.operand);
        const Type* operand_type = TypeOf(*e.operand);
        if (!e.test_only && operand_type && operand_type->kind == TypeKind::kRecord) {
          const RecordDeclaration* record = env_.Record(operand_type->name);
          int slot = record ? record->shape->FieldSlot(e.name) : -1;
          if (slot >= 0) {
            Add({Op::kSelectSlot, Name(e.name), 0, static_cast<uint32_t>(slot), 0,
                 record->shape.get()});
            return;
          }
        }
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
    if (overload) {
      Add({Op::kCall, argc, 0, 0, 0, overload});
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
    switch (e.macro) {
      case MacroKind::kAll:
      case MacroKind::kExists: {
        result_c = e.macro == MacroKind::kAll ? 1 : 0;
        Emit(*e.loop_step->args[1]);  // @result && p, @result || p
        to_exit.push_back(Add({Op::kQuantStep, frame, 0, result_c}));
        result_op = Op::kQuantResult;
        break;
      }
      case MacroKind::kExistsOne:
        Emit(*e.loop_step->args[0]);  // p ? @result + 1 : @result
        to_exit.push_back(Add({Op::kCountStep, frame}));
        result_op = Op::kExistsOneResult;
        break;
      case MacroKind::kFilter:
        Emit(*e.loop_step->args[0]);  // p ? @result + [x] : @result
        if (count_only) {
          to_exit.push_back(Add({Op::kCountStep, frame}));
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
    Add({Op::kJump, loop});
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
      case Op::kSelectSlot: {
        Value& x = stack[sp - 1];
        if (x.is(ValueKind::kRecord) && &x.record().Type() == s.p) {
          x = x.record().Field(x.record_row(), static_cast<int>(s.c));
        } else {
          x = SelectByName(x, names_[s.a], false);
        }
        break;
      }
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
          if (s.op == Op::kCallDynamic) {
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
        if (p.is(ValueKind::kBool)) {
          if (p.bool_value() == decisive) {
            f.decided = true;
            pc = s.b;
          }
        } else {
          if (!f.failed) {
            f.failed = true;
            f.error = p.IsError() ? std::move(p) : NoOverload();
          }
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
