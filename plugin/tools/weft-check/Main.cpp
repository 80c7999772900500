// Main.cpp: weft-check, the CI lint gate: the checker over every entry of a
// compile_commands.json, findings as text, JSON or SARIF, baselines, --fix.
// Exit status: 0 clean, 1 findings (or a translation unit that does not
// compile), 2 the tool itself failed.  Usage in docs/ci.md; covered by
// test/tools/weft-check-*.test.
#include "WeftCheck.h"

#include "clang/Basic/Version.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <optional>
#include <thread>
#include <unistd.h>

using namespace weftcheck;
namespace tooling = clang::tooling;

namespace {

const char Usage[] = R"(usage: weft-check -p <build-dir> [options] [files...]

Runs the weft checker over every entry of <build-dir>/compile_commands.json
(or only over the given files; a header is checked through the translation
units that include it).

options:
  -p <dir|file>            the build directory, or the compile_commands.json itself
  --filter=<regex>         only the entries whose file matches <regex>
  -j <N>                   translation units checked in parallel (default: the number of cores)
  --format=text|json|sarif the report's format (default: text)
  -o <file>                write the report to <file> instead of standard output
  --source-root=<dir>      paths in JSON, SARIF and baselines are relative to it (default: .)
  --baseline=<file>        fail only on findings that are not in <file>
  --write-baseline=<file>  record every current finding in <file> and succeed
  --fix                    apply the checker's fix-its in place
  --disable=<rule>[,...]   switch rules off (see --list-rules)
  --help-uri=<base>        where SARIF's rule help links point (<base><rule>.md)
  --resource-dir=<dir>     Clang's resource directory (default: the one of Clang )" CLANG_VERSION_STRING R"()
  --progress, --no-progress  progress on standard error (default: when it is a terminal)
  --list-rules             print the rules and their ids, then exit
  --version, --help

exit status: 0 no findings, 1 findings or a translation unit that does not
compile, 2 the tool failed (no database or a malformed one, nothing to check,
an unreadable file, a bad option).
)";

struct Config {
  std::string BuildPath, Filter, Output, SourceRoot = ".", Baseline, WriteBaseline;
  std::string Format = "text", HelpUri, ResourceDir = WEFT_RESOURCE_DIR;
  unsigned Jobs = 0;
  bool Fix = false, ListRules = false;
  int Progress = -1; // -1: when standard error is a terminal
  weft::Options Checker;
  std::vector<std::string> Files;
};

[[noreturn]] void fail(const llvm::Twine &Message) {
  llvm::errs() << "weft-check: error: " << Message << "\n";
  std::exit(2);
}

// Parses argv into C; on a bad option, fails with one line.
void parse(int Argc, char **Argv, Config &C) {
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef A(Argv[I]);
    // Options with a value take it as --opt=value or as the next argument.
    auto Value = [&](llvm::StringRef Name, std::string &Into) {
      if (A == Name) {
        if (I + 1 >= Argc)
          fail("option '" + Name + "' needs a value");
        Into = Argv[++I];
        return true;
      }
      if (A.size() > Name.size() && A.substr(0, Name.size()) == Name &&
          (A[Name.size()] == '=' || (Name.size() == 2 && Name[0] == '-' && Name[1] != '-'))) {
        Into = A.substr(Name.size() + (A[Name.size()] == '=' ? 1 : 0)).str();
        return true;
      }
      return false;
    };
    std::string V;
    if (A == "--help" || A == "-h") {
      llvm::outs() << Usage;
      std::exit(0);
    } else if (A == "--version") {
      llvm::outs() << "weft-check " << WEFT_VERSION << " (" << clang::getClangFullVersion() << ")\n";
      std::exit(0);
    } else if (A == "--fix") {
      C.Fix = true;
    } else if (A == "--list-rules") {
      C.ListRules = true;
    } else if (A == "--progress") {
      C.Progress = 1;
    } else if (A == "--no-progress") {
      C.Progress = 0;
    } else if (Value("-p", C.BuildPath) || Value("--filter", C.Filter) || Value("-o", C.Output) ||
               Value("--output", C.Output) || Value("--source-root", C.SourceRoot) ||
               Value("--baseline", C.Baseline) || Value("--write-baseline", C.WriteBaseline) ||
               Value("--format", C.Format) || Value("--help-uri", C.HelpUri) ||
               Value("--resource-dir", C.ResourceDir)) {
    } else if (Value("-j", V) || Value("--jobs", V)) {
      if (llvm::StringRef(V).getAsInteger(10, C.Jobs) || C.Jobs == 0)
        fail("-j needs a positive number, not '" + V + "'");
    } else if (Value("--disable", V)) {
      bool ListRules = false;
      std::string Error;
      if (!weft::parseOption("disable=" + V, C.Checker, ListRules, Error))
        fail("unknown rule '" + Error + "' in --disable (see --list-rules)");
    } else if (A.size() > 1 && A[0] == '-') {
      fail("unknown option '" + A + "' (see --help)");
    } else {
      C.Files.push_back(A.str());
    }
  }
  if (C.Format != "text" && C.Format != "json" && C.Format != "sarif")
    fail("unknown format '" + C.Format + "'; the formats are text, json and sarif");
  if (C.BuildPath.empty() && !C.ListRules)
    fail("no compilation database: pass -p <build-dir> (see --help)");
}

std::string absolutePath(llvm::StringRef P) {
  llvm::SmallString<256> S(P);
  llvm::sys::fs::make_absolute(S);
  llvm::sys::path::remove_dots(S, true);
  llvm::SmallString<256> Real;
  if (!llvm::sys::fs::real_path(S, Real))
    return std::string(Real.str());
  return std::string(S.str());
}

// Clang's loader parses the database with its YAML parser, which prints a
// malformed file's error, several lines of it, straight to standard error
// and then reports a misleading "Missing key"; the file is checked as JSON
// first so that a broken one gives one line that says where.
void checkJson(const std::string &File) {
  auto Buf = llvm::MemoryBuffer::getFile(File);
  if (!Buf)
    fail("cannot read '" + File + "': " + Buf.getError().message());
  llvm::Expected<llvm::json::Value> V = llvm::json::parse((*Buf)->getBuffer());
  if (!V)
    fail("'" + File + "' is not valid JSON (" + llvm::toString(V.takeError()) + ")");
}

std::unique_ptr<tooling::CompilationDatabase> loadDatabase(const std::string &Path) {
  std::string Error;
  std::unique_ptr<tooling::CompilationDatabase> DB;
  if (llvm::sys::fs::is_directory(Path)) {
    std::string File = Path + "/compile_commands.json";
    if (!llvm::sys::fs::exists(File))
      fail("no compile_commands.json in '" + Path +
           "' (configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON, or pass the file itself to -p)");
    checkJson(File);
    DB = tooling::JSONCompilationDatabase::loadFromFile(File, Error, tooling::JSONCommandLineSyntax::AutoDetect);
  } else if (llvm::sys::fs::exists(Path)) {
    checkJson(Path);
    DB = tooling::JSONCompilationDatabase::loadFromFile(Path, Error, tooling::JSONCommandLineSyntax::AutoDetect);
  } else {
    fail("no such build directory or compilation database: '" + Path + "'");
  }
  if (!DB)
    fail("cannot read the compilation database in '" + Path + "': " + Error);
  return DB;
}

void checkReadable(const std::string &File) {
  if (llvm::sys::fs::is_directory(File))
    fail("'" + File + "' is a directory, not a source file");
  if (std::error_code EC = llvm::sys::fs::access(File, llvm::sys::fs::AccessMode::Exist))
    fail("cannot read '" + File + "': " + EC.message());
  int FD;
  if (std::error_code EC = llvm::sys::fs::openFileForRead(File, FD))
    fail("cannot read '" + File + "': " + EC.message());
  ::close(FD);
}

void emit(const Config &C, const std::string &Text) {
  if (C.Output.empty()) {
    llvm::outs() << Text;
    llvm::outs().flush();
    return;
  }
  std::error_code EC;
  llvm::raw_fd_ostream OS(C.Output, EC, llvm::sys::fs::OF_Text);
  if (EC)
    fail("cannot write '" + C.Output + "': " + EC.message());
  OS << Text;
}

// The rule pages SARIF's help links point to by default: those installed
// beside this weft-check (<bin>/../<docdir>/diagnostics/), so that an install
// under another --prefix than the configured one still links to its pages;
// otherwise the configured WEFT_DOCS_URL.
std::string defaultHelpUri(const char *Argv0) {
  static int Anchor;
  std::string Exe = llvm::sys::fs::getMainExecutable(Argv0, &Anchor);
  if (std::string(WEFT_HELP_URI) != WEFT_DEFAULT_HELP_URI || Exe.empty())
    return WEFT_HELP_URI; // set by the build: keep it
  llvm::SmallString<256> Dir(llvm::sys::path::parent_path(Exe));
  llvm::sys::path::append(Dir, "..", WEFT_INSTALL_DOCDIR, "diagnostics");
  llvm::sys::path::remove_dots(Dir, true);
  if (!llvm::sys::fs::is_directory(Dir))
    return WEFT_HELP_URI;
  return fileUri(Dir) + "/";
}

} // namespace

int main(int Argc, char **Argv) {
  Config C;
  C.HelpUri = defaultHelpUri(Argv[0]);
  parse(Argc, Argv, C);
  if (C.ListRules) {
    for (unsigned I = 0; I != weft::NumChecks; ++I) {
      auto Id = static_cast<weft::CheckId>(I);
      llvm::outs() << ruleId(Id) << "  " << weft::checkSummary(Id) << "\n";
    }
    return 0;
  }
  auto Start = std::chrono::steady_clock::now();
  if (!C.ResourceDir.empty() && !llvm::sys::fs::is_directory(C.ResourceDir + "/include"))
    fail("Clang's resource directory '" + C.ResourceDir + "' is missing (install clang-" +
         std::to_string(CLANG_VERSION_MAJOR) + ", or pass --resource-dir)");
  if (!llvm::sys::fs::is_directory(C.SourceRoot))
    fail("--source-root '" + C.SourceRoot + "' is not a directory");
  std::string Root = absolutePath(C.SourceRoot);

  std::multiset<std::string> Baseline;
  std::string Error;
  if (!C.Baseline.empty() && !readBaseline(C.Baseline, Baseline, Error))
    fail(Error);

  std::unique_ptr<tooling::CompilationDatabase> DB = loadDatabase(C.BuildPath);
  std::vector<tooling::CompileCommand> All = DB->getAllCompileCommands();

  std::optional<llvm::Regex> Filter;
  if (!C.Filter.empty()) {
    Filter.emplace(C.Filter);
    std::string RegexError;
    if (!Filter->isValid(RegexError))
      fail("bad --filter regular expression '" + C.Filter + "': " + RegexError);
  }

  // Which entries to run; a file that is not an entry (a header) is
  // checked through every entry, and only its findings are kept.
  std::set<std::string> Wanted, OnlyFiles;
  bool Headers = false;
  for (const std::string &F : C.Files) {
    checkReadable(F);
    std::string Abs = absolutePath(F);
    OnlyFiles.insert(Abs);
    bool Entry = false;
    for (const tooling::CompileCommand &Cmd : All)
      if (absolutePath(llvm::sys::path::is_absolute(Cmd.Filename) ? Cmd.Filename
                                                                   : Cmd.Directory + "/" + Cmd.Filename) == Abs)
        Entry = true;
    if (Entry)
      Wanted.insert(Abs);
    else
      Headers = true;
  }
  std::vector<tooling::CompileCommand> Commands;
  for (tooling::CompileCommand &Cmd : All) {
    std::string Abs = absolutePath(llvm::sys::path::is_absolute(Cmd.Filename) ? Cmd.Filename
                                                                               : Cmd.Directory + "/" + Cmd.Filename);
    if (Filter && !Filter->match(Abs))
      continue;
    if (!C.Files.empty() && !Headers && !Wanted.count(Abs))
      continue;
    checkReadable(Abs);
    Commands.push_back(std::move(Cmd));
  }

  // A gate that checked nothing must not pass: an empty database or a
  // filter that matches no entry is a mistake in the CI setup.
  if (Commands.empty()) {
    if (All.empty())
      fail("the compilation database in '" + C.BuildPath + "' has no entries: nothing to check");
    if (Filter)
      fail("--filter '" + C.Filter + "' matches none of the " + std::to_string(All.size()) +
           " entries of the compilation database: nothing to check");
    fail("no entry of the compilation database to check");
  }

  RunOptions RO;
  RO.Checker = C.Checker;
  RO.ResourceDir = C.ResourceDir;
  RO.Jobs = C.Jobs ? C.Jobs : std::max(1u, std::thread::hardware_concurrency());
  RO.Progress = C.Progress == -1 ? llvm::sys::Process::StandardErrIsDisplayed() : C.Progress == 1;
  std::vector<Unit> Units = runAll(Commands, RO);
  if (Headers) {
    // A header is checked through the units that read it; the others were
    // run only to find out, and neither count nor fail the run.
    std::set<std::string> Reached;
    Units.erase(std::remove_if(Units.begin(), Units.end(),
                               [&](const Unit &U) {
                                 std::string Own = absolutePath(U.File);
                                 bool Keep = Wanted.count(Own) || U.Crashed; // a crash says nothing of what it read
                                 for (const std::string &F : OnlyFiles)
                                   if (Own == F || U.Files.count(F)) {
                                     Reached.insert(F);
                                     Keep = true;
                                   }
                                 return !Keep;
                               }),
                Units.end());
    for (const std::string &F : OnlyFiles)
      if (!Reached.count(F) && !Wanted.count(F))
        fail("'" + F + "' is not in the compilation database and no translation unit" +
             (Filter ? " the filter keeps" : "") + " includes it");
  }

  std::vector<Finding> Findings = uniqueFindings(Units);
  if (!OnlyFiles.empty())
    Findings.erase(std::remove_if(Findings.begin(), Findings.end(),
                                  [&](const Finding &F) { return !OnlyFiles.count(F.Main.Where.File); }),
                   Findings.end());
  fingerprint(Findings, Root);

  Summary S;
  S.Units = Units.size();
  for (const Unit &U : Units)
    S.Failed += !U.Compiles;

  if (!C.WriteBaseline.empty()) {
    if (!writeBaseline(C.WriteBaseline, Findings, Root, Error))
      fail(Error);
    S.Seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
    llvm::errs() << summaryLine(Findings, S) << "; all of them recorded in " << C.WriteBaseline << "\n";
    if (S.Failed)
      llvm::errs() << formatText({}, Units, false);
    return S.Failed ? 1 : 0;
  }

  // Findings in the baseline are left out, each baseline entry matching at
  // most one finding.
  std::vector<Finding> New;
  for (Finding &F : Findings) {
    auto It = Baseline.find(F.Fingerprint);
    if (It != Baseline.end()) {
      Baseline.erase(It);
      ++S.Baselined;
    } else {
      New.push_back(std::move(F));
    }
  }

  std::string FixNote;
  if (C.Fix) {
    FixResult R = applyFixes(New, Units);
    std::vector<Finding> Left;
    for (const Finding &F : New)
      if (!R.Fixed.count(&F))
        Left.push_back(F);
    New = std::move(Left);
    FixNote = "weft-check: applied " + std::to_string(R.Applied) + " fix-it" + (R.Applied == 1 ? "" : "s") +
              " in " + std::to_string(R.Changed.size()) + " file" + (R.Changed.size() == 1 ? "" : "s") + "\n";
    for (auto &[File, Why] : R.Refused)
      FixNote += "weft-check: not fixing '" + File + "': " + Why + "\n";
  }

  bool Color = C.Output.empty() && llvm::sys::Process::StandardOutIsDisplayed();
  if (C.Format == "text")
    emit(C, formatText(New, Units, Color));
  else if (C.Format == "json")
    emit(C, formatJson(New, Units, Root, S));
  else
    emit(C, formatSarif(New, Units, Root, C.HelpUri));
  S.Seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - Start).count();
  llvm::errs() << FixNote << summaryLine(New, S) << "\n";
  return New.empty() && !S.Failed ? 0 : 1;
}
