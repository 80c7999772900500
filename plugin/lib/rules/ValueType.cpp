// ValueType.cpp: rule value-type.  Continuations are called through one
// uniform pointer type, which relies on the platform ABI passing
// integer-class arguments identically (docs/runtime.md, "The ABI contract"):
// a value type must be an integer, enum, bool or pointer type of at most
// pointer size.
// Covered by test/plugin/value-type*.c.
#include "Check.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace weft {
namespace {

class ValueTypeCheck : public Check {
public:
  ValueTypeCheck() : Check(CheckId::ValueType) {}

  void onAsyncType(const AsyncType &T, CheckContext &C) override {
    if (T.Decl->getDeclContext()->isFunctionOrMethod()) {
      // Declared in a function, the type is a stranger to every other one:
      // no function elsewhere can take or return it.
      SourceLocation Loc = C.sourceManager().getExpansionLoc(T.Decl->getLocation());
      C.report(id(), DiagId::err_async_type_scope, Loc) << T.spelling();
      return;
    }
    QualType V = T.Value;
    if (V.isNull() || V->isVoidType() || V->isDependentType())
      return;
    int Problem = -1;
    if (!V->isIntegralOrEnumerationType() && !V->isPointerType())
      Problem = 0;
    else if (V->isIncompleteType() || C.ast().getTypeSize(V) > C.ast().getTypeSize(C.ast().VoidPtrTy))
      Problem = 1;
    if (Problem < 0)
      return;
    SourceLocation Loc = C.sourceManager().getExpansionLoc(T.Decl->getLocation());
    C.report(id(), DiagId::err_value_type_abi, Loc) << T.spelling() << V << Problem;
  }
};

} // namespace

std::unique_ptr<Check> createValueTypeCheck() { return std::make_unique<ValueTypeCheck>(); }

} // namespace weft
