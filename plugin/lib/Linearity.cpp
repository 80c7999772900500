// Linearity.cpp: each async local and parameter is consumed exactly once on
// every path.  A forward may-analysis on Clang's CFG: for each variable, the
// set of states it may be in (unset, holding an unconsumed action, consumed).
// Covered by test/plugin/async-reuse*.c and async-drop*.c.
#include "Linearity.h"
#include "Macros.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"

#include <deque>
#include <set>
#include <tuple>

using namespace clang;

namespace weft {

namespace {

enum : uint8_t { Unset = 1, Live = 2, Consumed = 4 };

struct State {
  bool Reached = false;
  llvm::SmallVector<uint8_t, 8> Bits;
  llvm::SmallVector<SourceLocation, 8> FirstUse;   // where it may have been consumed
  llvm::SmallVector<SourceLocation, 8> LastAssign; // where it may have been given its action
  // The break or goto it last left a loop or block through while holding
  // an unconsumed action: where a drop at the function's end was decided.
  llvm::SmallVector<SourceLocation, 8> JumpedAt;

  // Merges Other into this; returns whether anything changed.
  bool merge(const State &Other) {
    if (!Other.Reached)
      return false;
    if (!Reached) {
      *this = Other;
      return true;
    }
    bool Changed = false;
    for (unsigned I = 0; I != Bits.size(); ++I) {
      uint8_t New = Bits[I] | Other.Bits[I];
      Changed |= New != Bits[I];
      Bits[I] = New;
      if (FirstUse[I].isInvalid())
        FirstUse[I] = Other.FirstUse[I];
      if (LastAssign[I].isInvalid())
        LastAssign[I] = Other.LastAssign[I];
      if (JumpedAt[I].isInvalid())
        JumpedAt[I] = Other.JumpedAt[I];
    }
    return Changed;
  }
};

class Analysis {
public:
  Analysis(const FunctionDecl *F, const llvm::DenseMap<const DeclRefExpr *, Mention> &Mentions,
           const std::function<void(const LinearityEvent &)> &Report)
      : F(F), Mentions(Mentions), Report(Report) {}

  void run(ASTContext &Ctx) {
    Stmt *Body = F->getBody();
    if (!Body)
      return;
    SM = &Ctx.getSourceManager();
    collectLoops(Body);
    for (const auto &M : Mentions)
      if (M.second == Mention::Escape)
        if (const auto *VD = dyn_cast<VarDecl>(M.first->getDecl()))
          Escaped.insert(VD);
    for (const ParmVarDecl *P : F->parameters())
      track(P);

    CFG::BuildOptions Opts;
    Opts.setAllAlwaysAdd();
    Opts.PruneTriviallyFalseEdges = true;
    std::unique_ptr<CFG> G = CFG::buildCFG(F, Body, &Ctx, Opts);
    if (!G)
      return;
    for (const CFGBlock *B : *G)
      for (const CFGElement &E : *B)
        if (auto S = E.getAs<CFGStmt>())
          if (const auto *DS = dyn_cast<DeclStmt>(S->getStmt()))
            for (const Decl *D : DS->decls())
              if (const auto *VD = dyn_cast<VarDecl>(D))
                if (VD->hasLocalStorage() && !isWeftLocal(VD, Ctx.getSourceManager()))
                  track(VD);
    if (Vars.empty())
      return;
    for (const auto &M : Mentions)
      if (M.second == Mention::Consume)
        if (const auto *VD = dyn_cast<VarDecl>(M.first->getDecl()))
          EverConsumed.insert(VD);

    std::vector<State> In(G->getNumBlockIDs());
    const CFGBlock &Entry = G->getEntry();
    State &EntryState = In[Entry.getBlockID()];
    EntryState.Reached = true;
    EntryState.Bits.assign(Vars.size(), Unset);
    EntryState.FirstUse.assign(Vars.size(), SourceLocation());
    EntryState.LastAssign.assign(Vars.size(), SourceLocation());
    EntryState.JumpedAt.assign(Vars.size(), SourceLocation());
    for (unsigned I = 0; I != Vars.size(); ++I)
      if (isa<ParmVarDecl>(Vars[I])) {
        EntryState.Bits[I] = Live;
        EntryState.LastAssign[I] = Vars[I]->getLocation();
      }

    // The fixpoint.  Bits only grow, so it terminates; the bound is a
    // guard against a malformed graph.
    std::deque<const CFGBlock *> Work{&Entry};
    std::vector<bool> Queued(G->getNumBlockIDs());
    Queued[Entry.getBlockID()] = true;
    for (unsigned Steps = 0; !Work.empty() && Steps < 1000000; ++Steps) {
      const CFGBlock *B = Work.front();
      Work.pop_front();
      Queued[B->getBlockID()] = false;
      State Out = In[B->getBlockID()];
      transfer(*B, Out, /*Reporting=*/false);
      for (const CFGBlock *Succ : B->succs()) {
        if (!Succ)
          continue;
        if (In[Succ->getBlockID()].merge(Out) && !Queued[Succ->getBlockID()]) {
          Queued[Succ->getBlockID()] = true;
          Work.push_back(Succ);
        }
      }
    }

    // Reporting, with the fixpoint states.
    for (const CFGBlock *B : *G) {
      State S = In[B->getBlockID()];
      if (!S.Reached)
        continue;
      transfer(*B, S, /*Reporting=*/true);
      bool ReachesExit = false;
      for (const CFGBlock *Succ : B->succs())
        if (Succ == &G->getExit())
          ReachesExit = true;
      if (ReachesExit && !B->hasNoReturnElement())
        atExit(*B, S, Body);
    }
  }

private:
  void track(const VarDecl *VD) {
    if (!isAsyncType(VD->getType()) || Escaped.count(VD) || Index.count(VD))
      return;
    Index[VD] = Vars.size();
    Vars.push_back(VD);
  }

  int indexOf(const Decl *D) const {
    auto It = Index.find(dyn_cast_or_null<VarDecl>(D));
    return It == Index.end() ? -1 : static_cast<int>(It->second);
  }

  void emit(LinearityEvent::Kind K, const VarDecl *VD, SourceLocation Where, SourceLocation Earlier,
            bool Maybe = false) {
    // A variable gets at most one report of each kind at each place.
    if (!Emitted.insert(std::make_tuple(static_cast<int>(K), VD, Where.getRawEncoding())).second)
      return;
    LinearityEvent E{K, VD, Where, Earlier, Maybe};
    if ((K == LinearityEvent::Reused && Maybe) || K == LinearityEvent::DroppedOnPath)
      E.AfterLoopUse = consumedInLoopBefore(VD, Where) || (K == LinearityEvent::Reused && insideFlagLoop(Where));
    Report(E);
  }

  // Whether VD is consumed inside a loop that ends before Where.
  bool consumedInLoopBefore(const VarDecl *VD, SourceLocation Where) const {
    if (!SM || Where.isInvalid())
      return false;
    SourceLocation W = SM->getFileLoc(Where);
    for (const auto &M : Mentions) {
      if (M.second != Mention::Consume || M.first->getDecl() != VD)
        continue;
      SourceLocation Use = SM->getFileLoc(M.first->getLocation());
      for (const Stmt *Loop : Loops) {
        SourceLocation B = SM->getFileLoc(Loop->getBeginLoc()), E = SM->getFileLoc(Loop->getEndLoc());
        bool Inside = !SM->isBeforeInTranslationUnit(Use, B) && !SM->isBeforeInTranslationUnit(E, Use);
        if (Inside && SM->isBeforeInTranslationUnit(E, W))
          return true;
      }
    }
    return false;
  }

  // Whether Where is inside a loop whose condition tests a variable that
  // the loop's body sets with `=` (`for (i = 0; i < n && !placed; i++)`
  // with `placed = true;` in the body): the flag stops the loop after the
  // use, which a per-path analysis cannot see.
  bool insideFlagLoop(SourceLocation Where) const {
    if (!SM || Where.isInvalid())
      return false;
    SourceLocation W = SM->getFileLoc(Where);
    for (const Stmt *Loop : Loops) {
      SourceLocation B = SM->getFileLoc(Loop->getBeginLoc()), E = SM->getFileLoc(Loop->getEndLoc());
      if (SM->isBeforeInTranslationUnit(W, B) || SM->isBeforeInTranslationUnit(E, W))
        continue;
      const Expr *Cond = nullptr;
      const Stmt *Body = nullptr;
      if (const auto *FS = dyn_cast<ForStmt>(Loop)) {
        Cond = FS->getCond();
        Body = FS->getBody();
      } else if (const auto *WS = dyn_cast<WhileStmt>(Loop)) {
        Cond = WS->getCond();
        Body = WS->getBody();
      } else if (const auto *DS = dyn_cast<DoStmt>(Loop)) {
        Cond = DS->getCond();
        Body = DS->getBody();
      }
      llvm::DenseSet<const ValueDecl *> Tested;
      collectNamed(Cond, Tested);
      if (!Tested.empty() && setsOneOf(Body, Tested))
        return true;
    }
    return false;
  }

  static void collectNamed(const Stmt *S, llvm::DenseSet<const ValueDecl *> &Out, unsigned Depth = 0) {
    if (!S || Depth > 64)
      return;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      if (isa<VarDecl>(DRE->getDecl()))
        Out.insert(DRE->getDecl());
    for (const Stmt *K : S->children())
      collectNamed(K, Out, Depth + 1);
  }

  static bool setsOneOf(const Stmt *S, const llvm::DenseSet<const ValueDecl *> &Vars, unsigned Depth = 0) {
    if (!S || Depth > 256)
      return false;
    if (const auto *BO = dyn_cast<BinaryOperator>(S))
      if (BO->getOpcode() == BO_Assign)
        if (const auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParenImpCasts()))
          if (Vars.count(DRE->getDecl()))
            return true;
    for (const Stmt *K : S->children())
      if (setsOneOf(K, Vars, Depth + 1))
        return true;
    return false;
  }

  void collectLoops(const Stmt *S, unsigned Depth = 0) {
    if (!S || Depth > 256)
      return;
    if (isa<ForStmt>(S) || isa<WhileStmt>(S) || isa<DoStmt>(S))
      Loops.push_back(S);
    for (const Stmt *K : S->children())
      collectLoops(K, Depth + 1);
  }

  // A variable still holding an action where its life ends.
  void dropped(unsigned I, SourceLocation Where) {
    const VarDecl *VD = Vars[I];
    if (!EverConsumed.count(VD)) {
      if (UnusedReported.insert(VD).second)
        emit(LinearityEvent::Unused, VD, VD->getLocation(), SourceLocation());
      return;
    }
    emit(LinearityEvent::DroppedOnPath, VD, Where, VD->getLocation());
  }

  void transfer(const CFGBlock &B, State &S, bool Reporting) {
    for (const CFGElement &E : B) {
      auto CS = E.getAs<CFGStmt>();
      if (!CS)
        continue;
      const Stmt *St = CS->getStmt();
      if (const auto *DS = dyn_cast<DeclStmt>(St)) {
        for (const Decl *D : DS->decls()) {
          int I = indexOf(D);
          if (I < 0)
            continue;
          const auto *VD = cast<VarDecl>(D);
          if (Reporting && (S.Bits[I] & Live))
            dropped(I, VD->getLocation());
          S.Bits[I] = VD->hasInit() ? Live : Unset;
          S.LastAssign[I] = VD->getLocation();
          S.FirstUse[I] = SourceLocation();
          S.JumpedAt[I] = SourceLocation();
        }
        continue;
      }
      if (const auto *BO = dyn_cast<BinaryOperator>(St)) {
        if (BO->getOpcode() != BO_Assign)
          continue;
        const auto *DRE = dyn_cast<DeclRefExpr>(BO->getLHS()->IgnoreParens());
        int I = DRE ? indexOf(DRE->getDecl()) : -1;
        if (I < 0)
          continue;
        if (Reporting && (S.Bits[I] & Live))
          emit(LinearityEvent::Overwritten, Vars[I], BO->getOperatorLoc(), S.LastAssign[I]);
        S.Bits[I] = Live;
        S.LastAssign[I] = BO->getOperatorLoc();
        S.FirstUse[I] = SourceLocation();
        S.JumpedAt[I] = SourceLocation();
        continue;
      }
      if (const auto *DRE = dyn_cast<DeclRefExpr>(St)) {
        auto M = Mentions.find(DRE);
        if (M == Mentions.end() || M->second != Mention::Consume)
          continue;
        int I = indexOf(DRE->getDecl());
        if (I < 0)
          continue;
        if (Reporting && (S.Bits[I] & Consumed))
          emit(LinearityEvent::Reused, Vars[I], DRE->getLocation(), S.FirstUse[I],
               (S.Bits[I] & (Live | Unset)) != 0);
        if (!(S.Bits[I] & Consumed))
          S.FirstUse[I] = DRE->getLocation();
        S.Bits[I] = Consumed;
        S.JumpedAt[I] = SourceLocation();
      }
    }
    if (const Stmt *T = B.getTerminatorStmt())
      if (isa<BreakStmt>(T) || isa<GotoStmt>(T))
        for (unsigned I = 0; I != Vars.size(); ++I)
          if (S.Bits[I] & Live)
            S.JumpedAt[I] = T->getBeginLoc();
  }

  void atExit(const CFGBlock &B, const State &S, const Stmt *Body) {
    SourceLocation Where;
    for (auto It = B.rbegin(); It != B.rend(); ++It)
      if (auto CS = It->getAs<CFGStmt>()) {
        if (isa<ReturnStmt>(CS->getStmt()))
          Where = CS->getStmt()->getBeginLoc();
        break;
      }
    if (Where.isInvalid())
      Where = Body->getEndLoc();
    for (unsigned I = 0; I != Vars.size(); ++I)
      if (S.Bits[I] & Live)
        dropped(I, S.JumpedAt[I].isValid() ? S.JumpedAt[I] : Where);
  }

  const FunctionDecl *F;
  const llvm::DenseMap<const DeclRefExpr *, Mention> &Mentions;
  const std::function<void(const LinearityEvent &)> &Report;
  llvm::SmallVector<const VarDecl *, 8> Vars;
  llvm::DenseMap<const VarDecl *, unsigned> Index;
  llvm::DenseSet<const VarDecl *> Escaped, EverConsumed, UnusedReported;
  std::set<std::tuple<int, const VarDecl *, unsigned>> Emitted;
  const SourceManager *SM = nullptr;
  std::vector<const Stmt *> Loops;
};

} // namespace

void checkLinearity(ASTContext &Ctx, const FunctionDecl *F,
                    const llvm::DenseMap<const DeclRefExpr *, Mention> &Mentions,
                    const std::function<void(const LinearityEvent &)> &Report) {
  Analysis(F, Mentions, Report).run(Ctx);
}

} // namespace weft
