// AsyncReuse.cpp: rule async-reuse.  Actions are linear: the runtime frees
// an action's node as it consumes it, so a second use on any path is a use
// after free.  Per path and intra-procedural, on Clang's CFG (Linearity.cpp).
// Covered by test/plugin/async-reuse*.c.
#include "Check.h"

#include "clang/AST/Decl.h"

using namespace clang;

namespace weft {
namespace {

class AsyncReuseCheck : public Check {
public:
  AsyncReuseCheck() : Check(CheckId::AsyncReuse) {}

  bool wantsLinearity() const override { return true; }

  void onLinearity(const LinearityEvent &E, CheckContext &C) override {
    if (E.What != LinearityEvent::Reused)
      return;
    C.report(id(), DiagId::err_async_reused, E.Where) << E.Var << (E.Maybe ? 1 : 0);
    C.note(DiagId::note_async_first_use, E.Earlier);
    if (E.AfterLoopUse)
      C.note(DiagId::note_correlated_loop, E.Where) << E.Var;
  }
};

} // namespace

std::unique_ptr<Check> createAsyncReuseCheck() { return std::make_unique<AsyncReuseCheck>(); }

} // namespace weft
