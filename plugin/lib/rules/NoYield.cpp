// NoYield.cpp: rule noyield.  A function declared noyield never gives the
// thread back to the event loop, directly or through any callee whose body is
// in the translation unit; docs/diagnostics/noyield.md says what that buys.
// Covered by test/plugin/noyield*.c and conn-table.c.
#include "Check.h"
#include "Effects.h"

#include "clang/AST/Decl.h"
#include "llvm/ADT/DenseSet.h"

using namespace clang;

namespace weft {
namespace {

class NoYieldCheck : public Check {
public:
  NoYieldCheck() : Check(CheckId::NoYield) {}

  // noyield on a function returning an action is an error on its own,
  // whether or not the function has a body here.
  void onAnnotatedDecl(const Decl *D, StringRef Annotation, CheckContext &C) override {
    if (Annotation == "weft.noyield" || Annotation == "weft.mayyield")
      C.noteEffectAnnotation();
    const auto *FD = dyn_cast<FunctionDecl>(D);
    if (!FD || Annotation != "weft.noyield" || !isAsyncContext(FD))
      return;
    if (!ReportedResult.insert(FD->getCanonicalDecl()).second)
      return;
    C.report(id(), DiagId::err_noyield_async_result, FD->getLocation())
        << FD << asAsync(FD->getReturnType()).spelling();
  }

  void onEndOfTranslationUnit(CheckContext &C) override {
    const EffectGraph &G = C.effects();
    for (const EffectNode &N : G.nodes())
      if (isDeclaredNoYield(N.Def) && !isAsyncContext(N.Def))
        checkBody(N, G, C);
  }

private:
  void checkBody(const EffectNode &N, const EffectGraph &G, CheckContext &C) {
    const FunctionDecl *F = N.Def;
    for (const ParmVarDecl *P : F->parameters())
      if (AsyncType A = asAsync(P->getType()))
        C.report(id(), DiagId::err_noyield_async_param, P->getLocation()) << F << P << A.spelling();
    for (const VarDecl *V : N.AsyncLocals)
      C.report(id(), DiagId::err_noyield_async_local, V->getLocation())
          << F << V << asAsync(V->getType()).spelling();

    for (const EffectSite &S : N.Sites) {
      if (S.Shadowed)
        continue;
      switch (S.What) {
      case EffectSite::Sink:
        C.report(id(), DiagId::err_noyield_sink, S.Loc) << F << S.Name;
        break;
      case EffectSite::Builds:
        C.report(id(), DiagId::err_noyield_builds, S.Loc) << F << S.Name;
        break;
      case EffectSite::Indirect:
        if (S.PointerQuiet)
          break;
        C.report(id(), DiagId::err_noyield_indirect, S.Loc) << F;
        if (S.Pointer && !S.PointerLoud)
          C.note(DiagId::note_declare_pointer_noyield, S.Pointer->getLocation()) << S.Pointer;
        break;
      case EffectSite::Callback:
        // qsort's comparator is called by qsort, before it returns: the
        // pointer type is libc's, the yield is the callback's.
        if (!G.mayYield(S.Callee))
          break;
        C.report(id(), DiagId::err_noyield_callback, S.Loc) << F << S.Callee << S.Name;
        noteWhyYields(C, G, S.Callee, /*May=*/true);
        break;
      case EffectSite::Call:
        // A callee declared noyield is trusted here and checked on its own.
        if (!G.mayYield(S.Callee))
          break;
        C.report(id(), DiagId::err_noyield_calls, S.Loc) << F << S.Callee;
        noteWhyYields(C, G, S.Callee, /*May=*/true);
        break;
      case EffectSite::Address:
        break; // fnptr-effect's business
      }
    }
  }

  llvm::DenseSet<const Decl *> ReportedResult;
};

} // namespace

std::unique_ptr<Check> createNoYieldCheck() { return std::make_unique<NoYieldCheck>(); }

} // namespace weft
