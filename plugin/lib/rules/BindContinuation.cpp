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
#include "llvm/ADT/SmallVector.h"

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

    // weft.h passes weft__m.node_ and (weft__fn)weft__k, weft__k being
    // bound to the continuation the user wrote.
    const auto *Node = dyn_cast<MemberExpr>(Call->getArg(0)->IgnoreParenImpCasts());
    if (!Node)
      return;
    AsyncType A = asAsync(Node->getBase()->getType());
    if (!A)
      return;
    // Every function the continuation expression may be: a name, a table's
    // element, either branch of ?:.
    llvm::SmallVector<const Expr *, 4> Candidates;
    candidates(weftArgument(Call->getArg(1), C.sourceManager()), Candidates);
    for (const Expr *Fn : Candidates)
      check(Call, Internal, *K, A, Fn, C);
  }

private:
  static void candidates(const Expr *E, llvm::SmallVectorImpl<const Expr *> &Out) {
    if (!E || Out.size() > 16)
      return;
    E = E->IgnoreParenCasts();
    if (const auto *CO = dyn_cast<ConditionalOperator>(E)) {
      candidates(CO->getTrueExpr(), Out);
      candidates(CO->getFalseExpr(), Out);
      return;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(E))
      if (BO->getOpcode() == BO_Comma) {
        candidates(BO->getRHS(), Out);
        return;
      }
    Out.push_back(E);
  }

  void check(const CallExpr *Call, StringRef Internal, const Combinator &K, const AsyncType &A,
             const Expr *Fn, CheckContext &C) {
    QualType FT = Fn->getType();
    if (FT.isNull() || FT->isDependentType())
      return;
    if (const auto *PT = FT->getAs<PointerType>())
      FT = PT->getPointeeType();
    const auto *FnType = FT->getAs<FunctionType>();
    if (!FnType)
      return;
    const ValueDecl *KD = nullptr;
    if (const auto *Ref = dyn_cast<DeclRefExpr>(Fn))
      KD = Ref->getDecl();
    else if (const auto *ME = dyn_cast<MemberExpr>(Fn))
      KD = ME->getMemberDecl();
    const auto *FD = dyn_cast_or_null<FunctionDecl>(KD);
    SourceLocation Loc = Fn->getExprLoc();
    const SourceManager &SM = C.sourceManager();
    if (Loc.isMacroID() && SM.isMacroArgExpansion(Loc))
      Loc = SM.getSpellingLoc(Loc);

    const auto *Proto = dyn_cast<FunctionProtoType>(FnType);
    // A definition with parameters gives the prototype a declaration lacks.
    if (!Proto && FD && FD->getDefinition() && FD->getDefinition()->hasPrototype())
      Proto = FD->getDefinition()->getType()->getAs<FunctionProtoType>();
    if (!Proto) {
      // C checks nothing about a call through a type without a prototype.
      Diag D = C.report(id(), DiagId::err_bind_no_prototype, Loc) << (KD ? 1 : 0);
      if (KD)
        D << KD;
      else
        D << "";
      return;
    }

    if (K.ValueParam && A.Value->isVoidType() && Internal == "weft__bind") {
      voidAction(Call, Proto, C);
      return;
    }
    // A wrong number of parameters is C's to report: the call in weft.h's
    // __typeof__ fails and the whole expression is dropped.
    if (Proto->getNumParams() != K.Arity)
      return;
    if (K.ValueParam) {
      QualType P = Proto->getParamType(1);
      if (!P->isDependentType() && !sameButQualifiers(C.ast(), P, A.Value)) {
        {
          Diag D = C.report(id(), DiagId::err_bind_value_param, Loc) << (KD ? 1 : 0);
          if (KD)
            D << KD;
          else
            D << "";
          D << P << A.spelling() << A.Value;
        } // emitted here, before its note
        if (FD && FD->getNumParams() == 2)
          paramNote(FD->getParamDecl(1), A.Value, C);
      }
    }
    if (K.ErrorParam) {
      QualType P = Proto->getParamType(1), Int = C.ast().IntTy;
      if (!P->isDependentType() && !C.ast().hasSameUnqualifiedType(P, Int)) {
        {
          Diag D = C.report(id(), DiagId::err_catch_error_param, Loc) << (KD ? 1 : 0);
          if (KD)
            D << KD;
          else
            D << "";
          D << P;
        } // emitted here, before its note
        if (FD && FD->getNumParams() == 2)
          paramNote(FD->getParamDecl(1), Int, C);
      }
    }
  }

  // Whether P and V differ at most in qualifiers, at any level of pointers
  // (a const char * parameter for a char * value): the word passed is the
  // same and C converts it without a cast.
  static bool sameButQualifiers(ASTContext &Ctx, QualType P, QualType V) {
    for (unsigned Depth = 0; Depth < 8; ++Depth) {
      P = P.getCanonicalType().getUnqualifiedType();
      V = V.getCanonicalType().getUnqualifiedType();
      const auto *PP = P->getAs<PointerType>(), *VP = V->getAs<PointerType>();
      if (!PP || !VP)
        return Ctx.hasSameUnqualifiedType(P, V);
      P = PP->getPointeeType();
      V = VP->getPointeeType();
    }
    return Ctx.hasSameUnqualifiedType(P, V);
  }

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
