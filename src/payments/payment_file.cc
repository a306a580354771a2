#include "payments/payment_file.h"

#include "core/money.h"
#include "importer/csv_writer.h"

namespace spmis::payments {
namespace {

std::string Major(int64_t minor, const std::string& currency) {
  return Money(minor, currency).ToMajorString();
}

class CsvFile : public PaymentFileWriter {
 public:
  void Begin(const BatchHeader& header, std::string& out) override {
    kind_ = header.beneficiary_kind;
    out += "end_to_end_id,beneficiary_id,name,amount,currency,channel,provider,account,bic\r\n";
  }
  void Add(const Payment& p, std::string& out) override {
    const std::string cells[] = {p.end_to_end_id,
                                 RegistrantId{kind_, p.registrant_id}.ToString(),
                                 p.name,
                                 Major(p.amount_minor, p.currency),
                                 p.currency,
                                 ChannelName(p.channel),
                                 p.provider,
                                 p.account,
                                 p.bic};
    bool first = true;
    for (const auto& cell : cells) {
      if (!first) out += ',';
      first = false;
      out += importer::CsvWriter::Quote(cell);
    }
    out += "\r\n";
  }
  void Finish(std::string&) override {}

 private:
  RegistrantKind kind_ = RegistrantKind::kGroup;
};

// An element holding escaped text: <name>text</name>.
void Element(std::string& out, const char* name, std::string_view text) {
  out += '<';
  out += name;
  out += '>';
  AppendXmlEscaped(out, text);
  out += "</";
  out += name;
  out += '>';
}

// The account as ISO 20022 wants it: an IBAN, else another identification.
void Account(std::string& out, const std::string& account, bool wallet) {
  out += "<Id>";
  if (!wallet && LooksLikeIban(account)) {
    Element(out, "IBAN", account);
  } else {
    out += "<Othr>";
    Element(out, "Id", account);
    if (wallet) out += "<SchmeNm><Prtry>MSISDN</Prtry></SchmeNm>";
    out += "</Othr>";
  }
  out += "</Id>";
}

// A financial institution by BIC, else by name.
void Agent(std::string& out, const std::string& bic, const std::string& name) {
  out += "<FinInstnId>";
  if (!bic.empty()) {
    Element(out, "BICFI", bic);
  } else if (!name.empty()) {
    Element(out, "Nm", name);
  } else {
    out += "<Othr><Id>NOTPROVIDED</Id></Othr>";
  }
  out += "</FinInstnId>";
}

class Pain001File : public PaymentFileWriter {
 public:
  void Begin(const BatchHeader& h, std::string& out) override {
    const PaymentBatch& b = h.batch;
    std::string count = std::to_string(b.payments);
    std::string sum = Major(b.total_minor, b.currency);
    // ISODateTime in UTC without fractions: "2026-11-23T10:15:00Z" from the stored time.
    std::string created = b.created_at.ToString().substr(0, 19) + "Z";
    std::string message = "SPMIS-B" + std::to_string(b.id);
    out +=
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.09\">"
        "<CstmrCdtTrfInitn><GrpHdr>";
    Element(out, "MsgId", message);
    Element(out, "CreDtTm", created);
    Element(out, "NbOfTxs", count);
    Element(out, "CtrlSum", sum);
    out += "<InitgPty>";
    Element(out, "Nm", h.debtor.name);
    out += "</InitgPty></GrpHdr><PmtInf>";
    Element(out, "PmtInfId",
            message + "-" + h.program_code + "-C" + std::to_string(h.cycle_sequence));
    out += "<PmtMtd>TRF</PmtMtd><BtchBookg>false</BtchBookg>";
    Element(out, "NbOfTxs", count);
    Element(out, "CtrlSum", sum);
    out += "<ReqdExctnDt>";
    Element(out, "Dt", h.execution_date.ToString());
    out += "</ReqdExctnDt><Dbtr>";
    Element(out, "Nm", h.debtor.name);
    out += "</Dbtr><DbtrAcct>";
    Account(out, h.debtor.account, false);
    out += "</DbtrAcct><DbtrAgt>";
    Agent(out, h.debtor.bic, "");
    out += "</DbtrAgt><ChrgBr>SLEV</ChrgBr>\n";
    remittance_ = h.program_code + " cycle " + std::to_string(h.cycle_sequence);
  }
  void Add(const Payment& p, std::string& out) override {
    out += "<CdtTrfTxInf><PmtId>";
    Element(out, "InstrId", "P" + std::to_string(p.id));
    Element(out, "EndToEndId", p.end_to_end_id);
    out += "</PmtId><Amt><InstdAmt Ccy=\"";
    AppendXmlEscaped(out, p.currency);
    out += "\">";
    out += Major(p.amount_minor, p.currency);
    out += "</InstdAmt></Amt><CdtrAgt>";
    Agent(out, p.bic, p.provider);
    out += "</CdtrAgt><Cdtr>";
    Element(out, "Nm", p.name);
    out += "</Cdtr><CdtrAcct>";
    Account(out, p.account, p.channel == Channel::kMobileMoney);
    out += "</CdtrAcct><RmtInf>";
    Element(out, "Ustrd", remittance_);
    out += "</RmtInf></CdtTrfTxInf>\n";
  }
  void Finish(std::string& out) override { out += "</PmtInf></CstmrCdtTrfInitn></Document>\n"; }

 private:
  std::string remittance_;
};

}  // namespace

std::optional<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "csv") return ExportFormat::kCsv;
  if (name == "pain.001" || name == "pain.001.001.09") return ExportFormat::kPain001;
  return std::nullopt;
}

const char* ExportFormatName(ExportFormat format) {
  return format == ExportFormat::kCsv ? "csv" : "pain.001";
}

void AppendXmlEscaped(std::string& out, std::string_view text) {
  // Runs of plain characters are appended whole: a million-payment file
  // escapes some 20 million characters, nearly all of them plain.
  size_t plain_from = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::string_view replacement;
    switch (c) {
      case '&':
        replacement = "&amp;";
        break;
      case '<':
        replacement = "&lt;";
        break;
      case '>':
        replacement = "&gt;";
        break;
      case '"':
        replacement = "&quot;";
        break;
      case '\'':
        replacement = "&apos;";
        break;
      default:
        // Control characters are not allowed in XML 1.0; a space stands in.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t') continue;
        replacement = " ";
    }
    out.append(text.substr(plain_from, i - plain_from));
    out.append(replacement);
    plain_from = i + 1;
  }
  out.append(text.substr(plain_from));
}

std::unique_ptr<PaymentFileWriter> NewCsvWriter() { return std::make_unique<CsvFile>(); }
std::unique_ptr<PaymentFileWriter> NewPain001Writer() { return std::make_unique<Pain001File>(); }

}  // namespace spmis::payments
