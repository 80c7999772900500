// AsyncStorage.cpp: rule async-storage.  Where an action can live.  A
// local or a parameter is followed by linearity; any other place is a slot
// (a field, an array element, the object a pointer points to), filled by
// assignment and read only by weft_take, which moves the action out and
// leaves the slot empty (the runtime refuses a take from an empty slot).
// What can be neither is rejected: an action in static storage, in a union
// of the user's (whose other members would read it), or copied along with
// the struct that holds it.
// Covered by test/plugin/async-storage*.c.
#include "Check.h"
#include "Macros.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace weft {
namespace {

class AsyncStorageCheck : public Check {
public:
  AsyncStorageCheck() : Check(CheckId::AsyncStorage) {}

  void onAsyncUse(const AsyncUse &U, CheckContext &C) override {
    // A variable in static storage is reported once, where it is declared.
    if (!isSlot(U.Source) || isa<DeclRefExpr>(U.Source->IgnoreParens()) || !isRead(U))
      return;
    C.report(id(), DiagId::err_slot_read, U.Source->getExprLoc())
        << U.Type.spelling() << slotKind(U.Source) << U.Source->getSourceRange();
  }

  void onVarDecl(const VarDecl *VD, CheckContext &C) override {
    if (VD->hasLocalStorage() || VD->isInvalidDecl() || !containsAsync(VD->getType()))
      return;
    C.report(id(), DiagId::err_static_action, VD->getLocation())
        << VD << (isAsyncType(VD->getType()) ? 0 : 1);
  }

  void onRecordDecl(const RecordDecl *RD, CheckContext &C) override {
    if (!RD->isUnion())
      return;
    // An anonymous union is named by its typedef, if any, else "the union".
    const NamedDecl *Name = RD;
    if (!RD->getIdentifier())
      Name = RD->getTypedefNameForAnonDecl();
    for (const FieldDecl *F : RD->fields())
      if (containsAsync(F->getType()))
        C.report(id(), DiagId::err_union_action, F->getLocation())
            << F << (Name ? 1 : 0) << (Name ? Name : static_cast<const NamedDecl *>(F));
  }

  void onExpr(const Expr *E, CheckContext &C) override {
    // A struct holding actions, read as a whole: the copy and the original
    // would both hold them.
    const auto *ICE = dyn_cast<ImplicitCastExpr>(E);
    if (!ICE || ICE->getCastKind() != CK_LValueToRValue)
      return;
    QualType T = ICE->getType();
    if (isAsyncType(T) || !T->isRecordType() || !containsAsync(T))
      return;
    if (isSpelledInWeftHeader(ICE->getExprLoc(), C.sourceManager()))
      return;
    // A compound literal is a temporary: reading it moves its actions.
    if (isa<CompoundLiteralExpr>(ICE->getSubExpr()->IgnoreParens()))
      return;
    // A local returned whole dies as it is read: its actions move to the
    // caller (`struct job x = {0}; x.action = m; return x;`).
    if (returnsLocal(ICE, C.ast()))
      return;
    // (void)s reads nothing.
    for (const DynTypedNode &P : C.ast().getParents(*ICE))
      if (const auto *Cast = P.get<CastExpr>())
        if (Cast->getCastKind() == CK_ToVoid)
          return;
    C.report(id(), DiagId::err_struct_copy, ICE->getExprLoc()) << T << ICE->getSourceRange();
  }

private:
  static bool returnsLocal(const ImplicitCastExpr *ICE, ASTContext &Ctx) {
    const auto *DRE = dyn_cast<DeclRefExpr>(ICE->getSubExpr()->IgnoreParens());
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    if (!VD || !VD->hasLocalStorage())
      return false;
    const Stmt *Cur = ICE;
    for (unsigned Depth = 0; Depth < 16; ++Depth) {
      auto Parents = Ctx.getParents(*Cur);
      if (Parents.size() != 1)
        return false;
      if (Parents[0].get<ReturnStmt>())
        return true;
      const auto *PE = Parents[0].get<ParenExpr>();
      if (!PE)
        return false;
      Cur = PE;
    }
    return false;
  }

  // Whether U reads the action out of its place (rather than storing into
  // it, taking its address for weft_take, or asking its type).  Misuses that
  // another rule reports (an operator, a variadic argument, a conversion)
  // are left to it: one finding, one diagnostic.
  static bool isRead(const AsyncUse &U) {
    switch (U.Kind) {
    case UseKind::Combinator:
    case UseKind::Sink:
      return true;
    case UseKind::Return:
    case UseKind::Init:
    case UseKind::Assign:
    case UseKind::Argument:
    case UseKind::FieldInit:
      return !U.Dest.isNull() && asAsync(U.Dest).Decl == U.Type.Decl;
    default:
      return false;
    }
  }

  // 0: a field, 1: an array element, 2: the object a pointer points to.
  static int slotKind(const Expr *E) {
    E = E->IgnoreParens();
    if (isa<MemberExpr>(E))
      return 0;
    if (isa<ArraySubscriptExpr>(E))
      return 1;
    return 2;
  }
};

} // namespace

std::unique_ptr<Check> createAsyncStorageCheck() { return std::make_unique<AsyncStorageCheck>(); }

} // namespace weft
