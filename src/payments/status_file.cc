#include "payments/status_file.h"

#include <expat.h>

#include <fstream>
#include <memory>
#include <vector>

#include "core/text.h"
#include "importer/table_reader.h"

namespace spmis::payments {
namespace {

Status ReadCsv(const std::string& path, const std::function<Status(const StatusLine&)>& each) {
  SPMIS_ASSIGN_OR_RETURN(auto table, importer::OpenTable(path, {}));
  std::vector<std::string> cells;
  SPMIS_ASSIGN_OR_RETURN(bool has_header, table->Next(cells));
  if (!has_header) return Error::Invalid("the status file is empty");
  int id = -1, status = -1, amount = -1, reason = -1;
  for (size_t i = 0; i < cells.size(); ++i) {
    std::string name = ToLowerAscii(Trim(cells[i]));
    int column = static_cast<int>(i);
    if (name == "end_to_end_id") id = column;
    if (name == "status") status = column;
    if (name == "amount") amount = column;
    if (name == "reason") reason = column;
  }
  if (id < 0 || status < 0) {
    return Error::Invalid(
        "the status file's header needs the columns end_to_end_id and status (with amount and "
        "reason when known)");
  }
  auto cell = [&](int column) {
    return column >= 0 && static_cast<size_t>(column) < cells.size()
               ? std::string(Trim(cells[column]))
               : std::string();
  };
  while (true) {
    SPMIS_ASSIGN_OR_RETURN(bool more, table->Next(cells));
    if (!more) break;
    StatusLine line;
    line.line = table->row_number();
    line.end_to_end_id = cell(id);
    line.status_text = cell(status);
    line.status = ParsePaymentState(ToLowerAscii(line.status_text));
    line.amount = cell(amount);
    line.reason = cell(reason);
    SPMIS_RETURN_IF_ERROR(each(line));
  }
  return OkStatus();
}

// The pain.002 parser's state, fed by expat's callbacks.
struct Pain002State {
  const std::function<Status(const StatusLine&)>* each = nullptr;
  XML_Parser parser = nullptr;
  std::vector<std::string> path;  // local names from the root
  std::string text;               // of the element being read
  bool in_transaction = false;
  StatusLine line;
  std::string reason_code, reason_info;
  int64_t transactions = 0;
  std::string group_status, message_id;
  Status failure = OkStatus();
};

std::string_view LocalName(const XML_Char* name) {
  std::string_view n(name);
  size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

bool EndsWith(const std::vector<std::string>& path, std::initializer_list<const char*> tail) {
  if (path.size() < tail.size()) return false;
  size_t at = path.size() - tail.size();
  for (const char* name : tail) {
    if (path[at++] != name) return false;
  }
  return true;
}

void Fail(Pain002State& s, Status status) {
  if (s.failure.ok()) s.failure = std::move(status);
  XML_StopParser(s.parser, XML_FALSE);
}

void XMLCALL Start(void* data, const XML_Char* name, const XML_Char** attributes) {
  auto& s = *static_cast<Pain002State*>(data);
  std::string local(LocalName(name));
  if (s.path.empty()) {
    if (local != "Document") return Fail(s, Error::Invalid("not an ISO 20022 document"));
  } else if (s.path.size() == 1 && local != "CstmrPmtStsRpt") {
    return Fail(
        s, Error::Invalid("not a pain.002 customer payment status report (found " + local + ")"));
  }
  s.path.push_back(local);
  s.text.clear();
  if (local == "TxInfAndSts") {
    s.in_transaction = true;
    s.line = StatusLine{};
    s.line.line = ++s.transactions;
    s.reason_code.clear();
    s.reason_info.clear();
  }
  if (s.in_transaction && EndsWith(s.path, {"OrgnlTxRef", "Amt", "InstdAmt"})) {
    for (int i = 0; attributes[i]; i += 2) {
      if (std::string_view(attributes[i]) == "Ccy") s.line.currency = attributes[i + 1];
    }
  }
}

void XMLCALL End(void* data, const XML_Char*) {
  auto& s = *static_cast<Pain002State*>(data);
  if (s.path.empty()) return;
  std::string value(Trim(s.text));
  if (EndsWith(s.path, {"OrgnlGrpInfAndSts", "OrgnlMsgId"})) s.message_id = value;
  if (EndsWith(s.path, {"OrgnlGrpInfAndSts", "GrpSts"})) s.group_status = value;
  if (s.in_transaction) {
    if (EndsWith(s.path, {"TxInfAndSts", "OrgnlEndToEndId"})) s.line.end_to_end_id = value;
    if (EndsWith(s.path, {"TxInfAndSts", "TxSts"})) s.line.status_text = value;
    if (EndsWith(s.path, {"StsRsnInf", "Rsn", "Cd"}) ||
        EndsWith(s.path, {"StsRsnInf", "Rsn", "Prtry"})) {
      s.reason_code = value;
    }
    if (EndsWith(s.path, {"StsRsnInf", "AddtlInf"})) {
      if (!s.reason_info.empty()) s.reason_info += " ";
      s.reason_info += value;
    }
    if (EndsWith(s.path, {"OrgnlTxRef", "Amt", "InstdAmt"})) s.line.amount = value;
    if (s.path.back() == "TxInfAndSts") {
      s.in_transaction = false;
      s.line.status = Pain002Status(s.line.status_text);
      s.line.reason = s.reason_code;
      if (!s.reason_info.empty()) {
        s.line.reason += (s.line.reason.empty() ? "" : ": ") + s.reason_info;
      }
      Status status = (*s.each)(s.line);
      if (!status.ok()) Fail(s, std::move(status));
    }
  }
  s.path.pop_back();
  s.text.clear();
}

void XMLCALL Text(void* data, const XML_Char* text, int length) {
  auto& s = *static_cast<Pain002State*>(data);
  s.text.append(text, static_cast<size_t>(length));
}

struct ParserFree {
  void operator()(XML_Parser p) const { XML_ParserFree(p); }
};

Status ReadPain002(const std::string& path, const std::function<Status(const StatusLine&)>& each) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Invalid("cannot read " + path);
  std::unique_ptr<XML_ParserStruct, ParserFree> parser(XML_ParserCreate("UTF-8"));
  Pain002State state;
  state.each = &each;
  state.parser = parser.get();
  XML_SetUserData(parser.get(), &state);
  XML_SetElementHandler(parser.get(), Start, End);
  XML_SetCharacterDataHandler(parser.get(), Text);
  std::vector<char> buffer(1 << 16);
  bool any = false;
  while (true) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::streamsize got = in.gcount();
    any = any || got > 0;
    bool last = got < static_cast<std::streamsize>(buffer.size());
    if (XML_Parse(parser.get(), buffer.data(), static_cast<int>(got), last) == XML_STATUS_ERROR) {
      if (!state.failure.ok()) return state.failure;
      return Error::Invalid("the pain.002 file is not well-formed XML: " +
                            std::string(XML_ErrorString(XML_GetErrorCode(parser.get()))) +
                            " at line " + std::to_string(XML_GetCurrentLineNumber(parser.get())));
    }
    if (last) break;
  }
  if (!any) return Error::Invalid("the status file is empty");
  if (state.transactions == 0) {
    if (state.group_status == "RJCT") {
      return Error::Invalid("the provider rejected message '" + state.message_id +
                            "' whole and lists no transaction; no payment was changed: agree "
                            "with the provider which payments failed");
    }
    return Error::Invalid("the pain.002 report lists no transaction status");
  }
  return OkStatus();
}

}  // namespace

std::optional<StatusFormat> ParseStatusFormat(std::string_view name) {
  if (name == "csv") return StatusFormat::kCsv;
  if (name == "pain.002" || name == "pain002") return StatusFormat::kPain002;
  return std::nullopt;
}

const char* StatusFormatName(StatusFormat format) {
  return format == StatusFormat::kCsv ? "csv" : "pain.002";
}

std::optional<PaymentState> Pain002Status(std::string_view code) {
  if (code == "ACSC" || code == "ACCC") return PaymentState::kPaid;
  if (code == "RJCT") return PaymentState::kFailed;
  for (const char* pending :
       {"ACSP", "ACTC", "ACCP", "ACWC", "ACWP", "ACFC", "ACIS", "PDNG", "RCVD", "PART"}) {
    if (code == pending) return PaymentState::kPending;
  }
  return std::nullopt;
}

Status ReadStatusFile(const std::string& path, StatusFormat format,
                      const std::function<Status(const StatusLine&)>& each) {
  return format == StatusFormat::kCsv ? ReadCsv(path, each) : ReadPain002(path, each);
}

}  // namespace spmis::payments
