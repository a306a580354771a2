#include "core/page.h"

#include "core/text.h"

namespace spmis {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr char kSeparator = '\x1f';

}  // namespace

std::string Base64UrlEncode(std::string_view bytes) {
  std::string out;
  size_t i = 0;
  while (i + 2 < bytes.size()) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) |
                 (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    for (int shift : {18, 12, 6, 0}) out += kAlphabet[(n >> shift) & 63];
    i += 3;
  }
  size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    if (rest == 2) out += kAlphabet[(n >> 6) & 63];
  }
  return out;
}

std::optional<std::string> Base64UrlDecode(std::string_view text) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    size_t value = kAlphabet.find(c);
    if (value == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  if (bits >= 6) return std::nullopt;  // a dangling character
  return out;
}

std::string EncodeCursor(const CursorPosition& position) {
  return Base64UrlEncode(position.sort_field + kSeparator + std::to_string(position.id) +
                         kSeparator + position.sort_value);
}

std::optional<CursorPosition> DecodeCursor(std::string_view cursor) {
  auto raw = Base64UrlDecode(cursor);
  if (!raw) return std::nullopt;
  size_t first = raw->find(kSeparator);
  if (first == std::string::npos) return std::nullopt;
  size_t second = raw->find(kSeparator, first + 1);
  if (second == std::string::npos) return std::nullopt;
  auto id = ParseInt64(std::string_view(*raw).substr(first + 1, second - first - 1));
  if (!id || !IsValidUtf8(*raw)) return std::nullopt;
  return CursorPosition{raw->substr(0, first), raw->substr(second + 1), *id};
}

}  // namespace spmis
