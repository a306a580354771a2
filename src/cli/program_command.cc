#include "cli/program_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <iostream>
#include <memory>

#include "cli/acting_user.h"
#include "cli/commands.h"
#include "cli/open_database.h"
#include "http/delivery_json.h"
#include "jobs/job_runner.h"
#include "programs/eligibility.h"
#include "programs/enrollment.h"
#include "programs/program_service.h"

namespace spmis::cli {
namespace {

namespace json = boost::json;
using programs::Program;

int Report(const Error& error) {
  std::cerr << "error: " << error.ToString() << "\n";
  switch (error.code) {
    case ErrorCode::kInternal:
    case ErrorCode::kUnavailable:
      return kExitFailed;
    default:
      return kExitRefused;
  }
}

std::optional<Date> DateOption(const std::string& text, const char* name) {
  if (text.empty()) return Date::Today();
  auto date = Date::Parse(text);
  if (!date) std::cerr << "error: " << name << " must be a date as YYYY-MM-DD\n";
  return date;
}

struct ProgramOptions {
  std::string database, user;
  std::string code, name, kind = "unconditional_cash", target, rule, priority, dialect;
  std::string from, to, currency, institution, state, funding_account, funding_bic;
  int64_t max = 0;
  int64_t budget = -1;
  int64_t amount = -1;
  std::string amount_rule;
  int64_t cap = -1;
  int64_t second_approval_above = -1;
  bool json = false;
};

struct EligibilityOptions {
  std::string database, user, code, rule, target = "groups", dialect = "standard", as_of;
  std::string registrant;
  std::vector<std::string> areas;
  int sample = 20;
  bool json = false;
};

struct EnrollmentOptions {
  std::string database, user, action, code, registrant, reason;
};

// The database and acting principal of a command, or an exit code.
struct Session {
  std::unique_ptr<store::Database> database;
  Principal principal;
};
std::optional<Session> Open(const std::string& database_flag, const std::string& user) {
  auto database = OpenMigratedDatabase(database_flag);
  if (!database) return std::nullopt;
  auto principal = ActingPrincipal(*database, user);
  if (!principal) return std::nullopt;
  return Session{std::move(database), std::move(*principal)};
}

// Applies the options given onto `p`; false after saying what is wrong.
bool ApplyOptions(const ProgramOptions& o, Program& p) {
  if (!o.name.empty()) p.name = o.name;
  if (!o.kind.empty()) {
    auto kind = programs::ParseProgramKind(o.kind);
    if (!kind) {
      std::cerr << "error: --kind must be unconditional_cash, conditional_cash, emergency, "
                   "agricultural_support or in_kind\n";
      return false;
    }
    p.kind = *kind;
  }
  if (!o.rule.empty()) p.rules.eligibility = o.rule;
  if (!o.priority.empty()) p.rules.priority = o.priority == "none" ? "" : o.priority;
  if (!o.dialect.empty()) p.dialect = o.dialect;
  if (o.max > 0) p.max_beneficiaries = o.max;
  if (o.budget >= 0) p.budget_minor = o.budget;
  if (o.amount >= 0) p.rules.amount_fixed = o.amount;
  if (!o.amount_rule.empty()) p.rules.amount_rule = o.amount_rule == "none" ? "" : o.amount_rule;
  if (o.cap >= 0) p.rules.amount_cap = o.cap;
  if (o.second_approval_above >= 0) p.second_approval_above = o.second_approval_above;
  if (!o.currency.empty()) p.currency = o.currency;
  if (!o.institution.empty()) p.institution = o.institution;
  if (!o.funding_account.empty()) p.funding_account = o.funding_account;
  if (!o.funding_bic.empty()) p.funding_bic = o.funding_bic;
  for (auto [text, target, name] :
       {std::tuple{&o.from, &p.period_from, "--from"}, std::tuple{&o.to, &p.period_to, "--to"}}) {
    if (text->empty()) continue;
    *target = Date::Parse(*text);
    if (!*target) {
      std::cerr << "error: " << name << " must be a date as YYYY-MM-DD\n";
      return false;
    }
  }
  if (!o.state.empty()) {
    auto state = programs::ParseProgramState(o.state);
    if (!state) {
      std::cerr << "error: --state must be draft, active or ended\n";
      return false;
    }
    p.state = *state;
  }
  return true;
}

int ProgramCreate(const ProgramOptions& o) {
  Program p;
  p.code = o.code;
  auto target = programs::ParseProgramTarget(o.target);
  if (!target) {
    std::cerr << "error: --target must be groups or individuals\n";
    return kExitRefused;
  }
  p.target = *target;
  if (!ApplyOptions(o, p)) return kExitRefused;
  auto session = Open(o.database, o.user);
  if (!session) return kExitRefused;
  auto connection = session->database->Acquire();
  auto created = programs::ProgramService(*connection, session->principal).Create(p);
  if (!created.ok()) return Report(created.error());
  std::cout << "created " << created->code << " (rule version " << created->rules.version << ")\n";
  return kExitOk;
}

int ProgramUpdate(const ProgramOptions& o) {
  auto session = Open(o.database, o.user);
  if (!session) return kExitRefused;
  auto connection = session->database->Acquire();
  programs::ProgramService service(*connection, session->principal);
  auto current = service.Get(o.code);
  if (!current.ok()) return Report(current.error());
  Program p = *current;
  ProgramOptions changes = o;
  if (changes.kind == "unconditional_cash") changes.kind.clear();  // the default: not given
  if (!ApplyOptions(changes, p)) return kExitRefused;
  auto updated = service.Update(p, current->version);
  if (!updated.ok()) return Report(updated.error());
  std::cout << "updated " << updated->code << " (rule version " << updated->rules.version << ")\n";
  return kExitOk;
}

int ProgramList(const ProgramOptions& o) {
  auto session = Open(o.database, o.user);
  if (!session) return kExitRefused;
  auto connection = session->database->Acquire();
  auto list = programs::ProgramService(*connection, session->principal).List();
  if (!list.ok()) return Report(list.error());
  std::printf("%-12s %-12s %-8s %-5s %s\n", "CODE", "TARGET", "STATE", "RULE", "NAME");
  for (const auto& p : *list) {
    std::printf("%-12s %-12s %-8s v%-4d %s\n", p.code.c_str(),
                programs::ProgramTargetName(p.target), programs::ProgramStateName(p.state),
                p.rules.version, p.name.c_str());
  }
  if (list->empty()) std::printf("(no programs)\n");
  return kExitOk;
}

int ProgramShow(const ProgramOptions& o) {
  auto session = Open(o.database, o.user);
  if (!session) return kExitRefused;
  auto connection = session->database->Acquire();
  programs::ProgramService service(*connection, session->principal);
  auto program = service.Get(o.code);
  if (!program.ok()) return Report(program.error());
  auto counts = service.MembershipCounts(o.code);
  if (!counts.ok()) return Report(counts.error());
  json::object shown = http::ProgramToJson(*program, &*counts);
  if (o.json) {
    std::cout << json::serialize(shown) << "\n";
    return kExitOk;
  }
  for (const auto& [key, value] : shown) {
    if (key == "memberships") continue;
    std::cout << key << ": "
              << (value.is_string() ? std::string(value.as_string()) : json::serialize(value))
              << "\n";
  }
  std::cout << "memberships:";
  for (const auto& [state, count] : shown["memberships"].as_object()) {
    std::cout << " " << state << "=" << json::serialize(count);
  }
  std::cout << "\n";
  return kExitOk;
}

int EligibilityRun(const EligibilityOptions& o) {
  auto as_of = DateOption(o.as_of, "--as-of");
  if (!as_of) return kExitRefused;
  auto session = Open(o.database, o.user);
  if (!session) return kExitRefused;
  {
    // Refuse what the job would refuse, before there is a job.
    if (auto allowed = session->principal.Require(Permission::kEligibilityRun); !allowed.ok()) {
      return Report(allowed.error());
    }
    auto connection = session->database->Acquire();
    auto program = programs::ProgramService(*connection, session->principal).Get(o.code);
    if (!program.ok()) return Report(program.error());
  }
  jobs::JobRunner runner(*session->database);
  programs::RegisterEligibilityJobs(runner);
  runner.RecoverInterrupted(std::chrono::seconds(60));
  bool show_progress = isatty(STDERR_FILENO) != 0;
  auto job = runner.RunNow(
      programs::kEligibilityRunJob,
      programs::EligibilityJobParameters({o.code, *as_of, o.areas}, session->principal),
      session->principal.actor(), [&](const jobs::Job& j) {
        if (show_progress && j.progress_total > 0) {
          std::cerr << "\revaluating: " << j.progress_done << "/" << j.progress_total << std::flush;
        }
      });
  if (show_progress) std::cerr << "\n";
  if (!job.ok()) return Report(job.error());
  if (job->state != jobs::JobState::kSucceeded) {
    std::cerr << "error: " << job->error.value_or("the run failed") << "\n";
    return kExitFailed;
  }
  std::cout << job->result.value_or("{}") << "\n";
  return kExitOk;
}

int EligibilityPreview(const EligibilityOptions& o) {
  auto as_of = DateOption(o.as_of, "--as-of");
  if (!as_of) return kExitRefused;
  if (o.code.empty() == o.rule.empty() && o.code.empty()) {
    std::cerr << "error: name a program or give --rule\n";
    return kExitRefused;
  }
  auto target = programs::ParseProgramTarget(o.target);
  if (!target) {
    std::cerr << "error: --target must be groups or individuals\n";
    return kExitRefused;
  }
  auto session = Open(o.database, o.user);
  if (!session) return kExitRefused;
  programs::PreviewRequest request;
  request.program_code = o.code;
  request.rule = o.rule;
  request.target = *target;
  request.dialect = o.dialect;
  request.as_of = *as_of;
  request.sample_size = o.sample;
  auto preview = programs::Eligibility(*session->database, session->principal).Preview(request);
  if (!preview.ok()) return Report(preview.error());
  json::array sample;
  for (const auto& id : preview->sample) sample.emplace_back(id);
  json::object out{{"evaluated", preview->evaluated},
                   {"eligible", preview->eligible},
                   {"failed", preview->failed},
                   {"sample", std::move(sample)}};
  if (!preview->first_error.empty()) out["first_error"] = preview->first_error;
  std::cout << json::serialize(out) << "\n";
  return kExitOk;
}

int EligibilityExplain(const EligibilityOptions& o) {
  auto as_of = DateOption(o.as_of, "--as-of");
  if (!as_of) return kExitRefused;
  auto session = Open(o.database, o.user);
  if (!session) return kExitRefused;
  auto explained = programs::Eligibility(*session->database, session->principal)
                       .Explain(o.code, o.registrant, *as_of);
  if (!explained.ok()) return Report(explained.error());
  if (o.json) {
    json::array parts;
    for (const auto& p : explained->parts) {
      parts.push_back({{"line", p.line}, {"column", p.column}, {"value", p.value}});
    }
    std::cout << json::serialize(json::object{{"registrant", explained->registrant_id},
                                              {"eligible", explained->eligible},
                                              {"result", explained->result},
                                              {"rule_version", explained->rule_version},
                                              {"as_of", explained->as_of.ToString()},
                                              {"parts", std::move(parts)}})
              << "\n";
    return kExitOk;
  }
  std::cout << explained->registrant_id << ": "
            << (explained->eligible ? "eligible" : "not eligible") << " (" << explained->result
            << "; rule version " << explained->rule_version << ", as of "
            << explained->as_of.ToString() << ")\n";
  for (const auto& p : explained->parts) {
    std::cout << "  " << p.line << ":" << p.column << "\t" << p.value << "\n";
  }
  return kExitOk;
}

int EnrollmentAct(const EnrollmentOptions& o) {
  auto action = programs::ParseEnrollmentAction(o.action);
  if (!action) return kExitRefused;
  auto session = Open(o.database, o.user);
  if (!session) return kExitRefused;
  auto connection = session->database->Acquire();
  auto done = programs::Enrollment(*connection, session->principal)
                  .Act(o.code, o.registrant, *action, o.reason);
  if (!done.ok()) return Report(done.error());
  std::cout << done->registrant_id << "\t" << programs::MembershipStateName(done->membership.state)
            << "\n";
  return kExitOk;
}

void Common(CLI::App* command, std::string& database, std::string& user) {
  command->add_option("--database", database,
                      "SQLite file path or postgresql://user@host:port/name URL "
                      "(default: $SPMIS_DATABASE, else ./spmis.db)");
  command->add_option("--user", user,
                      "act as this user: their role, areas and programs apply "
                      "(default: the system, recorded as \"cli\")");
}

}  // namespace

void AddProgramCommands(CLI::App& app, int& exit_code) {
  auto* program = app.add_subcommand("program", "Programs: create, update, list, show");
  program->require_subcommand(1);

  auto create = std::make_shared<ProgramOptions>();
  auto* create_cmd = program->add_subcommand("create", "Create a program with its rules");
  Common(create_cmd, create->database, create->user);
  create_cmd->add_option("--code", create->code, "unique code")->required();
  create_cmd->add_option("--name", create->name, "the program's name")->required();
  create_cmd->add_option("--target", create->target, "groups | individuals")->required();
  create_cmd->add_option("--rule", create->rule, "the eligibility rule (CEL)")->required();
  auto add_fields = [](CLI::App* cmd, ProgramOptions& o) {
    cmd->add_option("--max", o.max, "the maximum number of beneficiaries");
    cmd->add_option("--priority", o.priority,
                    "CEL giving a number: higher comes first when places are few");
    cmd->add_option("--kind", o.kind,
                    "unconditional_cash (default), conditional_cash, emergency, "
                    "agricultural_support, in_kind");
    cmd->add_option("--dialect", o.dialect, "of the rules: standard (default) or openspp");
    cmd->add_option("--from", o.from, "start of the coverage period (YYYY-MM-DD)");
    cmd->add_option("--to", o.to, "end of the coverage period (YYYY-MM-DD)");
    cmd->add_option("--budget", o.budget, "the budget in minor units of --currency");
    cmd->add_option("--currency", o.currency, "ISO 4217 code");
    cmd->add_option("--institution", o.institution, "who runs the program");
    cmd->add_option("--funding-account", o.funding_account,
                    "the account payments are made from (IBAN or account number)");
    cmd->add_option("--funding-bic", o.funding_bic, "the BIC of the funding account's bank");
    cmd->add_option("--amount", o.amount,
                    "the entitlement: this many minor units per beneficiary per cycle");
    cmd->add_option("--amount-rule", o.amount_rule,
                    "the entitlement: CEL giving minor units (added to --amount)");
    cmd->add_option("--cap", o.cap, "at most this many minor units per beneficiary per cycle");
    cmd->add_option("--second-approval-above", o.second_approval_above,
                    "cycles above this many minor units need a second approver");
  };
  add_fields(create_cmd, *create);
  create_cmd->callback([&exit_code, create] { exit_code = ProgramCreate(*create); });

  auto update = std::make_shared<ProgramOptions>();
  auto* update_cmd = program->add_subcommand(
      "update", "Change a program; a changed rule becomes a new rule version");
  Common(update_cmd, update->database, update->user);
  update_cmd->add_option("CODE", update->code, "the program")->required();
  update_cmd->add_option("--name", update->name, "a new name");
  update_cmd->add_option("--rule", update->rule, "a new eligibility rule");
  update_cmd->add_option("--state", update->state, "draft | active | ended");
  add_fields(update_cmd, *update);
  update_cmd->callback([&exit_code, update] { exit_code = ProgramUpdate(*update); });

  auto entitlement = std::make_shared<ProgramOptions>();
  auto* entitlement_cmd = program->add_subcommand(
      "set-entitlement", "Set a program's entitlement rule (a new rule version)");
  Common(entitlement_cmd, entitlement->database, entitlement->user);
  entitlement_cmd->add_option("CODE", entitlement->code, "the program")->required();
  entitlement_cmd->add_option("--currency", entitlement->currency, "ISO 4217 code");
  entitlement_cmd->add_option("--amount", entitlement->amount,
                              "minor units per beneficiary per cycle");
  entitlement_cmd->add_option("--amount-rule", entitlement->amount_rule,
                              "CEL giving minor units (\"none\" to remove)");
  entitlement_cmd->add_option("--cap", entitlement->cap, "at most this many minor units");
  entitlement_cmd->callback([&exit_code, entitlement] {
    ProgramOptions changes = *entitlement;
    changes.kind.clear();
    exit_code = ProgramUpdate(changes);
  });

  auto list = std::make_shared<ProgramOptions>();
  auto* list_cmd = program->add_subcommand("list", "The programs");
  Common(list_cmd, list->database, list->user);
  list_cmd->callback([&exit_code, list] { exit_code = ProgramList(*list); });

  auto show = std::make_shared<ProgramOptions>();
  auto* show_cmd = program->add_subcommand("show", "A program, its rules and its members by state");
  Common(show_cmd, show->database, show->user);
  show_cmd->add_option("CODE", show->code, "the program")->required();
  show_cmd->add_flag("--json", show->json, "as JSON (code, rule_version, memberships, ...)");
  show_cmd->callback([&exit_code, show] { exit_code = ProgramShow(*show); });

  auto* eligibility =
      app.add_subcommand("eligibility", "Run, preview and explain eligibility rules");
  eligibility->require_subcommand(1);
  auto run = std::make_shared<EligibilityOptions>();
  auto* run_cmd = eligibility->add_subcommand(
      "run", "Evaluate a program's rule over the registry and update its memberships");
  Common(run_cmd, run->database, run->user);
  run_cmd->add_option("CODE", run->code, "the program")->required();
  run_cmd->add_option("--as-of", run->as_of, "the evaluation date (default: today)");
  run_cmd->add_option("--area", run->areas, "only registrants of this area (repeatable)");
  run_cmd->footer("Prints the run's figures as JSON.");
  run_cmd->callback([&exit_code, run] { exit_code = EligibilityRun(*run); });

  auto preview = std::make_shared<EligibilityOptions>();
  auto* preview_cmd = eligibility->add_subcommand(
      "preview", "Count who a rule selects, with a sample, writing nothing");
  Common(preview_cmd, preview->database, preview->user);
  preview_cmd->add_option("CODE", preview->code, "the program (its rule, unless --rule)");
  preview_cmd->add_option("--rule", preview->rule, "a rule to try");
  preview_cmd->add_option("--target", preview->target,
                          "groups (default) or individuals, for --rule without a program");
  preview_cmd->add_option("--dialect", preview->dialect, "standard (default) or openspp");
  preview_cmd->add_option("--as-of", preview->as_of, "the evaluation date (default: today)");
  preview_cmd->add_option("--sample", preview->sample, "how many registrant IDs to list");
  preview_cmd->callback([&exit_code, preview] { exit_code = EligibilityPreview(*preview); });

  auto explain = std::make_shared<EligibilityOptions>();
  auto* explain_cmd = eligibility->add_subcommand(
      "explain", "The value of every part of a program's rule for one registrant");
  Common(explain_cmd, explain->database, explain->user);
  explain_cmd->add_option("CODE", explain->code, "the program")->required();
  explain_cmd->add_option("REGISTRANT_ID", explain->registrant, "IND-... or GRP-...")->required();
  explain_cmd->add_option("--as-of", explain->as_of, "the evaluation date (default: today)");
  explain_cmd->add_flag("--json", explain->json, "as JSON");
  explain_cmd->callback([&exit_code, explain] { exit_code = EligibilityExplain(*explain); });

  auto act = std::make_shared<EnrollmentOptions>();
  auto* act_cmd = app.add_subcommand(
      "enrollment", "Enroll, pause, resume, exit or graduate a program member, with a reason");
  Common(act_cmd, act->database, act->user);
  act_cmd->add_option("ACTION", act->action, "enroll | pause | resume | exit | graduate")
      ->required()
      ->check(CLI::IsMember({"enroll", "pause", "resume", "exit", "graduate"}));
  act_cmd->add_option("CODE", act->code, "the program")->required();
  act_cmd->add_option("REGISTRANT_ID", act->registrant, "IND-... or GRP-...")->required();
  act_cmd->add_option("--reason", act->reason, "why (recorded)")->required();
  act_cmd->callback([&exit_code, act] { exit_code = EnrollmentAct(*act); });
}

}  // namespace spmis::cli
