// RunInAsync.cpp: rule run-in-async.  weft_run is the one way out of the
// monad, for synchronous code such as main; inside a function returning an
// action it would start a second event loop inside the first.
// Covered by test/plugin/run-in-async*.c.
#include "Check.h"
#include "Macros.h"

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
};

} // namespace

std::unique_ptr<Check> createRunInAsyncCheck() { return std::make_unique<RunInAsyncCheck>(); }

} // namespace weft
