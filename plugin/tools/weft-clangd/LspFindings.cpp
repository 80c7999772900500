// LspFindings.cpp: the checker's diagnostics as plain data, for the editor.
// Covered by test/clangd/ (weft-clangd's diagnostics and quick fixes).
#include "LspFindings.h"
#include "Reporter.h"

#include "clang/Basic/LangOptions.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/SmallString.h"

#include <algorithm>

using namespace clang;

namespace weft {
namespace lsp {

namespace {

FindingRange toRange(CharSourceRange R, const SourceManager &SM, const LangOptions &LO) {
  FindingRange Out;
  CharSourceRange F = Lexer::makeFileCharRange(R, SM, LO);
  if (F.isInvalid()) {
    // A range inside a macro argument that makeFileCharRange cannot map:
    // use where the macro is expanded.
    SourceLocation B = SM.getExpansionLoc(R.getBegin());
    F = CharSourceRange::getCharRange(B, B.getLocWithOffset(Lexer::MeasureTokenLength(B, SM, LO)));
  }
  if (F.isInvalid())
    return Out;
  std::pair<FileID, unsigned> B = SM.getDecomposedLoc(F.getBegin());
  std::pair<FileID, unsigned> E = SM.getDecomposedLoc(F.getEnd());
  if (B.first != E.first || E.second < B.second)
    E = B;
  Out.File = SM.getFilename(F.getBegin()).str();
  Out.InMainFile = B.first == SM.getMainFileID();
  Out.Line = SM.getLineNumber(B.first, B.second);
  Out.Column = SM.getColumnNumber(B.first, B.second);
  Out.EndLine = SM.getLineNumber(E.first, E.second);
  Out.EndColumn = SM.getColumnNumber(E.first, E.second);
  return Out;
}

// Where a diagnostic goes: the first of its ranges that holds its location,
// else the token at its location (what Clang underlines with ^~~).
FindingRange whereOf(const Diagnostic &Info, const LangOptions &LO) {
  const SourceManager &SM = Info.getSourceManager();
  SourceLocation Loc = SM.getFileLoc(Info.getLocation());
  for (const CharSourceRange &R : Info.getRanges()) {
    FindingRange FR = toRange(R, SM, LO);
    if (FR.File.empty())
      continue;
    std::pair<FileID, unsigned> L = SM.getDecomposedLoc(Loc);
    unsigned Line = SM.getLineNumber(L.first, L.second), Col = SM.getColumnNumber(L.first, L.second);
    bool After = Line > FR.Line || (Line == FR.Line && Col >= FR.Column);
    bool Before = Line < FR.EndLine || (Line == FR.EndLine && Col <= FR.EndColumn);
    if (FR.File == SM.getFilename(Loc) && After && Before)
      return FR;
  }
  return toRange(CharSourceRange::getTokenRange(Loc, Loc), SM, LO);
}

std::vector<FindingFix> fixesOf(const Diagnostic &Info, const LangOptions &LO) {
  std::vector<FindingFix> Out;
  for (const FixItHint &H : Info.getFixItHints()) {
    FindingFix F;
    F.Range = toRange(H.RemoveRange, Info.getSourceManager(), LO);
    if (F.Range.File.empty())
      continue;
    F.Text = H.CodeToInsert;
    Out.push_back(std::move(F));
  }
  return Out;
}

} // namespace

void FindingCollector::BeginSourceFile(const LangOptions &LO, const Preprocessor *) { LangOpts = &LO; }
void FindingCollector::EndSourceFile() {}

void FindingCollector::willReport(CheckId Rule) {
  HavePending = true;
  Pending = Rule;
}

// A diagnostic is the checker's when its id is one of Diagnostics.def's
// custom ids (getCustomDiagID returns the same id for the same level and text).
bool FindingCollector::isWeftDiagnostic(const Diagnostic &Info) {
  if (WeftIds.empty()) {
    DiagnosticsEngine &Diags = *const_cast<DiagnosticsEngine *>(Info.getDiags());
    for (unsigned I = 0; I != static_cast<unsigned>(DiagId::NumDiags); ++I)
      for (bool Werror : {false, true})
        WeftIds.push_back(diagnosticId(Diags, static_cast<DiagId>(I), Werror));
    std::sort(WeftIds.begin(), WeftIds.end());
  }
  return std::binary_search(WeftIds.begin(), WeftIds.end(), Info.getID());
}

void FindingCollector::HandleDiagnostic(DiagnosticsEngine::Level Level, const Diagnostic &Info) {
  DiagnosticConsumer::HandleDiagnostic(Level, Info);
  if (!LangOpts || !Info.hasSourceManager() || Info.getLocation().isInvalid()) {
    if (Level != DiagnosticsEngine::Note)
      LastWasWeft = false;
    return;
  }
  llvm::SmallString<256> Message;
  Info.FormatDiagnostic(Message);
  if (Level == DiagnosticsEngine::Note) {
    if (LastWasWeft && !Found.empty() && isWeftDiagnostic(Info))
      Found.back().Notes.push_back({whereOf(Info, *LangOpts), Message.str().str(), fixesOf(Info, *LangOpts)});
    return;
  }
  LastWasWeft = HavePending && isWeftDiagnostic(Info);
  HavePending = false;
  if (!LastWasWeft)
    return;
  Finding F;
  F.Rule = Pending;
  F.Error = Level >= DiagnosticsEngine::Error;
  F.Message = Message.str().str();
  F.Where = whereOf(Info, *LangOpts);
  F.Fixes = fixesOf(Info, *LangOpts);
  Found.push_back(std::move(F));
}

} // namespace lsp
} // namespace weft
