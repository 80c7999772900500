// FnPtrEffect.cpp: rule fnptr-effect.  A function's effect travels with its
// address only through a pointer declared with the same effect: a function
// that may yield is stored only where the pointer says mayyield, and a
// pointer declared noyield only takes functions that cannot yield.
// Covered by test/plugin/fnptr-effect*.c.
#include "Check.h"
#include "Effects.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"

using namespace clang;

namespace weft {
namespace {

class FnPtrEffectCheck : public Check {
public:
  FnPtrEffectCheck() : Check(CheckId::FnPtrEffect) {}

  void onAnnotatedDecl(const Decl *D, StringRef Annotation, CheckContext &C) override {
    if (Annotation == "weft.noyield" || Annotation == "weft.mayyield")
      C.noteEffectAnnotation();
  }

  void onEndOfTranslationUnit(CheckContext &C) override {
    const EffectGraph &G = C.effects();
    for (const EffectNode &N : G.nodes())
      checkSites(N, G, C);
    checkSites(G.globals(), G, C);
  }

private:
  void checkSites(const EffectNode &N, const EffectGraph &G, CheckContext &C) {
    const ASTContext &Ctx = G.ast();
    for (const EffectSite &S : N.Sites) {
      // A function handed to a weft combinator runs in the loop (the
      // effect rules treat it as async context), one handed to
      // pthread_create on a thread of its own: no pointer of the program's
      // carries it into a running loop.  A signal handler may run anywhere.
      if (S.What != EffectSite::Address || S.Handed == EffectSite::ToLoop || S.Handed == EffectSite::ToThread)
        continue;
      const FunctionDecl *F = S.Callee;
      if (S.Handed == EffectSite::ToSignal) {
        if (G.mayYield(F)) {
          C.report(id(), DiagId::err_fnptr_signal_handler, S.Loc) << F;
          noteWhyYields(C, G, F, /*May=*/true);
        }
        continue;
      }
      bool IntoQuiet = pointerCarries(S.Dest, "noyield") || typeCarries(S.DestType, "noyield", Ctx);
      if (IntoQuiet) {
        if (!G.mayYield(F))
          continue;
        // Clang formats %1 by what is streamed: the declaration when there
        // is one, else the type the address was converted to.
        {
          Diag D = C.report(id(), DiagId::err_fnptr_into_noyield, S.Loc);
          D << F;
          if (S.Dest)
            D << S.Dest;
          else
            D << S.DestType;
        } // emitted here, before its notes
        noteWhyYields(C, G, F, /*May=*/true);
        continue;
      }
      if (!G.yields(F))
        continue;
      if (pointerCarries(S.Dest, "mayyield") || typeCarries(S.DestType, "mayyield", Ctx))
        continue;
      C.report(id(), DiagId::err_fnptr_escapes, S.Loc) << F << S.DestType;
      noteWhyYields(C, G, F, /*May=*/false);
    }
  }
};

} // namespace

std::unique_ptr<Check> createFnPtrEffectCheck() { return std::make_unique<FnPtrEffectCheck>(); }

} // namespace weft
