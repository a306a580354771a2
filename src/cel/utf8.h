// UTF-8 helpers shared by the lexer, the parser and the string functions:
// CEL strings are sequences of Unicode code points held as UTF-8.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace spmis::cel {

// Appends the UTF-8 encoding of a code point.
void AppendUtf8(std::string& out, uint32_t code_point);

// Whether the bytes are well-formed UTF-8: no overlong forms, no surrogates,
// nothing above U+10FFFF.
bool IsValidUtf8(std::string_view bytes);

}  // namespace spmis::cel
