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
#include "llvm/ADT/APSInt.h"
#include "llvm/ADT/SmallString.h"

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
    SourceLocation Loc = written(V->getExprLoc(), SM), Begin = written(V->getBeginLoc(), SM);

    bool IntoPointer = T->isPointerType() && VT->isIntegerType() &&
                       !V->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull);
    // A floating value is truncated toward zero, or made true, silently.
    bool IntoInteger = T->isIntegralOrEnumerationType() && (VT->isPointerType() || VT->isRealFloatingType());
    if (IntoPointer || IntoInteger) {
      C.report(id(), DiagId::err_return_value_kind, Loc) << VT << Name << T << V->getSourceRange();
      return;
    }
    if (!T->isIntegerType() || T->isBooleanType() || !VT->isIntegerType())
      return;
    // A constant that T cannot hold changes value whatever the widths are
    // (3000000000u into int, -1 into size_t).
    Expr::EvalResult Constant;
    if (!V->isValueDependent() && V->EvaluateAsInt(Constant, Ctx)) {
      const llvm::APSInt &I = Constant.Val.getInt();
      llvm::APSInt Converted = I.extOrTrunc(Ctx.getTypeSize(T));
      Converted.setIsSigned(T->isSignedIntegerOrEnumerationType());
      if (llvm::APSInt::compareValues(I, Converted) != 0) {
        Diag D = C.report(id(), DiagId::warn_return_constant_changes, Loc)
                 << toString(I) << T << Name << toString(Converted) << V->getSourceRange();
        if (Begin.isFileID())
          D << FixItHint::CreateInsertion(Begin, "(" + T.getAsString(Ctx.getPrintingPolicy()) + ")");
      }
      return;
    }
    if (Ctx.getTypeSize(VT) > Ctx.getTypeSize(T)) {
      Diag D = C.report(id(), DiagId::warn_return_narrowing, Loc) << VT << T << Name
                                                                               << V->getSourceRange();
      if (Begin.isFileID())
        D << FixItHint::CreateInsertion(Begin, "(" + T.getAsString(Ctx.getPrintingPolicy()) + ")");
    }
  }

private:
  // Where the user wrote the argument: up through weft.h's macros, and to
  // the invocation of a macro of their own (UINT64_C(...), a #define).
  static SourceLocation written(SourceLocation Loc, const SourceManager &SM) {
    for (unsigned Depth = 0; Loc.isMacroID() && Depth < 64; ++Depth)
      Loc = SM.isMacroArgExpansion(Loc) ? SM.getImmediateSpellingLoc(Loc)
                                        : SM.getImmediateExpansionRange(Loc).getBegin();
    return Loc;
  }

  static std::string toString(const llvm::APSInt &V) {
    llvm::SmallString<24> S;
    V.toString(S, 10);
    return std::string(S.str());
  }

  static QualType resultType(const CallExpr *Call, CheckContext &C) {
    const Expr *R = combinatorResult(C.ast(), Call);
    return R ? R->getType() : QualType();
  }
};

} // namespace

std::unique_ptr<Check> createReturnValueCheck() { return std::make_unique<ReturnValueCheck>(); }

} // namespace weft
