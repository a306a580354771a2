#include "cel/parser.h"

#include <string>
#include <utility>

#include "cel/lexer.h"
#include "cel/utf8.h"

namespace spmis::cel {

std::pair<int, int> ParsedExpr::LineColumn(int32_t offset) const {
  int line = 1, column = 1;
  for (int32_t i = 0; i < offset && i < static_cast<int32_t>(source.size()); ++i) {
    auto c = static_cast<unsigned char>(source[i]);
    if (c == '\n') {
      ++line;
      column = 1;
    } else if ((c & 0xC0) != 0x80) {
      ++column;
    }
  }
  return {line, column};
}

namespace {

struct ParseFailure {
  int32_t offset;
  std::string message;
};

const char* BinaryFunction(TokenKind kind) {
  switch (kind) {
    case TokenKind::kPlus:
      return "_+_";
    case TokenKind::kMinus:
      return "_-_";
    case TokenKind::kStar:
      return "_*_";
    case TokenKind::kSlash:
      return "_/_";
    case TokenKind::kPercent:
      return "_%_";
    case TokenKind::kEq:
      return "_==_";
    case TokenKind::kNe:
      return "_!=_";
    case TokenKind::kLt:
      return "_<_";
    case TokenKind::kLe:
      return "_<=_";
    case TokenKind::kGt:
      return "_>_";
    case TokenKind::kGe:
      return "_>=_";
    case TokenKind::kIn:
      return "@in";
    default:
      return nullptr;
  }
}

// The loop variable the OpenSPP short forms imply for a collection.
std::string ImpliedLoopVariable(const Expr& collection) {
  std::string_view name;
  if (collection.kind == ExprKind::kIdent || collection.kind == ExprKind::kSelect) {
    name = collection.name;
  }
  if (name == "members") return "m";
  if (name == "enrollments") return "e";
  if (name == "entitlements") return "ent";
  if (name == "groups") return "g";
  return "";
}

class Parser {
 public:
  Parser(std::string_view source, const ParseOptions& options)
      : options_(options), lexer_(source, options.dialect == Dialect::kOpenSpp) {
    parsed_.source = std::string(source);
  }

  Result<ParsedExpr> Run() {
    if (parsed_.source.size() > options_.max_length) {
      return Error::Invalid("1:1: the expression is " + std::to_string(parsed_.source.size()) +
                            " characters long; the limit is " +
                            std::to_string(options_.max_length));
    }
    try {
      Advance();
      if (token_.kind == TokenKind::kEnd) Fail(0, "the expression is empty");
      parsed_.root = ParseExpr();
      if (token_.kind != TokenKind::kEnd) Fail(token_.offset, "unexpected " + Describe(token_));
    } catch (const ParseFailure& failure) {
      auto [line, column] = parsed_.LineColumn(failure.offset);
      return Error::Invalid(std::to_string(line) + ":" + std::to_string(column) + ": " +
                            failure.message);
    }
    return std::move(parsed_);
  }

 private:
  [[noreturn]] void Fail(int32_t offset, std::string message) {
    throw ParseFailure{offset, std::move(message)};
  }

  static std::string Describe(const Token& token) {
    switch (token.kind) {
      case TokenKind::kEnd:
        return "end of expression";
      case TokenKind::kIdent:
      case TokenKind::kReserved:
        return "'" + token.text + "'";
      case TokenKind::kInt:
      case TokenKind::kUint:
      case TokenKind::kDouble:
        return "number";
      case TokenKind::kString:
        return "string";
      default:
        return "token";
    }
  }

  void Advance() {
    token_ = lexer_.Next();
    if (token_.kind == TokenKind::kError) Fail(token_.offset, token_.text);
  }

  bool Accept(TokenKind kind) {
    if (token_.kind != kind) return false;
    Advance();
    return true;
  }

  void Expect(TokenKind kind, const char* what) {
    if (token_.kind != kind) {
      Fail(token_.offset, std::string("expected ") + what + ", found " + Describe(token_));
    }
    Advance();
  }

  ExprPtr New(ExprKind kind, int32_t offset) {
    auto e = std::make_unique<Expr>();
    e->id = parsed_.next_id++;
    e->kind = kind;
    e->offset = offset;
    return e;
  }

  ExprPtr Call(std::string name, int32_t offset, std::vector<ExprPtr> args,
               ExprPtr target = nullptr) {
    auto e = New(ExprKind::kCall, offset);
    e->name = std::move(name);
    e->args = std::move(args);
    e->operand = std::move(target);
    return e;
  }

  template <typename... Args>
  ExprPtr CallOf(std::string name, int32_t offset, Args... args) {
    std::vector<ExprPtr> list;
    (list.push_back(std::move(args)), ...);
    return Call(std::move(name), offset, std::move(list));
  }

  ExprPtr Ident(std::string name, int32_t offset) {
    auto e = New(ExprKind::kIdent, offset);
    e->name = std::move(name);
    return e;
  }

  ExprPtr Constant(Value value, int32_t offset) {
    auto e = New(ExprKind::kConstant, offset);
    e->constant = std::move(value);
    return e;
  }

  // Guards the recursion of nested parentheses, brackets and calls.
  struct DepthGuard {
    Parser& parser;
    DepthGuard(Parser& p, int32_t offset) : parser(p) {
      if (++parser.depth_ > parser.options_.max_depth) {
        parser.Fail(offset, "the expression is nested more than " +
                                std::to_string(parser.options_.max_depth) + " levels deep");
      }
    }
    ~DepthGuard() { --parser.depth_; }
  };

  ExprPtr ParseExpr() {
    DepthGuard guard(*this, token_.offset);
    int32_t offset = token_.offset;
    ExprPtr condition = ParseOr();
    if (token_.kind != TokenKind::kQuestion) return condition;
    offset = token_.offset;
    Advance();
    ExprPtr if_true = ParseOr();
    Expect(TokenKind::kColon, "':'");
    ExprPtr if_false = ParseExpr();
    return CallOf("_?_:_", offset, std::move(condition), std::move(if_true), std::move(if_false));
  }

  // && and || chains become balanced trees, so a long chain of conditions does
  // not become a deep one.
  ExprPtr Balance(const std::string& function, std::vector<ExprPtr>& terms,
                  std::vector<int32_t>& offsets, size_t low, size_t high) {
    if (low == high) return std::move(terms[low]);
    size_t mid = (low + high + 1) / 2;
    ExprPtr left = Balance(function, terms, offsets, low, mid - 1);
    ExprPtr right = Balance(function, terms, offsets, mid, high);
    return CallOf(function, offsets[mid], std::move(left), std::move(right));
  }

  ExprPtr ParseChain(TokenKind op, const std::string& function, ExprPtr (Parser::*next)()) {
    std::vector<ExprPtr> terms;
    std::vector<int32_t> offsets{token_.offset};
    terms.push_back((this->*next)());
    while (token_.kind == op) {
      offsets.push_back(token_.offset);
      Advance();
      terms.push_back((this->*next)());
    }
    return Balance(function, terms, offsets, 0, terms.size() - 1);
  }

  ExprPtr ParseOr() { return ParseChain(TokenKind::kOr, "_||_", &Parser::ParseAnd); }
  ExprPtr ParseAnd() { return ParseChain(TokenKind::kAnd, "_&&_", &Parser::ParseRelation); }

  ExprPtr ParseRelation() {
    ExprPtr left = ParseAddition();
    while (true) {
      TokenKind k = token_.kind;
      if (k != TokenKind::kEq && k != TokenKind::kNe && k != TokenKind::kLt &&
          k != TokenKind::kLe && k != TokenKind::kGt && k != TokenKind::kGe &&
          k != TokenKind::kIn) {
        return left;
      }
      int32_t offset = token_.offset;
      Advance();
      left = CallOf(BinaryFunction(k), offset, std::move(left), ParseAddition());
    }
  }

  ExprPtr ParseAddition() {
    ExprPtr left = ParseMultiplication();
    while (token_.kind == TokenKind::kPlus || token_.kind == TokenKind::kMinus) {
      TokenKind k = token_.kind;
      int32_t offset = token_.offset;
      Advance();
      left = CallOf(BinaryFunction(k), offset, std::move(left), ParseMultiplication());
    }
    return left;
  }

  ExprPtr ParseMultiplication() {
    ExprPtr left = ParseUnary();
    while (token_.kind == TokenKind::kStar || token_.kind == TokenKind::kSlash ||
           token_.kind == TokenKind::kPercent) {
      TokenKind k = token_.kind;
      int32_t offset = token_.offset;
      Advance();
      left = CallOf(BinaryFunction(k), offset, std::move(left), ParseUnary());
    }
    return left;
  }

  ExprPtr ParseUnary() {
    DepthGuard guard(*this, token_.offset);
    int32_t offset = token_.offset;
    if (token_.kind == TokenKind::kNot) {
      Advance();
      return CallOf("!_", offset, ParseUnary());
    }
    if (token_.kind == TokenKind::kMinus) {
      Advance();
      // A minus directly before a number literal is part of the literal, so
      // that -9223372036854775808 is the smallest int rather than an overflow.
      if ((token_.kind == TokenKind::kInt || token_.kind == TokenKind::kDouble)) {
        Token literal = token_;
        Advance();
        ExprPtr constant;
        if (literal.kind == TokenKind::kInt) {
          constant =
              Constant(Value::Int(literal.int_overflow ? INT64_MIN : -literal.int_value), offset);
        } else {
          constant = Constant(Value::Double(-literal.double_value), offset);
        }
        return ParseMemberSuffix(std::move(constant));
      }
      return CallOf("-_", offset, ParseUnary());
    }
    return ParseMemberSuffix(ParsePrimary());
  }

  std::vector<ExprPtr> ParseArguments(TokenKind close, const char* what) {
    std::vector<ExprPtr> args;
    if (Accept(close)) return args;
    while (true) {
      args.push_back(ParseExpr());
      if (Accept(close)) return args;
      Expect(TokenKind::kComma, what);
      if (Accept(close)) return args;  // a trailing comma
    }
  }

  std::string ParseFieldName() {
    if (token_.kind == TokenKind::kIdent || token_.kind == TokenKind::kQuotedIdent ||
        token_.kind == TokenKind::kReserved || token_.kind == TokenKind::kTrue ||
        token_.kind == TokenKind::kFalse || token_.kind == TokenKind::kNull ||
        token_.kind == TokenKind::kIn) {
      std::string name = token_.text;
      if (token_.kind == TokenKind::kTrue || token_.kind == TokenKind::kFalse ||
          token_.kind == TokenKind::kNull || token_.kind == TokenKind::kIn) {
        Fail(token_.offset, "'" + name + "' cannot be a field name");
      }
      Advance();
      return name;
    }
    Fail(token_.offset, "expected a field name after '.', found " + Describe(token_));
  }

  ExprPtr ParseMemberSuffix(ExprPtr operand) {
    while (true) {
      int32_t offset = token_.offset;
      if (Accept(TokenKind::kDot)) {
        if (token_.kind == TokenKind::kQuestion)
          Fail(token_.offset, "optional fields ('.?') are not supported");
        int32_t name_offset = token_.offset;
        std::string name = ParseFieldName();
        if (Accept(TokenKind::kLParen)) {
          DepthGuard guard(*this, name_offset);
          std::vector<ExprPtr> args = ParseArguments(TokenKind::kRParen, "',' or ')'");
          operand = MakeCall(std::move(name), name_offset, std::move(args), std::move(operand));
        } else {
          auto select = New(ExprKind::kSelect, offset);
          select->name = std::move(name);
          select->operand = std::move(operand);
          operand = std::move(select);
        }
      } else if (Accept(TokenKind::kLBracket)) {
        DepthGuard guard(*this, offset);
        if (token_.kind == TokenKind::kQuestion)
          Fail(token_.offset, "optional indexes ('[?') are not supported");
        ExprPtr index = ParseExpr();
        Expect(TokenKind::kRBracket, "']'");
        operand = CallOf("_[_]", offset, std::move(operand), std::move(index));
      } else if (token_.kind == TokenKind::kLBrace && IsTypeName(*operand)) {
        Fail(offset, "creating protobuf messages is not supported");
      } else {
        return operand;
      }
    }
  }

  static bool IsTypeName(const Expr& e) {
    if (e.kind == ExprKind::kIdent) return true;
    return e.kind == ExprKind::kSelect && IsTypeName(*e.operand);
  }

  ExprPtr ParsePrimary() {
    DepthGuard guard(*this, token_.offset);
    Token t = std::move(token_);
    int32_t offset = t.offset;
    switch (t.kind) {
      case TokenKind::kInt:
        Advance();
        if (t.int_overflow) Fail(offset, "integer literal out of range");
        return Constant(Value::Int(t.int_value), offset);
      case TokenKind::kUint:
        Advance();
        return Constant(Value::Uint(t.uint_value), offset);
      case TokenKind::kDouble:
        Advance();
        return Constant(Value::Double(t.double_value), offset);
      case TokenKind::kString: {
        Advance();
        if (!IsValidUtf8(t.text)) Fail(offset, "string literal is not valid UTF-8");
        return Constant(Value::String(std::move(t.text)), offset);
      }
      case TokenKind::kBytes:
        Advance();
        return Constant(Value::Bytes(std::move(t.text)), offset);
      case TokenKind::kTrue:
      case TokenKind::kFalse:
        Advance();
        return Constant(Value::Bool(t.kind == TokenKind::kTrue), offset);
      case TokenKind::kNull:
        Advance();
        return Constant(Value::Null(), offset);
      case TokenKind::kDot:
      case TokenKind::kIdent: {
        Advance();
        std::string name = t.text;
        if (t.kind == TokenKind::kDot) {
          if (token_.kind != TokenKind::kIdent)
            Fail(token_.offset, "expected an identifier after '.'");
          name = "." + token_.text;
          Advance();
        }
        if (Accept(TokenKind::kLParen)) {
          std::vector<ExprPtr> args = ParseArguments(TokenKind::kRParen, "',' or ')'");
          return MakeCall(std::move(name), offset, std::move(args), nullptr);
        }
        return Ident(std::move(name), offset);
      }
      case TokenKind::kLParen: {
        Advance();
        ExprPtr inner = ParseExpr();
        Expect(TokenKind::kRParen, "')'");
        return inner;
      }
      case TokenKind::kLBracket: {
        Advance();
        auto list = New(ExprKind::kList, offset);
        list->args = ParseArguments(TokenKind::kRBracket, "',' or ']'");
        return list;
      }
      case TokenKind::kLBrace: {
        Advance();
        auto map = New(ExprKind::kMap, offset);
        while (!Accept(TokenKind::kRBrace)) {
          if (token_.kind == TokenKind::kQuestion)
            Fail(token_.offset, "optional entries ('?') are not supported");
          MapEntry entry;
          entry.key = ParseExpr();
          Expect(TokenKind::kColon, "':'");
          entry.value = ParseExpr();
          map->entries.push_back(std::move(entry));
          if (Accept(TokenKind::kRBrace)) break;
          Expect(TokenKind::kComma, "',' or '}'");
        }
        return map;
      }
      case TokenKind::kReserved:
        Fail(offset, "reserved word '" + t.text + "' cannot be used here");
      case TokenKind::kEnd:
        Fail(offset, "unexpected end of expression");
      default:
        Fail(offset, "unexpected " + Describe(t));
    }
  }

  // --- macros ----------------------------------------------------------------

  ExprPtr MakeCall(std::string name, int32_t offset, std::vector<ExprPtr> args, ExprPtr target) {
    if (!target && name == "has" && args.size() == 1) {
      ExprPtr arg = std::move(args[0]);
      if (arg->kind != ExprKind::kSelect)
        Fail(arg->offset, "has() needs a field selection, like has(m.age)");
      arg->test_only = true;
      return arg;
    }
    if (target) {
      if (ExprPtr expanded = ExpandMacro(name, offset, args, target)) return expanded;
    }
    return Call(std::move(name), offset, std::move(args), std::move(target));
  }

  std::string LoopVariable(const ExprPtr& arg, const std::string& macro) {
    if (arg->kind != ExprKind::kIdent || arg->name.starts_with(".")) {
      Fail(arg->offset, macro + "() needs a variable name as its first argument");
    }
    return arg->name;
  }

  ExprPtr Accu(int32_t offset) { return Ident(std::string(kAccumulatorName), offset); }

  ExprPtr Comprehension(int32_t offset, MacroKind macro, ExprPtr range, std::string var,
                        std::string var2, ExprPtr init, ExprPtr condition, ExprPtr step,
                        ExprPtr result) {
    auto c = New(ExprKind::kComprehension, offset);
    c->macro = macro;
    c->iter_range = std::move(range);
    c->iter_var = std::move(var);
    c->iter_var2 = std::move(var2);
    c->accu_var = std::string(kAccumulatorName);
    c->accu_init = std::move(init);
    c->loop_condition = std::move(condition);
    c->loop_step = std::move(step);
    c->result = std::move(result);
    return c;
  }

  ExprPtr ListOf(ExprPtr element, int32_t offset) {
    auto list = New(ExprKind::kList, offset);
    list->args.push_back(std::move(element));
    return list;
  }

  // Returns null when name/arity is not a macro, so it stays a function call.
  ExprPtr ExpandMacro(const std::string& name, int32_t offset, std::vector<ExprPtr>& args,
                      ExprPtr& target) {
    bool openspp = options_.dialect == Dialect::kOpenSpp;
    size_t n = args.size();
    // OpenSPP short forms: members.exists(pred) with the loop variable implied.
    if (openspp && n == 1 &&
        (name == "exists" || name == "all" || name == "count" || name == "filter")) {
      std::string implied = ImpliedLoopVariable(*target);
      if (!implied.empty()) {
        args.insert(args.begin(), Ident(implied, offset));
        n = 2;
      }
    }
    bool two_vars = false;
    std::string var, var2;
    auto quantifier = [&](MacroKind kind) -> ExprPtr {
      ExprPtr predicate = std::move(args.back());
      switch (kind) {
        case MacroKind::kAll:
          return Comprehension(
              offset, kind, std::move(target), var, var2, Constant(Value::Bool(true), offset),
              CallOf("@not_strictly_false", offset, Accu(offset)),
              CallOf("_&&_", offset, Accu(offset), std::move(predicate)), Accu(offset));
        case MacroKind::kExists:
          return Comprehension(
              offset, kind, std::move(target), var, var2, Constant(Value::Bool(false), offset),
              CallOf("@not_strictly_false", offset, CallOf("!_", offset, Accu(offset))),
              CallOf("_||_", offset, Accu(offset), std::move(predicate)), Accu(offset));
        default:  // exists_one
          return Comprehension(
              offset, kind, std::move(target), var, var2, Constant(Value::Int(0), offset),
              Constant(Value::Bool(true), offset),
              CallOf("_?_:_", offset, std::move(predicate),
                     CallOf("_+_", offset, Accu(offset), Constant(Value::Int(1), offset)),
                     Accu(offset)),
              CallOf("_==_", offset, Accu(offset), Constant(Value::Int(1), offset)));
      }
    };
    if (name == "all" || name == "exists" || name == "exists_one" || name == "existsOne") {
      if (n == 2) {
        var = LoopVariable(args[0], name);
      } else if (n == 3) {
        var = LoopVariable(args[0], name);
        var2 = LoopVariable(args[1], name);
        two_vars = true;
      } else {
        return nullptr;
      }
      if (two_vars && var == var2)
        Fail(args[1]->offset, name + "() needs two different variable names");
      MacroKind kind = name == "all"      ? MacroKind::kAll
                       : name == "exists" ? MacroKind::kExists
                                          : MacroKind::kExistsOne;
      if (name == "existsOne" && !two_vars) return nullptr;
      return quantifier(kind);
    }
    if (name == "map" && (n == 2 || n == 3)) {
      var = LoopVariable(args[0], name);
      ExprPtr transform = std::move(args.back());
      ExprPtr step = CallOf("_+_", offset, Accu(offset), ListOf(std::move(transform), offset));
      MacroKind kind = MacroKind::kMap;
      if (n == 3) {
        kind = MacroKind::kMapFilter;
        step = CallOf("_?_:_", offset, std::move(args[1]), std::move(step), Accu(offset));
      }
      return Comprehension(offset, kind, std::move(target), var, "", New(ExprKind::kList, offset),
                           Constant(Value::Bool(true), offset), std::move(step), Accu(offset));
    }
    if (name == "filter" && n == 2) {
      var = LoopVariable(args[0], name);
      ExprPtr step = CallOf("_?_:_", offset, std::move(args[1]),
                            CallOf("_+_", offset, Accu(offset), ListOf(Ident(var, offset), offset)),
                            Accu(offset));
      return Comprehension(offset, MacroKind::kFilter, std::move(target), var, "",
                           New(ExprKind::kList, offset), Constant(Value::Bool(true), offset),
                           std::move(step), Accu(offset));
    }
    if ((name == "transformList" || name == "transformMap") && (n == 3 || n == 4)) {
      var = LoopVariable(args[0], name);
      var2 = LoopVariable(args[1], name);
      if (var == var2) Fail(args[1]->offset, name + "() needs two different variable names");
      ExprPtr transform = std::move(args.back());
      ExprPtr step;
      ExprPtr init;
      if (name == "transformList") {
        step = CallOf("_+_", offset, Accu(offset), ListOf(std::move(transform), offset));
        init = New(ExprKind::kList, offset);
      } else {
        step =
            CallOf("@map_insert", offset, Accu(offset), Ident(var, offset), std::move(transform));
        init = New(ExprKind::kMap, offset);
      }
      if (n == 4) step = CallOf("_?_:_", offset, std::move(args[2]), std::move(step), Accu(offset));
      return Comprehension(offset, MacroKind::kNone, std::move(target), var, var2, std::move(init),
                           Constant(Value::Bool(true), offset), std::move(step), Accu(offset));
    }
    if (openspp && name == "count" && n == 2) {
      var = LoopVariable(args[0], name);
      ExprPtr step = CallOf("_?_:_", offset, std::move(args[1]),
                            CallOf("_+_", offset, Accu(offset), Constant(Value::Int(1), offset)),
                            Accu(offset));
      return Comprehension(offset, MacroKind::kNone, std::move(target), var, "",
                           Constant(Value::Int(0), offset), Constant(Value::Bool(true), offset),
                           std::move(step), Accu(offset));
    }
    if (openspp && name == "sum" && (n == 1 || n == 2)) {
      // members.sum(m.income) or members.sum(m.income, m.age >= 18), m implied.
      std::string implied = ImpliedLoopVariable(*target);
      if (implied.empty()) {
        Fail(offset, "sum() works on members, groups, enrollments or entitlements");
      }
      ExprPtr step = CallOf("@sum_add", offset, Accu(offset), std::move(args[0]));
      if (n == 2) step = CallOf("_?_:_", offset, std::move(args[1]), std::move(step), Accu(offset));
      return Comprehension(offset, MacroKind::kNone, std::move(target), implied, "",
                           Constant(Value::Int(0), offset), Constant(Value::Bool(true), offset),
                           std::move(step), Accu(offset));
    }
    return nullptr;
  }

  ParseOptions options_;
  Lexer lexer_;
  Token token_;
  ParsedExpr parsed_;
  int depth_ = 0;
};

}  // namespace

Result<ParsedExpr> Parse(std::string_view source, const ParseOptions& options) {
  return Parser(source, options).Run();
}

}  // namespace spmis::cel
