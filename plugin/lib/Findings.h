// Findings.h: the checker's diagnostics kept as data, each with the rule that
// reported it, for the front ends that do not print through Clang (weft-check,
// the clang-tidy module).  Covered by test/tools/ (weft-check and tidy tests).
#ifndef WEFT_FINDINGS_H
#define WEFT_FINDINGS_H

#include "Analysis.h"

#include "clang/Basic/Diagnostic.h"

#include <optional>
#include <vector>

namespace weft {

// One diagnostic and the notes that follow it.  Rule is empty for a
// diagnostic of the compiler itself (only its errors are kept: they mean the
// translation unit does not compile).
struct Finding {
  std::optional<CheckId> Rule;
  clang::StoredDiagnostic Main;
  std::vector<clang::StoredDiagnostic> Notes;
};

// A DiagnosticConsumer that keeps the checker's diagnostics and the
// compiler's errors, and drops the compiler's warnings.  Install it as the
// client of the DiagnosticsEngine given to analyze(), with Options prepared
// by attach(), so that each diagnostic is tagged with its rule.
class FindingCollector : public clang::DiagnosticConsumer {
public:
  // Sets Opts.OnReport to tag the next diagnostic with its rule.
  void attach(Options &Opts);

  void HandleDiagnostic(clang::DiagnosticsEngine::Level Level, const clang::Diagnostic &Info) override;

  const std::vector<Finding> &findings() const { return Found; }
  // Whether the compiler reported an error (the translation unit does not compile).
  bool compilerErrors() const { return CompilerErrors; }

private:
  std::vector<Finding> Found;
  std::optional<CheckId> Pending; // the rule of the next diagnostic
  bool Keeping = false;           // whether notes attach to Found.back()
  bool CompilerErrors = false;
};

} // namespace weft

#endif
