// Analysis.h: the checker's front-end API, shared by the -fplugin action, the
// lint gate and the editor proxy.  Covered by every test in test/plugin/.
#ifndef WEFT_ANALYSIS_H
#define WEFT_ANALYSIS_H

#include "llvm/ADT/StringRef.h"

#include <functional>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class DiagnosticsEngine;
class Preprocessor;
} // namespace clang

namespace weft {

// The rules, one enumerator per line of Checks.def.
enum class CheckId {
#define WEFT_CHECK(Id, Name, Summary) Id,
#include "Checks.def"
};
constexpr unsigned NumChecks = 0
#define WEFT_CHECK(Id, Name, Summary) +1
#include "Checks.def"
    ;

llvm::StringRef checkName(CheckId Id);
llvm::StringRef checkSummary(CheckId Id);
// The rule called Name, if there is one.
bool lookupCheck(llvm::StringRef Name, CheckId &Out);

// What a front end can change.  Everything is on by default.
struct Options {
  bool Werror = false;               // report the checker's warnings as errors
  bool Disabled[NumChecks] = {};     // rules switched off, indexed by CheckId
  // Called with the rule just before each of its diagnostics goes to the
  // DiagnosticsEngine (its notes follow), for front ends that must know
  // which rule spoke (FindingCollector in Findings.h).  Unset by -fplugin.
  std::function<void(CheckId)> OnReport;

  bool enabled(CheckId Id) const { return !Disabled[static_cast<unsigned>(Id)]; }
  void disable(CheckId Id) { Disabled[static_cast<unsigned>(Id)] = true; }
};

// Parses one front-end argument (werror, disable=<rule>[,<rule>...],
// list-rules).  On failure returns false and sets Error to the text to report.
// list-rules sets ListRules.
bool parseOption(llvm::StringRef Arg, Options &Opts, bool &ListRules, std::string &Error);

// Runs every enabled rule over the translation unit in Ctx and reports
// through Diags.  Never modifies the AST.  Does almost nothing for a
// translation unit that declares no async type.  PP, the preprocessor that
// produced Ctx (when the front end has it, after the whole unit was
// parsed), only saves work: it tells which of weft.h's macros were never
// expanded, so that the weft_unchecked test is skipped in a unit that never
// writes weft_unchecked.  Without it the analysis asks every location.
void analyze(clang::ASTContext &Ctx, clang::DiagnosticsEngine &Diags, const Options &Opts,
             const clang::Preprocessor *PP = nullptr);

// Prints the rule list as notes (for list-rules).
void listRules(clang::DiagnosticsEngine &Diags);

} // namespace weft

#endif
