#include "cli/cycle_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "cli/command_support.h"
#include "cycles/cycle_service.h"
#include "http/delivery_json.h"

namespace spmis::cli {
namespace {

namespace json = boost::json;
using cycles::CycleService;

struct CycleOptions {
  std::string database, user, program, start, end, every, comment;
  int64_t cycle = 0;
  bool json = false;
};

template <typename Act>
int WithService(const CycleOptions& o, bool user_required, Act act) {
  return WithActingUser(o.database, o.user, user_required, act);
}

int Show(const cycles::CycleView& view, bool as_json) {
  if (as_json) {
    std::cout << json::serialize(http::CycleToJson(view)) << "\n";
  } else {
    const auto& t = view.totals;
    std::cout << "cycle " << view.cycle.id << " of " << view.cycle.program_code << " (#"
              << view.cycle.sequence << ", " << view.cycle.start_date.ToString() << " to "
              << view.cycle.end_date.ToString() << "): " << cycles::CycleStateName(view.cycle.state)
              << "\n  " << t.entitlements << " entitlements; draft " << t.draft << ", approved "
              << t.approved << " = paid " << t.paid << " + failed " << t.failed << " + pending "
              << t.pending << " + cancelled " << t.cancelled << " (minor units of " << t.currency
              << ")" << (t.balanced() ? "" : "  NOT BALANCED") << "\n";
  }
  return view.totals.balanced() ? kExitOk : kExitFailed;
}

}  // namespace

void AddCycleCommands(CLI::App& app, int& exit_code) {
  auto* cycle = app.add_subcommand("cycle", "Cycles: create, schedule, generate, approve, show");
  cycle->require_subcommand(1);
  auto common = [](CLI::App* cmd, CycleOptions& o) {
    cmd->add_option("--database", o.database,
                    "SQLite file path or postgresql://user@host:port/name URL "
                    "(default: $SPMIS_DATABASE, else ./spmis.db)");
    cmd->add_option("--user", o.user, "act as this user: their role applies");
  };

  auto create = std::make_shared<CycleOptions>();
  auto* create_cmd = cycle->add_subcommand("create", "Create a cycle; prints its id");
  common(create_cmd, *create);
  create_cmd->add_option("PROGRAM", create->program, "the program's code")->required();
  create_cmd->add_option("--start", create->start, "first day (YYYY-MM-DD)")->required();
  create_cmd->add_option("--end", create->end, "last day (YYYY-MM-DD)")->required();
  create_cmd->callback([&exit_code, create] {
    auto start = Date::Parse(create->start), end = Date::Parse(create->end);
    if (!start || !end) {
      std::cerr << "error: --start and --end must be dates as YYYY-MM-DD\n";
      exit_code = kExitRefused;
      return;
    }
    exit_code = WithService(*create, false, [&](store::Database& db, const Principal& who) {
      auto made = CycleService(db, who).Create(create->program, *start, *end);
      if (!made.ok()) return ReportError(made.error());
      std::cout << made->id << "\n";
      return kExitOk;
    });
  });

  auto schedule = std::make_shared<CycleOptions>();
  auto* schedule_cmd = cycle->add_subcommand(
      "schedule", "Create cycles covering the program's period; prints their ids");
  common(schedule_cmd, *schedule);
  schedule_cmd->add_option("PROGRAM", schedule->program, "the program's code")->required();
  schedule_cmd->add_option("--every", schedule->every, "monthly | bi-monthly | quarterly")
      ->required()
      ->check(CLI::IsMember({"monthly", "bi-monthly", "quarterly"}));
  schedule_cmd->callback([&exit_code, schedule] {
    exit_code = WithService(*schedule, false, [&](store::Database& db, const Principal& who) {
      auto made = CycleService(db, who).Schedule(schedule->program,
                                                 *cycles::ParseFrequency(schedule->every));
      if (!made.ok()) return ReportError(made.error());
      for (const auto& c : *made) std::cout << c.id << "\n";
      return kExitOk;
    });
  });

  auto generate = std::make_shared<CycleOptions>();
  auto* generate_cmd = cycle->add_subcommand(
      "generate", "Compute the cycle's entitlements (idempotent); prints the figures as JSON");
  common(generate_cmd, *generate);
  generate_cmd->add_option("CYCLE", generate->cycle, "the cycle's id")->required();
  generate_cmd->callback([&exit_code, generate] {
    exit_code = WithService(*generate, false, [&](store::Database& db, const Principal& who) {
      jobs::JobRunner runner(db);
      cycles::RegisterCycleJobs(runner);
      runner.RecoverInterrupted(std::chrono::seconds(60));
      bool progress = isatty(STDERR_FILENO) != 0;
      auto job =
          runner.RunNow(cycles::kGenerateJob, cycles::GenerateJobParameters(generate->cycle, who),
                        who.actor(), [&](const jobs::Job& j) {
                          if (progress && j.progress_total > 0) {
                            std::cerr << "\rgenerating: " << j.progress_done << "/"
                                      << j.progress_total << std::flush;
                          }
                        });
      if (progress) std::cerr << "\n";
      if (!job.ok()) return ReportError(job.error());
      if (job->state != jobs::JobState::kSucceeded) {
        std::cerr << "error: " << job->error.value_or("the generation failed") << "\n";
        return kExitRefused;
      }
      std::cout << job->result.value_or("{}") << "\n";
      return kExitOk;
    });
  });

  struct Decision {
    const char* name;
    const char* help;
    bool user_required;
  };
  for (const Decision d :
       {Decision{"submit", "Submit the entitlements for approval", true},
        Decision{"approve", "Approve (by someone who neither generated nor submitted them)", true},
        Decision{"reject", "Reject back to draft, with --comment", true},
        Decision{"cancel", "Cancel a draft or submitted cycle, with --comment", false}}) {
    auto options = std::make_shared<CycleOptions>();
    auto* cmd = cycle->add_subcommand(d.name, d.help);
    common(cmd, *options);
    cmd->add_option("CYCLE", options->cycle, "the cycle's id")->required();
    cmd->add_option("--comment", options->comment, "recorded with the decision");
    std::string name = d.name;
    bool user_required = d.user_required;
    cmd->callback([&exit_code, options, name, user_required] {
      exit_code =
          WithService(*options, user_required, [&](store::Database& db, const Principal& who) {
            CycleService service(db, who);
            auto view = name == "submit"    ? service.Submit(options->cycle)
                        : name == "approve" ? service.Approve(options->cycle, options->comment)
                        : name == "reject"  ? service.Reject(options->cycle, options->comment)
                                            : service.Cancel(options->cycle, options->comment);
            if (!view.ok()) return ReportError(view.error());
            return Show(*view, false);
          });
    });
  }

  auto show = std::make_shared<CycleOptions>();
  auto* show_cmd = cycle->add_subcommand(
      "show", "A cycle, its totals (approved = paid + failed + pending + cancelled) and approvals");
  common(show_cmd, *show);
  show_cmd->add_option("CYCLE", show->cycle, "the cycle's id")->required();
  show_cmd->add_flag("--json", show->json, "as JSON, with state and totals");
  show_cmd->callback([&exit_code, show] {
    exit_code = WithService(*show, false, [&](store::Database& db, const Principal& who) {
      auto view = CycleService(db, who).Get(show->cycle);
      if (!view.ok()) return ReportError(view.error());
      return Show(*view, show->json);
    });
  });
}

}  // namespace spmis::cli
