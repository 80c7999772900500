// Proxy.h: the LSP proxy between an editor and clangd.  It forwards every
// message both ways unchanged, except clangd's textDocument/publishDiagnostics
// for C files (merged with the checker's findings on the editor's unsaved
// buffer) and the responses to textDocument/codeAction (the checker's
// fix-its appended as quick fixes).  It restarts clangd when it dies.
// Covered by test/clangd/nvim.lua and test/clangd/protocol.py.
#ifndef WEFT_CLANGD_PROXY_H
#define WEFT_CLANGD_PROXY_H

#include "Checker.h"
#include "Documents.h"

#include "llvm/Support/JSON.h"

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <sys/types.h>
#include <thread>
#include <vector>

namespace weft {
namespace lsp {

class Outbox;

struct Config {
  std::string ClangdPath;
  std::vector<std::string> ClangdArgs;       // passed through to clangd
  std::optional<std::string> CompileCommandsDir; // clangd's --compile-commands-dir
  bool Werror = false;                       // --weft-werror
  std::string DocsBase;                      // codeDescription.href = DocsBase + rule + ".md"
  unsigned DebounceMs = 50;                  // --weft-debounce
  std::string TestGate;                      // --weft-test-gate (see Main.cpp)
  bool Verbose = false;                      // --weft-verbose
};

// Where messages to the editor go.
class EditorSide {
public:
  virtual ~EditorSide();
  virtual void send(std::string Body) = 0;
  // Blocks while too much is queued for the editor (backpressure on clangd).
  virtual void waitForRoom() {}
};

// The pid of the clangd running now, or -1 (for a signal handler).
pid_t runningClangdPid();

class Proxy {
public:
  Proxy(Config C, EditorSide &Editor);
  ~Proxy();

  // Starts clangd, the thread reading it and the checker's worker.  False
  // (with a message on stderr) if clangd cannot be started.
  bool start();

  // Handles one message body from the editor.
  void fromEditor(const std::string &Body);
  // Blocks while too much is queued for clangd (backpressure on the editor).
  void waitForRoom();
  // The editor sent a message its framing got wrong.
  void malformedFromEditor(const std::string &Why);

  bool exitReceived() const;
  // Ends the session: lets clangd exit (or kills it), stops the threads.
  // The exit code LSP asks for: 0 after shutdown, else 1.
  int finish();

  // For --check: whether both clangd's and the checker's diagnostics for
  // the current version of Uri have been published.
  bool bothPublished(const std::string &Uri);

private:
  struct Document {
    std::string Text;
    int64_t Version = 0;
    std::string LanguageId;
    std::string Path;
    bool IsC = false;
  };
  struct FixAction {
    size_t Diagnostic; // index into WeftResult::Diagnostics
    std::string Title;
    llvm::json::Object Edit; // a WorkspaceEdit
  };
  struct WeftResult {
    int64_t Version = -1;
    llvm::json::Array Diagnostics;
    std::vector<FixAction> Fixes;
  };
  struct ClangdDiagnostics {
    llvm::json::Array Diagnostics;
    std::optional<int64_t> Version;
    bool Seen = false;
    // Not yet passed on: the checker's result for the current version is
    // coming, and the two go out together (see fromClangd).
    std::optional<std::chrono::steady_clock::time_point> HeldUntil;
  };
  struct Pending {
    std::string Method;
    llvm::json::Value Id = nullptr;
    llvm::json::Value Params = nullptr;
  };

  bool spawnClangd(std::string &Error); // with M held
  void readClangd();
  void fromClangd(const std::string &Body);
  void work();
  void analyzeOne(const std::string &Uri, Document Snapshot, Encoding Enc);
  void schedule(const std::string &Uri); // with M held
  void publish(const std::string &Uri);  // with M held
  void toEditor(const llvm::json::Value &V);
  void replyError(const llvm::json::Value &Id, int Code, const std::string &Message);
  void failPending(const std::string &Why); // with M held
  void showMessage(int Type, const std::string &Text);
  size_t appendFixes(const Pending &P, llvm::json::Value &Result); // with M held; how many
  WeftResult convert(const std::string &Uri, const Document &Doc, const CheckOutcome &Out, Encoding Enc);

  Config Cfg;
  EditorSide &Editor;
  CompileCommands Commands;

  mutable std::mutex M;
  std::condition_variable Changed;
  std::map<std::string, Document> Docs;
  std::map<std::string, WeftResult> Weft;
  std::map<std::string, ClangdDiagnostics> Clangd;
  std::map<std::string, Pending> PendingRequests; // by serialized id
  std::map<std::string, std::chrono::steady_clock::time_point> Jobs;
  std::optional<llvm::json::Value> InitializeParams;
  bool InitializedSent = false;
  Encoding Enc = Encoding::UTF16;

  pid_t ClangdPid = -1;
  int ClangdOut = -1;
  std::shared_ptr<Outbox> ToClangd;
  bool ClangdGone = false; // gave up restarting
  std::vector<std::chrono::steady_clock::time_point> Crashes;
  unsigned Replays = 0;

  bool ShutdownReceived = false;
  bool ExitReceived = false;
  bool Stopping = false;
  bool ReaderDone = false;
  std::thread Reader, Worker;
};

} // namespace lsp
} // namespace weft

#endif
