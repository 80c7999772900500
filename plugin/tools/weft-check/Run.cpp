// Run.cpp: weft-check's runner: each entry of the compilation database is
// parsed by the Clang this tool was built against (ToolInvocation, its own
// resource directory), checked by weft::analyze, and its diagnostics turned
// into plain Findings while its SourceManager is alive.  Covered by
// test/tools/weft-check-*.test.
#include "WeftCheck.h"

#include "Compat.h"
#include "Findings.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/FileManager.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Lex/Lexer.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>

using namespace clang;

namespace weftcheck {

std::string ruleId(weft::CheckId Id) { return "weft-" + weft::checkName(Id).str(); }

namespace {

std::string absolute(llvm::StringRef Path, llvm::StringRef Dir) {
  llvm::SmallString<256> P(Path);
  if (!llvm::sys::path::is_absolute(P)) {
    P = Dir;
    llvm::sys::path::append(P, Path);
  }
  llvm::sys::path::remove_dots(P, /*remove_dot_dot=*/true);
  return std::string(P.str());
}

// The SourceManager's file table is keyed by FileEntry pointers up to
// Clang 18 and by FileEntryRef from 19 on.
// (Templates, so that only the one in use is compiled.)
template <typename Entry> llvm::StringRef realName(const Entry *E) { return E->tryGetRealPathName(); }
template <typename Entry> llvm::StringRef plainName(const Entry *E) { return E->getName(); }
[[maybe_unused]] llvm::StringRef realName(FileEntryRef E) { return E.getFileEntry().tryGetRealPathName(); }
[[maybe_unused]] llvm::StringRef plainName(FileEntryRef E) { return E.getName(); }

// Turns the collector's diagnostics into Findings while the translation
// unit's SourceManager still exists.
class Converter {
public:
  Converter(const SourceManager &SM, const LangOptions &LO, std::string Dir)
      : SM(SM), LO(LO), Dir(std::move(Dir)) {}

  std::string fileName(FileID FID) {
    if (const FileEntry *FE = SM.getFileEntryForID(FID)) {
      llvm::StringRef Real = FE->tryGetRealPathName();
      if (!Real.empty())
        return absolute(Real, Dir);
    }
    return absolute(SM.getBufferName(SM.getLocForStartOfFile(FID)), Dir);
  }

  Place place(SourceLocation Loc) {
    Place P;
    if (Loc.isInvalid())
      return P;
    Loc = SM.getFileLoc(Loc);
    std::pair<FileID, unsigned> D = SM.getDecomposedLoc(Loc);
    if (D.first.isInvalid())
      return P;
    P.File = fileName(D.first);
    P.Offset = D.second;
    P.Line = SM.getLineNumber(D.first, D.second);
    P.Column = SM.getColumnNumber(D.first, D.second);
    return P;
  }

  std::string lineText(SourceLocation Loc) {
    if (Loc.isInvalid())
      return "";
    std::pair<FileID, unsigned> D = SM.getDecomposedLoc(SM.getFileLoc(Loc));
    bool Invalid = false;
    llvm::StringRef Buf = SM.getBufferData(D.first, &Invalid);
    if (Invalid || D.second > Buf.size())
      return "";
    size_t NewLine = Buf.take_front(D.second).rfind('\n');
    size_t Begin = NewLine == llvm::StringRef::npos ? 0 : NewLine + 1;
    size_t End = Buf.find('\n', D.second);
    return Buf.slice(Begin, End).rtrim("\r").str();
  }

  Message message(const StoredDiagnostic &SD) {
    Message M;
    switch (SD.getLevel()) {
    case DiagnosticsEngine::Note:
      M.Level = "note";
      break;
    case DiagnosticsEngine::Warning:
    case DiagnosticsEngine::Remark:
    case DiagnosticsEngine::Ignored:
      M.Level = "warning";
      break;
    default:
      M.Level = "error";
    }
    M.Text = SD.getMessage().str();
    if (SD.getLocation().isValid() && SD.getLocation().hasManager()) {
      M.Where = place(SD.getLocation());
      M.LineText = lineText(SD.getLocation());
      for (const FixItHint &H : SD.getFixIts()) {
        // A fix-it inside a macro body cannot be applied to the file.
        CharSourceRange R = Lexer::makeFileCharRange(H.RemoveRange, SM, LO);
        if (R.isInvalid())
          continue;
        Edit E;
        E.Begin = place(R.getBegin());
        E.End = place(R.getEnd());
        if (E.Begin.File != E.End.File || E.End.Offset < E.Begin.Offset)
          continue;
        E.Length = E.End.Offset - E.Begin.Offset;
        E.Text = H.CodeToInsert;
        M.Fixes.push_back(std::move(E));
      }
    }
    return M;
  }

  Finding finding(const weft::Finding &F) {
    Finding Out;
    if (F.Rule)
      Out.Rule = ruleId(*F.Rule);
    Out.Main = message(F.Main);
    for (const StoredDiagnostic &N : F.Notes)
      Out.Notes.push_back(message(N));
    return Out;
  }

private:
  const SourceManager &SM;
  const LangOptions &LO;
  std::string Dir;
};

// The checker over one translation unit: parse, analyze, convert.
class CheckAction : public ASTFrontendAction {
public:
  CheckAction(const weft::Options &Opts, weft::FindingCollector &Collector, Unit &Out, std::string Dir)
      : Opts(Opts), Collector(Collector), Out(Out), Dir(std::move(Dir)) {}

protected:
  class Consumer : public ASTConsumer {
  public:
    Consumer(CompilerInstance &CI, const weft::Options &Opts) : CI(CI), Opts(Opts) {}
    void HandleTranslationUnit(ASTContext &Ctx) override { weft::analyze(Ctx, CI.getDiagnostics(), Opts, &CI.getPreprocessor()); }

  private:
    CompilerInstance &CI;
    const weft::Options &Opts;
  };

  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI, llvm::StringRef) override {
    return std::make_unique<Consumer>(CI, Opts);
  }

  void EndSourceFileAction() override {
    CompilerInstance &CI = getCompilerInstance();
    Converter C(CI.getSourceManager(), CI.getLangOpts(), Dir);
    for (const weft::Finding &F : Collector.findings())
      (F.Rule ? Out.Findings : Out.Errors).push_back(C.finding(F));
    const SourceManager &SM = CI.getSourceManager();
    for (auto It = SM.fileinfo_begin(), E = SM.fileinfo_end(); It != E; ++It) {
      llvm::StringRef Real = realName(It->first);
      Out.Files.insert(absolute(Real.empty() ? plainName(It->first) : Real, Dir));
    }
  }

private:
  const weft::Options &Opts;
  weft::FindingCollector &Collector;
  Unit &Out;
  std::string Dir;
};

// Runs one entry.  Never throws; a crash inside Clang or the checker is
// caught by the caller's CrashRecoveryContext.
void runOne(const tooling::CompileCommand &Cmd, const RunOptions &Opts, Unit &Out) {
  Out.File = absolute(Cmd.Filename, Cmd.Directory);
  std::vector<std::string> Args = Cmd.CommandLine;
  Args = tooling::getClangStripOutputAdjuster()(Args, Cmd.Filename);
  Args = tooling::getClangStripDependencyFileAdjuster()(Args, Cmd.Filename);
  Args = tooling::getClangSyntaxOnlyAdjuster()(Args, Cmd.Filename);
  // Without carets Clang does not print its "N warnings generated" line.
  Args.push_back("-fno-caret-diagnostics");
  // -w would silence the checker's warnings with the compiler's.
  Args.erase(std::remove(Args.begin(), Args.end(), "-w"), Args.end());
  if (!Opts.ResourceDir.empty())
    Args.insert(Args.begin() + 1, "-resource-dir=" + Opts.ResourceDir);

  llvm::IntrusiveRefCntPtr<llvm::vfs::FileSystem> FS(llvm::vfs::createPhysicalFileSystem().release());
  FS->setCurrentWorkingDirectory(Cmd.Directory);
  llvm::IntrusiveRefCntPtr<FileManager> Files(new FileManager(FileSystemOptions(), FS));

  weft::FindingCollector Collector;
  weft::Options CheckerOpts = Opts.Checker;
  Collector.attach(CheckerOpts);
  auto Action = std::make_unique<CheckAction>(CheckerOpts, Collector, Out, Cmd.Directory);
  tooling::ToolInvocation Invocation(Args, std::move(Action), Files.get());
  Invocation.setDiagnosticConsumer(&Collector);
  Invocation.run();
  Out.Compiles = !Collector.compilerErrors();
  // Diagnostics the action did not convert (the driver's, before any source
  // was opened) have no location worth keeping: the SourceManager is gone.
  for (size_t I = Out.Errors.size() + Out.Findings.size(); I < Collector.findings().size(); ++I) {
    const weft::Finding &F = Collector.findings()[I];
    Finding E;
    E.Main.Level = "error";
    E.Main.Text = F.Main.getMessage().str();
    E.Main.Where.File = Out.File;
    (F.Rule ? Out.Findings : Out.Errors).push_back(std::move(E));
  }
}

} // namespace

std::vector<Unit> runAll(const std::vector<tooling::CompileCommand> &Commands, const RunOptions &Opts) {
  std::vector<Unit> Units(Commands.size());
  std::atomic<size_t> Next{0};
  std::atomic<size_t> Done{0};
  std::mutex ProgressLock;
  llvm::CrashRecoveryContext::Enable();
  auto Worker = [&] {
    for (size_t I; (I = Next++) < Commands.size();) {
      llvm::CrashRecoveryContext CRC;
      if (!CRC.RunSafely([&] { runOne(Commands[I], Opts, Units[I]); })) {
        Units[I].Crashed = true;
        Units[I].Compiles = false;
        Units[I].File = absolute(Commands[I].Filename, Commands[I].Directory);
      }
      size_t N = ++Done;
      if (Opts.Progress) {
        std::lock_guard<std::mutex> L(ProgressLock);
        std::fprintf(stderr, "\r\033[K[%zu/%zu] %s", N, Commands.size(),
                     llvm::sys::path::filename(Commands[I].Filename).str().c_str());
        std::fflush(stderr);
      }
    }
  };
  unsigned Jobs = std::max(1u, std::min<unsigned>(Opts.Jobs, Commands.size()));
  std::vector<std::thread> Threads;
  for (unsigned J = 1; J < Jobs; ++J)
    Threads.emplace_back(Worker);
  Worker();
  for (std::thread &T : Threads)
    T.join();
  if (Opts.Progress && !Commands.empty())
    std::fprintf(stderr, "\r\033[K");
  return Units;
}

} // namespace weftcheck
