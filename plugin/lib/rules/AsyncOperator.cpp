// AsyncOperator.cpp: rule async-operator.  An action has no value until it
// runs, so no operator, condition, member access or address-of applies to
// it.  weft.h's own reads of node_ are the runtime's and are not reported.
// Covered by test/plugin/async-operator*.c.
#include "Check.h"

#include "clang/AST/Expr.h"

using namespace clang;

namespace weft {
namespace {

class AsyncOperatorCheck : public Check {
public:
  AsyncOperatorCheck() : Check(CheckId::AsyncOperator) {}

  void onAsyncUse(const AsyncUse &U, CheckContext &C) override {
    switch (U.Kind) {
    case UseKind::Operator:
      C.report(id(), DiagId::err_async_operator, opLoc(U)) << U.Type.spelling() << U.OpName
                                                            << U.Top->getSourceRange();
      return;
    case UseKind::Member:
      C.report(id(), DiagId::err_async_member, opLoc(U)) << U.Type.spelling() << U.OpName
                                                          << U.Top->getSourceRange();
      return;
    case UseKind::AddressOf:
      // &s->job is the address of a slot, what weft_take moves out of
      // (rule async-storage); a local's address would escape linearity.
      if (isSlot(U.Source))
        return;
      C.report(id(), DiagId::err_async_address, opLoc(U)) << U.Type.spelling() << U.Top->getSourceRange();
      return;
    case UseKind::Condition:
      C.report(id(), DiagId::err_async_condition, U.Source->getExprLoc())
          << U.Type.spelling() << U.Type.Value << (U.Type.Value->isVoidType() ? 1 : 0)
          << U.Top->getSourceRange();
      return;
    default:
      return;
    }
  }

private:
  static SourceLocation opLoc(const AsyncUse &U) {
    if (const auto *ME = dyn_cast_or_null<MemberExpr>(U.User))
      return ME->getMemberLoc();
    if (const auto *E = dyn_cast_or_null<Expr>(U.User))
      return E->getExprLoc();
    return U.Source->getExprLoc();
  }
};

} // namespace

std::unique_ptr<Check> createAsyncOperatorCheck() { return std::make_unique<AsyncOperatorCheck>(); }

} // namespace weft
