// Problem responses (RFC 9457 problem+json): every error the API returns has
// the same shape — type, title, status, detail, and for validation failures
// an `errors` list naming each field and what is wrong with it.
#pragma once

#include <string>

#include "core/result.h"
#include "http/request.h"

namespace spmis::http {

int StatusFor(ErrorCode code);
Response Problem(int status, const std::string& detail, const std::vector<FieldError>& fields = {});
Response Problem(const Error& error);

}  // namespace spmis::http
