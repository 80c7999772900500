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
  QualType Type;
  bool Known = false;
};

struct Item {
  const Stmt *S;
  bool Shadowed;
  Carrier C;
};

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

class BodyScanner {
public:
  BodyScanner(ASTContext &Ctx, EffectNode &N)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), LO(Ctx.getLangOpts()), N(N) {}

  void run(const Stmt *Body) {
    push(Body, false);
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

  void push(const Stmt *S, bool Shadowed, Carrier C = Carrier()) {
    if (S)
      Work.push_back(Item{S, Shadowed, C});
  }

  // Children are pushed in reverse so that sites come out in source order.
  void pushChildren(const Stmt *S, bool Shadowed) {
    std::vector<const Stmt *> Kids;
    for (const Stmt *K : S->children())
      if (K)
        Kids.push_back(K);
    for (auto It = Kids.rbegin(); It != Kids.rend(); ++It)
      push(*It, Shadowed);
  }

  void addSite(EffectSite S) { N.Sites.push_back(std::move(S)); }

  void pushArgs(const CallExpr *CE, bool Shadowed, const FunctionDecl *FD) {
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
      push(CE->getArg(I), Shadowed, C);
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
      S.PointerQuiet = pointerCarries(S.Pointer, "noyield");
      // The callee expression's own types, sugar included: `(*h->cb)` and
      // `get()(x)` have no declaration but may have a noyield typedef.
      for (const Expr *E = Callee; E && !S.PointerQuiet;) {
        S.PointerQuiet = typeCarries(E->getType(), "noyield", Ctx);
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
        StringRef Macro = outermostWeftMacro(CE->getBeginLoc(), SM, LO);
        S.Name = Macro.empty() ? publicName(Internal) : Macro.str();
        S.Loc = weftCallLoc(CE, SM, LO);
        if (Internal == "weft__map" && CE->getNumArgs() > 1)
          if (const auto *DRE = dyn_cast<DeclRefExpr>(CE->getArg(1)->IgnoreParenCasts()))
            if (const auto *F = dyn_cast<FunctionDecl>(DRE->getDecl()))
              S.Callee = F; // the loop will call it
      } else {
        S.Name = FD->getNameAsString();
        S.Loc = CE->getBeginLoc();
      }
      addSite(S);
      pushArgs(CE, true, FD);
      return;
    }

    EffectSite S;
    S.What = EffectSite::Call;
    S.E = CE;
    S.Loc = CE->getBeginLoc();
    S.Callee = FD;
    S.Shadowed = Shadowed;
    addSite(S);
    pushArgs(CE, Shadowed, FD);
  }

  void visitInitList(const InitListExpr *ILE, const Item &I) {
    if (ILE->isSyntacticForm())
      if (const InitListExpr *Sem = ILE->getSemanticForm())
        ILE = Sem;
    std::vector<Item> Kids;
    const RecordDecl *RD = ILE->getType()->getAsRecordDecl();
    if (RD && RD->isUnion()) {
      if (ILE->getNumInits() == 1) {
        Carrier C;
        if (const FieldDecl *F = ILE->getInitializedFieldInUnion()) {
          C.Decl = F;
          C.Type = F->getType();
          C.Known = true;
        }
        Kids.push_back(Item{ILE->getInit(0), I.Shadowed, C});
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
        C.Type = F->getType();
        C.Known = true;
        Kids.push_back(Item{ILE->getInit(Index++), I.Shadowed, C});
      }
      for (; Index < ILE->getNumInits(); ++Index)
        Kids.push_back(Item{ILE->getInit(Index), I.Shadowed, Carrier()});
    } else {
      // An array (or a scalar in braces): every element goes where the
      // whole goes, as an element.
      Carrier C = I.C;
      if (const ArrayType *AT = Ctx.getAsArrayType(ILE->getType()))
        C.Type = AT->getElementType();
      for (unsigned Index = 0; Index < ILE->getNumInits(); ++Index)
        Kids.push_back(Item{ILE->getInit(Index), I.Shadowed, C});
    }
    for (auto It = Kids.rbegin(); It != Kids.rend(); ++It)
      if (It->S)
        Work.push_back(*It);
  }

  void visit(const Item &I) {
    const Stmt *S = I.S;
    if (S->getBeginLoc().isMacroID() && isInUnchecked(S->getBeginLoc(), SM, LO))
      return;

    if (isa<UnaryExprOrTypeTraitExpr>(S) || isa<BlockExpr>(S))
      return; // unevaluated, or not this function's code
    if (const auto *GS = dyn_cast<GenericSelectionExpr>(S)) {
      if (!GS->isResultDependent())
        push(GS->getResultExpr(), I.Shadowed, I.C);
      return;
    }
    if (const auto *DS = dyn_cast<DeclStmt>(S)) {
      std::vector<Item> Kids;
      for (const Decl *D : DS->decls()) {
        const auto *VD = dyn_cast<VarDecl>(D);
        if (!VD)
          continue;
        bool Async = isAsyncType(VD->getType());
        if (Async)
          N.AsyncLocals.push_back(VD);
        if (const Expr *Init = VD->getInit()) {
          Carrier C;
          C.Decl = VD;
          C.Type = VD->getType();
          C.Known = true;
          Kids.push_back(Item{Init, I.Shadowed || Async, C});
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
        C.Type = BO->getLHS()->getType();
        C.Known = true;
        push(BO->getRHS(), I.Shadowed, C);
        push(BO->getLHS(), I.Shadowed);
        return;
      }
    }
    if (const auto *CO = dyn_cast<ConditionalOperator>(S)) {
      push(CO->getFalseExpr(), I.Shadowed, I.C);
      push(CO->getTrueExpr(), I.Shadowed, I.C);
      push(CO->getCond(), I.Shadowed);
      return;
    }
    if (isa<ParenExpr>(S) || isa<ImplicitCastExpr>(S)) {
      push(*S->child_begin(), I.Shadowed, I.C);
      return;
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(S)) {
      bool Keeps = UO->getOpcode() == UO_AddrOf || UO->getOpcode() == UO_Deref ||
                   UO->getOpcode() == UO_Extension;
      push(UO->getSubExpr(), I.Shadowed, Keeps ? I.C : Carrier());
      return;
    }
    if (const auto *EC = dyn_cast<ExplicitCastExpr>(S)) {
      Carrier C;
      C.Type = EC->getTypeAsWritten();
      C.Known = true;
      push(EC->getSubExpr(), I.Shadowed, C);
      return;
    }
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S)) {
      if (const auto *FD = dyn_cast<FunctionDecl>(DRE->getDecl())) {
        EffectSite Site;
        Site.What = EffectSite::Address;
        Site.E = DRE;
        Site.Loc = DRE->getLocation();
        Site.Callee = FD;
        Site.Shadowed = I.Shadowed;
        Site.Dest = I.C.Decl;
        Site.DestType = I.C.Known ? I.C.Type : Ctx.getPointerType(FD->getType());
        addSite(Site);
      }
      return;
    }
    pushChildren(S, I.Shadowed);
  }

  ASTContext &Ctx;
  const SourceManager &SM;
  const LangOptions &LO;
  EffectNode &N;
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

EffectGraph::EffectGraph(ASTContext &Ctx) : Ctx(Ctx) {
  collect();
  infer(false);
  infer(true);
  reach();
}

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
}

void EffectGraph::scan(EffectNode &N) { BodyScanner(Ctx, N).run(N.Def->getBody()); }

const EffectNode *EffectGraph::node(const FunctionDecl *F) const {
  if (!F)
    return nullptr;
  auto It = Index.find(F->getCanonicalDecl());
  return It == Index.end() ? nullptr : &Nodes[It->second];
}

bool EffectGraph::isBase(const EffectSite &S, bool May) const {
  switch (S.What) {
  case EffectSite::Sink:
    return true;
  case EffectSite::Call:
    return isDeclaredMayYield(S.Callee);
  case EffectSite::Builds:
    return May;
  case EffectSite::Indirect:
    return May && !S.PointerQuiet;
  case EffectSite::Address:
    return false;
  }
  return false;
}

const EffectNode *EffectGraph::propagatesTo(const EffectSite &S) const {
  if (S.What != EffectSite::Call || isDeclaredNoYield(S.Callee) || isDeclaredMayYield(S.Callee))
    return nullptr;
  return node(S.Callee);
}

void EffectGraph::infer(bool May) {
  auto By = [&](EffectNode &N) -> int & { return May ? N.MayYieldBy : N.YieldsBy; };
  // Only synchronous functions yield in the mayyield sense: an async
  // function builds actions, and calling it is building one.
  auto Counts = [&](const EffectNode &N) { return May || !isAsyncContext(N.Def); };
  // Callers[j]: the call sites, as (node, site), that call node j.
  std::vector<std::vector<std::pair<unsigned, unsigned>>> Callers(Nodes.size());
  std::vector<int> Dist(Nodes.size(), -1);
  std::deque<unsigned> Queue;
  for (unsigned I = 0; I < Nodes.size(); ++I) {
    EffectNode &N = Nodes[I];
    if (!Counts(N))
      continue;
    for (unsigned S = 0; S < N.Sites.size(); ++S) {
      const EffectSite &Site = N.Sites[S];
      if (Dist[I] < 0 && isBase(Site, May)) {
        By(N) = S;
        Dist[I] = 0;
        Queue.push_back(I);
      }
      if (const EffectNode *Callee = propagatesTo(Site))
        Callers[Callee - Nodes.data()].push_back({I, S});
    }
  }
  // Breadth first: each function is reached once, at its distance from the
  // nearest yield.
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
  // The witness of a function that yields through a callee: its first call,
  // in source order, of a callee one step nearer the yield.  Deterministic,
  // and the chain it starts is a shortest one.
  for (unsigned I = 0; I < Nodes.size(); ++I) {
    if (Dist[I] <= 0)
      continue;
    EffectNode &N = Nodes[I];
    for (unsigned S = 0; S < N.Sites.size(); ++S)
      if (const EffectNode *Callee = propagatesTo(N.Sites[S]))
        if (Dist[Callee - Nodes.data()] == Dist[I] - 1) {
          By(N) = S;
          break;
        }
  }
}

void EffectGraph::reach() {
  std::deque<unsigned> Queue;
  // Marks N reached, through site S of From (none for a root), and queues it.
  auto Mark = [&](const EffectNode *N, const EffectNode *From, int S) {
    if (!N || N->Reached)
      return;
    EffectNode &M = Nodes[N - Nodes.data()];
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
      const EffectNode *Callee = Site.What == EffectSite::Call ? node(Site.Callee) : nullptr;
      if (Callee && !Callee->Reached && !isDeclaredBlocking(Site.Callee))
        Mark(Callee, &Nodes[J], S);
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

std::vector<ChainStep> EffectGraph::chain(const FunctionDecl *F, bool May) const {
  std::vector<ChainStep> Steps;
  if (isDeclaredMayYield(F))
    return Steps;
  const EffectNode *N = node(F);
  // The witnesses form a forest, so the walk ends; the bound is a guard.
  for (size_t Guard = 0; N && Guard <= Nodes.size(); ++Guard) {
    int By = May ? N->MayYieldBy : N->YieldsBy;
    if (By < 0)
      break;
    const EffectSite &S = N->Sites[By];
    Steps.push_back(ChainStep{N->Def, &S});
    N = propagatesTo(S);
  }
  return Steps;
}

std::vector<ChainStep> EffectGraph::reachChain(const FunctionDecl *F) const {
  std::vector<ChainStep> Steps;
  const EffectNode *N = node(F);
  for (size_t Guard = 0; N && N->ReachedFrom && Guard <= Nodes.size(); ++Guard) {
    Steps.push_back(ChainStep{N->ReachedFrom->Def, &N->ReachedFrom->Sites[N->ReachedBy]});
    N = N->ReachedFrom;
  }
  return std::vector<ChainStep>(Steps.rbegin(), Steps.rend());
}

void noteChain(CheckContext &C, const std::vector<ChainStep> &Steps, bool Reach) {
  for (const ChainStep &Step : Steps) {
    const EffectSite &S = *Step.Site;
    switch (S.What) {
    case EffectSite::Call:
      C.note(DiagId::note_calls_here, S.Loc) << Step.Function << S.Callee;
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
      C.note(DiagId::note_indirect_here, S.Loc) << Step.Function;
      if (S.Pointer)
        C.note(DiagId::note_declare_pointer_noyield, S.Pointer->getLocation()) << S.Pointer;
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

const EffectGraph &CheckContext::effects() {
  if (!Effects)
    Effects = std::make_shared<EffectGraph>(Ctx);
  return *Effects;
}

} // namespace weft
