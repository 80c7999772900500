// Findings.cpp: FindingCollector, the checker's diagnostics as data.
// Covered by test/tools/ (weft-check and the clang-tidy module).
#include "Findings.h"

using namespace clang;

namespace weft {

void FindingCollector::attach(Options &Opts) {
  Opts.OnReport = [this](CheckId Rule) { Pending = Rule; };
}

void FindingCollector::HandleDiagnostic(DiagnosticsEngine::Level Level, const Diagnostic &Info) {
  DiagnosticConsumer::HandleDiagnostic(Level, Info);
  if (Level == DiagnosticsEngine::Note) {
    if (Keeping)
      Found.back().Notes.emplace_back(Level, Info);
    return;
  }
  std::optional<CheckId> Rule = Pending;
  Pending.reset();
  // The compiler's warnings and remarks are not the checker's business;
  // its errors are, because they mean the translation unit went unchecked.
  Keeping = Rule || Level >= DiagnosticsEngine::Error;
  if (!Keeping)
    return;
  CompilerErrors |= !Rule;
  Found.push_back(Finding{Rule, StoredDiagnostic(Level, Info), {}});
}

} // namespace weft
