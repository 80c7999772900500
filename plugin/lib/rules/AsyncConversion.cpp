// AsyncConversion.cpp: rule async-conversion.  An action flows only into a
// destination of its own async type: it is never converted, cast, or used
// where a value (or another async type) is expected.  This is the rule that
// rejects the reference program `attempt`.
// Covered by test/plugin/async-conversion*.c and attempt.c.
#include "Check.h"

#include "clang/AST/Expr.h"

using namespace clang;

namespace weft {
namespace {

class AsyncConversionCheck : public Check {
public:
  AsyncConversionCheck() : Check(CheckId::AsyncConversion) {}

  void onAsyncUse(const AsyncUse &U, CheckContext &C) override {
    switch (U.Kind) {
    case UseKind::Init:
    case UseKind::Assign:
    case UseKind::Argument:
    case UseKind::Return:
    case UseKind::FieldInit:
      destination(U, C);
      return;
    case UseKind::Cast:
      if (U.Explicit)
        C.report(id(), DiagId::err_async_cast, U.Source->getExprLoc())
            << U.Type.spelling() << U.Dest << U.Type.Value << isVoid(U) << U.Top->getSourceRange();
      else
        asValue(U, C);
      return;
    default:
      return;
    }
  }

private:
  void destination(const AsyncUse &U, CheckContext &C) {
    if (U.Dest.isNull()) {
      // Only a variadic or unprototyped argument has no destination type.
      // An action given to a function declared without a prototype is
      // passed whole, as to a parameter of its type: C cannot say more.
      if (U.Kind == UseKind::Argument && !U.Unprototyped)
        C.report(id(), DiagId::err_async_variadic, U.Source->getExprLoc())
            << U.Type.spelling() << U.Type.Value << isVoid(U) << U.Top->getSourceRange();
      return;
    }
    if (U.Dest->isDependentType())
      return;
    AsyncType To = asAsync(U.Dest);
    if (!To) {
      asValue(U, C);
      return;
    }
    if (To.Decl != U.Type.Decl)
      C.report(id(), DiagId::err_async_as_other_async, U.Source->getExprLoc())
          << U.Type.spelling() << To.spelling() << U.Top->getSourceRange();
  }

  void asValue(const AsyncUse &U, CheckContext &C) {
    C.report(id(), DiagId::err_async_as_value, U.Source->getExprLoc())
        << U.Type.spelling() << U.Dest << U.Type.Value << isVoid(U) << U.Top->getSourceRange();
  }

  // async(void) has no value to bind: the advice is weft_then.
  static int isVoid(const AsyncUse &U) { return U.Type.Value->isVoidType() ? 1 : 0; }
};

} // namespace

std::unique_ptr<Check> createAsyncConversionCheck() { return std::make_unique<AsyncConversionCheck>(); }

} // namespace weft
