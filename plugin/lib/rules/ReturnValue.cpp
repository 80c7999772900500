// ReturnValue.cpp: rule return-value.  weft_return(name, v) carries v as the
// value of async(name): v must be of that kind (a pointer for a pointer, an
// integer for an integer), and a silent narrowing is flagged.  An action
// given as v is C's to reject: weft.h converts v to T and the statement is
// dropped.
// Covered by test/plugin/return-value*.c.
#include "Check.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace weft {
namespace {

class ReturnValueCheck : public Check {
public:
  ReturnValueCheck() : Check(CheckId::ReturnValue) {}

  void onWeftCall(const CallExpr *Call, StringRef Internal, CheckContext &C) override {
    if (Internal != "weft__return" || Call->getNumArgs() != 1)
      return;
    // weft.h passes (uintptr_t)(T){(v)}; weft_return(void) passes 0.
    const auto *Lit = dyn_cast<CompoundLiteralExpr>(Call->getArg(0)->IgnoreParenCasts());
    if (!Lit)
      return;
    const auto *Init = dyn_cast_or_null<InitListExpr>(Lit->getInitializer());
    if (!Init || Init->getNumInits() != 1)
      return;
    const Expr *V = Init->getInit(0)->IgnoreParenImpCasts();
    QualType T = Lit->getType(), VT = V->getType();
    if (T.isNull() || VT.isNull() || T->isDependentType() || VT->isDependentType())
      return;
    AsyncType Result = asAsync(resultType(Call, C));
    // The value type as weft.h's user declared it (size_t, not the typeof
    // probe weft_return writes).
    T = Result ? Result.Value : T.getCanonicalType();
    std::string Name = Result ? Result.spelling() : std::string("async(") + T.getAsString() + ")";
    ASTContext &Ctx = C.ast();
    const SourceManager &SM = C.sourceManager();
    // v is an argument of weft_return: point at it where the user wrote it.
    SourceLocation Loc = V->getExprLoc(), Begin = V->getBeginLoc();
    if (Loc.isMacroID() && SM.isMacroArgExpansion(Loc))
      Loc = SM.getSpellingLoc(Loc);
    if (Begin.isMacroID() && SM.isMacroArgExpansion(Begin))
      Begin = SM.getSpellingLoc(Begin);

    bool IntoPointer = T->isPointerType() && VT->isIntegerType() &&
                       !V->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull);
    // A floating value is truncated toward zero, or made true, silently.
    bool IntoInteger = T->isIntegralOrEnumerationType() && (VT->isPointerType() || VT->isRealFloatingType());
    if (IntoPointer || IntoInteger) {
      C.report(id(), DiagId::err_return_value_kind, Loc) << VT << Name << T << V->getSourceRange();
      return;
    }
    if (T->isIntegerType() && !T->isBooleanType() && VT->isIntegerType() &&
        Ctx.getTypeSize(VT) > Ctx.getTypeSize(T) && !fitsConstant(V, T, Ctx)) {
      Diag D = C.report(id(), DiagId::warn_return_narrowing, Loc) << VT << T << Name
                                                                               << V->getSourceRange();
      if (Begin.isFileID())
        D << FixItHint::CreateInsertion(Begin, "(" + T.getAsString(Ctx.getPrintingPolicy()) + ")");
    }
  }

private:
  static QualType resultType(const CallExpr *Call, CheckContext &C) {
    const Expr *R = combinatorResult(C.ast(), Call);
    return R ? R->getType() : QualType();
  }

  static bool fitsConstant(const Expr *V, QualType T, ASTContext &Ctx) {
    Expr::EvalResult Result;
    if (V->isValueDependent() || !V->EvaluateAsInt(Result, Ctx))
      return false;
    const llvm::APSInt &I = Result.Val.getInt();
    if (I.getBitWidth() > 64)
      return false;
    int64_t Value = I.isSigned() ? I.getSExtValue() : static_cast<int64_t>(I.getZExtValue());
    if (!I.isSigned() && Value < 0)
      return false;
    unsigned Width = Ctx.getTypeSize(T);
    if (Width >= 64)
      return true;
    if (T->isSignedIntegerOrEnumerationType())
      return Value >= -(int64_t(1) << (Width - 1)) && Value < (int64_t(1) << (Width - 1));
    return Value >= 0 && Value < (int64_t(1) << Width);
  }
};

} // namespace

std::unique_ptr<Check> createReturnValueCheck() { return std::make_unique<ReturnValueCheck>(); }

} // namespace weft
