// Lexer: splits CEL source into tokens. Literals are decoded here (escapes,
// raw and triple-quoted strings, bytes, hex and unsigned integers), so the
// parser sees values, and a malformed literal is reported at its position.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace spmis::cel {

enum class TokenKind : uint8_t {
  kEnd,
  kError,  // text holds the message
  kIdent,
  kQuotedIdent,  // `a-b`, allowed after a dot
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kTrue,
  kFalse,
  kNull,
  kIn,
  kReserved,  // a word CEL keeps for itself (if, for, var, ...)
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kLBrace,
  kRBrace,
  kDot,
  kComma,
  kColon,
  kQuestion,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kNot,
  kAnd,
  kOr,
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  int32_t offset = 0;
  std::string text;  // identifier name, decoded string or bytes, error message
  union {
    int64_t int_value;
    uint64_t uint_value;
    double double_value;
  };
  // An integer literal too large for int64 that only a leading minus can save
  // (-9223372036854775808).
  bool int_overflow = false;
  Token() : int_value(0) {}
};

class Lexer {
 public:
  // With word_operators, `and`, `or` and `not` are the operators &&, || and !
  // (the OpenSPP dialect).
  Lexer(std::string_view source, bool word_operators)
      : source_(source), word_operators_(word_operators) {}
  Token Next();

 private:
  Token Number(int32_t start);
  Token Text(int32_t start, bool raw, bool bytes);
  Token Word(int32_t start);
  Token Fail(int32_t offset, std::string message);

  std::string_view source_;
  size_t pos_ = 0;
  bool word_operators_;
};

}  // namespace spmis::cel
