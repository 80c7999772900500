// RunInAsync.cpp: rule run-in-async.  weft_run is the one way out of the
// monad, for synchronous code such as main; in async context (a function
// returning an action, a function the loop calls, or any function they call)
// it would start a second event loop inside the first.
// Covered by test/plugin/run-in-async*.c.
#include "Check.h"
#include "Effects.h"
#include "Macros.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace weft {
namespace {

class RunInAsyncCheck : public Check {
public:
  RunInAsyncCheck() : Check(CheckId::RunInAsync) {}

  void onWeftCall(const CallExpr *Call, StringRef Internal, CheckContext &C) override {
    const FunctionDecl *F = C.currentFunction();
    if (Internal != "weft__run" || !isAsyncContext(F))
      return;
    C.report(id(), DiagId::err_run_in_async, weftCallLoc(Call, C.sourceManager(), C.langOpts()));
    C.note(DiagId::note_async_function, F->getLocation()) << F << asAsync(F->getReturnType()).spelling();
  }

  // Through the call graph: a call, in async context, of a function that
  // reaches weft_run.  Reported where async context begins (the async
  // function, the function weft_map gives to the loop, the function a table
  // called from async context holds), once per call, with the chain down to
  // weft_run; the functions in between are not async context on their own.
  void onEndOfTranslationUnit(CheckContext &C) override {
    const EffectGraph &G = C.effects();
    for (const EffectNode &N : G.nodes()) {
      if (!N.Reached)
        continue;
      bool Async = isAsyncContext(N.Def);
      if (!Async && N.ReachedFrom) {
        const EffectSite &How = N.ReachedFrom->Sites[N.ReachedBy];
        if (How.What == EffectSite::Call || How.What == EffectSite::Callback)
          continue; // its caller is in async context and reports the call
        // Through a field of a struct that is not a constant: any struct of
        // the type may have held the function, maybe one only main uses.
        // An error needs the exact pointer: a variable, an array, or a
        // field of a constant.
        if (How.What == EffectSite::Indirect && isa<FieldDecl>(How.Pointer) &&
            !(How.PointerOwner && G.ast().getBaseElementType(How.PointerOwner->getType()).isConstQualified()))
          continue;
      }
      for (const EffectSite &S : N.Sites) {
        if (S.What == EffectSite::Sink && S.Name == "weft_run" && !Async) {
          C.report(id(), DiagId::err_run_in_async, S.Loc);
          noteWhere(N, G, C);
        } else if ((S.What == EffectSite::Call || S.What == EffectSite::Callback) && G.runsLoop(S.Callee)) {
          C.report(id(), DiagId::err_run_reached_in_async, S.Loc) << S.Callee;
          if (S.What == EffectSite::Callback)
            noteChain(C, {ChainStep{N.Def, &S}});
          noteChain(C, G.runChain(S.Callee));
          noteWhere(N, G, C);
        }
      }
    }
  }

private:
  // Why N's body is async context.
  static void noteWhere(const EffectNode &N, const EffectGraph &G, CheckContext &C) {
    const FunctionDecl *F = N.Def;
    if (isAsyncContext(F))
      C.note(DiagId::note_async_function, F->getLocation()) << F << asAsync(F->getReturnType()).spelling();
    else
      noteChain(C, G.reachChain(F), /*Reach=*/true);
  }
};

} // namespace

std::unique_ptr<Check> createRunInAsyncCheck() { return std::make_unique<RunInAsyncCheck>(); }

} // namespace weft
