# Shared helpers for sfsync targets.

# Our own code builds with warnings as errors; third-party headers come in as SYSTEM includes.
function(sfsync_warnings target)
  # GCC 12 at -O3 reports -Wrestrict false positives inside std::string operations (GCC bug
  # 105329; seen in valijson's json_pointer.hpp and in emulator code): keep them warnings there.
  # Under the sanitizers GCC's flow analysis reports maybe-uninitialized in libstdc++'s <regex> and
  # <functional> (false positives its manual warns of): not errors in that build.
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror
    $<$<CXX_COMPILER_ID:GNU>:-Wno-error=restrict>
    $<$<BOOL:${SFSYNC_SANITIZE}>:-Wno-maybe-uninitialized>
    $<$<BOOL:${SFSYNC_FUZZ}>:-Wno-error>)
endfunction()

# sfsync_library(name SOURCES ... DEPS ...): a static library of our own code.
function(sfsync_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SOURCES})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  sfsync_warnings(${name})
endfunction()

# sfsync_test(name SOURCES ... DEPS ...): a doctest executable registered with ctest, one ctest
# entry per TEST_CASE.
function(sfsync_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS;LABELS" ${ARGN})
  # doctest_discover_tests turns each test name into a CMake list element: a ';' splits it into
  # filters that match nothing (that ctest entry then "passes" without running), and '[' or ']'
  # break the list itself. Refuse such names in TEST_CASE and TEST_CASE_FIXTURE.
  foreach(source ${ARG_SOURCES})
    file(READ ${CMAKE_CURRENT_SOURCE_DIR}/${source} text)
    string(REGEX MATCH "TEST_CASE(_FIXTURE\\([^,]*,)?[ (]*\"[^\"]*[][;][^\"]*\"" bad "${text}")
    if(bad)
      message(FATAL_ERROR "${source}: a test name must not contain ';', '[' or ']' (ctest would mangle it): ${bad}")
    endif()
  endforeach()
  add_executable(${name} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${name} PRIVATE sfsync_test_main ${ARG_DEPS})
  sfsync_warnings(${name})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  doctest_discover_tests(${name} PROPERTIES LABELS "${ARG_LABELS}"
    WORKING_DIRECTORY ${CMAKE_BINARY_DIR})
endfunction()
