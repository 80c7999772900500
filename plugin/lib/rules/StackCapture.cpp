// StackCapture.cpp: rule stack-capture.  An action built in async context
// runs after the function that builds it has returned (that function
// cannot run the loop), so a pointer it keeps into that function's own
// automatic storage dangles when it runs: the env of a combinator
// (weft_bind(m, k, &local)), the buffers weft.h says are not copied
// (weft_write, weft_writer_write, weft_sendto), the storage an action fills
// in (weft_recvfrom's info, weft_file_stat's out, weft_both's and
// weft_all's values) and weft_detach's argument.  In synchronous code the
// action may finish inside a weft_run before the storage ends, and is not
// reported.
// Covered by test/plugin/stack-capture*.c.
#include "Check.h"
#include "Macros.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace weft {
namespace {

const ValueDecl *localObject(const Expr *E, const Expr *&Literal, unsigned Depth);

// The local variable (or compound literal) of the current function that the
// pointer E points into, if it does: &v, &v.field, &v[i], an array v
// decaying, and such a pointer plus or minus an offset.
const ValueDecl *localPointee(const Expr *E, const Expr *&Literal, unsigned Depth = 0) {
  if (!E || Depth > 16)
    return nullptr;
  E = E->IgnoreParens();
  // An array, seen before its decay to a pointer was stripped.
  if (E->getType()->isArrayType())
    return localObject(E, Literal, Depth + 1);
  if (const auto *ICE = dyn_cast<ImplicitCastExpr>(E)) {
    if (ICE->getCastKind() == CK_ArrayToPointerDecay)
      return localObject(ICE->getSubExpr(), Literal, Depth + 1);
    return localPointee(ICE->getSubExpr(), Literal, Depth + 1);
  }
  if (const auto *CE = dyn_cast<CStyleCastExpr>(E))
    if (CE->getSubExpr()->getType()->isPointerType() || CE->getSubExpr()->getType()->isArrayType())
      return localPointee(CE->getSubExpr(), Literal, Depth + 1);
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_AddrOf)
      return localObject(UO->getSubExpr(), Literal, Depth + 1);
  if (const auto *BO = dyn_cast<BinaryOperator>(E))
    if (BO->isAdditiveOp()) {
      if (BO->getLHS()->getType()->isPointerType())
        return localPointee(BO->getLHS(), Literal, Depth + 1);
      if (BO->getRHS()->getType()->isPointerType())
        return localPointee(BO->getRHS(), Literal, Depth + 1);
    }
  return nullptr;
}

// The local variable the lvalue E is part of, if E lives in the current
// function's frame: v, v.field, v[i] for an array v, a compound literal.
const ValueDecl *localObject(const Expr *E, const Expr *&Literal, unsigned Depth) {
  if (!E || Depth > 16)
    return nullptr;
  E = E->IgnoreParens();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
    return VD && VD->hasLocalStorage() ? VD : nullptr;
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return ME->isArrow() ? nullptr : localObject(ME->getBase(), Literal, Depth + 1);
  if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
    const Expr *Base = ASE->getBase()->IgnoreParenImpCasts();
    return Base->getType()->isArrayType() ? localObject(Base, Literal, Depth + 1) : nullptr;
  }
  if (const auto *CL = dyn_cast<CompoundLiteralExpr>(E))
    if (!CL->isFileScope())
      Literal = CL;
  return nullptr;
}

// What the pointer an action keeps is, as the diagnostic names it.
enum Kept { Env, Buffer, Argument, Storage };

// The weft functions whose actions keep a pointer argument until they end
// (weft.h: "must stay valid until the action finishes"), and which one.
// The ones that copy theirs (weft_file_write, weft_connect's address,
// weft_read_until's delimiter, the paths and names) are not here.
struct KeptArg {
  const char *Name;
  unsigned Arg;
  Kept What;
};
const KeptArg KeptArgs[] = {
    {"weft_write", 1, Buffer},       {"weft_writer_write", 1, Buffer},   {"weft_sendto", 1, Buffer},
    {"weft_recvfrom", 2, Storage},   {"weft_file_stat", 1, Storage},     {"weft_detach", 1, Argument},
    {"weft_detach_release", 1, Argument},
};

class StackCaptureCheck : public Check {
public:
  StackCaptureCheck() : Check(CheckId::StackCapture) {}

  void onWeftCall(const CallExpr *Call, StringRef Internal, CheckContext &C) override {
    const SourceManager &SM = C.sourceManager();
    // weft_both(a, b, out_a, out_b) and weft_all(n, make, env, values) store
    // the values when the action ends.  (weft_all's env is only used while
    // the combinator is built.)
    if (Internal == "weft__both" && Call->getNumArgs() >= 5) {
      check(weftArgument(Call->getArg(2), SM), Storage, C);
      check(weftArgument(Call->getArg(4), SM), Storage, C);
      return;
    }
    if (Internal == "weft__all" && Call->getNumArgs() >= 4) {
      check(weftArgument(Call->getArg(3), SM), Storage, C);
      return;
    }
    if (Internal != "weft__bind" && Internal != "weft__then" && Internal != "weft__map" &&
        Internal != "weft__catch" && Internal != "weft__finally")
      return;
    if (Call->getNumArgs() < 3)
      return;
    check(weftArgument(Call->getArg(2), SM), Env, C);
  }

  void onExpr(const Expr *E, CheckContext &C) override {
    const auto *Call = dyn_cast<CallExpr>(E);
    const FunctionDecl *FD = Call ? Call->getDirectCallee() : nullptr;
    if (!FD || !FD->getIdentifier())
      return;
    for (const KeptArg &K : KeptArgs)
      if (FD->getName() == K.Name && Call->getNumArgs() > K.Arg)
        check(Call->getArg(K.Arg), K.What, C);
  }

private:
  void check(const Expr *E, Kept What, CheckContext &C) {
    const FunctionDecl *F = C.currentFunction();
    if (!E || !isAsyncContext(F))
      return;
    const Expr *Literal = nullptr;
    const ValueDecl *Local = localPointee(E, Literal);
    if (!Local && !Literal)
      return;
    SourceLocation Loc = E->getExprLoc();
    const SourceManager &SM = C.sourceManager();
    if (Loc.isMacroID() && SM.isMacroArgExpansion(Loc))
      Loc = SM.getSpellingLoc(Loc);
    {
      Diag D = C.report(id(), DiagId::err_stack_capture, Loc) << unsigned(What) << (Local ? 0 : 1);
      if (Local)
        D << Local;
      else
        D << "";
      D << F << E->getSourceRange();
    } // emitted here, before its note
    C.note(DiagId::note_async_function, F->getLocation()) << F << asAsync(F->getReturnType()).spelling();
  }
};

} // namespace

std::unique_ptr<Check> createStackCaptureCheck() { return std::make_unique<StackCaptureCheck>(); }

} // namespace weft
