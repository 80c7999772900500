// ApiContract.cpp: rule api-contract.  Values given to weft's API keep the
// conventions its manual states, which a C programmer breaks by habit:
// weft_fail carries a negative errno-style code (not errno itself, not a
// positive E-constant, not 0), a weft_catch handler compares with negative
// codes and, for getaddrinfo's failures, with WEFT_EAI(EAI_...) rather than
// the bare EAI_ constant, and weft_read, weft_file_read and weft_recvfrom
// ask for at least one byte.
// Only what the checker can see is reported: constants, and errno read
// directly.
// Covered by test/plugin/api-contract*.c.
#include "Check.h"
#include "Compat.h"
#include "Macros.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang;

namespace weft {
namespace {

// Whether E reads errno itself: glibc's (*__errno_location ()), the BSDs'
// (*__error()), Solaris' (*___errno()), or a variable named errno.
bool readsErrno(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return DRE->getDecl()->getIdentifier() && DRE->getDecl()->getName() == "errno";
  const auto *UO = dyn_cast<UnaryOperator>(E);
  if (!UO || UO->getOpcode() != UO_Deref)
    return false;
  const auto *Call = dyn_cast<CallExpr>(UO->getSubExpr()->IgnoreParenImpCasts());
  const FunctionDecl *FD = Call ? Call->getDirectCallee() : nullptr;
  if (!FD || !FD->getIdentifier())
    return false;
  StringRef Name = FD->getName();
  return Name == "__errno_location" || Name == "__error" || Name == "___errno" || Name == "_errno";
}

class ApiContractCheck : public Check {
public:
  ApiContractCheck() : Check(CheckId::ApiContract) {}

  void onWeftCall(const CallExpr *Call, StringRef Internal, CheckContext &C) override {
    if (Internal == "weft__catch" && Call->getNumArgs() >= 2) {
      handler(weftArgument(Call->getArg(1), C.sourceManager()), C);
      return;
    }
    if (Internal != "weft__fail" || Call->getNumArgs() < 1)
      return;
    failCode(Call->getArg(0), C);
  }

  // The reads whose count must be at least one byte: weft_read's "" is the
  // end of input, and weft_file_read and weft_recvfrom fail with -EINVAL.
  void onExpr(const Expr *E, CheckContext &C) override {
    const auto *Call = dyn_cast<CallExpr>(E);
    const FunctionDecl *FD = Call ? Call->getDirectCallee() : nullptr;
    if (!FD || !FD->getIdentifier() || Call->getNumArgs() < 2)
      return;
    StringRef Name = FD->getName();
    if (Name != "weft_read" && Name != "weft_file_read" && Name != "weft_recvfrom")
      return;
    llvm::APSInt Value;
    if (constant(Call->getArg(1), C.ast(), Value) && Value == 0)
      C.report(id(), DiagId::err_read_zero, Call->getArg(1)->getExprLoc())
          << Name << (Name == "weft_read" ? 0 : 1) << Call->getArg(1)->getSourceRange();
  }

private:
  // The code given to weft_fail, judged where it is chosen: each arm of a
  // ?: (`errno ? errno : EIO`, `errno ?: EIO`) and the value of a comma
  // is a code the failure may carry.
  void failCode(const Expr *Err, CheckContext &C) {
    const Expr *Bare = Err->IgnoreParenImpCasts();
    llvm::APSInt Whole;
    bool Constant = constant(Err, C.ast(), Whole);
    if (const auto *CO = dyn_cast<AbstractConditionalOperator>(Bare); CO && !Constant) {
      failCode(CO->getTrueExpr(), C);
      failCode(CO->getFalseExpr(), C);
      return;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(Bare))
      if (BO->getOpcode() == BO_Comma && !Constant) {
        failCode(BO->getRHS(), C);
        return;
      }
    if (isa<OpaqueValueExpr>(Bare)) // the condition of `a ?: b`, seen through its own arm
      if (const Expr *Src = cast<OpaqueValueExpr>(Bare)->getSourceExpr())
        return failCode(Src, C);
    SourceLocation Loc = userLoc(Bare->getExprLoc(), C);
    if (readsErrno(Err)) {
      C.report(id(), DiagId::err_fail_errno, Loc) << Err->getSourceRange();
      return;
    }
    if (!Constant || Whole.isNegative())
      return;
    C.report(id(), DiagId::err_fail_not_negative, Loc) << (Whole == 0 ? 0 : 1) << toString(Whole) << Err->getSourceRange();
  }

  // A weft_catch handler receives the failure's code, which is negative:
  // comparing it with a positive constant (err == EPIPE, case EAGAIN:) is
  // never true.  Each handler's body is looked at once.
  void handler(const Expr *Fn, CheckContext &C) {
    const auto *Ref = dyn_cast_or_null<DeclRefExpr>(Fn);
    const auto *FD = Ref ? dyn_cast<FunctionDecl>(Ref->getDecl()) : nullptr;
    const FunctionDecl *Def = FD ? FD->getDefinition() : nullptr;
    if (!Def || Def->getNumParams() != 2 || !Def->getBody() || !Handlers.insert(Def).second)
      return;
    const ParmVarDecl *Err = Def->getParamDecl(1);
    llvm::SmallVector<const Stmt *, 64> Work{Def->getBody()};
    for (unsigned Steps = 0; !Work.empty() && Steps < 100000; ++Steps) {
      const Stmt *S = Work.pop_back_val();
      if (const auto *BO = dyn_cast<BinaryOperator>(S))
        if (BO->isEqualityOp()) {
          compared(BO->getLHS(), BO->getRHS(), Err, Def, C);
          compared(BO->getRHS(), BO->getLHS(), Err, Def, C);
        }
      if (const auto *SW = dyn_cast<SwitchStmt>(S))
        if (namesParam(SW->getCond(), Err))
          for (const SwitchCase *SC = SW->getSwitchCaseList(); SC; SC = SC->getNextSwitchCase())
            if (const auto *CS = dyn_cast<CaseStmt>(SC))
              positive(CS->getLHS(), Err, Def, C);
      for (const Stmt *K : S->children())
        if (K)
          Work.push_back(K);
    }
  }

  static bool namesParam(const Expr *E, const ParmVarDecl *P) {
    const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenImpCasts());
    return DRE && DRE->getDecl() == P;
  }

  void compared(const Expr *Side, const Expr *Other, const ParmVarDecl *Err, const FunctionDecl *Def,
                CheckContext &C) {
    if (namesParam(Side, Err))
      positive(Other, Err, Def, C);
  }

  void positive(const Expr *E, const ParmVarDecl *Err, const FunctionDecl *Def, CheckContext &C) {
    llvm::APSInt Value;
    if (!E || !constant(E, C.ast(), Value))
      return;
    // getaddrinfo's EAI_ codes are negative in glibc, and collide with
    // errno values (EAI_NONAME is -2, -ENOENT): weft delivers them as
    // WEFT_EAI(EAI_...), so a bare one is never the failure meant.
    StringRef Macro = writtenMacro(E, C);
    if (startsWith(Macro, "EAI_")) {
      C.report(id(), DiagId::err_catch_eai_code, userLoc(E->getExprLoc(), C))
          << Def << Err << Macro << E->getSourceRange();
      return;
    }
    if (Value.isNegative() || Value == 0)
      return;
    C.report(id(), DiagId::err_catch_positive_code, userLoc(E->getExprLoc(), C))
        << Def << Err << toString(Value) << E->getSourceRange();
  }

  llvm::DenseSet<const FunctionDecl *> Handlers;

  static bool constant(const Expr *E, ASTContext &Ctx, llvm::APSInt &Out) {
    Expr::EvalResult R;
    if (E->isValueDependent() || !E->EvaluateAsInt(R, Ctx))
      return false;
    Out = R.Val.getInt();
    return true;
  }

  static std::string toString(const llvm::APSInt &V) {
    llvm::SmallString<16> S;
    V.toString(S, 10);
    return std::string(S.str());
  }

  // The macro the user wrote for E, when E is exactly one macro's
  // expansion (EAI_NONAME; not WEFT_EAI(EAI_NONAME), whose outer macro is
  // WEFT_EAI).
  static StringRef writtenMacro(const Expr *E, CheckContext &C) {
    const SourceManager &SM = C.sourceManager();
    SourceLocation Loc = E->IgnoreParenImpCasts()->getBeginLoc();
    if (!Loc.isMacroID())
      return StringRef();
    // Up to the expansion written in the file: the outermost macro.
    while (SM.getImmediateMacroCallerLoc(Loc).isMacroID())
      Loc = SM.getImmediateMacroCallerLoc(Loc);
    return Lexer::getImmediateMacroName(Loc, SM, C.ast().getLangOpts());
  }

  // Where the user wrote the code behind Loc (errno is itself a macro).
  static SourceLocation userLoc(SourceLocation Loc, CheckContext &C) {
    return Loc.isMacroID() ? C.sourceManager().getFileLoc(Loc) : Loc;
  }
};

} // namespace

std::unique_ptr<Check> createApiContractCheck() { return std::make_unique<ApiContractCheck>(); }

} // namespace weft
