// HostCheck.cpp: a module built against the Clang of one major (the plugin,
// the clang-tidy module) refuses to run in a host of another major, with one
// clear line instead of a crash: the C++ API of Clang changes between majors,
// so a mismatched module would call functions with the wrong layouts.
// Covered by test/tools/version-mismatch.test.
#include "clang/Basic/Version.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#ifndef WEFT_HOST_KIND
#error "define WEFT_HOST_KIND (\"plugin\" or \"tidy\")"
#endif

namespace {

// The major of the Clang libraries the host process runs, read from their
// version text ("Debian clang version 19.1.7 ..."); 0 if it cannot be read.
// getClangFullVersion() returns a std::string and has kept its signature in
// every major, and as an undefined symbol of this module it binds to the
// host's copy, not to the headers this module was compiled with.
int hostMajor() {
  std::string V = clang::getClangFullVersion();
  size_t At = V.find("version ");
  if (At == std::string::npos)
    return 0;
  return std::atoi(V.c_str() + At + 8);
}

// Runs when the host loads the module (dlopen), before any static
// constructor of this module that talks to Clang (priority 101 comes first).
__attribute__((constructor(101))) void refuseOtherMajors() {
  int Host = hostMajor();
  if (Host == 0 || Host == CLANG_VERSION_MAJOR)
    return;
  const bool Tidy = std::strcmp(WEFT_HOST_KIND, "tidy") == 0;
  std::fprintf(stderr,
               "fatal error: this weft %s (libweft-%s-%d.so) was built for Clang %d and cannot run in %s %d; "
               "load libweft-%s-%d.so instead (`weft-config %s` prints it)\n",
               Tidy ? "clang-tidy module" : "plugin", WEFT_HOST_KIND, CLANG_VERSION_MAJOR, CLANG_VERSION_MAJOR,
               Tidy ? "clang-tidy" : "clang", Host, WEFT_HOST_KIND, Host,
               Tidy ? "--tidy --clang-tidy=<your clang-tidy>" : "--plugin --clang=<your clang>");
  std::fflush(stderr);
  std::_Exit(1);
}

} // namespace
