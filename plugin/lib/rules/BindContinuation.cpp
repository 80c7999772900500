// BindContinuation.cpp: rule bind-continuation.  The continuation given to
// weft_bind (and weft_then, weft_catch, weft_finally, weft_map) takes env
// and, where there is one, a value parameter of exactly the action's value
// type A; a weft_catch handler takes the error as exactly int.  C would
// convert a near miss (an int action into a long parameter) silently, but
// the runtime passes the value as one word, so only the exact type is right.
// That the continuation returns an action, C checks: weft_bind's result is a
// compound literal of k's result type, which must have a node_.
// Covered by test/plugin/bind-continuation*.c and fixits.c.
#include "Check.h"
#include "Macros.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "clang/AST/TypeLoc.h"
#include "clang/Lex/Lexer.h"

using namespace clang;

namespace weft {
namespace {

struct Combinator {
  const char *Internal;
  unsigned Arity;     // parameters of the continuation
  bool ValueParam; // its second parameter is the action's value
  bool ErrorParam; // its second parameter is a failure's error (an int)
};

const Combinator Combinators[] = {
    {"weft__bind", 2, true, false},  {"weft__then", 1, false, false}, {"weft__catch", 2, false, true},
    {"weft__finally", 1, false, false}, {"weft__map", 2, true, false},
};

class BindContinuationCheck : public Check {
public:
  BindContinuationCheck() : Check(CheckId::BindContinuation) {}

  void onWeftCall(const CallExpr *Call, StringRef Internal, CheckContext &C) override {
    const Combinator *K = nullptr;
    for (const Combinator &Cand : Combinators)
      if (Internal == Cand.Internal)
        K = &Cand;
    if (!K || Call->getNumArgs() < 2)
      return;

    // weft.h passes (m).node_ and (weft__fn)(k).
    const auto *Node = dyn_cast<MemberExpr>(Call->getArg(0)->IgnoreParenImpCasts());
    if (!Node)
      return;
    AsyncType A = asAsync(Node->getBase()->getType());
    const Expr *Fn = Call->getArg(1)->IgnoreParenCasts();
    const auto *Ref = dyn_cast<DeclRefExpr>(Fn);
    if (!A || !Ref)
      return;
    const ValueDecl *KD = Ref->getDecl();
    QualType FT = KD->getType();
    if (const auto *PT = FT->getAs<PointerType>())
      FT = PT->getPointeeType();
    const auto *Proto = FT->getAs<FunctionProtoType>();
    if (!Proto)
      return;
    const auto *FD = dyn_cast<FunctionDecl>(KD);
    SourceLocation Loc = Ref->getExprLoc();

    if (K->ValueParam && A.Value->isVoidType() && Internal == "weft__bind") {
      voidAction(Call, Proto, C);
      return;
    }
    // A wrong number of parameters is C's to report: the call in weft.h's
    // __typeof__ fails and the whole expression is dropped.
    if (Proto->getNumParams() != K->Arity)
      return;
    if (K->ValueParam) {
      QualType P = Proto->getParamType(1);
      if (!P->isDependentType() && !C.ast().hasSameUnqualifiedType(P, A.Value)) {
        C.report(id(), DiagId::err_bind_value_param, Loc) << KD << P << A.spelling() << A.Value;
        if (FD && FD->getNumParams() == 2)
          paramNote(FD->getParamDecl(1), A.Value, C);
      }
    }
    if (K->ErrorParam) {
      QualType P = Proto->getParamType(1), Int = C.ast().IntTy;
      if (!P->isDependentType() && !C.ast().hasSameUnqualifiedType(P, Int)) {
        C.report(id(), DiagId::err_catch_error_param, Loc) << KD << P;
        if (FD && FD->getNumParams() == 2)
          paramNote(FD->getParamDecl(1), Int, C);
      }
    }
  }

private:
  // weft_bind on async(void): weft_then is the spelling, and when the
  // continuation already takes only env the fix is the macro's name.
  void voidAction(const CallExpr *Call, const FunctionProtoType *Proto, CheckContext &C) {
    const SourceManager &SM = C.sourceManager();
    SourceLocation MacroLoc = SM.getExpansionLoc(weftCallLoc(Call, SM, C.langOpts()));
    Diag D = C.report(id(), DiagId::err_bind_void_action, MacroLoc);
    if (Proto->getNumParams() == 1 && MacroLoc.isFileID() &&
        Lexer::getSourceText(CharSourceRange::getTokenRange(MacroLoc, MacroLoc), SM, C.langOpts()) ==
            "weft_bind")
      D << FixItHint::CreateReplacement(CharSourceRange::getTokenRange(MacroLoc, MacroLoc), "weft_then");
  }

  void paramNote(const ParmVarDecl *P, QualType Want, CheckContext &C) {
    Diag N = C.note(DiagId::note_continuation_param, P->getLocation());
    const TypeSourceInfo *TSI = P->getTypeSourceInfo();
    if (!TSI)
      return;
    SourceRange R = TSI->getTypeLoc().getSourceRange();
    // Only a type written plainly in the file is rewritten mechanically.
    if (R.isValid() && R.getBegin().isFileID() && R.getEnd().isFileID() &&
        !TSI->getType()->isFunctionPointerType() && !TSI->getType()->isArrayType())
      N << FixItHint::CreateReplacement(R, Want.getAsString(C.ast().getPrintingPolicy()));
  }
};

} // namespace

std::unique_ptr<Check> createBindContinuationCheck() { return std::make_unique<BindContinuationCheck>(); }

} // namespace weft
