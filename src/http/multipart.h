// multipart/form-data (RFC 7578), the way browsers and curl upload files,
// parsed with GMime: never a hand-written MIME parser.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace spmis::http {

struct FormPart {
  std::string name;      // the form field
  std::string filename;  // for file fields, as the client named it
  std::string content_type;
  std::string data;
};

// `content_type` is the request's Content-Type header (with its boundary).
Result<std::vector<FormPart>> ParseMultipartForm(std::string_view content_type,
                                                 std::string_view body);

}  // namespace spmis::http
