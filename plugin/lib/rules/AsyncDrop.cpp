// AsyncDrop.cpp: rule async-drop.  An action is never dropped: not
// discarded as a statement or by a (void) cast, not left in an unused local
// or parameter, not overwritten, not forgotten on one path.  Dropped actions
// never run and leak their node.
// Covered by test/plugin/async-drop*.c.
#include "Check.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"

using namespace clang;

namespace weft {
namespace {

class AsyncDropCheck : public Check {
public:
  AsyncDropCheck() : Check(CheckId::AsyncDrop) {}

  void onAsyncUse(const AsyncUse &U, CheckContext &C) override {
    if (U.Kind == UseKind::Discard)
      C.report(id(), DiagId::warn_async_discarded, U.Source->getExprLoc())
          << U.Type.spelling() << spawnable(U.Type) << U.Top->getSourceRange();
    else if (U.Kind == UseKind::VoidCast)
      C.report(id(), DiagId::warn_async_void_cast, U.Source->getExprLoc())
          << U.Type.spelling() << spawnable(U.Type) << U.Top->getSourceRange();
  }

  bool wantsLinearity() const override { return true; }

  // Only an async(void) action can be started with weft_spawn.
  static int spawnable(const AsyncType &T) { return T && T.Value->isVoidType() ? 1 : 0; }

  void onLinearity(const LinearityEvent &E, CheckContext &C) override {
    switch (E.What) {
    case LinearityEvent::Unused: {
      AsyncType T = asAsync(E.Var->getType());
      C.report(id(), DiagId::warn_async_unused, E.Where) << E.Var << T.spelling() << spawnable(T);
      return;
    }
    case LinearityEvent::DroppedOnPath:
      C.report(id(), DiagId::warn_async_dropped_path, E.Where) << E.Var;
      C.note(DiagId::note_async_declared, E.Earlier) << E.Var;
      if (E.AfterLoopUse)
        C.note(DiagId::note_correlated_loop, E.Where) << E.Var;
      return;
    case LinearityEvent::Overwritten:
      C.report(id(), DiagId::warn_async_overwritten, E.Where) << E.Var;
      C.note(DiagId::note_async_assigned, E.Earlier);
      return;
    case LinearityEvent::Reused:
      return;
    }
  }
};

} // namespace

std::unique_ptr<Check> createAsyncDropCheck() { return std::make_unique<AsyncDropCheck>(); }

} // namespace weft
