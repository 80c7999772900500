// AnnotationTarget.cpp: rule annotation-target.  noyield, mayyield,
// weft_boundary and weft_blocking describe functions; written on anything
// else but a function pointer they would be silently meaningless.
// Covered by test/plugin/annotation-target*.c.
#include "Check.h"

#include "clang/AST/Decl.h"

using namespace clang;

namespace weft {
namespace {

class AnnotationTargetCheck : public Check {
public:
  AnnotationTargetCheck() : Check(CheckId::AnnotationTarget) {}

  void onAnnotatedDecl(const Decl *D, StringRef Annotation, CheckContext &C) override {
    if (isa<FunctionDecl>(D))
      return;
    QualType T;
    int What;
    if (const auto *P = dyn_cast<ParmVarDecl>(D)) {
      T = P->getType();
      What = 1;
    } else if (const auto *V = dyn_cast<VarDecl>(D)) {
      T = V->getType();
      What = 0;
    } else if (const auto *F = dyn_cast<FieldDecl>(D)) {
      T = F->getType();
      What = 2;
    } else if (const auto *TD = dyn_cast<TypedefNameDecl>(D)) {
      T = TD->getUnderlyingType();
      What = 3;
    } else {
      return;
    }
    // A table of function pointers carries the effect of its elements.
    const Type *Element = T->getBaseElementTypeUnsafe();
    if (T->isFunctionType() || T->isFunctionPointerType() || Element->isFunctionPointerType())
      return;
    C.report(id(), DiagId::err_annotation_target, D->getLocation()) << spelling(Annotation) << What << T;
  }

private:
  // The macro the user wrote for an annotation "weft.<name>".
  static StringRef spelling(StringRef Annotation) {
    StringRef Name = Annotation.drop_front(5);
    if (Name == "boundary")
      return "weft_boundary";
    if (Name == "blocking")
      return "weft_blocking";
    return Name;
  }
};

} // namespace

std::unique_ptr<Check> createAnnotationTargetCheck() { return std::make_unique<AnnotationTargetCheck>(); }

} // namespace weft
