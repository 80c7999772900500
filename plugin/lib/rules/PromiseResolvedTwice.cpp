// PromiseResolvedTwice.cpp: rule promise-resolved-twice.  A promise is
// resolved once (weft_promise_resolve or weft_promise_reject); where two
// statements of one block settle the same promise variable, and nothing in
// between mentions it or can be jumped into, the second always runs after the
// first: the runtime would stop the program there, so the checker says so.
// Covered by test/plugin/promise-resolved-twice*.c.
#include "Check.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/AST/Stmt.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace clang;

namespace weft {
namespace {

// Whether Call is a call of weft_promise_resolve or weft_promise_reject.
bool isSettle(const CallExpr *Call) {
  const FunctionDecl *FD = Call->getDirectCallee();
  if (!FD || !FD->getIdentifier())
    return false;
  StringRef Name = FD->getName();
  return Name == "weft_promise_resolve" || Name == "weft_promise_reject";
}

// The promise variable a statement settles, if the statement is exactly a
// call of weft_promise_resolve or weft_promise_reject on a local variable
// or parameter.
const VarDecl *settledBy(const Stmt *S, const CallExpr *&Call) {
  const auto *E = dyn_cast<Expr>(S);
  if (!E)
    return nullptr;
  Call = dyn_cast<CallExpr>(E->IgnoreParenImpCasts());
  if (!Call || !isSettle(Call) || Call->getNumArgs() < 1)
    return nullptr;
  const auto *DRE = dyn_cast<DeclRefExpr>(Call->getArg(0)->IgnoreParenImpCasts());
  const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
  return VD && VD->hasLocalStorage() ? VD : nullptr;
}

// What a statement between two settles does to the analysis: the variables
// it mentions, and whether control can enter it from elsewhere (a label, or
// a case of a switch).
class Between : public RecursiveASTVisitor<Between> {
public:
  llvm::SmallPtrSet<const VarDecl *, 4> Mentioned;
  bool EntryPoint = false;

  bool VisitDeclRefExpr(DeclRefExpr *DRE) {
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      Mentioned.insert(VD);
    return true;
  }
  bool VisitLabelStmt(LabelStmt *) { return EntryPoint = true, true; }
  bool VisitSwitchCase(SwitchCase *) { return EntryPoint = true, true; }
};

class PromiseResolvedTwiceCheck : public Check {
public:
  PromiseResolvedTwiceCheck() : Check(CheckId::PromiseResolvedTwice) {}

  // A function is looked into when its body settles a promise at all (the
  // first such call the walk meets), not every function: this hook sees
  // every expression, and most bodies settle none.
  void onExpr(const Expr *E, CheckContext &C) override {
    const auto *Call = dyn_cast<CallExpr>(E);
    const FunctionDecl *F = C.currentFunction();
    if (!Call || !F || F == Done || !isSettle(Call) || !F->hasBody())
      return;
    Done = F;
    Blocks V;
    V.TraverseStmt(F->getBody());
    for (const CompoundStmt *B : V.Found)
      block(B, C);
  }

private:
  struct Blocks : RecursiveASTVisitor<Blocks> {
    std::vector<const CompoundStmt *> Found;
    bool VisitCompoundStmt(CompoundStmt *CS) {
      Found.push_back(CS);
      return true;
    }
  };

  const FunctionDecl *Done = nullptr; // the function last looked into

  void block(const CompoundStmt *B, CheckContext &C) {
    llvm::DenseMap<const VarDecl *, const CallExpr *> First;
    for (const Stmt *S : B->body()) {
      const CallExpr *Call = nullptr;
      if (const VarDecl *P = settledBy(S, Call)) {
        auto It = First.find(P);
        if (It == First.end()) {
          First[P] = Call;
          continue;
        }
        C.report(id(), DiagId::err_promise_resolved_twice, Call->getBeginLoc()) << P;
        C.note(DiagId::note_promise_resolved_here, It->second->getBeginLoc()) << P;
        continue;
      }
      // Anything else that mentions a promise variable may change it, and a
      // label or case inside lets control reach what follows without the
      // first settle: both end what is known (nothing is known yet here).
      if (First.empty())
        continue;
      Between W;
      W.TraverseStmt(const_cast<Stmt *>(S));
      if (W.EntryPoint) {
        First.clear();
        continue;
      }
      for (const VarDecl *VD : W.Mentioned)
        First.erase(VD);
    }
  }
};

} // namespace

std::unique_ptr<Check> createPromiseResolvedTwiceCheck() { return std::make_unique<PromiseResolvedTwiceCheck>(); }

} // namespace weft
