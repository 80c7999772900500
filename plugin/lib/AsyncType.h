// AsyncType.h: recognising async(T) in Clang's type system.
// Covered by test/plugin/async-conversion*.c and value-type*.c.
#ifndef WEFT_ASYNCTYPE_H
#define WEFT_ASYNCTYPE_H

#include "clang/AST/Type.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace clang {
class RecordDecl;
}

namespace weft {

// What weft.h's WEFT_ASYNC_TYPE(name, T) declares: a union named
// weft_async_<name> whose member node_ is the action and whose member
// value_type_ is a T (*)(void) that only carries T.
struct AsyncType {
  const clang::RecordDecl *Decl = nullptr;
  llvm::StringRef Name;   // the <name> in async(<name>)
  clang::QualType Value;  // T; void for async(void)

  explicit operator bool() const { return Decl != nullptr; }
  // The way users write it: "async(str)".
  std::string spelling() const { return ("async(" + Name + ")").str(); }
};

// The async type T is, looking through typedefs and qualifiers; empty if T
// is not one.
AsyncType asAsync(clang::QualType T);
AsyncType asAsync(const clang::RecordDecl *RD);
inline bool isAsyncType(clang::QualType T) { return static_cast<bool>(asAsync(T)); }

} // namespace weft

#endif
