// PaymentDetailsService: where each beneficiary is paid, for the Principal it
// is built with. Setting details needs payment.manage (finance officers own
// where money goes) and the registrant within the user's areas; reading
// needs payment.read. Details are checked (see CheckDetails) before they are kept;
// every change is audited, with account numbers masked in the trail.
//
// A details file (CSV or XLSX) has a header with the columns channel,
// provider, account and optionally bic and holder_name, and names the
// registrant by beneficiary_id (IND-... or GRP-...), group_external_id or
// individual_external_id. Rows that pass are kept; the others are listed
// with their reason.
#pragma once

#include <string>
#include <vector>

#include "core/principal.h"
#include "core/result.h"
#include "payments/payment.h"
#include "store/database.h"

namespace spmis::payments {

struct DetailsRowProblem {
  int64_t row = 0;
  std::string reason;
};

struct DetailsImportSummary {
  int64_t rows = 0;
  int64_t saved = 0;
  int64_t refused = 0;
  std::vector<DetailsRowProblem> problems;  // the first 1,000
};

class PaymentDetailsService {
 public:
  PaymentDetailsService(store::Connection& connection, Principal principal)
      : db_(connection), principal_(std::move(principal)) {}

  // `registrant` is a beneficiary id ("GRP-00000007-1"); the kind and id of
  // `details` are set from it.
  Result<PaymentDetails> Set(const std::string& registrant, PaymentDetails details);
  Result<PaymentDetails> Get(const std::string& registrant);
  Result<DetailsImportSummary> ImportFile(const std::string& path);

 private:
  Status MayWrite() const;
  // The registrant's kind and id when it exists within the principal's areas.
  Result<RegistrantId> Resolve(const std::string& registrant);
  store::Connection& db_;
  Principal principal_;
};

// "****1234": the last four characters only, for audit entries and lists.
std::string MaskAccount(const std::string& account);

}  // namespace spmis::payments
