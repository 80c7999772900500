// MayYield.cpp: rule mayyield.  A synchronous function that calls a sink or
// a mayyield function yields too: inferred when it is static, required on the
// declaration when other files can call it; main is the boundary.
// Covered by test/plugin/mayyield*.c.
#include "Check.h"
#include "Effects.h"

#include "clang/AST/Decl.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace weft {
namespace {

class MayYieldCheck : public Check {
public:
  MayYieldCheck() : Check(CheckId::MayYield) {}

  void onAnnotatedDecl(const Decl *D, StringRef Annotation, CheckContext &C) override {
    if (Annotation == "weft.noyield" || Annotation == "weft.mayyield")
      C.noteEffectAnnotation();
    const auto *FD = dyn_cast<FunctionDecl>(D);
    if (!FD || (Annotation != "weft.noyield" && Annotation != "weft.mayyield"))
      return;
    if (!isDeclaredNoYield(FD) || !isDeclaredMayYield(FD))
      return;
    // Reported on the first declaration that says mayyield, pointing at
    // noyield: the same place from every declaration, so the Reporter keeps
    // one report however many declarations carry the annotations.
    C.report(id(), DiagId::err_effect_conflict, effectAttrLoc(FD, "mayyield")) << FD;
    C.note(DiagId::note_declared_noyield, effectAttrLoc(FD, "noyield")) << FD;
  }

  void onEndOfTranslationUnit(CheckContext &C) override {
    const EffectGraph &G = C.effects();
    for (const EffectNode &N : G.nodes()) {
      const FunctionDecl *F = N.Def;
      if (N.YieldsBy < 0 || isAsyncContext(F) || F->isMain() || !F->isExternallyVisible())
        continue;
      if (isDeclaredMayYield(F) || isDeclaredNoYield(F))
        continue; // said, or the noyield rule's business
      const FunctionDecl *First = F->getFirstDecl();
      SourceLocation Insert = C.sourceManager().getExpansionLoc(First->getBeginLoc());
      FixItHint Fix = FixItHint::CreateInsertion(Insert, "mayyield ");
      if (First == F) {
        C.report(id(), DiagId::err_mayyield_missing, F->getLocation()) << F << Fix;
        noteChain(C, G.chain(F, /*May=*/false));
      } else {
        C.report(id(), DiagId::err_mayyield_missing, F->getLocation()) << F;
        noteChain(C, G.chain(F, /*May=*/false));
        C.note(DiagId::note_mayyield_add, First->getLocation()) << Fix;
      }
    }
  }
};

} // namespace

std::unique_ptr<Check> createMayYieldCheck() { return std::make_unique<MayYieldCheck>(); }

} // namespace weft
