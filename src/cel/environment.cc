#include "cel/environment.h"

namespace spmis::cel {

const Type* RecordDeclaration::FieldType(std::string_view field) const {
  int slot = shape->FieldSlot(field);
  return slot < 0 ? nullptr : &field_types[static_cast<size_t>(slot)];
}

std::shared_ptr<const RecordType> Environment::DeclareRecord(
    std::string name, std::vector<std::pair<std::string, Type>> fields) {
  auto shape = std::make_shared<RecordType>();
  shape->name = name;
  RecordDeclaration declaration;
  for (auto& [field, type] : fields) {
    shape->fields.push_back(field);
    declaration.field_types.push_back(std::move(type));
  }
  declaration.shape = shape;
  records_[std::move(name)] = std::move(declaration);
  return shape;
}

const Type* Environment::Variable(std::string_view name) const {
  auto found = variables_.find(name);
  return found == variables_.end() ? nullptr : &found->second;
}

const RecordDeclaration* Environment::Record(std::string_view name) const {
  auto found = records_.find(name);
  return found == records_.end() ? nullptr : &found->second;
}

}  // namespace spmis::cel
