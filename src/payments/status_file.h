// Provider status files, read one line at a time: the CSV a provider sends
// back (end_to_end_id,status,amount,reason; status paid, failed or pending)
// and the ISO 20022 pain.002 customer payment status report, parsed with
// expat. A file that is not what it claims is refused whole.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "payments/payment.h"

namespace spmis::payments {

enum class StatusFormat { kCsv, kPain002 };
std::optional<StatusFormat> ParseStatusFormat(std::string_view name);  // csv | pain.002
const char* StatusFormatName(StatusFormat format);

struct StatusLine {
  // CSV: the spreadsheet row (the header is row 1); pain.002: the number of
  // the transaction in the report (1, 2, ...).
  int64_t line = 0;
  std::string end_to_end_id;
  std::string status_text;             // as written ("paid", "ACSC", ...)
  std::optional<PaymentState> status;  // none when not understood
  std::string amount;                  // major units as written; "" when not given
  std::string currency;                // pain.002 only; "" when not given
  std::string reason;
};

// Calls `each` for every status line, in file order; stops at the first
// error `each` returns. An error for a malformed file comes before any line
// only when the file is refused at its start; callers that must change
// nothing on a malformed file read it once without acting first.
Status ReadStatusFile(const std::string& path, StatusFormat format,
                      const std::function<Status(const StatusLine&)>& each);

// pain.002 transaction statuses: ACSC/ACCC paid, RJCT failed, the other
// ISO codes still pending.
std::optional<PaymentState> Pain002Status(std::string_view code);

}  // namespace spmis::payments
