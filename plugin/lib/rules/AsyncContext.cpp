// AsyncContext.cpp: rule async-context.  An action is built only where it
// can be run: in a function that returns an action, or as the argument of a
// sink (weft_run, weft_spawn), combinators included.  Anywhere else it would
// sit in a variable of synchronous code with nothing to run it.
// Covered by test/plugin/async-context*.c.
#include "Check.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace weft {
namespace {

class AsyncContextCheck : public Check {
public:
  AsyncContextCheck() : Check(CheckId::AsyncContext) {}

  void onAsyncUse(const AsyncUse &U, CheckContext &C) override {
    if (!U.Function || isAsyncContext(U.Function) || !buildsAction(U.Source))
      return;
    // Actions that go into a combinator are judged by the combinator's
    // result, and misuses belong to the other rules: this rule speaks only
    // of well-typed destinations of synchronous code.
    switch (U.Kind) {
    case UseKind::Init:
    case UseKind::Assign:
    case UseKind::Argument:
    case UseKind::FieldInit:
      break;
    default:
      return;
    }
    if (U.Dest.isNull() || asAsync(U.Dest).Decl != U.Type.Decl)
      return;
    // Given to a function that builds an action of its own from it
    // (with_deadline(job(), 100)), it is carried by that action, which is
    // judged where it goes: one finding, not one per level.
    if (U.Kind == UseKind::Argument)
      if (const auto *Call = dyn_cast_or_null<CallExpr>(U.User))
        if (isAsyncType(Call->getType()))
          return;
    // Built anywhere inside a sink's argument (weft_run(with_deadline(job(),
    // 100), NULL)), it is run by the sink.
    if (insideSinkArgument(C.ast(), U.Top))
      return;
    C.report(id(), DiagId::err_async_built_outside, U.Source->getExprLoc())
        << U.Type.spelling() << U.Function << U.Top->getSourceRange();
  }
};

} // namespace

std::unique_ptr<Check> createAsyncContextCheck() { return std::make_unique<AsyncContextCheck>(); }

} // namespace weft
