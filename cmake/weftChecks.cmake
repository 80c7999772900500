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
# The target must be compiled by a clang of the major the plugin was built
# for (WEFT_CHECKER_CLANG_VERSION): a plugin only loads into its own clang.

if(NOT DEFINED WEFT_CHECKER_PLUGIN)
  # Installed layout: <prefix>/<libdir>/cmake/weft/ next to <prefix>/<libdir>/.
  get_filename_component(_weft_libdir "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
  set(WEFT_CHECKER_PLUGIN "${_weft_libdir}/libweft-plugin.so")
  unset(_weft_libdir)
endif()

function(weft_enable_checks)
  cmake_parse_arguments(PARSE_ARGV 0 WEFT "WERROR" "" "DISABLE")
  if(NOT EXISTS "${WEFT_CHECKER_PLUGIN}" AND NOT TARGET weft-plugin)
    message(FATAL_ERROR "weft_enable_checks: the checker plugin ${WEFT_CHECKER_PLUGIN} is not installed")
  endif()
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "weft_enable_checks: the checker is a Clang plugin; configure with CC=clang-<N>")
  endif()
  set(_plugin "${WEFT_CHECKER_PLUGIN}")
  if(TARGET weft-plugin)
    set(_plugin "$<TARGET_FILE:weft-plugin>")
  endif()
  set(_flags "-fplugin=${_plugin}")
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
