# weftChecks.cmake: weft_enable_checks(<target>...) compiles the C sources of
# each target under the weft checker plugin.  Installed beside weftConfig.cmake
# when the plugin is built; also usable from the source tree (see docs/checker.md).
#
#   find_package(weft REQUIRED)
#   add_executable(server server.c)
#   target_link_libraries(server PRIVATE weft::weft)
#   weft_enable_checks(server)                  # errors and warnings
#   weft_enable_checks(server WERROR)           # the checker's warnings as errors
#   weft_enable_checks(server DISABLE async-drop)  # a rule off
#
# A plugin only loads into a clang of the major it was built for, so one is
# installed per major (libweft-plugin-<major>.so) and the one matching
# CMAKE_C_COMPILER's major is picked at configure time; WEFT_CHECKER_PLUGIN
# names it (set it before to force a file).  Covered by test/install/.

# Where the plugins are: the installed layout puts this file in
# <prefix>/<libdir>/cmake/weft/ and the plugins in <prefix>/<libdir>/.
get_filename_component(_weft_plugin_dir "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(WEFT_CHECKER_PLUGIN_DIR "${_weft_plugin_dir}" CACHE INTERNAL "")
unset(_weft_plugin_dir)

# Sets WEFT_CHECKER_CLANG_VERSION (the C compiler's major) and, unless set
# already, WEFT_CHECKER_PLUGIN (the plugin for it); fails with a clear
# message when the compiler is not clang or no plugin matches its major.
function(_weft_find_plugin)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "weft_enable_checks: the checker is a Clang plugin and the C compiler is "
                        "${CMAKE_C_COMPILER_ID}; configure with -DCMAKE_C_COMPILER=clang-<major>")
  endif()
  string(REGEX MATCH "^[0-9]+" _major "${CMAKE_C_COMPILER_VERSION}")
  set(WEFT_CHECKER_CLANG_VERSION "${_major}" PARENT_SCOPE)
  if(TARGET weft-plugin)
    # In weft's own tree: the plugin being built, for WEFT_LLVM_MAJOR.
    if(NOT _major STREQUAL WEFT_LLVM_MAJOR)
      message(FATAL_ERROR "weft_enable_checks: the C compiler is clang ${_major} but this tree builds the "
                          "plugin for Clang ${WEFT_LLVM_MAJOR}; configure with -DCMAKE_C_COMPILER=clang-${WEFT_LLVM_MAJOR}")
    endif()
    set(WEFT_CHECKER_PLUGIN "$<TARGET_FILE:weft-plugin>" PARENT_SCOPE)
    return()
  endif()
  if(DEFINED WEFT_CHECKER_PLUGIN)
    return()
  endif()
  set(_plugin "${WEFT_CHECKER_PLUGIN_DIR}/libweft-plugin-${_major}.so")
  if(NOT EXISTS "${_plugin}")
    file(GLOB _have "${WEFT_CHECKER_PLUGIN_DIR}/libweft-plugin-*.so")
    set(_majors "")
    foreach(_f IN LISTS _have)
      string(REGEX REPLACE ".*libweft-plugin-([0-9]+)\\.so$" "\\1" _m "${_f}")
      list(APPEND _majors "${_m}")
    endforeach()
    if(NOT _majors)
      set(_majors "none")
    endif()
    string(REPLACE ";" ", " _majors "${_majors}")
    message(FATAL_ERROR "weft_enable_checks: no weft checker plugin for clang ${_major} "
                        "(${CMAKE_C_COMPILER}) in ${WEFT_CHECKER_PLUGIN_DIR}; plugins are installed for "
                        "Clang ${_majors}.  Configure with one of those clangs, or build and install weft "
                        "with -DWEFT_CLANG_VERSION=${_major}")
  endif()
  set(WEFT_CHECKER_PLUGIN "${_plugin}" PARENT_SCOPE)
endfunction()

function(weft_enable_checks)
  cmake_parse_arguments(PARSE_ARGV 0 WEFT "WERROR" "" "DISABLE")
  _weft_find_plugin()
  set(_flags "-fplugin=${WEFT_CHECKER_PLUGIN}")
  if(WEFT_WERROR)
    list(APPEND _flags "-fplugin-arg-weft-werror")
  endif()
  if(WEFT_DISABLE)
    string(REPLACE ";" "," _rules "${WEFT_DISABLE}")
    list(APPEND _flags "-fplugin-arg-weft-disable=${_rules}")
  endif()
  foreach(_target IN LISTS WEFT_UNPARSED_ARGUMENTS)
    foreach(_flag IN LISTS _flags)
      target_compile_options(${_target} PRIVATE "$<$<COMPILE_LANGUAGE:C>:${_flag}>")
    endforeach()
    if(TARGET weft-plugin)
      add_dependencies(${_target} weft-plugin)
    endif()
  endforeach()
endfunction()
