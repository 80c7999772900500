// Compat.h: the few Clang/LLVM API differences between the majors the
// checker builds against (14, 19 and 22).  Covered by building all three in CI
// (scripts/build.sh clang14, clang19, clang22).
#ifndef WEFT_COMPAT_H
#define WEFT_COMPAT_H

#include "clang/Basic/Version.h"
#include "llvm/ADT/StringRef.h"

namespace weft {

inline bool startsWith(llvm::StringRef S, llvm::StringRef Prefix) {
#if CLANG_VERSION_MAJOR >= 16
  return S.starts_with(Prefix);
#else
  return S.startswith(Prefix);
#endif
}

inline bool endsWith(llvm::StringRef S, llvm::StringRef Suffix) {
#if CLANG_VERSION_MAJOR >= 16
  return S.ends_with(Suffix);
#else
  return S.endswith(Suffix);
#endif
}

} // namespace weft

#endif
