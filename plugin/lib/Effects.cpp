// Effects.cpp: the effect inference behind the noyield, mayyield,
// fnptr-effect and blocking-call rules (see Effects.h and docs/checker.md).
// Covered by test/plugin/noyield*.c, mayyield*.c, fnptr-effect*.c and blocking-call*.c.
//
// Each function body is scanned once, without recursion (an explicit work
// list, so that deeply nested expressions cannot exhaust the stack), into a
// list of sites: direct calls, sinks, actions built, calls through pointers
// and functions whose address is taken.  Two facts are then propagated
// backwards over the call edges by a breadth-first search from the functions
// that yield by themselves: it visits each function once, so recursion
// terminates, and gives each its distance from the nearest yield.  A
// function's witness is its first call of a function one step nearer, so the
// chain the notes print is a shortest one and the same from run to run.
// Reachability from async context is the same search forwards.
#include "Effects.h"
#include "AsyncType.h"
#include "Check.h"
#include "Compat.h"
#include "Flow.h"
#include "Macros.h"
#include "Reporter.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/AST/DeclCXX.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/Basic/SourceManager.h"

#include <algorithm>
#include <deque>

using namespace clang;

namespace weft {

bool isDeclaredNoYield(const Decl *D) { return hasWeftAnnotation(D, "noyield"); }
bool isDeclaredMayYield(const Decl *D) { return hasWeftAnnotation(D, "mayyield"); }
bool isBoundary(const Decl *D) { return hasWeftAnnotation(D, "boundary"); }
bool isDeclaredBlocking(const Decl *D) { return hasWeftAnnotation(D, "blocking"); }

bool typeCarries(QualType T, StringRef What, const ASTContext &Ctx) {
  // Through typedef sugar, pointers and arrays: `quiet_fn *p`, `quiet_fn t[4]`
  // and `typedef noyield void fn(void); fn *p` all carry the typedef's effect.
  for (unsigned Step = 0; Step < 64 && !T.isNull(); ++Step) {
    if (const auto *TT = dyn_cast<TypedefType>(T.getTypePtr()))
      if (hasWeftAnnotation(TT->getDecl(), What))
        return true;
    QualType Next = T.getSingleStepDesugaredType(Ctx);
    if (Next != T) {
      T = Next;
      continue;
    }
    if (const auto *PT = dyn_cast<PointerType>(T.getTypePtr())) {
      T = PT->getPointeeType();
      continue;
    }
    if (const auto *AT = dyn_cast<ArrayType>(T.getTypePtr())) {
      T = AT->getElementType();
      continue;
    }
    break;
  }
  return false;
}

bool pointerCarries(const ValueDecl *D, StringRef What) {
  if (!D)
    return false;
  return hasWeftAnnotation(D, What) || typeCarries(D->getType(), What, D->getASTContext());
}

SourceLocation effectAttrLoc(const Decl *D, StringRef What) {
  if (!D)
    return SourceLocation();
  // redecls() starts at the declaration it is asked from; from the most
  // recent one it runs back to the first, so the last match is the first
  // annotated declaration whichever one D is.
  SourceLocation First;
  for (const Decl *R : D->getMostRecentDecl()->redecls())
    for (const auto *A : R->specific_attrs<AnnotateAttr>()) {
      StringRef Text = A->getAnnotation();
      if (startsWith(Text, "weft.") && Text.drop_front(5) == What)
        First = R->getLocation();
    }
  return First.isValid() ? First : D->getCanonicalDecl()->getLocation();
}

namespace {

// What a function's address turns into, when the scanner knows it.
struct Carrier {
  const ValueDecl *Decl = nullptr;
  // The variable whose initialiser or member Decl belongs to (`fake` in
  // `static const struct ops fake = {.wait = f}` or `fake.wait = f`).
  const VarDecl *Owner = nullptr;
  QualType Type;
  bool Known = false;
};

// What becomes of a function named in an argument of a known call.
enum class Hand { None, Loop, Thread, Callback, Signal };

struct Item {
  const Stmt *S;
  bool Shadowed;
  Carrier C;
  Hand H = Hand::None;
  StringRef Via; // Callback: the library function that calls it
};


// What a library function does with a function given to it as an argument:
// the ones that call it before they return (so that the call is a call of
// the function), the ones that run it on a thread of its own, and the ones
// that install it as a signal handler.  weft's worker pool (weft_detach,
// weft_detach_release) runs its first argument on a pool thread, where
// blocking is the point and a loop of its own is allowed (weft.h, section
// 17); weft_detach_release's release function runs on the loop's thread
// too, so it is not handed over (handedArg).
Hand handOf(StringRef Library) {
  static const char *const Synchronous[] = {
      "qsort",  "qsort_r", "bsearch",   "lfind", "lsearch",      "tsearch",  "tfind",           "tdelete",
      "twalk",  "twalk_r", "tdestroy",  "ftw",   "nftw",         "scandir",  "scandirat",       "glob",
      "pthread_once", "call_once", "dl_iterate_phdr"};
  static const char *const Threads[] = {"pthread_create", "thrd_create", "weft_detach", "weft_detach_release"};
  if (Library.empty())
    return Hand::None;
  if (Library == "signal" || Library == "sigset" || Library == "bsd_signal")
    return Hand::Signal;
  for (const char *N : Synchronous)
    if (Library == N)
      return Hand::Callback;
  for (const char *N : Threads)
    if (Library == N)
      return Hand::Thread;
  return Hand::None;
}

// The one argument handOf's answer applies to, or -1 for every argument.
int handedArg(StringRef Library) {
  return Library == "weft_detach" || Library == "weft_detach_release" ? 0 : -1;
}

// The weft_* macro a weft__ internal belongs to.
std::string publicName(StringRef Internal) {
  if (startsWith(Internal, "weft__"))
    return ("weft_" + Internal.drop_front(6)).str();
  return Internal.str();
}

const ValueDecl *declOfLValue(const Expr *E) {
  E = E->IgnoreParenImpCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return DRE->getDecl();
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return ME->getMemberDecl();
  if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E))
    return declOfLValue(ASE->getBase());
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_Deref)
      return declOfLValue(UO->getSubExpr());
  return nullptr;
}

// The variable an lvalue such as `v.f`, `v[i].f` or `v.a.f` is part of,
// when no pointer is followed on the way.
const VarDecl *ownerOfLValue(const Expr *E) {
  for (unsigned Guard = 0; E && Guard < 32; ++Guard) {
    E = E->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
      return dyn_cast<VarDecl>(DRE->getDecl());
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (ME->isArrow())
        return nullptr;
      E = ME->getBase();
    } else if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
      // An element of an array variable, not of what a pointer points to.
      const auto *Decay = dyn_cast<ImplicitCastExpr>(ASE->getBase()->IgnoreParens());
      if (!Decay || Decay->getCastKind() != CK_ArrayToPointerDecay)
        return nullptr;
      E = Decay->getSubExpr();
    } else {
      return nullptr;
    }
  }
  return nullptr;
}

} // namespace

StringRef libraryName(const FunctionDecl *F) {
  if (!F || !F->getIdentifier() || !F->isExternallyVisible() || F->hasBody() ||
      !F->getDeclContext()->getRedeclContext()->isTranslationUnit())
    return StringRef();
  return F->getName();
}

const FunctionDecl *givenFunction(const Expr *E) {
  for (unsigned Hop = 0; E && Hop < 8; ++Hop) {
    const auto *DRE = dyn_cast<DeclRefExpr>(E->IgnoreParenCasts());
    if (!DRE)
      return nullptr;
    if (const auto *F = dyn_cast<FunctionDecl>(DRE->getDecl()))
      return F;
    const auto *VD = dyn_cast<VarDecl>(DRE->getDecl());
    E = VD && VD->hasLocalStorage() ? VD->getInit() : nullptr;
  }
  return nullptr;
}

namespace {

// The handler fields of the C library's struct sigaction.
bool isSignalHandlerField(const ValueDecl *D, const SourceManager &SM) {
  const auto *F = dyn_cast_or_null<FieldDecl>(D);
  return F && F->getIdentifier() && (F->getName() == "sa_handler" || F->getName() == "sa_sigaction") &&
         SM.isInSystemHeader(SM.getExpansionLoc(F->getLocation()));
}

class BodyScanner {
public:
  BodyScanner(ASTContext &Ctx, EffectNode &N)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), LO(Ctx.getLangOpts()), N(N), Unchecked(mayBeUnchecked(SM)) {}

  void run(const FunctionDecl *F) {
    push(F->getBody(), false);
    // A parameter declared as a variable length array evaluates its bound
    // on entry: `void f(int n, char buf[g(n)])`.
    for (const ParmVarDecl *P : F->parameters())
      pushTypeExprs(P->getOriginalType(), false);
    drain();
  }

  // A variable's initialiser outside any function: a table of callbacks.
  void runInit(const VarDecl *VD) {
    Carrier C;
    C.Decl = VD;
    C.Type = VD->getType();
    C.Known = true;
    push(VD->getInit(), false, C);
    drain();
  }

private:
  void drain() {
    while (!Work.empty()) {
      Item I = Work.back();
      Work.pop_back();
      visit(I);
    }
  }

  void push(const Stmt *S, bool Shadowed, Carrier C = Carrier(), Hand H = Hand::None,
            StringRef Via = StringRef()) {
    if (S)
      Work.push_back(Item{S, Shadowed, C, H, Via});
  }

  // The expressions a type evaluates where it is written: the bounds of its
  // variable length arrays and the operand of a variably modified typeof.
  // A typedef's bounds were evaluated where the typedef was declared.
  void pushTypeExprs(QualType T, bool Shadowed) {
    for (unsigned Step = 0; Step < 64 && !T.isNull() && T->isVariablyModifiedType(); ++Step) {
      const Type *Ty = T.getTypePtr();
      if (isa<TypedefType>(Ty))
        return;
      if (const auto *TE = dyn_cast<TypeOfExprType>(Ty)) {
        push(TE->getUnderlyingExpr(), Shadowed);
        return;
      }
      QualType Next = T.getSingleStepDesugaredType(Ctx);
      if (Next != T) {
        T = Next;
        continue;
      }
      if (const auto *VA = dyn_cast<VariableArrayType>(Ty)) {
        push(VA->getSizeExpr(), Shadowed);
        T = VA->getElementType();
      } else if (const auto *AT = dyn_cast<ArrayType>(Ty)) {
        T = AT->getElementType();
      } else if (const auto *PT = dyn_cast<PointerType>(Ty)) {
        T = PT->getPointeeType();
      } else {
        return;
      }
    }
  }

  // Children are pushed in reverse so that sites come out in source order.
  void pushChildren(const Stmt *S, bool Shadowed) {
    llvm::SmallVector<const Stmt *, 8> Kids;
    for (const Stmt *K : S->children())
      if (K)
        Kids.push_back(K);
    for (auto It = Kids.rbegin(); It != Kids.rend(); ++It)
      push(*It, Shadowed);
  }

  void addSite(EffectSite S) { N.Sites.push_back(std::move(S)); }

  void pushArgs(const CallExpr *CE, bool Shadowed, const FunctionDecl *FD, Hand H = Hand::None,
                StringRef Via = StringRef(), int OnlyArg = -1) {
    const FunctionProtoType *Proto = nullptr;
    if (!FD) {
      QualType CT = CE->getCallee()->getType();
      if (const auto *PT = CT->getAs<PointerType>())
        CT = PT->getPointeeType();
      Proto = CT->getAs<FunctionProtoType>();
    }
    for (unsigned I = CE->getNumArgs(); I-- > 0;) {
      Carrier C;
      if (FD && I < FD->getNumParams()) {
        C.Decl = FD->getParamDecl(I);
        C.Type = C.Decl->getType();
        C.Known = true;
      } else if (Proto && I < Proto->getNumParams()) {
        C.Type = Proto->getParamType(I);
        C.Known = true;
      }
      push(CE->getArg(I), Shadowed, C, OnlyArg < 0 || I == unsigned(OnlyArg) ? H : Hand::None, Via);
    }
  }

  void visitCall(const CallExpr *CE, bool Shadowed) {
    const FunctionDecl *FD = CE->getDirectCallee();
    if (!FD) {
      EffectSite S;
      S.What = EffectSite::Indirect;
      S.E = CE;
      S.Loc = CE->getBeginLoc();
      S.Shadowed = Shadowed;
      const Expr *Callee = CE->getCallee();
      S.Pointer = declOfLValue(Callee);
      if (isa<MemberExpr>(Callee->IgnoreParenImpCasts()))
        S.PointerOwner = ownerOfLValue(Callee);
      S.PointerQuiet = pointerCarries(S.Pointer, "noyield");
      S.PointerLoud = pointerCarries(S.Pointer, "mayyield");
      // The callee expression's own types, sugar included: `(*h->cb)` and
      // `get()(x)` have no declaration but may have a noyield typedef.
      for (const Expr *E = Callee; E;) {
        S.PointerQuiet |= typeCarries(E->getType(), "noyield", Ctx);
        S.PointerLoud |= typeCarries(E->getType(), "mayyield", Ctx);
        if (const auto *P = dyn_cast<ParenExpr>(E))
          E = P->getSubExpr();
        else if (const auto *C = dyn_cast<CastExpr>(E))
          E = C->getSubExpr();
        else if (const auto *U = dyn_cast<UnaryOperator>(E))
          E = U->getOpcode() == UO_Deref ? U->getSubExpr() : nullptr;
        else
          E = nullptr;
      }
      addSite(S);
      pushArgs(CE, Shadowed, nullptr);
      // The callee expression itself may call, or name functions.
      push(CE->getCallee(), Shadowed);
      return;
    }

    StringRef Internal = weftInternalName(CE);
    if (isWeftSink(Internal)) {
      EffectSite S;
      S.What = EffectSite::Sink;
      S.E = CE;
      S.Loc = weftCallLoc(CE, SM, LO);
      S.Name = publicName(Internal);
      S.Shadowed = Shadowed;
      addSite(S);
      pushArgs(CE, true, FD);
      return;
    }
    if (!Internal.empty() || isAsyncType(CE->getType())) {
      EffectSite S;
      S.What = EffectSite::Builds;
      S.E = CE;
      S.Shadowed = Shadowed;
      if (!Internal.empty()) {
        StringRef Macro;
        S.Loc = weftCallLoc(CE, SM, LO, &Macro);
        S.Name = Macro.empty() ? publicName(Internal) : Macro.str();
        if (Internal == "weft__map" && CE->getNumArgs() > 1)
          S.Callee = givenFunction(CE->getArg(1)); // the loop will call it
      } else {
        S.Name = FD->getNameAsString();
        S.Loc = CE->getBeginLoc();
      }
      addSite(S);
      // The functions a combinator is given are called by the event loop;
      // the one weft_detach is given, by a worker thread.
      if (Internal.empty()) {
        StringRef Library = libraryName(FD);
        pushArgs(CE, true, FD, handOf(Library), StringRef(), handedArg(Library));
      } else {
        pushArgs(CE, true, FD, Hand::Loop);
      }
      return;
    }

    EffectSite S;
    S.What = EffectSite::Call;
    S.E = CE;
    S.Loc = CE->getBeginLoc();
    S.Callee = FD;
    S.Shadowed = Shadowed;
    addSite(S);
    StringRef Library = libraryName(FD);
    pushArgs(CE, Shadowed, FD, handOf(Library), Library, handedArg(Library));
  }

  void visitInitList(const InitListExpr *ILE, const Item &I) {
    if (ILE->isSyntacticForm())
      if (const InitListExpr *Sem = ILE->getSemanticForm())
        ILE = Sem;
    llvm::SmallVector<Item, 4> Kids;
    const RecordDecl *RD = ILE->getType()->getAsRecordDecl();
    const VarDecl *Owner = I.C.Owner ? I.C.Owner : dyn_cast_or_null<VarDecl>(I.C.Decl);
    if (RD && RD->isUnion()) {
      if (ILE->getNumInits() == 1) {
        Carrier C;
        if (const FieldDecl *F = ILE->getInitializedFieldInUnion()) {
          C.Decl = F;
          C.Owner = Owner;
          C.Type = F->getType();
          C.Known = true;
        }
        Kids.push_back(Item{ILE->getInit(0), I.Shadowed, C, Hand::None, StringRef()});
      }
    } else if (RD) {
      unsigned Index = 0;
      for (const FieldDecl *F : RD->fields()) {
        if (Index >= ILE->getNumInits())
          break;
        if (F->isBitField() && !F->getDeclName()) // an unnamed bit-field takes no initialiser
          continue;
        Carrier C;
        C.Decl = F;
        C.Owner = Owner;
        C.Type = F->getType();
        C.Known = true;
        Kids.push_back(Item{ILE->getInit(Index++), I.Shadowed, C, Hand::None, StringRef()});
      }
      for (; Index < ILE->getNumInits(); ++Index)
        Kids.push_back(Item{ILE->getInit(Index), I.Shadowed, Carrier(), Hand::None, StringRef()});
    } else {
      // An array (or a scalar in braces): every element goes where the
      // whole goes, as an element.
      Carrier C = I.C;
      if (const ArrayType *AT = Ctx.getAsArrayType(ILE->getType()))
        C.Type = AT->getElementType();
      for (unsigned Index = 0; Index < ILE->getNumInits(); ++Index)
        Kids.push_back(Item{ILE->getInit(Index), I.Shadowed, C, Hand::None, StringRef()});
    }
    for (auto It = Kids.rbegin(); It != Kids.rend(); ++It)
      if (It->S)
        Work.push_back(*It);
  }

  void visit(const Item &I) {
    const Stmt *S = I.S;
    if (Unchecked && S->getBeginLoc().isMacroID() && isInUnchecked(S->getBeginLoc(), SM, LO))
      return;

    if (const auto *UE = dyn_cast<UnaryExprOrTypeTraitExpr>(S)) {
      // sizeof evaluates its operand when that has a variable length array
      // type; every other operand is unevaluated.
      if (UE->getKind() == UETT_SizeOf) {
        if (UE->isArgumentType())
          pushTypeExprs(UE->getArgumentType(), I.Shadowed);
        else if (UE->getArgumentExpr()->getType()->isVariablyModifiedType())
          push(UE->getArgumentExpr(), I.Shadowed);
      }
      return;
    }
    if (isa<BlockExpr>(S))
      return; // not this function's code
    if (const auto *CH = dyn_cast<ChooseExpr>(S)) {
      // __builtin_choose_expr evaluates the chosen operand only.
      if (!CH->isConditionDependent())
        push(CH->getChosenSubExpr(), I.Shadowed, I.C, I.H, I.Via);
      return;
    }
    if (const auto *GS = dyn_cast<GenericSelectionExpr>(S)) {
      if (!GS->isResultDependent())
        push(GS->getResultExpr(), I.Shadowed, I.C);
      return;
    }
    if (const auto *DS = dyn_cast<DeclStmt>(S)) {
      llvm::SmallVector<Item, 4> Kids;
      for (const Decl *D : DS->decls()) {
        if (const auto *TD = dyn_cast<TypedefNameDecl>(D))
          pushTypeExprs(TD->getUnderlyingType(), I.Shadowed);
        const auto *VD = dyn_cast<VarDecl>(D);
        if (!VD)
          continue;
        pushTypeExprs(VD->getType(), I.Shadowed);
        // __attribute__((cleanup(f))): f(&v) is called when v goes out of
        // scope, a call the body does not spell.
        if (const auto *CA = VD->getAttr<CleanupAttr>())
          if (const FunctionDecl *F = CA->getFunctionDecl()) {
            EffectSite Site;
            Site.What = EffectSite::Call;
            Site.Loc = CA->getLocation().isValid() ? CA->getLocation() : VD->getLocation();
            Site.Callee = F;
            Site.Cleaned = VD;
            Site.Shadowed = I.Shadowed;
            addSite(Site);
          }
        bool Async = isAsyncType(VD->getType());
        // A local of weft.h's holds a combinator's or sink's argument: its
        // initialiser is that argument, reported by the outer site.
        bool Argument = isWeftLocal(VD, SM);
        if (Async && !Argument)
          N.AsyncLocals.push_back(VD);
        if (Argument) {
          // The carrier names the weft.h local, so that a function given to
          // the combinator is known as handed to the loop (isWeftLocal).
          Carrier C;
          C.Decl = VD;
          C.Type = VD->getType();
          C.Known = true;
          if (const Expr *Init = VD->getInit())
            Kids.push_back(Item{Init, true, C, Hand::None, StringRef()});
        } else if (const Expr *Init = VD->getInit()) {
          Carrier C;
          C.Decl = VD;
          C.Type = VD->getType();
          C.Known = true;
          Kids.push_back(Item{Init, I.Shadowed || Async, C, Hand::None, StringRef()});
        }
      }
      for (auto It = Kids.rbegin(); It != Kids.rend(); ++It)
        Work.push_back(*It);
      return;
    }
    if (const auto *CE = dyn_cast<CallExpr>(S)) {
      visitCall(CE, I.Shadowed);
      return;
    }
    if (const auto *ILE = dyn_cast<InitListExpr>(S)) {
      visitInitList(ILE, I);
      return;
    }
    if (const auto *BO = dyn_cast<BinaryOperator>(S)) {
      if (BO->getOpcode() == BO_Assign) {
        Carrier C;
        C.Decl = declOfLValue(BO->getLHS());
        if (isa<MemberExpr>(BO->getLHS()->IgnoreParenImpCasts()))
          C.Owner = ownerOfLValue(BO->getLHS());
        C.Type = BO->getLHS()->getType();
        C.Known = true;
        push(BO->getRHS(), I.Shadowed, C);
        push(BO->getLHS(), I.Shadowed);
        return;
      }
    }
    if (const auto *CO = dyn_cast<ConditionalOperator>(S)) {
      push(CO->getFalseExpr(), I.Shadowed, I.C, I.H, I.Via);
      push(CO->getTrueExpr(), I.Shadowed, I.C, I.H, I.Via);
      push(CO->getCond(), I.Shadowed);
      return;
    }
    if (isa<ParenExpr>(S) || isa<ImplicitCastExpr>(S)) {
      push(*S->child_begin(), I.Shadowed, I.C, I.H, I.Via);
      return;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
      bool Keeps = UO->getOpcode() == UO_AddrOf || UO->getOpcode() == UO_Deref ||
                   UO->getOpcode() == UO_Extension;
      if (Keeps)
        push(UO->getSubExpr(), I.Shadowed, I.C, I.H, I.Via);
      else
        push(UO->getSubExpr(), I.Shadowed);
      return;
    }
    if (const auto *EC = dyn_cast<ExplicitCastExpr>(S)) {
      Carrier C;
      C.Type = EC->getTypeAsWritten();
      C.Known = true;
      pushTypeExprs(C.Type, I.Shadowed);
      push(EC->getSubExpr(), I.Shadowed, C, I.H, I.Via);
      return;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S)) {
      if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl())) {
        if (I.H == Hand::Callback) {
          EffectSite Site;
          Site.What = EffectSite::Callback;
          Site.E = DRE;
          Site.Loc = DRE->getLocation();
          Site.Callee = FD;
          Site.Name = I.Via.str();
          Site.Shadowed = I.Shadowed;
          addSite(Site);
          return;
        }
        EffectSite Site;
        Site.What = EffectSite::Address;
        // weft.h's macros may first bind the function to a temporary of
        // their own, which they hand to the combinator.
        bool Temporary = isWeftLocal(dyn_cast_or_null<VarDecl>(I.C.Decl), SM);
        Site.Handed = I.H == Hand::Loop || Temporary ? EffectSite::ToLoop
                      : I.H == Hand::Thread          ? EffectSite::ToThread
                      : I.H == Hand::Signal || isSignalHandlerField(I.C.Decl, SM) ? EffectSite::ToSignal
                                                     : EffectSite::None;
        Site.E = DRE;
        Site.Loc = DRE->getLocation();
        Site.Callee = FD;
        Site.Shadowed = I.Shadowed;
        Site.Dest = I.C.Decl;
        Site.DestOwner = I.C.Owner;
        Site.DestType = I.C.Known ? I.C.Type : Ctx.getPointerType(FD->getType());
        addSite(Site);
      } else if (I.H == Hand::Callback) {
        callbackPointer(DRE, I);
      }
      return;
    }
    if (const auto *CS = dyn_cast<CompoundStmt>(S))
      if (isMacroBody(CS)) {
        // A combinator's expansion binds its arguments first and calls its
        // weft__ internal last; the call is the outer site, so it comes
        // out first, as it did when the arguments sat inside the call.
        for (const Stmt *K : CS->body())
          push(K, I.Shadowed);
        return;
      }
    if (const auto *ME = dyn_cast<MemberExpr>(S))
      if (I.H == Hand::Callback)
        callbackPointer(ME, I);
    pushChildren(S, I.Shadowed);
  }

  // Whether CS is the body of a weft.h macro that binds its arguments to
  // locals (WEFT__LET3 and its kin).
  bool isMacroBody(const CompoundStmt *CS) const {
    const auto *DS = CS->body_empty() ? nullptr : dyn_cast<DeclStmt>(CS->body_front());
    if (!DS || !DS->isSingleDecl())
      return false;
    return isWeftLocal(dyn_cast<VarDecl>(DS->getSingleDecl()), SM);
  }

  // A function pointer (not a function's name) given to a library function
  // that calls it before returning: that call is a call through the pointer.
  void callbackPointer(const Expr *E, const Item &I) {
    QualType T = E->getType();
    if (!T->isFunctionPointerType())
      return;
    EffectSite Site;
    Site.What = EffectSite::Indirect;
    Site.E = E;
    Site.Loc = E->getBeginLoc();
    Site.Shadowed = I.Shadowed;
    Site.Pointer = declOfLValue(E);
    Site.PointerQuiet = pointerCarries(Site.Pointer, "noyield") || typeCarries(T, "noyield", Ctx);
    Site.PointerLoud = pointerCarries(Site.Pointer, "mayyield") || typeCarries(T, "mayyield", Ctx);
    addSite(Site);
  }

  ASTContext &Ctx;
  const SourceManager &SM;
  const LangOptions &LO;
  EffectNode &N;
  bool Unchecked; // whether weft_unchecked may occur in the unit at all
  std::vector<Item> Work;
};

void collectFunctions(const DeclContext *DC, std::vector<const FunctionDecl *> &Out,
                      std::vector<const VarDecl *> &Globals, unsigned Depth) {
  if (Depth > 8)
    return;
  for (const Decl *D : DC->decls()) {
    if (const auto *VD = dyn_cast<VarDecl>(D)) {
      if (VD->getInit() && !VD->isInvalidDecl())
        Globals.push_back(VD);
    } else if (const auto *FD = dyn_cast<FunctionDecl>(D)) {
      if (FD->doesThisDeclarationHaveABody() && !FD->isInvalidDecl() && !FD->isDependentContext())
        Out.push_back(FD);
    } else if (const auto *LS = dyn_cast<LinkageSpecDecl>(D)) {
      collectFunctions(LS, Out, Globals, Depth + 1);
    }
  }
}

} // namespace

EffectGraph::EffectGraph(ASTContext &Ctx, bool Build) : Ctx(Ctx) {
  if (!Build)
    return;
  collect();
  infer(Yields);
  infer(MayYield);
  infer(Runs);
  reach();
}

namespace {
const ValueDecl *canonical(const ValueDecl *D) {
  return D ? cast<ValueDecl>(D->getCanonicalDecl()) : nullptr;
}
} // namespace

void EffectGraph::collect() {
  std::vector<const FunctionDecl *> Defs;
  std::vector<const VarDecl *> Vars;
  collectFunctions(Ctx.getTranslationUnitDecl(), Defs, Vars, 0);
  for (const FunctionDecl *FD : Defs) {
    // The author of a weft_boundary function vouches for it: its body is
    // neither looked into nor inferred through.
    if (isBoundary(FD) || Index.count(FD->getCanonicalDecl()))
      continue;
    Index[FD->getCanonicalDecl()] = Nodes.size();
    EffectNode N;
    N.Def = FD;
    Nodes.push_back(std::move(N));
  }
  for (EffectNode &N : Nodes)
    scan(N);
  for (const VarDecl *VD : Vars)
    BodyScanner(Ctx, Globals).runInit(VD);
  // What each pointer, field and table may hold.
  auto Record = [&](const EffectNode &N) {
    for (const EffectSite &S : N.Sites)
      if (S.What == EffectSite::Address && S.Dest) {
        auto &List = Stored[canonical(S.Dest)];
        std::pair<const FunctionDecl *, const VarDecl *> Entry{S.Callee, S.DestOwner};
        if (std::find(List.begin(), List.end(), Entry) == List.end())
          List.push_back(Entry);
      }
  };
  for (const EffectNode &N : Nodes)
    Record(N);
  Record(Globals);
}

void EffectGraph::scan(EffectNode &N) { BodyScanner(Ctx, N).run(N.Def); }

const EffectNode *EffectGraph::node(const FunctionDecl *F) const {
  if (!F)
    return nullptr;
  auto It = Index.find(F->getCanonicalDecl());
  return It == Index.end() ? nullptr : &Nodes[It->second];
}

std::vector<const FunctionDecl *> EffectGraph::pointees(const ValueDecl *D, const VarDecl *Owner) const {
  std::vector<const FunctionDecl *> Out;
  auto It = Stored.find(canonical(D));
  if (It == Stored.end())
    return Out;
  // A field of a constant variable holds what its initialiser put there;
  // any other may have been given what any variable of its type holds.
  bool Exact = Owner && Ctx.getBaseElementType(Owner->getType()).isConstQualified();
  for (auto [F, By] : It->second)
    if ((!Exact || By == Owner) && std::find(Out.begin(), Out.end(), F) == Out.end())
      Out.push_back(F);
  return Out;
}

int EffectNode::*EffectGraph::field(Fact What) {
  switch (What) {
  case Yields:
    return &EffectNode::YieldsBy;
  case MayYield:
    return &EffectNode::MayYieldBy;
  case Runs:
    return &EffectNode::RunsBy;
  }
  return &EffectNode::YieldsBy;
}

bool EffectGraph::isBase(const EffectSite &S, Fact What) const {
  switch (S.What) {
  case EffectSite::Sink:
    return What != Runs || S.Name == "weft_run";
  case EffectSite::Call:
  case EffectSite::Callback:
    return What != Runs && isDeclaredMayYield(S.Callee);
  case EffectSite::Builds:
    return What == MayYield;
  case EffectSite::Indirect:
    // A pointer declared mayyield yields when called; one declared noyield
    // does not; any other may.
    if (What == Yields)
      return S.PointerLoud;
    return What == MayYield && !S.PointerQuiet;
  case EffectSite::Address:
    return false;
  }
  return false;
}

const EffectNode *EffectGraph::propagatesTo(const EffectSite &S) const {
  if ((S.What != EffectSite::Call && S.What != EffectSite::Callback) || isDeclaredNoYield(S.Callee) ||
      isDeclaredMayYield(S.Callee))
    return nullptr;
  return node(S.Callee);
}

namespace {
int rank(const EffectSite &S) {
  switch (S.What) {
  case EffectSite::Sink:
    return 0;
  case EffectSite::Call:
  case EffectSite::Callback:
    return 1;
  case EffectSite::Indirect:
    return 2;
  default:
    return 3;
  }
}
} // namespace

void EffectGraph::infer(Fact What) {
  int EffectNode::*Field = field(What);
  // Only synchronous functions yield in the mayyield sense, or run a loop:
  // an async function builds actions, and calling it is building one.
  auto Counts = [&](const EffectNode &N) { return What == MayYield || !isAsyncContext(N.Def); };
  // Callers[j]: the call sites, as (node, site), that call node j.
  std::vector<std::vector<std::pair<unsigned, unsigned>>> Callers(Nodes.size());
  std::vector<int> Dist(Nodes.size(), -1);
  std::deque<unsigned> Queue;
  for (unsigned I = 0; I < Nodes.size(); ++I) {
    EffectNode &N = Nodes[I];
    if (!Counts(N))
      continue;
    // The witness of a function that has the fact by itself: its first
    // base site of the most telling kind (a sink says more than the action
    // built for it, which weft.h may build first).
    int Best = -1;
    for (unsigned S = 0; S < N.Sites.size(); ++S) {
      const EffectSite &Site = N.Sites[S];
      if (isBase(Site, What) && (Best < 0 || rank(Site) < rank(N.Sites[Best])))
        Best = S;
      if (const EffectNode *Callee = propagatesTo(Site))
        Callers[Callee - Nodes.data()].push_back({I, S});
    }
    if (Best >= 0) {
      N.*Field = Best;
      Dist[I] = 0;
      Queue.push_back(I);
    }
  }
  // Breadth first: each function is reached once, at its distance from the
  // nearest base site.
  while (!Queue.empty()) {
    unsigned J = Queue.front();
    Queue.pop_front();
    for (auto [I, S] : Callers[J]) {
      (void)S;
      if (Dist[I] >= 0)
        continue;
      Dist[I] = Dist[J] + 1;
      Queue.push_back(I);
    }
  }
  // The witness of a function that has the fact through a callee: its first
  // call, in source order, of a callee one step nearer.  Deterministic, and
  // the chain it starts is a shortest one.
  for (unsigned I = 0; I < Nodes.size(); ++I) {
    if (Dist[I] <= 0)
      continue;
    EffectNode &N = Nodes[I];
    for (unsigned S = 0; S < N.Sites.size(); ++S)
      if (const EffectNode *Callee = propagatesTo(N.Sites[S]))
        if (Dist[Callee - Nodes.data()] == Dist[I] - 1) {
          N.*Field = S;
          break;
        }
  }
}

void EffectGraph::reach() {
  std::deque<unsigned> Queue;
  // Marks N reached, through site S of From (none for a root), and queues it.
  // A reach through a field of a struct that is not a constant is loose
  // (any struct of the type may have held the function, maybe one only
  // main uses); a later firm reach, through a call, a variable, an array or
  // a field of a constant, replaces it, whichever came first.
  auto Loose = [&](const EffectNode *From, int S) {
    if (!From || S < 0)
      return false;
    const EffectSite &How = From->Sites[S];
    return How.What == EffectSite::Indirect && isa_and_nonnull<FieldDecl>(How.Pointer) &&
           !(How.PointerOwner && Ctx.getBaseElementType(How.PointerOwner->getType()).isConstQualified());
  };
  auto Mark = [&](const EffectNode *N, const EffectNode *From, int S) {
    if (!N)
      return;
    EffectNode &M = Nodes[N - Nodes.data()];
    if (M.Reached) {
      // Not through N itself: the chain of reaches stays a forest.
      bool Descends = false;
      const EffectNode *A = From;
      for (size_t Guard = 0; A && !Descends && Guard <= Nodes.size(); ++Guard, A = A->ReachedFrom)
        Descends = A == N;
      if (!Descends && Loose(M.ReachedFrom, M.ReachedBy) && !Loose(From, S)) {
        M.ReachedFrom = From;
        M.ReachedBy = S;
      }
      return;
    }
    M.Reached = true;
    M.ReachedFrom = From;
    M.ReachedBy = S;
    Queue.push_back(N - Nodes.data());
  };
  for (const EffectNode &N : Nodes)
    if (isAsyncContext(N.Def))
      Mark(&N, nullptr, -1);
  // A function given to weft_map runs in the loop, as a continuation does;
  // the weft_map that hands it over is the first step of its chain.
  for (unsigned I = 0; I < Nodes.size(); ++I)
    for (unsigned S = 0; S < Nodes[I].Sites.size(); ++S) {
      const EffectSite &Site = Nodes[I].Sites[S];
      if (Site.What == EffectSite::Builds)
        Mark(node(Site.Callee), &Nodes[I], S);
    }
  while (!Queue.empty()) {
    unsigned J = Queue.front();
    Queue.pop_front();
    for (unsigned S = 0; S < Nodes[J].Sites.size(); ++S) {
      const EffectSite &Site = Nodes[J].Sites[S];
      // A weft_blocking function is warned at its calls; its own body is
      // not looked into for more of the same.
      if (Site.What == EffectSite::Call || Site.What == EffectSite::Callback) {
        if (!isDeclaredBlocking(Site.Callee))
          Mark(node(Site.Callee), &Nodes[J], S);
      } else if (Site.What == EffectSite::Indirect && Site.Pointer) {
        // A call through a pointer, field or table runs what was stored in it.
        for (const FunctionDecl *F : pointees(Site.Pointer, Site.PointerOwner))
          if (!isDeclaredBlocking(F))
            Mark(node(F), &Nodes[J], S);
      }
    }
  }
}

bool EffectGraph::effect(const FunctionDecl *F, int EffectNode::*By) const {
  if (!F)
    return false;
  if (isDeclaredMayYield(F))
    return true;
  if (isDeclaredNoYield(F) || isBoundary(F))
    return false;
  const EffectNode *N = node(F);
  return N && N->*By >= 0;
}

// An async function's call only builds an action: it yields nothing itself.
bool EffectGraph::yields(const FunctionDecl *F) const {
  return F && !isAsyncContext(F) && effect(F, &EffectNode::YieldsBy);
}

bool EffectGraph::mayYield(const FunctionDecl *F) const { return effect(F, &EffectNode::MayYieldBy); }

bool EffectGraph::runsLoop(const FunctionDecl *F) const {
  if (!F || isAsyncContext(F) || isDeclaredMayYield(F) || isDeclaredNoYield(F) || isBoundary(F))
    return false;
  const EffectNode *N = node(F);
  return N && N->RunsBy >= 0;
}

std::vector<ChainStep> EffectGraph::chainOf(const FunctionDecl *F, Fact What) const {
  std::vector<ChainStep> Steps;
  if (isDeclaredMayYield(F))
    return Steps;
  int EffectNode::*Field = field(What);
  const EffectNode *N = node(F);
  // The witnesses form a forest, so the walk ends; the bound is a guard.
  for (size_t Guard = 0; N && Guard <= Nodes.size(); ++Guard) {
    int By = N->*Field;
    if (By < 0)
      break;
    const EffectSite &S = N->Sites[By];
    Steps.push_back(ChainStep{N->Def, &S});
    N = propagatesTo(S);
  }
  return Steps;
}

std::vector<ChainStep> EffectGraph::chain(const FunctionDecl *F, bool May) const {
  return chainOf(F, May ? MayYield : Yields);
}

std::vector<ChainStep> EffectGraph::runChain(const FunctionDecl *F) const { return chainOf(F, Runs); }

std::vector<ChainStep> EffectGraph::reachChain(const FunctionDecl *F) const {
  std::vector<ChainStep> Steps;
  const EffectNode *N = node(F);
  for (size_t Guard = 0; N && N->ReachedFrom && Guard <= Nodes.size(); ++Guard) {
    Steps.push_back(ChainStep{N->ReachedFrom->Def, &N->ReachedFrom->Sites[N->ReachedBy], N->Def});
    N = N->ReachedFrom;
  }
  return std::vector<ChainStep>(Steps.rbegin(), Steps.rend());
}

void noteChain(CheckContext &C, const std::vector<ChainStep> &Steps, bool Reach) {
  for (const ChainStep &Step : Steps) {
    const EffectSite &S = *Step.Site;
    switch (S.What) {
    case EffectSite::Call:
      if (S.Cleaned)
        C.note(DiagId::note_cleanup_calls_here, S.Loc) << Step.Function << S.Callee << S.Cleaned;
      else
        C.note(DiagId::note_calls_here, S.Loc) << Step.Function << S.Callee;
      if (!Reach && isDeclaredMayYield(S.Callee))
        C.note(DiagId::note_declared_mayyield, effectAttrLoc(S.Callee, "mayyield")) << S.Callee;
      break;
    case EffectSite::Callback:
      C.note(DiagId::note_callback_here, S.Loc) << Step.Function << S.Callee << S.Name;
      if (!Reach && isDeclaredMayYield(S.Callee))
        C.note(DiagId::note_declared_mayyield, effectAttrLoc(S.Callee, "mayyield")) << S.Callee;
      break;
    case EffectSite::Sink:
      C.note(DiagId::note_calls_sink_here, S.Loc) << Step.Function << S.Name;
      break;
    case EffectSite::Builds:
      if (Reach && S.Callee)
        C.note(DiagId::note_gives_to_loop, S.Loc) << Step.Function << S.Callee << S.Name;
      else
        C.note(DiagId::note_builds_here, S.Loc) << Step.Function << S.Name;
      break;
    case EffectSite::Indirect:
      if (Reach && Step.Target) {
        C.note(DiagId::note_indirect_reaches, S.Loc) << Step.Function << Step.Target;
      } else if (S.PointerLoud) {
        C.note(DiagId::note_indirect_mayyield_here, S.Loc) << Step.Function;
      } else {
        C.note(DiagId::note_indirect_here, S.Loc) << Step.Function;
        if (S.Pointer)
          C.note(DiagId::note_declare_pointer_noyield, S.Pointer->getLocation()) << S.Pointer;
      }
      break;
    case EffectSite::Address:
      break;
    }
  }
}

void noteWhyYields(CheckContext &C, const EffectGraph &G, const FunctionDecl *F, bool May) {
  if (isDeclaredMayYield(F)) {
    C.note(DiagId::note_declared_mayyield, effectAttrLoc(F, "mayyield")) << F;
    return;
  }
  noteChain(C, G.chain(F, May));
}

namespace {
// Whether anything in the translation unit can start an effect: an async
// function with a body (async context, and what it reaches), a use of a
// weft internal (a sink, a combinator) or of a function declared mayyield.
// Everything else that matters is a noyield or mayyield annotation, which
// the rules report through CheckContext::noteEffectAnnotation().
bool mayHaveEffects(const ASTContext &Ctx) {
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    const auto *FD = dyn_cast<FunctionDecl>(D);
    if (!FD)
      continue;
    if (FD->doesThisDeclarationHaveABody() && isAsyncType(FD->getReturnType()))
      return true;
    if (FD->isReferenced() && FD->getIdentifier() &&
        (startsWith(FD->getName(), "weft__") || isDeclaredMayYield(FD)))
      return true;
  }
  return false;
}
} // namespace

const EffectGraph &CheckContext::effects() {
  if (!Effects)
    Effects = std::make_shared<EffectGraph>(Ctx, EffectAnnotations || mayHaveEffects(Ctx));
  return *Effects;
}

} // namespace weft
