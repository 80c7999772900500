// Plugin.cpp: the -fplugin front end of the checker, registered as "weft".
// Covered by test/plugin/ (every test loads the plugin this way).
#include "Analysis.h"
#include "Compat.h"
#include "Reporter.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendPluginRegistry.h"

#include <memory>
#include <string>
#include <vector>

namespace {

class WeftConsumer : public clang::ASTConsumer {
public:
  WeftConsumer(clang::CompilerInstance &CI, weft::Options Opts) : CI(CI), Opts(Opts) {}

  // Called once the whole translation unit is parsed, also when Sema has
  // reported errors: a program the compiler rejects still gets the checker's
  // explanation.
  void HandleTranslationUnit(clang::ASTContext &Ctx) override {
    weft::analyze(Ctx, CI.getDiagnostics(), Opts, &CI.getPreprocessor());
  }

private:
  clang::CompilerInstance &CI;
  weft::Options Opts;
};

class WeftAction : public clang::PluginASTAction {
protected:
  std::unique_ptr<clang::ASTConsumer> CreateASTConsumer(clang::CompilerInstance &CI,
                                                        llvm::StringRef) override {
    return std::make_unique<WeftConsumer>(CI, Opts);
  }

  bool ParseArgs(const clang::CompilerInstance &CI, const std::vector<std::string> &Args) override {
    clang::DiagnosticsEngine &Diags = CI.getDiagnostics();
    bool Ok = true, ListRules = false;
    for (const std::string &Arg : Args) {
      std::string Error;
      if (weft::parseOption(Arg, Opts, ListRules, Error))
        continue;
      bool BadRule = weft::startsWith(Arg, "disable=") && !Error.empty();
      Diags.Report(weft::diagnosticId(Diags, BadRule ? weft::DiagId::err_unknown_rule
                                                      : weft::DiagId::err_unknown_option,
                                      false))
          << Error;
      Ok = false;
    }
    if (ListRules)
      weft::listRules(Diags);
    return Ok;
  }

  // Run after the main action, so that -fplugin=libweft-plugin.so alone
  // checks while compiling, with no -Xclang -add-plugin.
  ActionType getActionType() override { return AddAfterMainAction; }

private:
  weft::Options Opts;
};

} // namespace

static clang::FrontendPluginRegistry::Add<WeftAction>
    X("weft", "check that weft actions flow only through the combinators");
