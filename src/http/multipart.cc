#include "http/multipart.h"

#include <gmime/gmime.h>

#include <memory>
#include <mutex>

namespace spmis::http {
namespace {

struct Unref {
  void operator()(void* object) const {
    if (object) g_object_unref(object);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, Unref>;

}  // namespace

Result<std::vector<FormPart>> ParseMultipartForm(std::string_view content_type,
                                                 std::string_view body) {
  static std::once_flag initialized;
  std::call_once(initialized, [] { g_mime_init(); });
  if (content_type.find("multipart/form-data") == std::string_view::npos ||
      content_type.find("boundary=") == std::string_view::npos) {
    return Error::Invalid("the body must be multipart/form-data with a boundary");
  }
  // GMime parses a MIME entity: the Content-Type header, a blank line, the body.
  std::string entity = "Content-Type: " + std::string(content_type) + "\r\n\r\n";
  entity.append(body);
  GPtr<GMimeStream> stream(
      g_mime_stream_mem_new_with_buffer(entity.data(), static_cast<size_t>(entity.size())));
  GPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
  GPtr<GMimeObject> root(g_mime_parser_construct_part(parser.get(), nullptr));
  if (!root || !GMIME_IS_MULTIPART(root.get()))
    return Error::Invalid("the multipart body cannot be parsed");
  auto* multipart = GMIME_MULTIPART(root.get());
  std::vector<FormPart> parts;
  int count = g_mime_multipart_get_count(multipart);
  for (int i = 0; i < count; ++i) {
    GMimeObject* object = g_mime_multipart_get_part(multipart, i);
    if (!GMIME_IS_PART(object)) continue;
    FormPart part;
    if (GMimeContentDisposition* disposition = g_mime_object_get_content_disposition(object)) {
      if (const char* name = g_mime_content_disposition_get_parameter(disposition, "name"))
        part.name = name;
      if (const char* file = g_mime_content_disposition_get_parameter(disposition, "filename")) {
        part.filename = file;
      }
    }
    if (GMimeContentType* type = g_mime_object_get_content_type(object)) {
      char* mime = g_mime_content_type_get_mime_type(type);
      if (mime) {
        part.content_type = mime;
        g_free(mime);
      }
    }
    GMimeDataWrapper* content = g_mime_part_get_content(GMIME_PART(object));
    if (content) {
      GPtr<GMimeStream> out(g_mime_stream_mem_new());
      g_mime_data_wrapper_write_to_stream(content, out.get());
      GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(out.get()));
      part.data.assign(reinterpret_cast<const char*>(bytes->data), bytes->len);
    }
    if (part.name.empty()) return Error::Invalid("a form part has no name");
    parts.push_back(std::move(part));
  }
  return parts;
}

}  // namespace spmis::http
