// Reporter.h: the one way rules emit diagnostics.  It applies the options
// (werror, disabled rules) and the weft_unchecked(...) escape, so that no
// rule has to.  Covered by test/plugin/options-*.c and unchecked*.c.
#ifndef WEFT_REPORTER_H
#define WEFT_REPORTER_H

#include "Analysis.h"

#include "clang/Basic/Diagnostic.h"
#include "llvm/ADT/DenseSet.h"

#include <optional>
#include <utility>

namespace clang {
class SourceManager;
class LangOptions;
} // namespace clang

namespace weft {

// The ids of Diagnostics.def.
enum class DiagId {
#define WEFT_DIAG(Id, Level, Text) Id,
#include "Diagnostics.def"
  NumDiags
};

// The DiagnosticsEngine id of a text of Diagnostics.def (warnings become
// errors when Werror is set).
unsigned diagnosticId(clang::DiagnosticsEngine &Diags, DiagId Id, bool Werror);

// A diagnostic being built: stream arguments into it like a
// clang::DiagnosticBuilder.  It is inert when the diagnostic is suppressed.
class Diag {
public:
  Diag() = default;
  explicit Diag(clang::DiagnosticBuilder B) { Builder.emplace(B); }

  explicit operator bool() const { return Builder.has_value(); }

  template <typename T> Diag &operator<<(const T &V) {
    if (Builder)
      *Builder << V;
    return *this;
  }
  Diag &operator<<(const std::string &S) {
    if (Builder)
      *Builder << llvm::StringRef(S);
    return *this;
  }

private:
  std::optional<clang::DiagnosticBuilder> Builder;
};

class Reporter {
public:
  Reporter(clang::DiagnosticsEngine &Diags, const clang::SourceManager &SM,
           const clang::LangOptions &LO, const Options &Opts);

  // Reports diagnostic Id of rule Rule at Loc, unless the rule is disabled,
  // Loc is inside weft_unchecked(...) or a system header, or the same
  // diagnostic was already reported there.
  Diag report(CheckId Rule, DiagId Id, clang::SourceLocation Loc);

  // A note attached to the last report(); inert if that was suppressed.
  Diag note(DiagId Id, clang::SourceLocation Loc);

  // Diagnostics that belong to no rule (option errors).
  Diag reportAlways(DiagId Id, clang::SourceLocation Loc);

  const Options &options() const { return Opts; }

private:
  unsigned idFor(DiagId Id);

  clang::DiagnosticsEngine &Diags;
  const clang::SourceManager &SM;
  const clang::LangOptions &LO;
  const Options &Opts;
  unsigned Ids[static_cast<unsigned>(DiagId::NumDiags)] = {};
  bool LastSuppressed = true;
  llvm::DenseSet<std::pair<unsigned, unsigned>> Seen;
};

} // namespace weft

#endif
