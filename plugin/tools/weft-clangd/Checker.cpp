// Checker.cpp: the analysis core over one unsaved buffer (clang::tooling
// with an in-memory file over the real file system).
// Covered by test/clangd/ (every test runs the checker through weft-clangd).
#include "Checker.h"
#include "Compat.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/VirtualFileSystem.h"

using namespace clang;

namespace weft {
namespace lsp {

void CompileCommands::setFallbackFlags(std::vector<std::string> Flags) {
  std::lock_guard<std::mutex> L(M);
  FallbackFlags = std::move(Flags);
}

// The database in Dir (compile_commands.json, else compile_flags.txt), or
// null; reloaded when its file changes.
std::shared_ptr<tooling::CompilationDatabase> CompileCommands::load(const std::string &Dir) {
  for (const char *Name : {"compile_commands.json", "compile_flags.txt"}) {
    llvm::SmallString<256> File(Dir);
    llvm::sys::path::append(File, Name);
    llvm::sys::fs::file_status St;
    if (llvm::sys::fs::status(File, St) || !llvm::sys::fs::is_regular_file(St))
      continue;
    long long Stamp = St.getLastModificationTime().time_since_epoch().count();
    Loaded &Slot = Cache[File.str().str()];
    if (Slot.DB && Slot.Stamp == Stamp)
      return Slot.DB;
    std::string Error;
    std::unique_ptr<tooling::CompilationDatabase> DB;
    if (llvm::StringRef(Name) == "compile_commands.json")
      DB = tooling::JSONCompilationDatabase::loadFromFile(File, Error, tooling::JSONCommandLineSyntax::AutoDetect);
    else
      DB = tooling::FixedCompilationDatabase::loadFromFile(std::string(File.str()), Error);
    if (!DB) {
      llvm::errs() << "weft-clangd: cannot load " << File << ": " << Error << "\n";
      continue;
    }
    Slot.DB = tooling::inferMissingCompileCommands(std::move(DB));
    Slot.Stamp = Stamp;
    return Slot.DB;
  }
  return nullptr;
}

tooling::CompileCommand CompileCommands::commandFor(const std::string &Path) {
  std::lock_guard<std::mutex> L(M);
  std::shared_ptr<tooling::CompilationDatabase> DB;
  if (FixedDir) {
    DB = load(*FixedDir);
  } else {
    for (llvm::StringRef Dir = llvm::sys::path::parent_path(Path); !Dir.empty() && !DB;
         Dir = llvm::sys::path::parent_path(Dir)) {
      DB = load(Dir.str());
      if (!DB) {
        llvm::SmallString<256> Build(Dir);
        llvm::sys::path::append(Build, "build");
        DB = load(Build.str().str());
      }
    }
  }
  if (DB) {
    std::vector<tooling::CompileCommand> Cmds = DB->getCompileCommands(Path);
    if (!Cmds.empty())
      return Cmds.front();
  }
  tooling::CompileCommand Fallback;
  Fallback.Directory = llvm::sys::path::parent_path(Path).str();
  Fallback.Filename = Path;
  Fallback.CommandLine.push_back("clang");
  Fallback.CommandLine.insert(Fallback.CommandLine.end(), FallbackFlags.begin(), FallbackFlags.end());
  Fallback.CommandLine.push_back(Path);
  Fallback.Heuristic = "clangd fallback";
  return Fallback;
}

namespace {

class Consumer : public ASTConsumer {
public:
  Consumer(CompilerInstance &CI, const Options &Opts) : CI(CI), Opts(Opts) {}
  void HandleTranslationUnit(ASTContext &Ctx) override { analyze(Ctx, CI.getDiagnostics(), Opts, &CI.getPreprocessor()); }

private:
  CompilerInstance &CI;
  const Options &Opts;
};

class Action : public ASTFrontendAction {
public:
  explicit Action(const Options &Opts) : Opts(Opts) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &CI, llvm::StringRef) override {
    return std::make_unique<Consumer>(CI, Opts);
  }

private:
  const Options &Opts;
};

// The command line without any plugin (its weft arguments go to Opts
// instead): the checker runs in this process, and a loaded plugin would
// report everything twice.
std::vector<std::string> withoutPlugins(const std::vector<std::string> &Args, Options &Opts) {
  std::vector<std::string> Out;
  for (size_t I = 0; I < Args.size(); ++I) {
    llvm::StringRef A = Args[I];
    if (startsWith(A, "-fplugin-arg-weft-")) {
      bool ListRules = false;
      std::string Error;
      if (!parseOption(A.drop_front(strlen("-fplugin-arg-weft-")), Opts, ListRules, Error))
        llvm::errs() << "weft-clangd: ignoring " << A << " (unknown option or rule '" << Error << "')\n";
      continue;
    }
    if (startsWith(A, "-fplugin=") || startsWith(A, "-fplugin-arg-") || startsWith(A, "-fpass-plugin="))
      continue;
    if (A == "-fplugin" || A == "-fpass-plugin") {
      ++I;
      continue;
    }
    // -Xclang -load -Xclang <so>, -Xclang -add-plugin -Xclang <name>, ...
    if (A == "-Xclang" && I + 1 < Args.size()) {
      llvm::StringRef B = Args[I + 1];
      if (B == "-load" || B == "-add-plugin" || B == "-plugin" || startsWith(B, "-plugin-arg-")) {
        I += 3; // the option, -Xclang, its value
        continue;
      }
    }
    Out.push_back(Args[I]);
  }
  return Out;
}

} // namespace

CheckOutcome runChecker(const tooling::CompileCommand &Cmd, const std::string &Path, llvm::StringRef Contents,
                        bool Werror) {
  CheckOutcome Out;
  Out.Directory = Cmd.Directory;
  Options Opts;
  std::vector<std::string> Args = withoutPlugins(Cmd.CommandLine, Opts);
  if (Werror)
    Opts.Werror = true;
  if (Args.empty())
    return Out;
  // The driver finds Clang's own headers next to the executable it is told
  // it is: that is the Clang this tool was built against.
  Args[0] = WEFT_CLANG_PATH;
  Args = tooling::getClangSyntaxOnlyAdjuster()(Args, Path);
  Args = tooling::getClangStripOutputAdjuster()(Args, Path);
  Args = tooling::getClangStripDependencyFileAdjuster()(Args, Path);
  // A buffer being typed has many errors; past Clang's default limit of 20
  // a fatal error would stop the checker.
  Args.insert(Args.begin() + 1, "-ferror-limit=0");
  // The diagnostics go to the collector only: no "N errors generated".
  Args.insert(Args.begin() + 1, "-fno-caret-diagnostics");

  auto Memory = llvm::makeIntrusiveRefCnt<llvm::vfs::InMemoryFileSystem>();
  auto Overlay = llvm::makeIntrusiveRefCnt<llvm::vfs::OverlayFileSystem>(llvm::vfs::createPhysicalFileSystem());
  Overlay->pushOverlay(Memory);
  Memory->addFile(Path, 0, llvm::MemoryBuffer::getMemBufferCopy(Contents, Path));
  if (!Cmd.Directory.empty())
    Overlay->setCurrentWorkingDirectory(Cmd.Directory);
  auto Files = llvm::makeIntrusiveRefCnt<FileManager>(FileSystemOptions(), Overlay);

  FindingCollector Collector;
  Opts.OnReport = [&Collector](CheckId Rule) { Collector.willReport(Rule); };
  tooling::ToolInvocation Invocation(Args, std::make_unique<Action>(Opts), Files.get());
  Invocation.setDiagnosticConsumer(&Collector);
  // A crash in Clang or in the checker on a half-typed buffer costs that
  // one result, not the editor's session.
  llvm::CrashRecoveryContext CRC;
  bool Ok = false;
  if (!CRC.RunSafely([&] { Ok = Invocation.run(); })) {
    llvm::errs() << "weft-clangd: the checker crashed on " << Path << "; no weft diagnostics for this version\n";
    return Out;
  }
  Out.Ran = Ok || Collector.getNumErrors() > 0;
  Out.Findings = Collector.take();
  return Out;
}

} // namespace lsp
} // namespace weft
