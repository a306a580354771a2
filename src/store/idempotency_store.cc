#include "store/idempotency_store.h"

#include "core/date.h"

namespace spmis::store {

IdempotencyStore::Claim IdempotencyStore::Begin(std::string_view principal, std::string_view key,
                                                std::string_view request_hash,
                                                StoredResponse* stored) {
  auto claim = db_.Prepare(
      "INSERT INTO idempotency_keys (principal, idempotency_key, request_hash, created_at) "
      "VALUES ($1, $2, $3, $4) ON CONFLICT (principal, idempotency_key) DO NOTHING");
  claim->Bind(1, principal).Bind(2, key).Bind(3, request_hash).Bind(4, Timestamp::Now());
  if (claim->Execute() == 1) return Claim::kNew;
  auto existing = db_.Prepare(
      "SELECT request_hash, status, content_type, body, location FROM idempotency_keys "
      "WHERE principal = $1 AND idempotency_key = $2");
  existing->Bind(1, principal).Bind(2, key);
  if (!existing->Step()) return Claim::kInProgress;  // released in between: try again
  if (existing->Text(0) != request_hash) return Claim::kMismatch;
  if (existing->IsNull(1)) return Claim::kInProgress;
  stored->status = static_cast<int>(existing->Int(1));
  stored->content_type = std::string(existing->Text(2));
  stored->body = std::string(existing->Text(3));
  stored->location = existing->OptionalText(4).value_or("");
  return Claim::kReplay;
}

void IdempotencyStore::Save(std::string_view principal, std::string_view key,
                            const StoredResponse& response) {
  auto update = db_.Prepare(
      "UPDATE idempotency_keys SET status = $1, content_type = $2, body = $3, location = $4 "
      "WHERE principal = $5 AND idempotency_key = $6");
  update->Bind(1, int64_t{response.status})
      .Bind(2, response.content_type)
      .Bind(3, response.body)
      .Bind(4, response.location.empty() ? std::optional<std::string>()
                                         : std::optional<std::string>(response.location))
      .Bind(5, principal)
      .Bind(6, key);
  update->Execute();
}

void IdempotencyStore::Release(std::string_view principal, std::string_view key) {
  auto remove = db_.Prepare(
      "DELETE FROM idempotency_keys WHERE principal = $1 AND idempotency_key = $2 "
      "AND status IS NULL");
  remove->Bind(1, principal).Bind(2, key);
  remove->Execute();
}

}  // namespace spmis::store
