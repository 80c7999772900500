// LspFindings.h: the checker's diagnostics as plain data (rule, level, message,
// range, notes, fix-its), for front ends that publish them somewhere other
// than Clang's text output.  Covered by test/clangd/ (weft-clangd uses it).
#ifndef WEFT_LSP_FINDINGS_H
#define WEFT_LSP_FINDINGS_H

#include "Analysis.h"

#include "clang/Basic/Diagnostic.h"

#include <string>
#include <vector>

namespace clang {
class LangOptions;
class SourceManager;
} // namespace clang

namespace weft {
namespace lsp {

// A range in a file.  Lines and columns are 1-based, columns count bytes,
// and the end is exclusive (one past the last character).
struct FindingRange {
  std::string File; // as the SourceManager names it
  bool InMainFile = false;
  unsigned Line = 0, Column = 0;
  unsigned EndLine = 0, EndColumn = 0;
};

// A fix-it: replace Range by Text (an empty range inserts).
struct FindingFix {
  FindingRange Range;
  std::string Text;
};

struct FindingNote {
  FindingRange Where;
  std::string Message;
  std::vector<FindingFix> Fixes;
};

struct Finding {
  CheckId Rule;
  bool Error = false; // an error (also a warning under werror) or a warning
  std::string Message;
  FindingRange Where;
  std::vector<FindingNote> Notes;
  std::vector<FindingFix> Fixes;
};

// A DiagnosticConsumer that keeps the checker's diagnostics, with their
// rule, and ignores every other one.  Install it as the client of the
// DiagnosticsEngine passed to analyze(), and have Options::OnReport call
// willReport().
class FindingCollector : public clang::DiagnosticConsumer {
public:
  void BeginSourceFile(const clang::LangOptions &LO, const clang::Preprocessor *PP) override;
  void EndSourceFile() override;
  void HandleDiagnostic(clang::DiagnosticsEngine::Level Level, const clang::Diagnostic &Info) override;
  // The rule of the next diagnostic: set Options::OnReport to call this.
  void willReport(CheckId Rule);

  std::vector<Finding> take() { return std::move(Found); }

private:
  bool isWeftDiagnostic(const clang::Diagnostic &Info);

  const clang::LangOptions *LangOpts = nullptr;
  std::vector<Finding> Found;
  std::vector<unsigned> WeftIds; // sorted, made on first use
  bool HavePending = false;      // willReport() was called for the next diagnostic
  CheckId Pending{};
  bool LastWasWeft = false; // notes belong to the last non-note diagnostic
};

} // namespace lsp
} // namespace weft

#endif
