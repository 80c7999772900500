// AsyncForge.cpp: rule async-forge.  An action is made only by weft's
// functions and macros, and looked into by none but them: no compound
// literal or initializer list of async type in user code (an empty slot's
// zero initializer excepted), no member of an async union read through a
// pointer, no pointer to an action converted to another pointer type, and
// no byte-level copy, fill or comparison (memcpy, memset, ...) of an object
// holding actions.  Each would make or duplicate an action the runtime did
// not build, or inspect one the checker cannot follow.
// Covered by test/plugin/async-forge*.c.
#include "Check.h"
#include "Compat.h"
#include "Macros.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/ParentMapContext.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang;

namespace weft {
namespace {

// The C library's byte-level functions, as declared and as their builtin
// and fortified spellings (__builtin_memcpy, __builtin___memcpy_chk).
bool isByteFunction(StringRef Name) {
  if (startsWith(Name, "__builtin___"))
    Name = Name.drop_front(strlen("__builtin___"));
  else if (startsWith(Name, "__builtin_"))
    Name = Name.drop_front(strlen("__builtin_"));
  if (endsWith(Name, "_chk"))
    Name = Name.drop_back(strlen("_chk"));
  return Name == "memcpy" || Name == "memmove" || Name == "memset" || Name == "memcmp" ||
         Name == "memccpy" || Name == "mempcpy" || Name == "bcopy" || Name == "bzero" ||
         Name == "explicit_bzero" || Name == "bcmp";
}

// The object type a pointer expression points to, or null.
QualType pointee(QualType T) {
  if (const auto *PT = T.isNull() ? nullptr : T->getAs<PointerType>())
    return PT->getPointeeType();
  return QualType();
}

bool isZero(const Expr *E, ASTContext &Ctx) {
  E = E->IgnoreParenImpCasts();
  if (isa<ImplicitValueInitExpr>(E))
    return true;
  if (E->isValueDependent())
    return false;
  Expr::EvalResult R;
  if (E->EvaluateAsInt(R, Ctx))
    return R.Val.getInt() == 0;
  return E->isNullPointerConstant(Ctx, Expr::NPC_ValueDependentIsNotNull) != Expr::NPCK_NotNull;
}

class AsyncForgeCheck : public Check {
public:
  AsyncForgeCheck() : Check(CheckId::AsyncForge) {}

  void onExpr(const Expr *E, CheckContext &C) override {
    // Each kind's own test first, weft.h's macro bodies (which may do all
    // of this) last: this hook sees every expression of every body.
    if (const auto *CL = dyn_cast<CompoundLiteralExpr>(E)) {
      if (AsyncType T = asAsync(CL->getType())) {
        if (inWeftHeader(E, C))
          return;
        C.report(id(), DiagId::err_forged_action, CL->getBeginLoc()) << T.spelling() << CL->getSourceRange();
        // Its initializer list is the same finding (the walk reaches it next).
        if (const auto *ILE = dyn_cast_or_null<InitListExpr>(CL->getInitializer())) {
          Literals.insert(ILE);
          if (ILE->getSyntacticForm())
            Literals.insert(ILE->getSyntacticForm());
        }
      }
      return;
    }
    if (const auto *ILE = dyn_cast<InitListExpr>(E)) {
      if (asAsync(ILE->getType()) && !inWeftHeader(E, C))
        initList(ILE, C);
      return;
    }
    if (const auto *ME = dyn_cast<MemberExpr>(E)) {
      if (!ME->isArrow())
        return; // on an action itself: rule async-operator
      if (AsyncType T = asAsync(pointee(ME->getBase()->getType())); T && !inWeftHeader(E, C))
        C.report(id(), DiagId::err_forged_member, ME->getMemberLoc())
            << T.spelling() << ME->getMemberDecl() << ME->getSourceRange();
      return;
    }
    if (const auto *CE = dyn_cast<ExplicitCastExpr>(E)) {
      QualType From = pointee(CE->getSubExpr()->getType()), To = pointee(CE->getType());
      if (From.isNull() || To.isNull() || !containsAsync(From))
        return;
      if (C.ast().hasSameUnqualifiedType(From, To) || inWeftHeader(E, C))
        return;
      C.report(id(), DiagId::err_forged_pointer_cast, CE->getExprLoc())
          << CE->getSubExpr()->getType() << CE->getType() << (isAsyncType(From) ? 0 : 1)
          << CE->getSourceRange();
      return;
    }
    if (const auto *ICE = dyn_cast<ImplicitCastExpr>(E)) {
      implicitPointer(ICE, C);
      return;
    }
    if (const auto *Call = dyn_cast<CallExpr>(E)) {
      const FunctionDecl *FD = Call->getDirectCallee();
      if (!FD || !FD->getIdentifier() || !isByteFunction(FD->getName()))
        return;
      for (const Expr *Arg : Call->arguments()) {
        QualType From = pointee(Arg->IgnoreParenImpCasts()->getType());
        if (From.isNull() || !containsAsync(From) || inWeftHeader(E, C))
          continue;
        C.report(id(), DiagId::err_forged_bytes, Arg->getExprLoc())
            << FD << (isAsyncType(From) ? 0 : 1) << Arg->IgnoreParenImpCasts()->getType()
            << Arg->getSourceRange();
      }
    }
  }

private:
  static bool inWeftHeader(const Expr *E, CheckContext &C) {
    return isSpelledInWeftHeader(E->getExprLoc(), C.sourceManager());
  }

  // A pointer to an action itself, silently converted to another pointer
  // type (void *, char *): whatever receives it (read, fwrite, a callback's
  // void *) sees the action's bytes.  Giving back the memory of an array of
  // slots (free, realloc) moves nothing and is allowed; byte functions are
  // reported as such, once.
  void implicitPointer(const ImplicitCastExpr *ICE, CheckContext &C) {
    if (ICE->getCastKind() != CK_BitCast)
      return;
    QualType From = pointee(ICE->getSubExpr()->getType()), To = pointee(ICE->getType());
    if (From.isNull() || To.isNull() || !isAsyncType(From) || C.ast().hasSameUnqualifiedType(From, To) ||
        inWeftHeader(ICE, C))
      return;
    for (const DynTypedNode &P : C.ast().getParents(*ICE))
      if (const auto *Call = P.get<CallExpr>())
        if (const FunctionDecl *FD = Call->getDirectCallee())
          if (FD->getIdentifier()) {
            StringRef Name = FD->getName();
            if (Name == "free" || Name == "realloc" || Name == "reallocarray" || isByteFunction(Name))
              return;
          }
    C.report(id(), DiagId::err_forged_pointer_cast, ICE->getExprLoc())
        << ICE->getSubExpr()->getType() << ICE->getType() << 0 << ICE->getSourceRange();
  }

  // An initializer list of async type is a forged action, except the zero
  // initializer of an empty slot inside a struct's or array's initializer.
  void initList(const InitListExpr *ILE, CheckContext &C) {
    // The walk sees one form of each list: the syntactic one where there
    // are two.  Its inits are what the user wrote.
    AsyncType T = asAsync(ILE->getType());
    if (!T)
      return;
    ASTContext &Ctx = C.ast();
    bool InAggregate = false, InLiteral = false;
    const Expr *Cur = ILE;
    for (unsigned Step = 0; Cur && Step < 4; ++Step) {
      const Expr *Up = nullptr;
      for (const DynTypedNode &P : Ctx.getParents(*Cur)) {
        const auto *List = P.get<InitListExpr>();
        if (List && List->getSyntacticForm() == Cur)
          Up = List; // the other form of this same list
        else
          InAggregate |= List || P.get<DesignatedInitExpr>();
        InLiteral |= P.get<CompoundLiteralExpr>() != nullptr;
      }
      Cur = Up;
    }
    if (InLiteral || Literals.count(ILE))
      return; // reported as the compound literal
    if (InAggregate) {
      bool AllZero = true;
      for (const Expr *Init : ILE->inits())
        AllZero &= Init && isZero(Init, Ctx);
      if (AllZero)
        return;
    }
    C.report(id(), DiagId::err_forged_action, ILE->getBeginLoc()) << T.spelling() << ILE->getSourceRange();
  }

  llvm::DenseSet<const InitListExpr *> Literals;
};

} // namespace

std::unique_ptr<Check> createAsyncForgeCheck() { return std::make_unique<AsyncForgeCheck>(); }

} // namespace weft
