// Page<T>: one page of a list, with the opaque cursor of the next page and the
// total count of matching rows. Cursors are keyset positions (the sort key and
// id of the last row), so paging stays fast and stable while rows are added.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spmis {

template <typename T>
struct Page {
  std::vector<T> items;
  std::optional<std::string> next;  // nullopt on the last page
  int64_t total = 0;
};

// The position a cursor stands for.
struct CursorPosition {
  std::string sort_field;
  std::string sort_value;
  int64_t id = 0;
};

// URL-safe text; decoding refuses anything not made by EncodeCursor.
std::string EncodeCursor(const CursorPosition& position);
std::optional<CursorPosition> DecodeCursor(std::string_view cursor);

std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace spmis
