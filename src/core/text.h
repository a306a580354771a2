// Small text helpers shared by every layer: trimming, ASCII case folding,
// UTF-8 validation, and whole-string number parsing that refuses trailing junk.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spmis {

std::string_view Trim(std::string_view text);
std::string ToLowerAscii(std::string_view text);
bool IsValidUtf8(std::string_view text);
std::optional<int64_t> ParseInt64(std::string_view text);
std::optional<double> ParseDouble(std::string_view text);
std::vector<std::string_view> Split(std::string_view text, char separator);
std::string Join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace spmis
