// Reporter.cpp: the one way rules emit diagnostics.
// Covered by test/plugin/options-*.c and unchecked*.c.
#include "Reporter.h"
#include "Macros.h"

#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace weft {


Reporter::Reporter(DiagnosticsEngine &Diags, const SourceManager &SM, const LangOptions &LO,
                   const Options &Opts)
    : Diags(Diags), SM(SM), LO(LO), Opts(Opts) {}

// Custom diagnostic ids are made on first use; the level of a warning
// depends on -fplugin-arg-weft-werror.
unsigned diagnosticId(DiagnosticsEngine &Diags, DiagId Id, bool Werror) {
  const auto WarningLevel = Werror ? DiagnosticsEngine::Error : DiagnosticsEngine::Warning;
  (void)WarningLevel;
  switch (Id) {
#define WEFT_LEVEL_Error DiagnosticsEngine::Error
#define WEFT_LEVEL_Warning WarningLevel
#define WEFT_LEVEL_Note DiagnosticsEngine::Note
#define WEFT_LEVEL_Remark DiagnosticsEngine::Remark
#define WEFT_DIAG(Name, Level, Text)                                                               \
  case DiagId::Name:                                                                               \
    return Diags.getCustomDiagID(WEFT_LEVEL_##Level, Text);
#include "Diagnostics.def"
#undef WEFT_LEVEL_Error
#undef WEFT_LEVEL_Warning
#undef WEFT_LEVEL_Note
#undef WEFT_LEVEL_Remark
  case DiagId::NumDiags:
    break;
  }
  return 0;
}

unsigned Reporter::idFor(DiagId Id) {
  unsigned &Slot = Ids[static_cast<unsigned>(Id)];
  if (!Slot)
    Slot = diagnosticId(Diags, Id, Opts.Werror);
  return Slot;
}

Diag Reporter::report(CheckId Rule, DiagId Id, SourceLocation Loc) {
  LastSuppressed = true;
  if (!Opts.enabled(Rule) || Loc.isInvalid())
    return Diag();
  if (SM.isInSystemHeader(SM.getExpansionLoc(Loc)) || isInUnchecked(Loc, SM, LO))
    return Diag();
  if (!Seen.insert({static_cast<unsigned>(Id), Loc.getRawEncoding()}).second)
    return Diag();
  LastSuppressed = false;
  if (Opts.OnReport)
    Opts.OnReport(Rule);
  return Diag(Diags.Report(Loc, idFor(Id)));
}

Diag Reporter::note(DiagId Id, SourceLocation Loc) {
  if (LastSuppressed || Loc.isInvalid())
    return Diag();
  return Diag(Diags.Report(Loc, idFor(Id)));
}

Diag Reporter::reportAlways(DiagId Id, SourceLocation Loc) {
  LastSuppressed = false;
  return Diag(Diags.Report(Loc, idFor(Id)));
}

} // namespace weft
