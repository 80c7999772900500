// WeftTidyModule.cpp: the clang-tidy module (libweft-tidy-<N>.so), one thin
// adapter over weft::analyze: each rule of Checks.def is the check
// weft-<rule>.  The analysis runs once per translation unit for every enabled
// weft-* check; each check then re-emits its own rule's findings through
// clang-tidy, which applies NOLINT, --fix and --warnings-as-errors.
// Covered by test/tools/tidy.test.
#include "Analysis.h"
#include "Findings.h"

#include "clang-tidy/ClangTidyCheck.h"
#include "clang-tidy/ClangTidyModule.h"
#include "clang/Basic/Version.h"
#if CLANG_VERSION_MAJOR < 22
#include "clang-tidy/ClangTidyModuleRegistry.h"
#endif
#include "clang/AST/ASTContext.h"
#include "clang/AST/ASTDiagnostic.h"
#include "clang/ASTMatchers/ASTMatchFinder.h"
#include "clang/ASTMatchers/ASTMatchers.h"

#include <memory>

using namespace clang;
using namespace clang::tidy;

namespace {

// What the checks of one clang-tidy run share: the findings of the
// translation unit being checked.  The checks are created afresh for each
// translation unit, and creating one forgets the previous unit's findings.
struct SharedFindings {
  const ASTContext *Ctx = nullptr;
  std::vector<weft::Finding> Found;
};

// The analysis over Ctx, its diagnostics kept rather than printed: a
// private DiagnosticsEngine on the unit's SourceManager, so that clang-tidy
// sees each finding only once, through the check that owns its rule.
class Analysis {
public:
  Analysis()
#if CLANG_VERSION_MAJOR >= 21
      : Diags(new DiagnosticIDs, DiagOpts, &Collector, /*ShouldOwnClient=*/false)
#else
      : Diags(new DiagnosticIDs, new DiagnosticOptions, &Collector, /*ShouldOwnClient=*/false)
#endif
  {
  }

  std::vector<weft::Finding> run(ASTContext &Ctx, weft::Options Opts) {
    Diags.setSourceManager(&Ctx.getSourceManager());
    // Declarations and types in messages are printed as Sema would.
    Diags.SetArgToStringFn(&FormatASTNodeDiagnosticArgument, &Ctx);
    // The core holds back findings that a broken translation unit could
    // make up; it learns of the compiler's errors from its engine.
    if (Ctx.getDiagnostics().hasErrorOccurred())
      Diags.Report(Diags.getCustomDiagID(DiagnosticsEngine::Error, "the translation unit has errors"));
    Collector.attach(Opts);
    weft::analyze(Ctx, Diags, Opts);
    std::vector<weft::Finding> Out;
    for (const weft::Finding &F : Collector.findings())
      if (F.Rule)
        Out.push_back(F);
    return Out;
  }

private:
#if CLANG_VERSION_MAJOR >= 21
  DiagnosticOptions DiagOpts;
#endif
  weft::FindingCollector Collector;
  DiagnosticsEngine Diags;
};

// clang-tidy formats a check's message; the checker's is already formatted.
std::string escape(StringRef Text) {
  std::string Out;
  for (char C : Text) {
    Out += C;
    if (C == '%')
      Out += '%';
  }
  return Out;
}

class RuleCheck : public ClangTidyCheck {
public:
  RuleCheck(StringRef Name, ClangTidyContext *Context, weft::CheckId Rule, std::shared_ptr<SharedFindings> Shared)
      : ClangTidyCheck(Name, Context), Context(Context), Rule(Rule), Shared(std::move(Shared)) {
    this->Shared->Ctx = nullptr;
  }

  void registerMatchers(ast_matchers::MatchFinder *Finder) override {
    Finder->addMatcher(ast_matchers::translationUnitDecl().bind("unit"), this);
  }

  void check(const ast_matchers::MatchFinder::MatchResult &Result) override {
    if (Shared->Ctx != Result.Context) {
      // The first weft check to see this unit runs the analysis for all.
      weft::Options Opts;
      for (unsigned I = 0; I != weft::NumChecks; ++I) {
        auto Id = static_cast<weft::CheckId>(I);
        if (!Context->isCheckEnabled("weft-" + weft::checkName(Id).str()))
          Opts.disable(Id);
      }
      Shared->Found = Analysis().run(*Result.Context, Opts);
      Shared->Ctx = Result.Context;
    }
    for (const weft::Finding &F : Shared->Found) {
      if (*F.Rule != Rule)
        continue;
      // Warnings all: clang-tidy takes an error for a compiler error and
      // then refuses --fix; --warnings-as-errors='weft-*' makes them fail.
      {
        DiagnosticBuilder D = diag(F.Main.getLocation(), escape(F.Main.getMessage()), DiagnosticIDs::Warning);
        for (const FixItHint &H : F.Main.getFixIts())
          D << H;
      }
      for (const StoredDiagnostic &N : F.Notes) {
        DiagnosticBuilder D = diag(N.getLocation(), escape(N.getMessage()), DiagnosticIDs::Note);
        for (const FixItHint &H : N.getFixIts())
          D << H;
      }
    }
  }

private:
  ClangTidyContext *Context;
  weft::CheckId Rule;
  std::shared_ptr<SharedFindings> Shared;
};

class WeftModule : public ClangTidyModule {
public:
  void addCheckFactories(ClangTidyCheckFactories &Factories) override {
    auto Shared = std::make_shared<SharedFindings>();
    for (unsigned I = 0; I != weft::NumChecks; ++I) {
      auto Id = static_cast<weft::CheckId>(I);
      Factories.registerCheckFactory("weft-" + weft::checkName(Id).str(),
                                     [Shared, Id](StringRef Name, ClangTidyContext *Context) {
                                       return std::make_unique<RuleCheck>(Name, Context, Id, Shared);
                                     });
    }
  }
};

} // namespace

static ClangTidyModuleRegistry::Add<WeftModule> X("weft-module", "the weft checker's rules as weft-* checks");
