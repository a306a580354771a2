// A minimal blocking HTTP/1.1 client for tests of the server (Boost.Beast).
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace spmis::testing {

struct HttpResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

HttpResult HttpRequest(uint16_t port, const std::string& method, const std::string& target,
                       const std::string& body = "",
                       const std::map<std::string, std::string>& headers = {});

}  // namespace spmis::testing
