// Check.h: what a rule is.  A rule is a class derived from Check, defined in
// rules/<Id>.cpp with a factory create<Id>Check(), and listed in Checks.def.
// The core walks the translation unit once and calls the hooks below; a rule
// overrides the ones it needs and reports through CheckContext::report().
// See plugin/README.md, "Adding a rule".
#ifndef WEFT_CHECK_H
#define WEFT_CHECK_H

#include "Analysis.h"
#include "AsyncType.h"
#include "Flow.h"
#include "Reporter.h"

#include <memory>

namespace clang {
class ASTContext;
class CallExpr;
class FunctionDecl;
class ParmVarDecl;
class RecordDecl;
class SourceManager;
class VarDecl;
class Decl;
class Expr;
} // namespace clang

namespace weft {

class EffectGraph;

// One finding of the linearity analysis (Linearity.h) about a local or
// parameter of async type.
struct LinearityEvent {
  enum Kind {
    Reused,        // consumed again after (Maybe: possibly after) a first use
    Unused,        // never consumed on any path
    DroppedOnPath, // still unconsumed when the function returns at Where
    Overwritten    // assigned while still holding an unconsumed action
  };
  Kind What;
  const clang::VarDecl *Var;
  clang::SourceLocation Where;   // the second use, the return, the assignment
  clang::SourceLocation Earlier; // the first use, the previous assignment
  bool Maybe = false;            // Reused: only on some paths
  // Reused (Maybe) or DroppedOnPath after a loop that may consume the
  // variable: the shape where a flag or a break set in the loop decides
  // the path, which a per-path analysis cannot correlate (a note says how
  // to restructure).
  bool AfterLoopUse = false;
};

// What a rule sees of the analysis in progress.
class CheckContext {
public:
  CheckContext(clang::ASTContext &Ctx, Reporter &R) : Ctx(Ctx), R(R) {}

  clang::ASTContext &ast() const { return Ctx; }
  const clang::SourceManager &sourceManager() const;
  const clang::LangOptions &langOpts() const;

  // Reports through the Reporter (which applies options and escapes).
  Diag report(CheckId Rule, DiagId Id, clang::SourceLocation Loc) { return R.report(Rule, Id, Loc); }
  Diag note(DiagId Id, clang::SourceLocation Loc) { return R.note(Id, Loc); }

  // The use of E, an expression of async type in the function being
  // analysed (memoised).
  const AsyncUse &useOf(const clang::Expr *E);

  // The function being analysed, or null outside function bodies.
  const clang::FunctionDecl *currentFunction() const { return Function; }

  // The effect inference over the whole translation unit (Effects.h),
  // built on first use and shared by the effect rules.
  const EffectGraph &effects();
  // Called by the effect rules for every noyield or mayyield annotation in
  // user code, locals included: with none, no async function and no weft
  // combinator used, nothing in the translation unit can yield, and
  // effects() skips reading the bodies (a large C file that only includes
  // weft.h pays nothing for it).
  void noteEffectAnnotation() { EffectAnnotations = true; }

private:
  friend class Driver;
  clang::ASTContext &Ctx;
  Reporter &R;
  const clang::FunctionDecl *Function = nullptr;
  llvm::DenseMap<const clang::Expr *, AsyncUse> Uses;
  std::shared_ptr<EffectGraph> Effects;
  bool EffectAnnotations = false;
};

// The rule interface.  Every hook has an empty default.
class Check {
public:
  explicit Check(CheckId Id) : Id(Id) {}
  virtual ~Check();

  CheckId id() const { return Id; }

  // The hooks called for every node of a body.  Their defaults note that
  // they ran, and the driver stops calling a hook the rule left as it is:
  // most rules override few of them, and each expression would otherwise
  // pay a call per rule.
  enum NodeHook : unsigned { ExprHook = 1, AsyncUseHook = 2, WeftCallHook = 4 };
  bool leftDefault(NodeHook H) const { return Defaults & H; }

  // Once per async type defined in the translation unit (outside system headers).
  virtual void onAsyncType(const AsyncType &T, CheckContext &C) {}
  // Once per declaration carrying a weft.* annotation (noyield, mayyield, ...).
  virtual void onAnnotatedDecl(const clang::Decl *D, llvm::StringRef Annotation, CheckContext &C) {}
  // Once per function definition the checker looks into (not weft_boundary,
  // not in a system header), before its body's hooks.
  virtual void onFunction(const clang::FunctionDecl *F, CheckContext &C) {}
  // For every expression producing an action in that function's body, with
  // its use (see Flow.h).
  virtual void onAsyncUse(const AsyncUse &U, CheckContext &C) { Defaults |= AsyncUseHook; }
  // For every expression of that body, of any type (for rules about values
  // that contain actions without being one: structs, pointers to actions).
  virtual void onExpr(const clang::Expr *E, CheckContext &C) { Defaults |= ExprHook; }
  // For every variable declared in user code, at file scope or in a body.
  virtual void onVarDecl(const clang::VarDecl *VD, CheckContext &C) {}
  // For every struct or union defined in user code, nested and local ones
  // included, async types excepted (see onAsyncType).
  virtual void onRecordDecl(const clang::RecordDecl *RD, CheckContext &C) {}
  // For every call of a weft__ internal (what a combinator macro expands to).
  virtual void onWeftCall(const clang::CallExpr *Call, llvm::StringRef Internal, CheckContext &C) {
    Defaults |= WeftCallHook;
  }
  // For each finding of the linearity analysis; it runs only when a rule
  // asks for it by returning true from wantsLinearity().
  virtual bool wantsLinearity() const { return false; }
  virtual void onLinearity(const LinearityEvent &E, CheckContext &C) {}
  // Once, after every function (for whole-translation-unit inference).
  virtual void onEndOfTranslationUnit(CheckContext &C) {}

private:
  CheckId Id;
  unsigned Defaults = 0; // the NodeHooks whose default ran
};

// The factories, one per line of Checks.def.
#define WEFT_CHECK(Id, Name, Summary) std::unique_ptr<Check> create##Id##Check();
#include "Checks.def"

} // namespace weft

#endif
