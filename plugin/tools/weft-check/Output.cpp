// Output.cpp: what weft-check prints: Clang-style text, JSON, SARIF 2.1.0
// (through llvm/Support/JSON.h), the fingerprints that match findings across
// runs, and baseline files.  Covered by test/tools/weft-check-*.test.
#include "WeftCheck.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SHA1.h"
#include "llvm/Support/Unicode.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <tuple>

namespace json = llvm::json;

namespace weftcheck {

namespace {

bool before(const Finding &A, const Finding &B) {
  return std::tie(A.Main.Where.File, A.Main.Where.Line, A.Main.Where.Column, A.Rule, A.Main.Text) <
         std::tie(B.Main.Where.File, B.Main.Where.Line, B.Main.Where.Column, B.Rule, B.Main.Text);
}

// The text of a line with runs of blanks made one space and the ends
// trimmed, so that re-indenting a line keeps its findings' fingerprints.
std::string normalise(llvm::StringRef Line) {
  std::string Out;
  bool Blank = false;
  for (char C : Line.trim()) {
    bool IsBlank = C == ' ' || C == '\t' || C == '\r' || C == '\f' || C == '\v';
    if (IsBlank && !Blank)
      Out += ' ';
    else if (!IsBlank)
      Out += C;
    Blank = IsBlank;
  }
  return Out;
}


// A relative path as a URI reference (percent-encoded, '/' kept).
std::string uriPath(llvm::StringRef Path) { return fileUri(Path).substr(strlen("file://")); }

} // namespace

std::string fileUri(llvm::StringRef Path) {
  std::string Out = "file://";
  for (char C : Path) {
    if (llvm::isAlnum(C) || llvm::StringRef("/-._~").contains(C))
      Out += C;
    else {
      Out += '%';
      Out += llvm::hexdigit((unsigned char)C >> 4);
      Out += llvm::hexdigit((unsigned char)C & 15);
    }
  }
  return Out;
}

std::string relativePath(const std::string &File, const std::string &Root) {
  llvm::StringRef F(File), R(Root);
  R = R.rtrim('/');
  if (!R.empty() && F.size() > R.size() && F.substr(0, R.size()) == R && F[R.size()] == '/')
    return F.substr(R.size() + 1).str();
  return File;
}

std::vector<Finding> uniqueFindings(const std::vector<Unit> &Units) {
  std::vector<Finding> Out;
  std::set<std::tuple<std::string, std::string, unsigned, std::string>> Seen;
  for (const Unit &U : Units)
    for (const Finding &F : U.Findings)
      if (Seen.insert({F.Rule, F.Main.Where.File, F.Main.Where.Offset, F.Main.Text}).second)
        Out.push_back(F);
  std::sort(Out.begin(), Out.end(), before);
  return Out;
}

void fingerprint(std::vector<Finding> &Findings, const std::string &Root) {
  std::map<std::string, unsigned> Occurrences;
  for (Finding &F : Findings) {
    std::string Key = F.Rule + '\0' + relativePath(F.Main.Where.File, Root) + '\0' +
                      normalise(F.Main.LineText) + '\0' + F.Main.Text;
    Key += '\0' + std::to_string(Occurrences[Key]++);
    llvm::SHA1 H;
    H.update(Key);
    auto Digest = H.final();
    F.Fingerprint = llvm::toHex(llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(Digest.data()), 16),
                                /*LowerCase=*/true);
  }
}

// ---- Baselines ----------------------------------------------------------------

bool readBaseline(const std::string &Path, std::multiset<std::string> &Out, std::string &Error) {
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf) {
    Error = "cannot read baseline '" + Path + "': " + Buf.getError().message();
    return false;
  }
  llvm::Expected<json::Value> V = json::parse((*Buf)->getBuffer());
  if (!V) {
    Error = "baseline '" + Path + "' is not JSON: " + llvm::toString(V.takeError());
    return false;
  }
  const json::Object *O = V->getAsObject();
  const json::Array *A = O ? O->getArray("findings") : nullptr;
  if (!A) {
    Error = "baseline '" + Path + "' has no \"findings\" array (write one with --write-baseline)";
    return false;
  }
  for (const json::Value &E : *A) {
    const json::Object *EO = E.getAsObject();
    const json::Value *FP = EO ? EO->get("fingerprint") : nullptr;
    if (!FP || !FP->getAsString()) {
      Error = "baseline '" + Path + "': a finding without a \"fingerprint\"";
      return false;
    }
    Out.insert(FP->getAsString()->str());
  }
  return true;
}

bool writeBaseline(const std::string &Path, const std::vector<Finding> &Findings, const std::string &Root,
                   std::string &Error) {
  json::Array A;
  for (const Finding &F : Findings)
    A.push_back(json::Object{{"fingerprint", F.Fingerprint},
                             {"rule", F.Rule},
                             {"file", relativePath(F.Main.Where.File, Root)},
                             {"message", F.Main.Text}});
  std::error_code EC;
  llvm::raw_fd_ostream OS(Path, EC, llvm::sys::fs::OF_Text);
  if (EC) {
    Error = "cannot write baseline '" + Path + "': " + EC.message();
    return false;
  }
  OS << llvm::formatv("{0:2}", json::Value(json::Object{{"version", 1}, {"tool", "weft-check"},
                                                          {"findings", std::move(A)}}))
     << "\n";
  return true;
}

// ---- Text ---------------------------------------------------------------------

namespace {

// Blanks as wide on a terminal as the first Column - 1 bytes of Line: a tab
// stays a tab, a character takes its display width (two for CJK, none for a
// combining mark), so that the caret lands under it as Clang's does.
std::string blanksBefore(llvm::StringRef Line, unsigned Column) {
  std::string Out;
  llvm::StringRef Before = Line.take_front(Column ? Column - 1 : 0);
  while (!Before.empty()) {
    unsigned Len = std::max(1u, std::min<unsigned>(llvm::getNumBytesForUTF8(Before[0]), Before.size()));
    llvm::StringRef Char = Before.take_front(Len);
    Before = Before.drop_front(Len);
    if (Char == "\t") {
      Out += '\t';
      continue;
    }
    int Width = llvm::sys::unicode::columnWidthUTF8(Char);
    Out.append(Width < 0 ? 1 : Width, ' '); // an invalid byte shows as one
  }
  return Out;
}

void printMessage(std::string &Out, const Message &M, const std::string &Rule, bool Color) {
  llvm::raw_string_ostream OS(Out);
  const char *Bold = Color ? "\033[1m" : "", *Reset = Color ? "\033[0m" : "";
  const char *Tint = "";
  if (Color)
    Tint = M.Level == "error" ? "\033[1;31m" : M.Level == "warning" ? "\033[1;35m" : "\033[1;30m";
  OS << Bold;
  if (M.Where.valid())
    OS << M.Where.File << ":" << M.Where.Line << ":" << M.Where.Column << ": ";
  else if (!M.Where.File.empty())
    OS << M.Where.File << ": ";
  OS << Tint << M.Level << ": " << Reset << Bold << M.Text;
  if (!Rule.empty())
    OS << " [" << Rule << "]";
  OS << Reset << "\n";
  if (!M.Where.valid() || M.LineText.empty())
    return;
  // The line, a caret under the column, and what a fix-it on that line inserts.
  std::string Gutter = llvm::formatv("{0,5} | ", M.Where.Line).str();
  OS << Gutter << M.LineText << "\n";
  std::string Pad(Gutter.size() - 2, ' ');
  OS << Pad << "| " << blanksBefore(M.LineText, M.Where.Column) << (Color ? "\033[1;32m^\033[0m" : "^") << "\n";
  for (const Edit &E : M.Fixes)
    if (E.Begin.Line == M.Where.Line && E.Begin.File == M.Where.File) {
      OS << Pad << "| " << blanksBefore(M.LineText, E.Begin.Column) << E.Text << "\n";
    }
}

} // namespace

std::string formatText(const std::vector<Finding> &Findings, const std::vector<Unit> &Units, bool Color) {
  std::string Out;
  for (const Unit &U : Units) {
    if (U.Crashed) {
      Out += U.File + ": error: the checker crashed on this translation unit; it is not checked\n";
      continue;
    }
    for (const Finding &E : U.Errors) {
      printMessage(Out, E.Main, "", Color);
      for (const Message &N : E.Notes)
        printMessage(Out, N, "", Color);
    }
    if (!U.Compiles)
      Out += U.File + ": error: this translation unit does not compile; its findings may be incomplete\n";
  }
  for (const Finding &F : Findings) {
    printMessage(Out, F.Main, F.Rule, Color);
    for (const Message &N : F.Notes)
      printMessage(Out, N, "", Color);
  }
  return Out;
}

std::string summaryLine(const std::vector<Finding> &Findings, const Summary &S) {
  std::map<std::string, unsigned> ByRule;
  for (const Finding &F : Findings)
    ++ByRule[F.Rule];
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  OS << "weft-check: " << S.Units << " translation unit" << (S.Units == 1 ? "" : "s");
  if (S.Failed)
    OS << " (" << S.Failed << " not compiling)";
  OS << ", " << Findings.size() << " finding" << (Findings.size() == 1 ? "" : "s");
  if (!ByRule.empty()) {
    OS << " (";
    bool First = true;
    for (auto &[Rule, N] : ByRule) {
      OS << (First ? "" : ", ") << Rule << ": " << N;
      First = false;
    }
    OS << ")";
  }
  if (S.Baselined)
    OS << ", " << S.Baselined << " in the baseline";
  OS << llvm::formatv(", {0:f2} s", S.Seconds);
  return Out;
}

// ---- JSON ---------------------------------------------------------------------

namespace {

json::Object jsonPlace(const Place &P, const std::string &Root) {
  json::Object O{{"file", relativePath(P.File, Root)}};
  if (P.valid()) {
    O["line"] = P.Line;
    O["column"] = P.Column;
  }
  return O;
}

json::Object jsonMessage(const Message &M, const std::string &Root) {
  json::Object O = jsonPlace(M.Where, Root);
  O["level"] = M.Level;
  O["message"] = M.Text;
  json::Array Fixes;
  for (const Edit &E : M.Fixes) {
    json::Object FO = jsonPlace(E.Begin, Root);
    FO["offset"] = E.Begin.Offset;
    FO["length"] = E.Length;
    FO["endLine"] = E.End.Line;
    FO["endColumn"] = E.End.Column;
    FO["text"] = E.Text;
    Fixes.push_back(std::move(FO));
  }
  if (!Fixes.empty())
    O["fixes"] = std::move(Fixes);
  return O;
}

json::Object jsonFinding(const Finding &F, const std::string &Root) {
  json::Object O = jsonMessage(F.Main, Root);
  if (!F.Rule.empty())
    O["rule"] = F.Rule;
  if (!F.Fingerprint.empty())
    O["fingerprint"] = F.Fingerprint;
  json::Array Notes;
  for (const Message &N : F.Notes)
    Notes.push_back(jsonMessage(N, Root));
  O["notes"] = std::move(Notes);
  return O;
}

} // namespace

std::string formatJson(const std::vector<Finding> &Findings, const std::vector<Unit> &Units,
                       const std::string &Root, const Summary &S) {
  json::Array Fs, Failed;
  std::map<std::string, unsigned> ByRule;
  for (const Finding &F : Findings) {
    Fs.push_back(jsonFinding(F, Root));
    ++ByRule[F.Rule];
  }
  for (const Unit &U : Units) {
    if (U.Compiles)
      continue;
    json::Array Errors;
    for (const Finding &E : U.Errors)
      Errors.push_back(jsonFinding(E, Root));
    Failed.push_back(json::Object{{"file", relativePath(U.File, Root)},
                                  {"crashed", U.Crashed},
                                  {"errors", std::move(Errors)}});
  }
  json::Object Counts;
  for (auto &[Rule, N] : ByRule)
    Counts[Rule] = N;
  json::Object Top{{"version", 1},
                   {"findings", std::move(Fs)},
                   {"notCompiling", std::move(Failed)},
                   {"summary", json::Object{{"translationUnits", S.Units},
                                            {"notCompiling", S.Failed},
                                            {"findings", (int64_t)Findings.size()},
                                            {"baselined", S.Baselined},
                                            {"byRule", std::move(Counts)}}}};
  return llvm::formatv("{0:2}", json::Value(std::move(Top))).str() + "\n";
}

// ---- SARIF 2.1.0 --------------------------------------------------------------
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html; GitHub's
// subset: https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning

namespace {

// SARIF counts columns in UTF-16 code units (run.columnKind, §3.14.17); Clang
// counts bytes.  Columns are converted through the file's text, read once.
class ColumnMap {
public:
  unsigned utf16(const std::string &File, unsigned Line, unsigned ByteColumn) {
    auto &Buf = Files[File];
    if (!Buf) {
      auto Read = llvm::MemoryBuffer::getFile(File);
      if (!Read)
        return ByteColumn; // the file went away: bytes are the best there is
      Buf = std::move(*Read);
    }
    llvm::StringRef Text = Buf->getBuffer();
    size_t Start = 0;
    for (unsigned L = 1; L < Line && Start != llvm::StringRef::npos; ++L) {
      Start = Text.find('\n', Start);
      if (Start != llvm::StringRef::npos)
        ++Start;
    }
    if (Start == llvm::StringRef::npos || ByteColumn == 0)
      return ByteColumn;
    llvm::StringRef Before = Text.substr(Start, ByteColumn - 1);
    unsigned Units = 0;
    for (unsigned char C : Before) {
      if ((C & 0xC0) == 0x80)
        continue; // a continuation byte belongs to the unit counted at its lead
      Units += (C & 0xF8) == 0xF0 ? 2 : 1; // four-byte sequences are surrogate pairs
    }
    return Units + 1 + (ByteColumn - 1 - Before.size()); // past the end: bytes
  }

private:
  std::map<std::string, std::unique_ptr<llvm::MemoryBuffer>> Files;
};

json::Object artifact(const std::string &File, const std::string &Root) {
  std::string Rel = relativePath(File, Root);
  if (Rel != File)
    return json::Object{{"uri", uriPath(Rel)}, {"uriBaseId", "SRCROOT"}};
  return json::Object{{"uri", fileUri(File)}};
}

json::Object physical(const Place &P, const std::string &Root, ColumnMap &Cols) {
  json::Object O{{"artifactLocation", artifact(P.File, Root)}};
  if (P.valid())
    O["region"] = json::Object{{"startLine", P.Line}, {"startColumn", Cols.utf16(P.File, P.Line, P.Column)}};
  return O;
}

json::Object sarifMessage(const std::string &Text) { return json::Object{{"text", Text}}; }

json::Array sarifFixes(const Message &M, const std::string &Root, ColumnMap &Cols) {
  json::Array Fixes;
  if (M.Fixes.empty())
    return Fixes;
  // One fix: all the replacements of the main diagnostic, grouped by file.
  std::map<std::string, json::Array> ByFile;
  for (const Edit &E : M.Fixes)
    ByFile[E.Begin.File].push_back(json::Object{
        {"deletedRegion", json::Object{{"startLine", E.Begin.Line},
                                       {"startColumn", Cols.utf16(E.Begin.File, E.Begin.Line, E.Begin.Column)},
                                       {"endLine", E.End.Line},
                                       {"endColumn", Cols.utf16(E.End.File, E.End.Line, E.End.Column)}}},
        {"insertedContent", json::Object{{"text", E.Text}}}});
  json::Array Changes;
  for (auto &[File, Reps] : ByFile)
    Changes.push_back(json::Object{{"artifactLocation", artifact(File, Root)}, {"replacements", std::move(Reps)}});
  Fixes.push_back(json::Object{{"description", sarifMessage("apply the checker's fix-it")},
                               {"artifactChanges", std::move(Changes)}});
  return Fixes;
}

} // namespace

std::string formatSarif(const std::vector<Finding> &Findings, const std::vector<Unit> &Units,
                        const std::string &Root, const std::string &HelpBase) {
  ColumnMap Cols;
  json::Array Rules;
  for (unsigned I = 0; I != weft::NumChecks; ++I) {
    auto Id = static_cast<weft::CheckId>(I);
    std::string Name = weft::checkName(Id).str();
    Rules.push_back(json::Object{
        {"id", ruleId(Id)},
        {"name", Name},
        {"shortDescription", sarifMessage(weft::checkSummary(Id).str())},
        {"fullDescription", sarifMessage(weft::checkSummary(Id).str())},
        {"helpUri", HelpBase + Name + ".md"},
        {"help", json::Object{{"text", weft::checkSummary(Id).str() + "; see " + HelpBase + Name + ".md"}}}});
  }
  json::Array Results;
  for (const Finding &F : Findings) {
    weft::CheckId Id;
    unsigned Index = 0;
    if (weft::lookupCheck(llvm::StringRef(F.Rule).drop_front(strlen("weft-")), Id))
      Index = static_cast<unsigned>(Id);
    json::Array Related;
    unsigned N = 0;
    for (const Message &Note : F.Notes) {
      if (!Note.Where.valid())
        continue;
      Related.push_back(json::Object{{"id", ++N},
                                     {"physicalLocation", physical(Note.Where, Root, Cols)},
                                     {"message", sarifMessage(Note.Text)}});
    }
    json::Object R{{"ruleId", F.Rule},
                   {"ruleIndex", Index},
                   {"level", F.Main.Level == "error" ? "error" : "warning"},
                   {"message", sarifMessage(F.Main.Text)},
                   {"locations", json::Array{json::Object{{"physicalLocation", physical(F.Main.Where, Root, Cols)}}}},
                   {"partialFingerprints", json::Object{{"weftFindingHash/v1", F.Fingerprint}}}};
    if (!Related.empty())
      R["relatedLocations"] = std::move(Related);
    json::Array Fixes = sarifFixes(F.Main, Root, Cols);
    if (!Fixes.empty())
      R["fixes"] = std::move(Fixes);
    Results.push_back(std::move(R));
  }
  // A translation unit that does not compile is a failure of the run, not a
  // result: GitHub shows tool notifications as such.
  json::Array Notifications;
  bool AllCompiled = true;
  for (const Unit &U : Units) {
    if (U.Compiles)
      continue;
    AllCompiled = false;
    std::string Text = U.Crashed ? "the checker crashed on this translation unit"
                                 : "this translation unit does not compile";
    if (!U.Errors.empty())
      Text += ": " + U.Errors.front().Main.Text;
    const Place &Where = U.Errors.empty() || !U.Errors.front().Main.Where.valid() ? Place{U.File}
                                                                                   : U.Errors.front().Main.Where;
    Notifications.push_back(json::Object{
        {"level", "error"},
        {"message", sarifMessage(Text)},
        {"locations", json::Array{json::Object{{"physicalLocation", physical(Where, Root, Cols)}}}}});
  }
  std::string RootUri = fileUri(Root);
  if (RootUri.empty() || RootUri.back() != '/')
    RootUri += '/';
  json::Object Run{
      {"tool", json::Object{{"driver", json::Object{{"name", "weft-check"},
                                                    {"version", WEFT_VERSION},
                                                    {"informationUri", HelpBase},
                                                    {"rules", std::move(Rules)}}}}},
      {"columnKind", "utf16CodeUnits"},
      {"originalUriBaseIds", json::Object{{"SRCROOT", json::Object{{"uri", RootUri}}}}},
      {"invocations", json::Array{json::Object{{"executionSuccessful", AllCompiled},
                                               {"toolExecutionNotifications", std::move(Notifications)}}}},
      {"results", std::move(Results)}};
  json::Object Top{{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
                   {"version", "2.1.0"},
                   {"runs", json::Array{std::move(Run)}}};
  return llvm::formatv("{0:2}", json::Value(std::move(Top))).str() + "\n";
}

} // namespace weftcheck
