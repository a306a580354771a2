// Payment files for providers: a batch as CSV (for mobile money operators and
// distribution points) or as ISO 20022 pain.001.001.09 (customer credit
// transfer initiation, for banks). Everything written comes from the batch
// and its stored payments, so exporting a batch again gives the same bytes.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "core/registrant_id.h"
#include "payments/payment.h"

namespace spmis::payments {

enum class ExportFormat { kCsv, kPain001 };
std::optional<ExportFormat> ParseExportFormat(std::string_view name);  // csv | pain.001
const char* ExportFormatName(ExportFormat format);

// Who pays: the program's institution and funding account.
struct Debtor {
  std::string name;
  std::string account;  // IBAN or other account id
  std::string bic;      // "" when unknown
};

// What a payment file's header needs to know before the payments.
struct BatchHeader {
  PaymentBatch batch;
  int64_t cycle_id = 0;
  int cycle_sequence = 0;
  std::string program_code;
  RegistrantKind beneficiary_kind = RegistrantKind::kGroup;
  Date execution_date;  // the date asked of the provider
  Debtor debtor;
};

// Writes a file in pieces: Begin, then Add for each payment in order, then
// Finish; each appends its text to `out`, so the caller can stream it.
class PaymentFileWriter {
 public:
  virtual ~PaymentFileWriter() = default;
  virtual void Begin(const BatchHeader& header, std::string& out) = 0;
  virtual void Add(const Payment& payment, std::string& out) = 0;
  virtual void Finish(std::string& out) = 0;
};

// CSV with the header end_to_end_id,beneficiary_id,name,amount,currency,
// channel,provider,account,bic; amounts in major units ("150.00").
std::unique_ptr<PaymentFileWriter> NewCsvWriter();
// pain.001.001.09: one message and one payment information block per batch,
// with the number of transactions and the control sum in both.
std::unique_ptr<PaymentFileWriter> NewPain001Writer();

// Text made safe inside XML elements and attributes.
void AppendXmlEscaped(std::string& out, std::string_view text);

}  // namespace spmis::payments
