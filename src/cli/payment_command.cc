#include "cli/payment_command.h"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/command_support.h"
#include "http/delivery_json.h"
#include "importer/csv_writer.h"
#include "payments/batch_service.h"
#include "payments/payment_details_service.h"
#include "payments/reconciliation_service.h"

namespace spmis::cli {
namespace {

namespace json = boost::json;
using namespace spmis::payments;

struct PaymentOptions {
  std::string database, user;
  std::string registrant, channel, provider, account, bic, holder, file;
  std::string format, out, report;
  int64_t id = 0;
  int64_t max_size = 0;
  bool reissue = false;
};

void Common(CLI::App* cmd, PaymentOptions& o) {
  cmd->add_option("--database", o.database,
                  "SQLite file path or postgresql://user@host:port/name URL "
                  "(default: $SPMIS_DATABASE, else ./spmis.db)");
  cmd->add_option("--user", o.user, "act as this user: their role applies");
}

// Writes the exceptions as CSV (entitlement,beneficiary_id,amount_minor,problem).
bool WriteExceptions(const std::string& path, const BatchCreation& result) {
  importer::CsvWriter csv(path);
  if (!csv.ok()) return false;
  csv.Row({"entitlement", "beneficiary_id", "amount_minor", "problem"});
  for (const auto& e : result.exception_list) {
    csv.Row({std::to_string(e.entitlement_id), e.beneficiary_id, std::to_string(e.amount_minor),
             e.problem});
  }
  return csv.Close().ok();
}

void PrintExceptions(const BatchCreation& result) {
  if (result.exceptions == 0) return;
  std::cerr << result.exceptions << " entitlement(s) cannot be paid until their details are fixed"
            << (result.exceptions > static_cast<int64_t>(result.exception_list.size())
                    ? " (the first " + std::to_string(result.exception_list.size()) + " listed)"
                    : std::string())
            << ":\n";
  size_t shown = 0;
  for (const auto& e : result.exception_list) {
    if (++shown > 20) {
      std::cerr << "  ... see `spmis payment exceptions` for all\n";
      break;
    }
    std::cerr << "  " << e.beneficiary_id << " (entitlement " << e.entitlement_id
              << "): " << e.problem << "\n";
  }
}

int Details(const PaymentOptions& o) {
  return WithActingUser(o.database, o.user, false, [&](store::Database& db, const Principal& who) {
    auto connection = db.Acquire();
    PaymentDetailsService service(*connection, who);
    if (!o.file.empty()) {
      auto summary = service.ImportFile(o.file);
      if (!summary.ok()) return ReportError(summary.error());
      for (const auto& p : summary->problems) {
        std::cerr << "row " << p.row << ": " << p.reason << "\n";
      }
      std::cout << json::serialize(json::object{{"rows", summary->rows},
                                                {"saved", summary->saved},
                                                {"refused", summary->refused}})
                << "\n";
      return summary->refused > 0 ? kExitPartial : kExitOk;
    }
    if (o.registrant.empty()) {
      std::cerr << "error: name the beneficiary (IND-... or GRP-...) or give --file\n";
      return kExitRefused;
    }
    if (o.channel.empty()) {  // show
      auto details = service.Get(o.registrant);
      if (!details.ok()) return ReportError(details.error());
      std::cout << json::serialize(http::PaymentDetailsToJson(*details)) << "\n";
      return kExitOk;
    }
    auto channel = ParseChannel(o.channel);
    if (!channel) {
      std::cerr << "error: --channel is bank_transfer, mobile_money or cash\n";
      return kExitRefused;
    }
    PaymentDetails d;
    d.channel = *channel;
    d.provider = o.provider;
    d.account = o.account;
    d.bic = o.bic;
    d.holder_name = o.holder;
    auto saved = service.Set(o.registrant, d);
    if (!saved.ok()) return ReportError(saved.error());
    std::cout << json::serialize(http::PaymentDetailsToJson(*saved)) << "\n";
    return kExitOk;
  });
}

int Batch(const PaymentOptions& o) {
  return WithActingUser(o.database, o.user, false, [&](store::Database& db, const Principal& who) {
    auto made = BatchService(db, who).Create(o.id, {o.provider, o.max_size, o.reissue});
    if (!made.ok()) return ReportError(made.error());
    for (const auto& b : made->batches) std::cout << b.id << "\n";
    std::cerr << made->batches.size() << " batch(es), " << made->payments << " payment(s), "
              << made->total_minor << " minor units\n";
    PrintExceptions(*made);
    return kExitOk;
  });
}

int Exceptions(const PaymentOptions& o) {
  return WithActingUser(o.database, o.user, false, [&](store::Database& db, const Principal& who) {
    auto found = BatchService(db, who).Exceptions(o.id, o.reissue);
    if (!found.ok()) return ReportError(found.error());
    if (!o.out.empty()) {
      if (!WriteExceptions(o.out, *found)) {
        std::cerr << "error: cannot write " << o.out << "\n";
        return kExitFailed;
      }
    } else {
      std::cout << json::serialize(http::BatchCreationToJson(*found)) << "\n";
    }
    return kExitOk;
  });
}

int List(const PaymentOptions& o) {
  return WithActingUser(o.database, o.user, false, [&](store::Database& db, const Principal& who) {
    auto batches = BatchService(db, who).List(o.id);
    if (!batches.ok()) return ReportError(batches.error());
    json::array list;
    for (const auto& b : *batches) list.push_back(http::BatchToJson(b));
    std::cout << json::serialize(list) << "\n";
    return kExitOk;
  });
}

int Export(const PaymentOptions& o) {
  auto format = ParseExportFormat(o.format);
  if (!format) {
    std::cerr << "error: --format is csv or pain.001\n";
    return kExitRefused;
  }
  return WithActingUser(o.database, o.user, false, [&](store::Database& db, const Principal& who) {
    // Written beside the target and renamed into place: a crash or a refusal
    // never leaves a half file under the name a provider would pick up.
    std::string partial = o.out + ".partial";
    Result<ExportSummary> summary = Error::Internal("not run");
    {
      std::ofstream out(partial, std::ios::binary | std::ios::trunc);
      if (!out) {
        std::cerr << "error: cannot write " << o.out << "\n";
        return kExitFailed;
      }
      summary = BatchService(db, who).Export(o.id, *format, out);
    }
    std::error_code ec;
    if (!summary.ok()) {
      std::filesystem::remove(partial, ec);
      return ReportError(summary.error());
    }
    std::filesystem::rename(partial, o.out, ec);
    if (ec) {
      std::cerr << "error: cannot write " << o.out << ": " << ec.message() << "\n";
      return kExitFailed;
    }
    std::cerr << "batch " << o.id << ": " << summary->batch.payments << " payment(s), "
              << summary->bytes << " bytes, sha256 " << summary->sha256 << "\n";
    return kExitOk;
  });
}

int Reconcile(const PaymentOptions& o) {
  std::string name = o.format;
  if (name.empty()) {
    std::string ext = std::filesystem::path(o.file).extension().string();
    name = ext == ".xml" ? "pain.002" : "csv";
  }
  auto format = ParseStatusFormat(name);
  if (!format) {
    std::cerr << "error: --format is csv or pain.002\n";
    return kExitRefused;
  }
  return WithActingUser(o.database, o.user, false, [&](store::Database& db, const Principal& who) {
    ReconciliationService service(db, who);
    auto done =
        service.Reconcile(o.file, *format, std::filesystem::path(o.file).filename().string());
    if (!done.ok()) return ReportError(done.error());
    if (!o.report.empty()) {
      importer::CsvWriter csv(o.report);
      csv.Row({"line", "end_to_end_id", "problem"});
      int64_t after = 0;
      while (true) {
        auto page = service.Problems(done->record.id, after, 10000);
        if (!page.ok() || page->empty()) break;
        for (const auto& p : *page) csv.Row({std::to_string(p.line), p.end_to_end_id, p.problem});
        after = page->back().line;
      }
      if (!csv.Close().ok()) {
        std::cerr << "error: cannot write " << o.report << "\n";
        return kExitFailed;
      }
    }
    for (size_t i = 0; i < done->problems.size() && i < 20; ++i) {
      const auto& p = done->problems[i];
      std::cerr << "line " << p.line << " (" << p.end_to_end_id << "): " << p.problem << "\n";
    }
    std::cout << json::serialize(
                     http::ReconciliationToJson(done->record, nullptr, &done->ended_cycles))
              << "\n";
    return done->record.problems > 0 ? kExitPartial : kExitOk;
  });
}

}  // namespace

void AddPaymentCommands(CLI::App& app, int& exit_code) {
  auto* payment =
      app.add_subcommand("payment", "Payments: details, batches, payment files, reconciliation");
  payment->require_subcommand(1);

  auto details = std::make_shared<PaymentOptions>();
  auto* details_cmd = payment->add_subcommand(
      "details", "Set (with --channel) or show a beneficiary's payment details, or load --file");
  Common(details_cmd, *details);
  details_cmd->add_option("BENEFICIARY", details->registrant, "IND-... or GRP-...");
  details_cmd->add_option("--channel", details->channel, "bank_transfer | mobile_money | cash");
  details_cmd->add_option("--provider", details->provider,
                          "the bank or mobile money operator; for cash, the distribution point");
  details_cmd->add_option("--account", details->account, "IBAN or account number; wallet number");
  details_cmd->add_option("--bic", details->bic, "the bank's BIC");
  details_cmd->add_option("--holder-name", details->holder, "when not the beneficiary's name");
  details_cmd->add_option(
      "--file", details->file,
      "CSV or XLSX: beneficiary_id|group_external_id|individual_external_id, channel, provider, "
      "account[, bic, holder_name]");
  details_cmd->callback([&exit_code, details] { exit_code = Details(*details); });

  auto batch = std::make_shared<PaymentOptions>();
  auto* batch_cmd = payment->add_subcommand(
      "batch", "Batch an approved cycle's unpaid entitlements per provider; prints batch ids");
  Common(batch_cmd, *batch);
  batch_cmd->add_option("CYCLE", batch->id, "the cycle's id")->required();
  batch_cmd->add_option("--provider", batch->provider, "only this provider");
  batch_cmd->add_option("--max-size", batch->max_size, "at most this many payments per batch")
      ->check(CLI::PositiveNumber);
  batch_cmd->add_flag("--reissue-failed", batch->reissue,
                      "also re-issue failed payments (a new attempt each)");
  batch_cmd->callback([&exit_code, batch] { exit_code = Batch(*batch); });

  auto exceptions = std::make_shared<PaymentOptions>();
  auto* exceptions_cmd = payment->add_subcommand(
      "exceptions", "The cycle's entitlements that cannot be paid, and why (JSON, or --out CSV)");
  Common(exceptions_cmd, *exceptions);
  exceptions_cmd->add_option("CYCLE", exceptions->id, "the cycle's id")->required();
  exceptions_cmd->add_flag("--reissue-failed", exceptions->reissue, "include failed payments");
  exceptions_cmd->add_option("--out", exceptions->out, "write them as CSV to this file");
  exceptions_cmd->callback([&exit_code, exceptions] { exit_code = Exceptions(*exceptions); });

  auto list = std::make_shared<PaymentOptions>();
  auto* list_cmd = payment->add_subcommand("list", "The cycle's payment batches (JSON)");
  Common(list_cmd, *list);
  list_cmd->add_option("CYCLE", list->id, "the cycle's id")->required();
  list_cmd->callback([&exit_code, list] { exit_code = List(*list); });

  auto export_options = std::make_shared<PaymentOptions>();
  auto* export_cmd =
      payment->add_subcommand("export", "Write a batch's payment file (repeatable byte for byte)");
  Common(export_cmd, *export_options);
  export_cmd->add_option("BATCH", export_options->id, "the batch's id")->required();
  export_cmd->add_option("--format", export_options->format, "csv | pain.001")->required();
  export_cmd->add_option("--out", export_options->out, "the file to write")->required();
  export_cmd->callback([&exit_code, export_options] { exit_code = Export(*export_options); });

  auto reconcile = std::make_shared<PaymentOptions>();
  auto* reconcile_cmd = payment->add_subcommand(
      "reconcile", "Apply a provider's status file; exit 3 when some lines were not applied");
  Common(reconcile_cmd, *reconcile);
  reconcile_cmd->add_option("FILE", reconcile->file, "the status file")
      ->required()
      ->check(CLI::ExistingFile);
  reconcile_cmd->add_option("--format", reconcile->format,
                            "csv | pain.002 (default: pain.002 for .xml, else csv)");
  reconcile_cmd->add_option("--report", reconcile->report,
                            "write the lines not applied, with why, as CSV");
  reconcile_cmd->callback([&exit_code, reconcile] { exit_code = Reconcile(*reconcile); });
}

}  // namespace spmis::cli
