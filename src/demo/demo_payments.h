// Demo payment details: how the demo population is paid, so a demo cycle can
// be batched, exported and reconciled end to end. Most households are paid
// to the head's mobile wallet, some to a bank account, and about one in
// twenty has no details (an exception to fix). People of pension age with a
// phone are paid to their own wallet. Derived from the external ids, so the
// same seed gives the same details.
#pragma once

#include <optional>

#include "demo/population.h"
#include "payments/payment.h"

namespace spmis::demo {

// The kind and registrant id are left for the caller to set.
std::optional<payments::PaymentDetails> HouseholdPaymentDetails(const DemoHousehold& household);
std::optional<payments::PaymentDetails> PersonPaymentDetails(const DemoPerson& person, Date as_of);

}  // namespace spmis::demo
