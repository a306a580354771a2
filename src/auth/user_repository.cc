#include "auth/user_repository.h"

namespace spmis::auth {

Principal ToPrincipal(StoredUser stored, std::string request_id) {
  Principal principal;
  principal.user_id = stored.user.id;
  principal.name = std::move(stored.user.username);
  principal.role = stored.user.role;
  principal.area_paths = std::move(stored.area_paths);
  principal.programs = std::move(stored.user.programs);
  principal.request_id = std::move(request_id);
  return principal;
}

namespace {

constexpr char kColumns[] = "id, username, role, disabled, created_at, updated_at";

User ReadUser(store::Statement& row) {
  User u;
  u.id = row.Int(0);
  u.username = std::string(row.Text(1));
  u.role = ParseRole(row.Text(2)).value_or(Role::kProgramViewer);
  u.disabled = row.Bool(3);
  u.created_at = row.TimestampAt(4);
  u.updated_at = row.TimestampAt(5);
  return u;
}

}  // namespace

void UserRepository::Insert(User& user, const std::string& password_hash,
                            const std::vector<int64_t>& area_ids) {
  auto insert = db_.Prepare(
      "INSERT INTO users (username, password_hash, role, disabled, created_at, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id");
  insert->Bind(1, user.username)
      .Bind(2, password_hash)
      .Bind(3, RoleName(user.role))
      .Bind(4, user.disabled)
      .Bind(5, user.created_at)
      .Bind(6, user.updated_at);
  insert->Step();
  user.id = insert->Int(0);
  insert->Reset();
  for (int64_t area_id : area_ids) {
    auto area = db_.Prepare("INSERT INTO user_areas (user_id, area_id) VALUES ($1, $2)");
    area->Bind(1, user.id).Bind(2, area_id);
    area->Execute();
  }
  for (const std::string& program : user.programs) {
    auto p = db_.Prepare("INSERT INTO user_programs (user_id, program_code) VALUES ($1, $2)");
    p->Bind(1, user.id).Bind(2, program);
    p->Execute();
  }
}

void UserRepository::LoadLimits(User& user, std::vector<std::string>* area_paths) {
  auto areas = db_.Prepare(
      "SELECT a.code, a.path FROM user_areas ua JOIN areas a ON a.id = ua.area_id "
      "WHERE ua.user_id = $1 ORDER BY a.code");
  areas->Bind(1, user.id);
  while (areas->Step()) {
    user.area_codes.emplace_back(areas->Text(0));
    if (area_paths) area_paths->emplace_back(areas->Text(1));
  }
  areas->Reset();
  auto programs = db_.Prepare(
      "SELECT program_code FROM user_programs WHERE user_id = $1 ORDER BY program_code");
  programs->Bind(1, user.id);
  while (programs->Step()) user.programs.emplace_back(programs->Text(0));
}

std::optional<StoredUser> UserRepository::FindByName(std::string_view username) {
  auto query = db_.Prepare(std::string("SELECT ") + kColumns +
                           ", password_hash FROM users WHERE username = $1");
  query->Bind(1, username);
  if (!query->Step()) return std::nullopt;
  StoredUser stored;
  stored.user = ReadUser(*query);
  stored.password_hash = std::string(query->Text(6));
  query->Reset();
  LoadLimits(stored.user, &stored.area_paths);
  return stored;
}

std::vector<User> UserRepository::List() {
  std::vector<User> users;
  {
    auto query = db_.Prepare(std::string("SELECT ") + kColumns + " FROM users ORDER BY username");
    while (query->Step()) users.push_back(ReadUser(*query));
  }
  for (User& user : users) LoadLimits(user, nullptr);
  return users;
}

int64_t UserRepository::Count() {
  auto query = db_.Prepare("SELECT COUNT(*) FROM users");
  query->Step();
  return query->Int(0);
}

void UserRepository::SetRole(int64_t id, Role role, Timestamp at) {
  auto update = db_.Prepare("UPDATE users SET role = $1, updated_at = $2 WHERE id = $3");
  update->Bind(1, RoleName(role)).Bind(2, at).Bind(3, id);
  update->Execute();
}

void UserRepository::SetDisabled(int64_t id, bool disabled, Timestamp at) {
  auto update = db_.Prepare("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3");
  update->Bind(1, disabled).Bind(2, at).Bind(3, id);
  update->Execute();
}

}  // namespace spmis::auth
