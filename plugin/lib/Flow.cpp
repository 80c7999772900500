// Flow.cpp: where an async value goes (see Flow.h).
// Covered by test/plugin/async-*.c.
#include "Flow.h"
#include "Compat.h"
#include "Macros.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/Stmt.h"

using namespace clang;

namespace weft {

namespace {

// The parent of S that matters for flow.  A node can have two parents when
// it sits in an initializer list (the syntactic and the semantic form); the
// one that is not a list is preferred, because it carries the conversions.
struct Parent {
  const Stmt *S = nullptr;
  const Decl *D = nullptr;
  bool Other = false; // a type (typeof) or something else that is not code
};

Parent parentOf(ASTContext &Ctx, const Stmt *S) {
  Parent P;
  const Stmt *List = nullptr;
  for (const DynTypedNode &N : Ctx.getParents(*S)) {
    if (const auto *PS = N.get<Stmt>()) {
      if (isa<InitListExpr>(PS) || isa<DesignatedInitExpr>(PS)) {
        // The semantic list says which field or element the value
        // initialises; the syntactic .field = designator does not.
        const auto *ILE = dyn_cast<InitListExpr>(PS);
        if (!List || (ILE && ILE->isSemanticForm()))
          List = PS;
        continue;
      }
      P.S = PS;
      return P;
    }
    if (const auto *PD = N.get<Decl>())
      P.D = PD;
    else
      P.Other = true;
  }
  P.S = List;
  return P;
}

bool isArgumentOf(const CallExpr *CE, const Expr *E, unsigned &Index) {
  for (unsigned I = 0, N = CE->getNumArgs(); I != N; ++I)
    if (CE->getArg(I) == E) {
      Index = I;
      return true;
    }
  return false;
}

// The weft__ call whose argument is E, looking through the parentheses,
// casts and commas weft.h's macros put around it.
const CallExpr *enclosingWeftCall(ASTContext &Ctx, const Expr *E) {
  const Stmt *Cur = E;
  for (unsigned Step = 0; Step < 16; ++Step) {
    const Stmt *P = parentOf(Ctx, Cur).S;
    if (!P)
      return nullptr;
    if (const auto *CE = dyn_cast<CallExpr>(P)) {
      unsigned Index;
      if (isArgumentOf(CE, cast<Expr>(Cur), Index) && !weftInternalName(CE).empty())
        return CE;
      return nullptr;
    }
    if (isa<ParenExpr>(P) || isa<CastExpr>(P)) {
      Cur = P;
      continue;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(P))
      if (BO->getOpcode() == BO_Comma && BO->getRHS() == Cur) {
        Cur = P;
        continue;
      }
    return nullptr;
  }
  return nullptr;
}

// The weft__ call that consumes VD, a weft.h local bound to a combinator's
// action argument: the one that reads VD.node_ in the macro's body.
const CallExpr *weftCallOfLocal(ASTContext &Ctx, const VarDecl *VD) {
  const Stmt *Body = nullptr;
  for (const DynTypedNode &N : Ctx.getParents(*VD))
    if (const auto *DS = N.get<DeclStmt>())
      for (const DynTypedNode &M : Ctx.getParents(*DS))
        if (const auto *CS = M.get<CompoundStmt>())
          Body = CS;
  if (!Body)
    return nullptr;
  llvm::SmallVector<const Stmt *, 32> Work{Body};
  // Bounded: the body of one macro expansion, whose nested combinators
  // live in initialisers that are not walked here.
  for (unsigned Step = 0; !Work.empty() && Step < 4096; ++Step) {
    const Stmt *S = Work.pop_back_val();
    if (isa<DeclStmt>(S) || isa<UnaryExprOrTypeTraitExpr>(S))
      continue;
    if (const auto *ME = dyn_cast<MemberExpr>(S)) {
      const auto *DRE = dyn_cast<DeclRefExpr>(ME->getBase()->IgnoreParenImpCasts());
      if (DRE && DRE->getDecl() == VD && ME->getMemberDecl()->getIdentifier() &&
          ME->getMemberDecl()->getName() == "node_")
        return enclosingWeftCall(Ctx, ME);
    }
    for (const Stmt *K : S->children())
      if (K)
        Work.push_back(K);
  }
  // weft_map reads node_ in its weft__n initialiser.
  for (const Stmt *K : Body->children())
    if (const auto *DS = dyn_cast<DeclStmt>(K))
      for (const Decl *D : DS->decls())
        if (const auto *Local = dyn_cast<VarDecl>(D))
          if (Local != VD && !isAsyncType(Local->getType()) && Local->getInit())
            if (const auto *CE = dyn_cast<CallExpr>(Local->getInit()->IgnoreParenImpCasts()))
              if (!weftInternalName(CE).empty())
                for (const Expr *Arg : CE->arguments())
                  if (const auto *ME = dyn_cast<MemberExpr>(Arg->IgnoreParenImpCasts()))
                    if (const auto *DRE = dyn_cast<DeclRefExpr>(ME->getBase()->IgnoreParenImpCasts()))
                      if (DRE->getDecl() == VD)
                        return CE;
  return nullptr;
}

UseKind kindForCast(const CastExpr *CE) {
  return CE->getCastKind() == CK_ToVoid ? UseKind::VoidCast : UseKind::Cast;
}

} // namespace

StringRef weftInternalName(const CallExpr *CE) {
  const FunctionDecl *FD = CE ? CE->getDirectCallee() : nullptr;
  if (!FD || !FD->getIdentifier())
    return StringRef();
  StringRef Name = FD->getName();
  return startsWith(Name, "weft__") ? Name : StringRef();
}

bool isSlot(const Expr *E) {
  if (!E)
    return false;
  E = E->IgnoreParens();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E)) {
    const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
    return VD && !VD->hasLocalStorage();
  }
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return !isAsyncType(ME->getBase()->getType()) || ME->isArrow();
  if (isa<ArraySubscriptExpr>(E))
    return true;
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return UO->getOpcode() == UO_Deref;
  return false;
}

static bool containsAsync(QualType T, unsigned Depth) {
  if (T.isNull() || Depth > 16)
    return false;
  T = T.getCanonicalType();
  if (const auto *AT = dyn_cast<ArrayType>(T.getTypePtr()))
    return containsAsync(AT->getElementType(), Depth + 1);
  if (isAsyncType(T))
    return true;
  const auto *RT = T->getAs<RecordType>();
  if (!RT)
    return false;
  const RecordDecl *RD = RT->getDecl()->getDefinition();
  if (!RD)
    return false;
  for (const FieldDecl *F : RD->fields())
    if (containsAsync(F->getType(), Depth + 1))
      return true;
  return false;
}

bool containsAsync(QualType T) { return containsAsync(T, 0); }

bool insideSinkArgument(ASTContext &Ctx, const Expr *E) {
  DynTypedNode Cur = DynTypedNode::create(*E);
  // Up through expressions and the weft.h locals that hold macro
  // arguments, to the statement expression of a weft_run or weft_spawn.
  for (unsigned Step = 0; Step < 1024; ++Step) {
    auto Parents = Ctx.getParents(Cur);
    if (Parents.empty())
      return false;
    Cur = Parents[0];
    if (const auto *SE = Cur.get<StmtExpr>()) {
      const CompoundStmt *Body = SE->getSubStmt();
      if (Body && !Body->body_empty())
        if (const auto *Last = dyn_cast<Expr>(Body->body_back())) {
          StringRef Name = weftInternalName(dyn_cast<CallExpr>(Last->IgnoreParenImpCasts()));
          if (isWeftSink(Name))
            return true;
        }
      continue;
    }
    if (Cur.get<Expr>() || Cur.get<DeclStmt>() || Cur.get<CompoundStmt>())
      continue;
    if (const auto *VD = Cur.get<VarDecl>()) {
      if (VD->hasLocalStorage())
        continue;
      return false;
    }
    return false;
  }
  return false;
}

bool isWeftSink(StringRef Internal) {
  return Internal == "weft__run" || Internal == "weft__spawn" || Internal == "weft__spawn_task" ||
         Internal == "weft__switch_spawn";
}

bool isAsyncContext(const FunctionDecl *F) { return F && isAsyncType(F->getReturnType()); }

bool buildsAction(const Expr *E) {
  if (!E)
    return false;
  E = E->IgnoreParens();
  if (!isAsyncType(E->getType()))
    return false;
  if (isa<CallExpr>(E) || isa<CompoundLiteralExpr>(E))
    return true;
  if (const auto *CE = dyn_cast<CastExpr>(E))
    return CE->getCastKind() == CK_ToUnion;
  return false;
}

const Expr *combinatorResult(ASTContext &Ctx, const CallExpr *WeftCall) {
  DynTypedNode Cur = DynTypedNode::create(*WeftCall);
  for (unsigned Step = 0; Step < 16; ++Step) {
    // Up through expressions, and through the declaration of a weft.h
    // local (weft_map's weft__n) to the statement expression around it.
    auto Parents = Ctx.getParents(Cur);
    if (Parents.empty())
      return nullptr;
    DynTypedNode Next = Parents[0];
    for (const DynTypedNode &N : Parents)
      if (const auto *S = N.get<Stmt>())
        if (!isa<InitListExpr>(S))
          Next = N;
    if (const auto *E = Next.get<Expr>())
      if (isAsyncType(E->getType()) && !isa<InitListExpr>(E))
        return E;
    if (!Next.get<Stmt>() && !Next.get<Decl>())
      return nullptr;
    Cur = Next;
  }
  return nullptr;
}

AsyncUse classifyUse(ASTContext &Ctx, const Expr *Source, const FunctionDecl *F) {
  AsyncUse U;
  U.Source = Source;
  U.Top = Source;
  U.Type = asAsync(Source->getType());
  U.Function = F;
  auto Done = [&](UseKind K) {
    U.Kind = K;
    return U;
  };

  const Expr *Cur = Source;
  // Bounded: a parent chain is as deep as the expression, and a bound keeps
  // a malformed tree from looping.
  for (unsigned Step = 0; Step < 512; ++Step) {
    U.Top = Cur;
    Parent PP = parentOf(Ctx, Cur);
    const Stmt *P = PP.S;
    if (!P) {
      if (const auto *VD = dyn_cast_or_null<VarDecl>(PP.D))
        if (VD->getInit() == Cur) {
          if (isWeftLocal(VD, Ctx.getSourceManager()) && isAsyncType(VD->getType())) {
            // A combinator's argument, bound to a local of weft.h's: its
            // use is the weft__ call that reads the local's node_.
            U.WeftCall = weftCallOfLocal(Ctx, VD);
            if (!U.WeftCall)
              return Done(UseKind::Unknown);
            StringRef Name = weftInternalName(U.WeftCall);
            return Done(Name == "weft__run" || Name == "weft__spawn" ? UseKind::Sink : UseKind::Combinator);
          }
          U.Dest = VD->getType();
          U.DestDecl = VD;
          return Done(UseKind::Init);
        }
      return Done(PP.Other ? UseKind::Unevaluated : UseKind::Unknown);
    }
    U.User = P;

    // Nodes that pass the value along unchanged.
    if (isa<ParenExpr>(P) || isa<FullExpr>(P) || isa<DesignatedInitExpr>(P)) {
      Cur = cast<Expr>(P);
      continue;
    }
    if (const auto *GS = dyn_cast<GenericSelectionExpr>(P)) {
      if (GS->isResultDependent() || GS->getResultExpr() != Cur)
        return Done(UseKind::Unevaluated);
      Cur = GS;
      continue;
    }
    if (const auto *CH = dyn_cast<ChooseExpr>(P)) {
      if (CH->isConditionDependent() || CH->getChosenSubExpr() != Cur)
        return Done(UseKind::Unevaluated);
      Cur = CH;
      continue;
    }
    if (const auto *ICE = dyn_cast<ImplicitCastExpr>(P)) {
      switch (ICE->getCastKind()) {
      case CK_LValueToRValue:
      case CK_NoOp:
        Cur = ICE;
        continue;
      default:
        U.Dest = ICE->getType();
        return Done(kindForCast(ICE));
      }
    }
    if (const auto *ECE = dyn_cast<ExplicitCastExpr>(P)) {
      if (ECE->getCastKind() != CK_ToVoid &&
          Ctx.hasSameUnqualifiedType(ECE->getType(), Cur->getType())) {
        Cur = ECE;
        continue;
      }
      U.Dest = ECE->getType();
      U.Explicit = true;
      return Done(kindForCast(ECE));
    }
    if (const auto *CO = dyn_cast<ConditionalOperator>(P)) {
      if (CO->getCond() == Cur)
        return Done(UseKind::Condition);
      Cur = CO;
      continue;
    }
    if (const auto *BCO = dyn_cast<BinaryConditionalOperator>(P)) {
      if (BCO->getCommon() == Cur)
        return Done(UseKind::Condition);
      if (BCO->getFalseExpr() == Cur) {
        Cur = BCO;
        continue;
      }
      return Done(UseKind::Unknown);
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(P)) {
      switch (BO->getOpcode()) {
      case BO_Comma:
        if (BO->getLHS() == Cur)
          return Done(UseKind::Discard);
        Cur = BO;
        continue;
      case BO_Assign:
        if (BO->getLHS() == Cur)
          return Done(UseKind::AssignTarget);
        U.Dest = BO->getLHS()->getType();
        if (const auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParens()))
          U.DestDecl = DRE->getDecl();
        else if (const auto *ME = dyn_cast<MemberExpr>(BO->getLHS()->IgnoreParens()))
          U.DestDecl = ME->getMemberDecl();
        return Done(UseKind::Assign);
      case BO_LAnd:
      case BO_LOr:
        return Done(UseKind::Condition);
      default:
        U.OpName = BO->getOpcodeStr();
        return Done(UseKind::Operator);
      }
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(P)) {
      switch (UO->getOpcode()) {
      case UO_Extension:
        Cur = UO;
        continue;
      case UO_AddrOf:
        return Done(UseKind::AddressOf);
      case UO_LNot:
        return Done(UseKind::Condition);
      default:
        U.OpName = UnaryOperator::getOpcodeStr(UO->getOpcode());
        return Done(UseKind::Operator);
      }
    }
    if (isa<UnaryExprOrTypeTraitExpr>(P) || isa<OffsetOfExpr>(P))
      return Done(UseKind::Unevaluated);
    if (const auto *ME = dyn_cast<MemberExpr>(P)) {
      const ValueDecl *Member = ME->getMemberDecl();
      U.OpName = Member && Member->getIdentifier() ? Member->getName() : StringRef("?");
      if (isSpelledInWeftHeader(ME->getMemberLoc(), Ctx.getSourceManager())) {
        // weft.h reads node_ to hand the action to a weft__ internal; its
        // other members only carry types and are read in unevaluated or
        // dead code.
        if (U.OpName != "node_")
          return Done(UseKind::Unevaluated);
        U.WeftCall = enclosingWeftCall(Ctx, ME);
        if (!U.WeftCall)
          return Done(UseKind::Unknown);
        StringRef Name = weftInternalName(U.WeftCall);
        return Done(isWeftSink(Name) ? UseKind::Sink : UseKind::Combinator);
      }
      return Done(UseKind::Member);
    }
    if (isa<ArraySubscriptExpr>(P)) {
      U.OpName = "[]";
      return Done(UseKind::Operator);
    }
    if (const auto *CE = dyn_cast<CallExpr>(P)) {
      unsigned Index;
      if (!isArgumentOf(CE, Cur, Index)) {
        U.OpName = "()";
        return Done(UseKind::Operator);
      }
      QualType CalleeT = CE->getCallee()->getType();
      if (const auto *PT = CalleeT->getAs<PointerType>())
        CalleeT = PT->getPointeeType();
      const FunctionDecl *FD = CE->getDirectCallee();
      if (CalleeT->getAs<FunctionNoProtoType>()) {
        // A declaration without a prototype: a definition with one, if
        // the translation unit has it, says what the parameter is.
        const FunctionDecl *Def = FD ? FD->getDefinition() : nullptr;
        if (Def && Def->hasPrototype())
          FD = Def;
        else
          U.Unprototyped = true;
      }
      if (const auto *FPT = CalleeT->getAs<FunctionProtoType>())
        if (Index < FPT->getNumParams())
          U.Dest = FPT->getParamType(Index);
      if (FD && Index < FD->getNumParams()) {
        U.DestDecl = FD->getParamDecl(Index);
        if (U.Dest.isNull() && !U.Unprototyped)
          U.Dest = FD->getParamDecl(Index)->getType();
      }
      return Done(UseKind::Argument);
    }
    if (isa<ReturnStmt>(P)) {
      if (F)
        U.Dest = F->getReturnType();
      return Done(UseKind::Return);
    }
    if (isa<InitListExpr>(P)) {
      U.Dest = Cur->getType();
      return Done(UseKind::FieldInit);
    }
    if (const auto *CS = dyn_cast<CompoundStmt>(P)) {
      if (!CS->body_empty() && CS->body_back() == Cur) {
        const Stmt *GP = parentOf(Ctx, CS).S;
        if (const auto *SE = dyn_cast_or_null<StmtExpr>(GP)) {
          Cur = SE;
          continue;
        }
      }
      return Done(UseKind::Discard);
    }
    if (const auto *IS = dyn_cast<IfStmt>(P))
      return Done(IS->getCond() == Cur ? UseKind::Condition : UseKind::Discard);
    if (const auto *WS = dyn_cast<WhileStmt>(P))
      return Done(WS->getCond() == Cur ? UseKind::Condition : UseKind::Discard);
    if (const auto *DS = dyn_cast<DoStmt>(P))
      return Done(DS->getCond() == Cur ? UseKind::Condition : UseKind::Discard);
    if (const auto *FS = dyn_cast<ForStmt>(P))
      return Done(FS->getCond() == Cur ? UseKind::Condition : UseKind::Discard);
    if (const auto *SS = dyn_cast<SwitchStmt>(P))
      return Done(SS->getCond() == Cur ? UseKind::Condition : UseKind::Discard);
    if (isa<LabelStmt>(P) || isa<SwitchCase>(P) || isa<AttributedStmt>(P))
      return Done(UseKind::Discard);
    if (const auto *RE = dyn_cast<RecoveryExpr>(P)) {
      // Sema kept a broken expression: the destination is what the user
      // meant.  A call keeps its callee first; an assignment its target.
      auto Subs = RE->subExpressions();
      if (Subs.size() == 1) {
        Cur = RE;
        continue;
      }
      if (Subs.empty() || Subs[0] == Cur)
        return Done(UseKind::Unknown);
      unsigned Index = 0;
      for (unsigned I = 1; I < Subs.size(); ++I)
        if (Subs[I] == Cur)
          Index = I;
      if (!Index)
        return Done(UseKind::Unknown);
      const Expr *Head = Subs[0]->IgnoreParenImpCasts();
      if (const auto *DRE = dyn_cast<DeclRefExpr>(Head)) {
        if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl())) {
          if (Index - 1 < FD->getNumParams()) {
            U.DestDecl = FD->getParamDecl(Index - 1);
            U.Dest = FD->getParamDecl(Index - 1)->getType();
          }
          return Done(UseKind::Argument);
        }
        if (Subs.size() == 2 && Head->isLValue() && !Head->getType()->isDependentType()) {
          U.Dest = Head->getType();
          U.DestDecl = DRE->getDecl();
          return Done(UseKind::Assign);
        }
      }
      return Done(UseKind::Unknown);
    }
    return Done(UseKind::Unknown);
  }
  return Done(UseKind::Unknown);
}

} // namespace weft
