// What the audit trail keeps of registry writes: the record as created, and
// for an update the changed fields before and after, as JSON. Written in the
// same transaction as the change itself.
#pragma once

#include <string>
#include <vector>

#include "core/actor.h"
#include "registry/area.h"
#include "registry/configuration_repository.h"
#include "registry/custom_field.h"
#include "registry/group.h"
#include "registry/history.h"
#include "registry/individual.h"
#include "store/database.h"

namespace spmis::registry {

void AuditCreated(store::Connection& db, const Actor& actor, const Individual& person);
void AuditCreated(store::Connection& db, const Actor& actor, const Group& group);
void AuditCreated(store::Connection& db, const Actor& actor, const Area& area);
// Declarations of the registry's shape, each as it is after the declaration.
void AuditDeclared(store::Connection& db, const Actor& actor, const CustomField& field);
void AuditDeclared(store::Connection& db, const Actor& actor, const std::string& entity_type,
                   const Code& code);
// One entry for a set of field changes (history entries) of one registrant:
// before holds each field's old value, after its new one.
void AuditChanged(store::Connection& db, const Actor& actor, const std::string& action,
                  const std::string& entity_type, const std::string& entity_id,
                  const std::vector<HistoryEntry>& changes);

}  // namespace spmis::registry
