# Turns schemas/job.schema.json into a C++ source defining JobSchemaJson(), so the binary needs no
# repository files at run time. Run as: cmake -DINPUT=... -DOUTPUT=... -P embed_schema.cmake
file(READ "${INPUT}" schema)
set(delimiter "sfsync_schema")
string(FIND "${schema}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter ')${delimiter}\"'")
endif()
file(WRITE "${OUTPUT}.tmp"
"// Generated from schemas/job.schema.json by engine/config/embed_schema.cmake. Do not edit.
#include \"engine/config/job_loader.h\"

namespace sfsync::config {

std::string_view JobSchemaJson() {
  static constexpr char kSchema[] = R\"${delimiter}(${schema})${delimiter}\";
  return {kSchema, sizeof(kSchema) - 1};
}

}  // namespace sfsync::config
")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
