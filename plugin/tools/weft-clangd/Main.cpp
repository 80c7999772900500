// Main.cpp: weft-clangd, the LSP server editors start in place of clangd: it
// runs the real clangd and adds the checker's diagnostics to clangd's.
// `weft-clangd --check <file>` prints what an editor would see.  Docs:
// docs/editors.md.  Covered by test/clangd/ (nvim.lua, protocol.py, check.sh).
#include "Compat.h"
#include "Documents.h"
#include "Proxy.h"
#include "Transport.h"

#include "llvm/Support/CrashRecoveryContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace json = llvm::json;
using namespace weft::lsp;

namespace {

const char Usage[] =
    "usage: weft-clangd [weft-clangd options] [clangd options]\n"
    "       weft-clangd --check <file> [options]\n"
    "\n"
    "An LSP server for editors: it runs clangd and adds weft's diagnostics\n"
    "to clangd's.  Every option not listed here is passed to clangd.\n"
    "\n"
    "  --clangd=<path>         the clangd to run (default: " WEFT_CLANGD_PATH ")\n"
    "  --check <file>          print the diagnostics an editor would show for <file>, and exit\n"
    "  --weft-werror           report weft's warnings as errors (as -fplugin-arg-weft-werror does)\n"
    "  --weft-docs=<url|dir>   where the rule pages are (codeDescription links; default: the\n"
    "                          installed docs, else the source tree's docs/diagnostics)\n"
    "  --weft-debounce=<ms>    wait this long after an edit before checking (default 50)\n"
    "  --weft-verbose          log each check and clangd's restarts on stderr\n"
    "  --help, --version\n"
    "\n"
    "See docs/editors.md.\n";

void onSignal(int) {
  pid_t Pid = runningClangdPid();
  if (Pid > 0)
    kill(Pid, SIGKILL);
  _exit(1);
}

std::string defaultDocs(const char *Argv0) {
  static int Anchor;
  std::string Exe = llvm::sys::fs::getMainExecutable(Argv0, &Anchor);
  std::vector<std::string> Candidates;
  if (!Exe.empty()) {
    llvm::SmallString<256> Installed(llvm::sys::path::parent_path(Exe));
    llvm::sys::path::append(Installed, "..", WEFT_INSTALL_DOCDIR, "diagnostics");
    llvm::sys::path::remove_dots(Installed, true);
    Candidates.push_back(Installed.str().str());
  }
  Candidates.push_back(WEFT_SOURCE_DOCDIR);
  for (const std::string &Dir : Candidates)
    if (llvm::sys::fs::is_directory(Dir))
      return pathToUri(Dir) + "/";
  return "";
}

std::string docsBase(llvm::StringRef Given) {
  if (Given.contains("://"))
    return weft::endsWith(Given, "/") ? Given.str() : Given.str() + "/";
  llvm::SmallString<256> Dir(Given);
  llvm::sys::fs::make_absolute(Dir);
  return pathToUri(Dir) + "/";
}

class StdoutSide : public EditorSide {
public:
  void send(std::string Body) override { Box.push(std::move(Body)); }
  void waitForRoom() override { Box.waitForRoom(); }
  Outbox Box{1, /*OwnsFd=*/false};
};

class CollectingSide : public EditorSide {
public:
  void send(std::string Body) override {
    std::lock_guard<std::mutex> L(M);
    Messages.push_back(std::move(Body));
  }
  std::mutex M;
  std::vector<std::string> Messages;
};

// llvm::Optional (LLVM 14) and std::optional (later) alike.
template <typename O, typename T> T orElse(const O &Opt, T Default) { return Opt ? T(*Opt) : Default; }

std::string severityName(int64_t S) {
  switch (S) {
  case 1:
    return "error";
  case 2:
    return "warning";
  case 3:
    return "info";
  default:
    return "hint";
  }
}

void printPosition(llvm::raw_ostream &OS, const std::string &Path, const json::Object *Range) {
  const json::Object *Start = Range ? Range->getObject("start") : nullptr;
  int64_t Line = Start ? orElse(Start->getInteger("line"), int64_t(0)) : 0;
  int64_t Char = Start ? orElse(Start->getInteger("character"), int64_t(0)) : 0;
  OS << Path << ":" << Line + 1 << ":" << Char + 1;
}

int check(Config Cfg, const std::string &File) {
  llvm::SmallString<256> Path(File);
  llvm::sys::fs::make_absolute(Path);
  llvm::sys::path::remove_dots(Path, true);
  auto Buf = llvm::MemoryBuffer::getFile(Path);
  if (!Buf) {
    llvm::errs() << "weft-clangd: cannot read " << File << ": " << Buf.getError().message() << "\n";
    return 2;
  }
  std::string Uri = pathToUri(Path);
  CollectingSide Side;
  Proxy P(std::move(Cfg), Side);
  if (!P.start())
    return 2;
  llvm::SmallString<256> Cwd;
  llvm::sys::fs::current_path(Cwd);
  auto send = [&](json::Object O) {
    O["jsonrpc"] = "2.0";
    std::string S;
    llvm::raw_string_ostream OS(S);
    OS << json::Value(std::move(O));
    P.fromEditor(OS.str());
  };
  llvm::StringRef Ext = llvm::sys::path::extension(Path);
  send(json::Object{{"id", 1},
        {"method", "initialize"},
        {"params", json::Object{{"processId", static_cast<int64_t>(getpid())},
                                {"rootUri", pathToUri(Cwd)},
                                {"capabilities", json::Object{}}}}});
  send(json::Object{{"method", "initialized"}, {"params", json::Object{}}});
  send(json::Object{{"method", "textDocument/didOpen"},
        {"params", json::Object{{"textDocument", json::Object{{"uri", Uri},
                                                              {"languageId", Ext == ".c" || Ext == ".h" ? "c" : "cpp"},
                                                              {"version", 1},
                                                              {"text", (*Buf)->getBuffer()}}}}}});
  bool Done = false;
  for (int I = 0; I < 6000 && !Done; ++I) { // at most two minutes
    Done = P.bothPublished(Uri);
    if (!Done)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  send(json::Object{{"id", 2}, {"method", "shutdown"}});
  send(json::Object{{"method", "exit"}});
  P.finish();
  if (!Done) {
    llvm::errs() << "weft-clangd: no diagnostics arrived for " << File << " (see the log above)\n";
    return 2;
  }
  std::lock_guard<std::mutex> L(Side.M);
  const json::Array *Last = nullptr;
  std::vector<json::Value> Kept;
  bool ClangdFailed = false;
  for (const std::string &M : Side.Messages) {
    auto V = json::parse(M);
    if (!V) {
      llvm::consumeError(V.takeError());
      continue;
    }
    const json::Object *O = V->getAsObject();
    // The proxy tells the editor of clangd's exits this way only.
    if (O && O->getString("method") == llvm::StringRef("window/showMessage"))
      if (const json::Object *Params = O->getObject("params"))
        ClangdFailed |= weft::startsWith(orElse(Params->getString("message"), llvm::StringRef()), "clangd ");
    if (!O || O->getString("method") != llvm::StringRef("textDocument/publishDiagnostics"))
      continue;
    const json::Object *Params = O->getObject("params");
    if (!Params || Params->getString("uri") != llvm::StringRef(Uri))
      continue;
    Kept.push_back(std::move(*V));
    Last = Kept.back().getAsObject()->getObject("params")->getArray("diagnostics");
  }
  llvm::raw_ostream &OS = llvm::outs();
  size_t Count = 0;
  for (const json::Value &D : Last ? *Last : json::Array()) {
    const json::Object *O = D.getAsObject();
    if (!O)
      continue;
    ++Count;
    printPosition(OS, Path.str().str(), O->getObject("range"));
    OS << ": " << severityName(orElse(O->getInteger("severity"), int64_t(1))) << ": "
       << orElse(O->getString("message"), llvm::StringRef()) << " [" << orElse(O->getString("source"), llvm::StringRef("?"));
    if (const json::Value *Code = O->get("code")) {
      if (auto S = Code->getAsString())
        OS << " " << *S;
      else if (auto N = Code->getAsInteger())
        OS << " " << *N;
    }
    OS << "]\n";
    if (const json::Object *CD = O->getObject("codeDescription"))
      OS << "  docs: " << orElse(CD->getString("href"), llvm::StringRef()) << "\n";
    if (const json::Array *Related = O->getArray("relatedInformation"))
      for (const json::Value &R : *Related) {
        const json::Object *RO = R.getAsObject();
        const json::Object *Loc = RO ? RO->getObject("location") : nullptr;
        if (!Loc)
          continue;
        OS << "  ";
        printPosition(OS, uriToPath(orElse(Loc->getString("uri"), llvm::StringRef())), Loc->getObject("range"));
        OS << ": note: " << orElse(RO->getString("message"), llvm::StringRef()) << "\n";
      }
  }
  OS << Count << " diagnostic(s)\n";
  if (ClangdFailed) {
    // A self-test that passed without clangd would hide the very fault
    // that leaves an editor without clangd's diagnostics.
    OS.flush();
    llvm::errs() << "weft-clangd: clangd did not stay up during the check (see above): its diagnostics are missing\n";
    return 1;
  }
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  Config Cfg;
  Cfg.ClangdPath = WEFT_CLANGD_PATH;
  std::string CheckFile, Docs;
  bool DocsGiven = false, ShowVersion = false;
  for (int I = 1; I < argc; ++I) {
    llvm::StringRef A = argv[I];
    auto value = [&](llvm::StringRef Name, std::string &Out) {
      if (A == Name && I + 1 < argc) {
        Out = argv[++I];
      } else if (weft::startsWith(A, (Name + "=").str())) {
        Out = A.drop_front(Name.size() + 1).str();
      } else if (A == Name) {
        Out.clear();
      } else {
        return false;
      }
      if (Out.empty()) {
        // Passed on to clangd, a bare `--check` runs clangd's own check of
        // nothing and floods the terminal with its log.
        llvm::errs() << "weft-clangd: " << Name << " needs a value (see --help)\n";
        std::exit(2);
      }
      return true;
    };
    std::string V;
    if (A == "--help" || A == "-help" || A == "-h") {
      llvm::outs() << Usage;
      return 0;
    }
    if (A == "--version") {
      ShowVersion = true;
      continue;
    }
    if (value("--clangd", Cfg.ClangdPath) || value("--check", CheckFile))
      continue;
    if (value("--weft-docs", Docs)) {
      DocsGiven = true;
      continue;
    }
    if (value("--weft-debounce", V)) {
      char *End = nullptr;
      long Ms = strtol(V.c_str(), &End, 10);
      if (V.empty() || *End || Ms < 0 || Ms > 60000) {
        llvm::errs() << "weft-clangd: --weft-debounce wants milliseconds (0 to 60000), not '" << V << "'\n";
        return 2;
      }
      Cfg.DebounceMs = static_cast<unsigned>(Ms);
      continue;
    }
    if (value("--weft-test-gate", Cfg.TestGate))
      continue;
    if (A == "--weft-werror") {
      Cfg.Werror = true;
      continue;
    }
    if (A == "--weft-verbose") {
      Cfg.Verbose = true;
      continue;
    }
    if (weft::startsWith(A, "--weft-")) {
      llvm::errs() << "weft-clangd: unknown option '" << A << "' (see --help)\n";
      return 2;
    }
    // Everything else is clangd's; the compilation database directory is
    // also where the checker looks.
    Cfg.ClangdArgs.push_back(A.str());
    if (value("--compile-commands-dir", V) || value("-compile-commands-dir", V)) {
      if (A == "--compile-commands-dir" || A == "-compile-commands-dir")
        Cfg.ClangdArgs.push_back(V);
      llvm::SmallString<256> Dir(V);
      llvm::sys::fs::make_absolute(Dir);
      Cfg.CompileCommandsDir = Dir.str().str();
    }
  }
  if (ShowVersion) {
    // Then clangd's own line: editor extensions read clangd's version there.
    llvm::outs() << "weft-clangd " WEFT_VERSION " (Clang " << WEFT_CLANG_MAJOR << "), running " << Cfg.ClangdPath
                 << "\n";
    llvm::outs().flush();
    llvm::StringRef Args[] = {Cfg.ClangdPath, "--version"};
    return llvm::sys::ExecuteAndWait(Cfg.ClangdPath, Args) == 0 ? 0 : 1;
  }
  Cfg.DocsBase = DocsGiven ? docsBase(Docs) : defaultDocs(argv[0]);

  llvm::CrashRecoveryContext::Enable();
  signal(SIGPIPE, SIG_IGN);
  signal(SIGTERM, onSignal);
  signal(SIGINT, onSignal);
  signal(SIGHUP, onSignal);

  if (!CheckFile.empty()) {
    // The diagnostics are the output; clangd's log only when asked for.
    bool LogGiven = std::any_of(Cfg.ClangdArgs.begin(), Cfg.ClangdArgs.end(),
                                [](const std::string &A) { return weft::startsWith(A, "--log"); });
    if (!LogGiven && !Cfg.Verbose)
      Cfg.ClangdArgs.push_back("--log=error");
    return check(std::move(Cfg), CheckFile);
  }

  StdoutSide Side;
  int Code;
  {
    Proxy P(std::move(Cfg), Side);
    if (!P.start())
      return 1;
    FrameReader In(0);
    std::string Body;
    for (;;) {
      P.waitForRoom();
      FrameReader::Result R = In.read(Body);
      if (R == FrameReader::End)
        break;
      if (R == FrameReader::BadHeader)
        P.malformedFromEditor("parse error: a message header without a valid Content-Length");
      else if (R == FrameReader::TooLarge)
        P.malformedFromEditor("parse error: a message larger than 1 GiB");
      else
        P.fromEditor(Body);
      if (P.exitReceived())
        break;
    }
    Code = P.finish();
  }
  Side.Box.flush(std::chrono::seconds(2));
  return Code;
}
