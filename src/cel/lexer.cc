#include "cel/lexer.h"

#include "cel/utf8.h"

#include <cerrno>
#include <cstdlib>
#include <string>

namespace spmis::cel {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool IsIdentStart(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsIdentPart(char c) { return IsIdentStart(c) || IsDigit(c); }
int HexValue(char c) {
  if (IsDigit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

bool IsReservedWord(std::string_view w) {
  static constexpr std::string_view kWords[] = {
      "as",  "break", "const",   "continue",  "else",   "for", "function", "if",   "import",
      "let", "loop",  "package", "namespace", "return", "var", "void",     "while"};
  for (std::string_view r : kWords) {
    if (r == w) return true;
  }
  return false;
}

}  // namespace

Token Lexer::Fail(int32_t offset, std::string message) {
  Token t;
  t.kind = TokenKind::kError;
  t.offset = offset;
  t.text = std::move(message);
  pos_ = source_.size();
  return t;
}

Token Lexer::Next() {
  // Skip white space and // comments.
  while (pos_ < source_.size()) {
    char c = source_[pos_];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++pos_;
    } else if (c == '/' && pos_ + 1 < source_.size() && source_[pos_ + 1] == '/') {
      while (pos_ < source_.size() && source_[pos_] != '\n') ++pos_;
    } else {
      break;
    }
  }
  Token t;
  t.offset = static_cast<int32_t>(pos_);
  if (pos_ >= source_.size()) return t;
  auto start = static_cast<int32_t>(pos_);
  char c = source_[pos_];
  char n = pos_ + 1 < source_.size() ? source_[pos_ + 1] : '\0';
  auto simple = [&](TokenKind kind, size_t length) {
    pos_ += length;
    t.kind = kind;
    return t;
  };
  if (IsDigit(c) || (c == '.' && IsDigit(n))) return Number(start);
  if (c == '"' || c == '\'') return Text(start, false, false);
  if ((c == 'r' || c == 'R') && (n == '"' || n == '\'')) {
    ++pos_;
    return Text(start, true, false);
  }
  if ((c == 'b' || c == 'B') && (n == '"' || n == '\'')) {
    ++pos_;
    return Text(start, false, true);
  }
  if (pos_ + 2 < source_.size()) {
    char m = source_[pos_ + 2];
    bool rb = (c == 'r' || c == 'R') && (n == 'b' || n == 'B');
    bool br = (c == 'b' || c == 'B') && (n == 'r' || n == 'R');
    if ((rb || br) && (m == '"' || m == '\'')) {
      pos_ += 2;
      return Text(start, true, true);
    }
  }
  if (IsIdentStart(c)) return Word(start);
  switch (c) {
    case '(':
      return simple(TokenKind::kLParen, 1);
    case ')':
      return simple(TokenKind::kRParen, 1);
    case '[':
      return simple(TokenKind::kLBracket, 1);
    case ']':
      return simple(TokenKind::kRBracket, 1);
    case '{':
      return simple(TokenKind::kLBrace, 1);
    case '}':
      return simple(TokenKind::kRBrace, 1);
    case '.':
      return simple(TokenKind::kDot, 1);
    case ',':
      return simple(TokenKind::kComma, 1);
    case ':':
      return simple(TokenKind::kColon, 1);
    case '?':
      return simple(TokenKind::kQuestion, 1);
    case '+':
      return simple(TokenKind::kPlus, 1);
    case '-':
      return simple(TokenKind::kMinus, 1);
    case '*':
      return simple(TokenKind::kStar, 1);
    case '/':
      return simple(TokenKind::kSlash, 1);
    case '%':
      return simple(TokenKind::kPercent, 1);
    case '!':
      return n == '=' ? simple(TokenKind::kNe, 2) : simple(TokenKind::kNot, 1);
    case '=':
      if (n == '=') return simple(TokenKind::kEq, 2);
      break;
    case '<':
      return n == '=' ? simple(TokenKind::kLe, 2) : simple(TokenKind::kLt, 1);
    case '>':
      return n == '=' ? simple(TokenKind::kGe, 2) : simple(TokenKind::kGt, 1);
    case '&':
      if (n == '&') return simple(TokenKind::kAnd, 2);
      break;
    case '|':
      if (n == '|') return simple(TokenKind::kOr, 2);
      break;
    case '`': {
      size_t end = source_.find('`', pos_ + 1);
      if (end == std::string_view::npos) return Fail(start, "unterminated quoted identifier");
      t.kind = TokenKind::kQuotedIdent;
      t.text = std::string(source_.substr(pos_ + 1, end - pos_ - 1));
      for (char q : t.text) {
        if (!IsIdentPart(q) && q != '.' && q != '-' && q != '/' && q != ' ') {
          return Fail(start, "invalid character in quoted identifier");
        }
      }
      if (t.text.empty()) return Fail(start, "empty quoted identifier");
      pos_ = end + 1;
      return t;
    }
    default:
      break;
  }
  return Fail(start, std::string("unexpected character '") + c + "'");
}

Token Lexer::Word(int32_t start) {
  while (pos_ < source_.size() && IsIdentPart(source_[pos_])) ++pos_;
  Token t;
  t.offset = start;
  t.text = std::string(source_.substr(start, pos_ - start));
  if (t.text == "true") {
    t.kind = TokenKind::kTrue;
  } else if (t.text == "false") {
    t.kind = TokenKind::kFalse;
  } else if (t.text == "null") {
    t.kind = TokenKind::kNull;
  } else if (t.text == "in") {
    t.kind = TokenKind::kIn;
  } else if (word_operators_ && t.text == "and") {
    t.kind = TokenKind::kAnd;
  } else if (word_operators_ && t.text == "or") {
    t.kind = TokenKind::kOr;
  } else if (word_operators_ && t.text == "not") {
    t.kind = TokenKind::kNot;
  } else if (IsReservedWord(t.text)) {
    t.kind = TokenKind::kReserved;
  } else {
    t.kind = TokenKind::kIdent;
  }
  return t;
}

Token Lexer::Number(int32_t start) {
  Token t;
  t.offset = start;
  // Hexadecimal integers.
  if (source_[pos_] == '0' && pos_ + 1 < source_.size() &&
      (source_[pos_ + 1] == 'x' || source_[pos_ + 1] == 'X')) {
    pos_ += 2;
    size_t digits_start = pos_;
    while (pos_ < source_.size() && IsHex(source_[pos_])) ++pos_;
    if (pos_ == digits_start) return Fail(start, "invalid hexadecimal literal");
    std::string digits(source_.substr(digits_start, pos_ - digits_start));
    errno = 0;
    unsigned long long value = std::strtoull(digits.c_str(), nullptr, 16);
    bool overflow = errno == ERANGE;
    if (pos_ < source_.size() && (source_[pos_] == 'u' || source_[pos_] == 'U')) {
      ++pos_;
      if (overflow) return Fail(start, "unsigned integer literal out of range");
      t.kind = TokenKind::kUint;
      t.uint_value = value;
    } else {
      if (overflow || value > 9223372036854775808ULL) {
        return Fail(start, "integer literal out of range");
      }
      t.kind = TokenKind::kInt;
      t.int_overflow = value == 9223372036854775808ULL;
      t.int_value = static_cast<int64_t>(value);
    }
    if (pos_ < source_.size() && IsIdentPart(source_[pos_])) {
      return Fail(start, "invalid number literal");
    }
    return t;
  }
  bool is_double = false;
  while (pos_ < source_.size() && IsDigit(source_[pos_])) ++pos_;
  if (pos_ + 1 < source_.size() && source_[pos_] == '.' && IsDigit(source_[pos_ + 1])) {
    is_double = true;
    ++pos_;
    while (pos_ < source_.size() && IsDigit(source_[pos_])) ++pos_;
  }
  if (pos_ < source_.size() && (source_[pos_] == 'e' || source_[pos_] == 'E')) {
    size_t save = pos_;
    ++pos_;
    if (pos_ < source_.size() && (source_[pos_] == '+' || source_[pos_] == '-')) ++pos_;
    if (pos_ < source_.size() && IsDigit(source_[pos_])) {
      is_double = true;
      while (pos_ < source_.size() && IsDigit(source_[pos_])) ++pos_;
    } else {
      pos_ = save;
      return Fail(start, "invalid exponent in number literal");
    }
  }
  std::string text(source_.substr(start, pos_ - start));
  if (is_double) {
    t.kind = TokenKind::kDouble;
    t.double_value = std::strtod(text.c_str(), nullptr);
  } else if (pos_ < source_.size() && (source_[pos_] == 'u' || source_[pos_] == 'U')) {
    ++pos_;
    errno = 0;
    unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE) return Fail(start, "unsigned integer literal out of range");
    t.kind = TokenKind::kUint;
    t.uint_value = value;
  } else {
    errno = 0;
    unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
    if (errno == ERANGE || value > 9223372036854775808ULL) {
      return Fail(start, "integer literal out of range");
    }
    t.kind = TokenKind::kInt;
    t.int_overflow = value == 9223372036854775808ULL;
    t.int_value = static_cast<int64_t>(value);
  }
  if (pos_ < source_.size() && IsIdentStart(source_[pos_])) {
    return Fail(start, "invalid number literal");
  }
  return t;
}

Token Lexer::Text(int32_t start, bool raw, bool bytes) {
  Token t;
  t.offset = start;
  t.kind = bytes ? TokenKind::kBytes : TokenKind::kString;
  char quote = source_[pos_];
  bool triple =
      pos_ + 2 < source_.size() && source_[pos_ + 1] == quote && source_[pos_ + 2] == quote;
  pos_ += triple ? 3 : 1;
  std::string& out = t.text;
  while (true) {
    if (pos_ >= source_.size()) return Fail(start, "unterminated string literal");
    char c = source_[pos_];
    if (c == quote) {
      if (!triple) {
        ++pos_;
        break;
      }
      if (pos_ + 2 < source_.size() && source_[pos_ + 1] == quote && source_[pos_ + 2] == quote) {
        pos_ += 3;
        break;
      }
    }
    if (!triple && (c == '\n' || c == '\r')) return Fail(start, "newline in string literal");
    if (c != '\\' || raw) {
      out += c;
      ++pos_;
      continue;
    }
    // An escape sequence.
    auto escape_at = static_cast<int32_t>(pos_);
    if (pos_ + 1 >= source_.size()) return Fail(escape_at, "unterminated escape sequence");
    char e = source_[pos_ + 1];
    pos_ += 2;
    switch (e) {
      case 'a':
        out += '\a';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'v':
        out += '\v';
        break;
      case '\\':
      case '\'':
      case '"':
      case '`':
      case '?':
        out += e;
        break;
      case 'x':
      case 'X':
      case 'u':
      case 'U': {
        size_t count = (e == 'x' || e == 'X') ? 2 : (e == 'u' ? 4 : 8);
        if (bytes && (e == 'u' || e == 'U')) {
          return Fail(escape_at, "\\u escapes are not allowed in bytes literals");
        }
        uint32_t cp = 0;
        for (size_t i = 0; i < count; ++i) {
          if (pos_ >= source_.size() || !IsHex(source_[pos_])) {
            return Fail(escape_at, "invalid escape sequence");
          }
          cp = cp * 16 + HexValue(source_[pos_++]);
        }
        if (bytes) {
          out += static_cast<char>(cp);
        } else {
          if ((cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
            return Fail(escape_at, "invalid Unicode code point in escape sequence");
          }
          AppendUtf8(out, cp);
        }
        break;
      }
      default:
        if (e >= '0' && e <= '3') {
          if (pos_ + 1 >= source_.size() || source_[pos_] < '0' || source_[pos_] > '7' ||
              source_[pos_ + 1] < '0' || source_[pos_ + 1] > '7') {
            return Fail(escape_at, "invalid octal escape sequence");
          }
          uint32_t cp = (e - '0') * 64 + (source_[pos_] - '0') * 8 + (source_[pos_ + 1] - '0');
          pos_ += 2;
          if (bytes) {
            out += static_cast<char>(cp);
          } else {
            AppendUtf8(out, cp);
          }
          break;
        }
        return Fail(escape_at, std::string("invalid escape sequence '\\") + e + "'");
    }
  }
  return t;
}

}  // namespace spmis::cel
