// AsyncType.cpp: recognising async(T) in Clang's type system.
// Covered by test/plugin/async-conversion*.c and value-type*.c.
#include "AsyncType.h"
#include "Compat.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Type.h"

using namespace clang;

namespace weft {

AsyncType asAsync(const RecordDecl *RD) {
  AsyncType A;
  if (!RD || !RD->isUnion() || RD->isInvalidDecl())
    return A;
  const IdentifierInfo *II = RD->getIdentifier();
  if (!II)
    return A;
  StringRef Name = II->getName();
  if (!startsWith(Name, "weft_async_") || Name.size() == strlen("weft_async_"))
    return A;
  const RecordDecl *Def = RD->getDefinition();
  if (!Def)
    return A;
  bool HasNode = false;
  QualType Value;
  for (const FieldDecl *F : Def->fields()) {
    if (!F->getIdentifier())
      continue;
    StringRef FN = F->getName();
    if (FN == "node_")
      HasNode = F->getType()->isPointerType();
    else if (FN == "value_type_") {
      const auto *PT = F->getType()->getAs<PointerType>();
      if (!PT)
        return A;
      const auto *FT = PT->getPointeeType()->getAs<FunctionType>();
      if (!FT)
        return A;
      Value = FT->getReturnType();
    }
  }
  if (!HasNode || Value.isNull())
    return A;
  A.Decl = Def;
  A.Name = Name.drop_front(strlen("weft_async_"));
  A.Value = Value;
  return A;
}

AsyncType asAsync(QualType T) {
  if (T.isNull())
    return AsyncType();
  const auto *RT = T.getCanonicalType()->getAs<RecordType>();
  if (!RT)
    return AsyncType();
  return asAsync(RT->getDecl());
}

} // namespace weft
