// WeftCheck.h: weft-check's data (the findings of a run, as plain values that
// outlive the translation units) and its parts: Run.cpp (the checker over a
// compilation database, in parallel), Output.cpp (text, JSON, SARIF,
// fingerprints and baselines), Fix.cpp (--fix).  Covered by test/tools/.
#ifndef WEFT_CHECK_TOOL_H
#define WEFT_CHECK_TOOL_H

#include "Analysis.h"

#include "llvm/ADT/StringRef.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace clang::tooling {
class CompileCommand;
}

namespace weftcheck {

// A place in a file: an absolute path, 1-based line and column (in bytes),
// and the 0-based byte offset.  Line 0 means no place (a driver error).
struct Place {
  std::string File;
  unsigned Line = 0, Column = 0, Offset = 0;
  bool valid() const { return Line != 0; }
};

// One replacement of a fix-it: Length bytes at Begin become Text.
struct Edit {
  Place Begin, End;
  unsigned Length = 0;
  std::string Text;
};

struct Message {
  std::string Level; // "error", "warning", "note"
  std::string Text;
  Place Where;
  std::string LineText; // the source line at Where, for the text output
  std::vector<Edit> Fixes;
};

// A finding of a rule, or an error of the compiler (Rule empty).
struct Finding {
  std::string Rule; // the public id, weft-<rule-name>
  Message Main;
  std::vector<Message> Notes;
  std::string Fingerprint; // filled by fingerprint()
};

// What one entry of the database gave.
struct Unit {
  std::string File;      // the entry's file, absolute
  bool Compiles = true;  // false: the compiler reported errors (in Errors)
  bool Crashed = false;  // the checker or the compiler crashed on it
  std::vector<Finding> Findings, Errors;
  std::set<std::string> Files; // every file the translation unit read
};

struct RunOptions {
  weft::Options Checker;
  std::string ResourceDir;
  unsigned Jobs = 1;
  bool Progress = false;
};

// The public id of a rule ("weft-async-drop"): SARIF's ruleId, the
// clang-tidy check name, and what the text output prints in brackets.
std::string ruleId(weft::CheckId Id);

// Runs the checker over each command, Jobs at a time; the result is in the
// order of Commands whatever the number of jobs.
std::vector<Unit> runAll(const std::vector<clang::tooling::CompileCommand> &Commands, const RunOptions &Opts);

// ---- Output.cpp ----

// Each finding once, in a stable order (file, line, column, rule, text),
// however many translation units included its header.
std::vector<Finding> uniqueFindings(const std::vector<Unit> &Units);

// Fills Finding::Fingerprint: a hash of the rule, the file relative to
// Root, the whitespace-normalised text of the line and the message, and the
// occurrence among findings with the same four, so that it survives edits
// elsewhere in the file (line shifts) and reruns.
void fingerprint(std::vector<Finding> &Findings, const std::string &Root);

// The file:// URI of an absolute path, percent-encoding what RFC 3986 requires.
std::string fileUri(llvm::StringRef Path);

// Path of File relative to Root if it is under Root, else File itself.
std::string relativePath(const std::string &File, const std::string &Root);

// Baselines: a JSON file listing fingerprints.  readBaseline returns false
// and sets Error on an unreadable or malformed file.
bool readBaseline(const std::string &Path, std::multiset<std::string> &Out, std::string &Error);
bool writeBaseline(const std::string &Path, const std::vector<Finding> &Findings, const std::string &Root,
                   std::string &Error);

struct Summary {
  unsigned Units = 0, Failed = 0, Baselined = 0;
  double Seconds = 0;
};

std::string formatText(const std::vector<Finding> &Findings, const std::vector<Unit> &Units, bool Color);
std::string formatJson(const std::vector<Finding> &Findings, const std::vector<Unit> &Units,
                       const std::string &Root, const Summary &S);
std::string formatSarif(const std::vector<Finding> &Findings, const std::vector<Unit> &Units,
                        const std::string &Root, const std::string &HelpBase);
std::string summaryLine(const std::vector<Finding> &Findings, const Summary &S);

// ---- Fix.cpp ----

struct FixResult {
  unsigned Applied = 0;                   // fix-its applied
  std::set<std::string> Changed;          // files written
  std::map<std::string, std::string> Refused; // file -> why not
  std::set<const Finding *> Fixed;        // findings whose fix-its were all applied
};

// Applies the fix-its of Findings' main diagnostics in place.  A file read by
// a translation unit that does not compile is left alone.  Applying twice
// changes nothing the second time, because the fixed code no longer has
// the finding.
FixResult applyFixes(const std::vector<Finding> &Findings, const std::vector<Unit> &Units);

} // namespace weftcheck

#endif
