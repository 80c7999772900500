// Proxy.cpp: the LSP proxy between an editor and clangd (see Proxy.h).
// Covered by test/clangd/nvim.lua (a real editor) and test/clangd/protocol.py
// (restarts, malformed messages, stale results, many files, shutdown).
#include "Proxy.h"
#include "Compat.h"
#include "Transport.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <fcntl.h>
#include <sys/prctl.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

namespace json = llvm::json;
using Clock = std::chrono::steady_clock;

namespace weft {
namespace lsp {

EditorSide::~EditorSide() = default;

namespace {

std::atomic<pid_t> RunningClangd{-1};

// Our own requests to clangd (the initialize of a restart) use ids no
// editor sends.
const char ReplayIdPrefix[] = "weft-clangd/replay/";

// How long clangd's diagnostics for a C file may wait for the checker's.
constexpr int HoldMs = 300;

std::string serialize(const json::Value &V) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << V;
  OS.flush();
  return S;
}

std::string str(const json::Object *O, llvm::StringRef Key) {
  if (!O)
    return "";
  auto S = O->getString(Key);
  return S ? S->str() : std::string();
}

int64_t integer(const json::Object *O, llvm::StringRef Key, int64_t Default) {
  if (!O)
    return Default;
  auto I = O->getInteger(Key);
  return I ? *I : Default;
}

std::string describeStatus(int Status) {
  if (WIFEXITED(Status))
    return "exited with status " + std::to_string(WEXITSTATUS(Status));
  if (WIFSIGNALED(Status))
    return std::string("was killed by signal ") + std::to_string(WTERMSIG(Status)) + " (" +
           strsignal(WTERMSIG(Status)) + ")";
  return "stopped";
}

bool before(const json::Object *A, const json::Object *B) { // A <= B
  int64_t AL = integer(A, "line", 0), BL = integer(B, "line", 0);
  return AL < BL || (AL == BL && integer(A, "character", 0) <= integer(B, "character", 0));
}

bool overlaps(const json::Object *R1, const json::Object *R2) {
  if (!R1 || !R2)
    return false;
  return before(R1->getObject("start"), R2->getObject("end")) && before(R2->getObject("start"), R1->getObject("end"));
}

std::string fixTitle(const std::vector<FindingFix> &Fixes) {
  if (Fixes.size() != 1)
    return "weft: apply the suggested fixes";
  llvm::StringRef Text = llvm::StringRef(Fixes[0].Text).trim();
  const FindingRange &R = Fixes[0].Range;
  bool Empty = R.Line == R.EndLine && R.Column == R.EndColumn;
  if (Empty)
    return "weft: insert '" + Text.str() + "'";
  if (Text.empty())
    return "weft: remove the suggested text";
  return "weft: replace with '" + Text.str() + "'";
}

} // namespace

pid_t runningClangdPid() { return RunningClangd.load(); }

Proxy::Proxy(Config C, EditorSide &Editor)
    : Cfg(std::move(C)), Editor(Editor), Commands(Cfg.CompileCommandsDir) {}

Proxy::~Proxy() {
  if (Reader.joinable() || Worker.joinable())
    finish();
}

bool Proxy::spawnClangd(std::string &Error) {
  if (access(Cfg.ClangdPath.c_str(), X_OK) != 0) {
    Error = "cannot run clangd '" + Cfg.ClangdPath + "': " + strerror(errno);
    return false;
  }
  int In[2], Out[2];
  if (pipe2(In, O_CLOEXEC) != 0) {
    Error = std::string("pipe: ") + strerror(errno);
    return false;
  }
  if (pipe2(Out, O_CLOEXEC) != 0) {
    Error = std::string("pipe: ") + strerror(errno);
    close(In[0]);
    close(In[1]);
    return false;
  }
  std::vector<char *> Argv;
  Argv.push_back(const_cast<char *>(Cfg.ClangdPath.c_str()));
  for (std::string &A : Cfg.ClangdArgs)
    Argv.push_back(const_cast<char *>(A.c_str()));
  Argv.push_back(nullptr);
  pid_t Parent = getpid();
  pid_t Pid = fork();
  if (Pid == 0) {
    // Only async-signal-safe calls between fork and exec.  clangd dies
    // with weft-clangd even if weft-clangd is killed outright.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != Parent)
      _exit(127);
    dup2(In[0], 0);
    dup2(Out[1], 1);
    signal(SIGPIPE, SIG_DFL);
    execv(Argv[0], Argv.data());
    _exit(127);
  }
  int Saved = errno;
  close(In[0]);
  close(Out[1]);
  if (Pid < 0) {
    Error = std::string("fork: ") + strerror(Saved);
    close(In[1]);
    close(Out[0]);
    return false;
  }
  ClangdPid = Pid;
  RunningClangd = Pid;
  ClangdOut = Out[0];
  ToClangd = std::make_shared<Outbox>(In[1], /*OwnsFd=*/true);
  if (Cfg.Verbose)
    llvm::errs() << "weft-clangd: started " << Cfg.ClangdPath << " (pid " << Pid << ")\n";
  return true;
}

bool Proxy::start() {
  std::lock_guard<std::mutex> L(M);
  std::string Error;
  if (!spawnClangd(Error)) {
    llvm::errs() << "weft-clangd: " << Error << "\n";
    return false;
  }
  Reader = std::thread([this] { readClangd(); });
  Worker = std::thread([this] { work(); });
  return true;
}

void Proxy::toEditor(const json::Value &V) { Editor.send(serialize(V)); }

void Proxy::replyError(const json::Value &Id, int Code, const std::string &Message) {
  toEditor(json::Object{{"jsonrpc", "2.0"},
                        {"id", Id},
                        {"error", json::Object{{"code", Code}, {"message", Message}}}});
}

void Proxy::showMessage(int Type, const std::string &Text) {
  llvm::errs() << "weft-clangd: " << Text << "\n";
  toEditor(json::Object{{"jsonrpc", "2.0"},
                        {"method", "window/showMessage"},
                        {"params", json::Object{{"type", Type}, {"message", Text}}}});
}

void Proxy::malformedFromEditor(const std::string &Why) { replyError(nullptr, -32700, Why); }

void Proxy::waitForRoom() {
  std::shared_ptr<Outbox> Box;
  {
    std::lock_guard<std::mutex> L(M);
    Box = ToClangd;
  }
  // A restart abandons the old outbox, which ends this wait.
  if (Box)
    Box->waitForRoom();
}

bool Proxy::exitReceived() const {
  std::lock_guard<std::mutex> L(M);
  return ExitReceived;
}

// ---- Editor to clangd ------------------------------------------------------

void Proxy::fromEditor(const std::string &Body) {
  llvm::Expected<json::Value> Parsed = json::parse(Body);
  if (!Parsed) {
    std::string Why = llvm::toString(Parsed.takeError());
    llvm::errs() << "weft-clangd: malformed message from the editor: " << Why << "\n";
    replyError(nullptr, -32700, "parse error: " + Why);
    return;
  }
  json::Object *O = Parsed->getAsObject();
  if (!O) {
    replyError(nullptr, -32600, "invalid request: a message must be a JSON object");
    return;
  }
  std::string Method = str(O, "method");
  const json::Value *Id = O->get("id");
  json::Object *Params = O->getObject("params");
  const json::Object *TD = Params ? Params->getObject("textDocument") : nullptr;
  std::string Uri = str(TD, "uri");

  std::lock_guard<std::mutex> L(M);
  if (Method == "initialize") {
    InitializeParams = Params ? json::Value(json::Object(*Params)) : json::Value(json::Object{});
    std::vector<std::string> Flags;
    if (const json::Object *IO = Params ? Params->getObject("initializationOptions") : nullptr)
      if (const json::Array *FF = IO->getArray("fallbackFlags"))
        for (const json::Value &F : *FF)
          if (auto S = F.getAsString())
            Flags.push_back(S->str());
    Commands.setFallbackFlags(std::move(Flags));
  } else if (Method == "initialized") {
    InitializedSent = true;
  } else if (Method == "textDocument/didOpen" && !Uri.empty()) {
    Document &D = Docs[Uri];
    D.Text = str(TD, "text");
    D.Version = integer(TD, "version", 0);
    D.LanguageId = str(TD, "languageId");
    D.Path = uriToPath(Uri);
    D.IsC = !D.Path.empty() && (D.LanguageId == "c" || endsWith(D.Path, ".c"));
    Weft.erase(Uri);
    Clangd.erase(Uri);
    if (D.IsC)
      schedule(Uri);
  } else if (Method == "textDocument/didChange" && !Uri.empty()) {
    auto D = Docs.find(Uri);
    if (D != Docs.end()) {
      D->second.Version = integer(TD, "version", D->second.Version + 1);
      if (const json::Array *Changes = Params->getArray("contentChanges"))
        for (const json::Value &C : *Changes)
          if (!C.getAsObject() || !applyChange(D->second.Text, *C.getAsObject(), Enc))
            llvm::errs() << "weft-clangd: ignoring a malformed change to " << Uri << "\n";
      if (D->second.IsC)
        schedule(Uri);
    }
  } else if (Method == "textDocument/didClose" && !Uri.empty()) {
    Docs.erase(Uri);
    Weft.erase(Uri);
    Clangd.erase(Uri);
    Jobs.erase(Uri);
  } else if (Method == "shutdown") {
    ShutdownReceived = true;
  } else if (Method == "exit") {
    ExitReceived = true;
  }

  if (Id && !Method.empty()) {
    if (ClangdGone || !ToClangd) {
      if (Method == "shutdown")
        toEditor(json::Object{{"jsonrpc", "2.0"}, {"id", *Id}, {"result", nullptr}});
      else
        replyError(*Id, -32603, "clangd is not running (see weft-clangd's log)");
      return;
    }
    Pending &P = PendingRequests[serialize(*Id)];
    P.Method = Method;
    P.Id = *Id;
    if (Method == "textDocument/codeAction" && Params)
      P.Params = json::Object(*Params);
  }
  if (ToClangd && !ClangdGone)
    ToClangd->push(Body);
}

void Proxy::schedule(const std::string &Uri) {
  Jobs[Uri] = Clock::now() + std::chrono::milliseconds(Cfg.DebounceMs);
  Changed.notify_all();
}

// ---- Clangd to editor ------------------------------------------------------

void Proxy::fromClangd(const std::string &Body) {
  llvm::Expected<json::Value> Parsed = json::parse(Body);
  json::Object *O = Parsed ? Parsed->getAsObject() : nullptr;
  if (!O) {
    if (!Parsed)
      llvm::consumeError(Parsed.takeError());
    Editor.send(Body);
    return;
  }
  std::lock_guard<std::mutex> L(M);
  std::string Method = str(O, "method");
  if (Method == "textDocument/publishDiagnostics") {
    json::Object *Params = O->getObject("params");
    std::string Uri = str(Params, "uri");
    auto D = Docs.find(Uri);
    if (D != Docs.end() && D->second.IsC) {
      ClangdDiagnostics &C = Clangd[Uri];
      const json::Array *Diags = Params->getArray("diagnostics");
      C.Diagnostics = Diags ? *Diags : json::Array();
      C.Version.reset();
      if (auto V = Params->getInteger("version"))
        C.Version = *V;
      C.Seen = true;
      // While the checker's result for this version is on its way, hold
      // clangd's list rather than publish it without weft's (which would
      // blink off and on); at most HoldMs, so that a slow check never
      // delays clangd's diagnostics for long.
      auto W = Weft.find(Uri);
      bool WeftCurrent = W != Weft.end() && W->second.Version == D->second.Version;
      if (!WeftCurrent && !C.HeldUntil) {
        C.HeldUntil = Clock::now() + std::chrono::milliseconds(HoldMs);
        Changed.notify_all();
        return;
      }
      if (!WeftCurrent)
        return; // already held; the newer list goes out when the hold ends
      publish(Uri);
      return;
    }
  }
  const json::Value *Id = O->get("id");
  if (!Method.empty() || !Id) {
    Editor.send(Body);
    return;
  }
  std::string Key = serialize(*Id);
  auto OurInit = Id->getAsString();
  if (OurInit && startsWith(*OurInit, ReplayIdPrefix))
    return; // the response to a restart's initialize
  auto P = PendingRequests.find(Key);
  if (P == PendingRequests.end()) {
    Editor.send(Body);
    return;
  }
  Pending Request = std::move(P->second);
  PendingRequests.erase(P);
  if (Request.Method == "initialize") {
    if (const json::Object *Result = O->getObject("result")) {
      if (auto E = Result->getString("offsetEncoding"))
        Enc = parseEncoding(*E);
      else if (const json::Object *Caps = Result->getObject("capabilities"))
        if (auto PE = Caps->getString("positionEncoding"))
          Enc = parseEncoding(*PE);
    }
  }
  if (Request.Method == "textDocument/codeAction" && !O->get("error")) {
    json::Value Result = O->get("result") ? *O->get("result") : json::Value(nullptr);
    if (appendFixes(Request, Result)) {
      (*O)["result"] = std::move(Result);
      toEditor(json::Value(std::move(*O)));
      return;
    }
  }
  Editor.send(Body);
}

void Proxy::publish(const std::string &Uri) {
  auto D = Docs.find(Uri);
  if (D == Docs.end())
    return;
  json::Array All;
  json::Object Params{{"uri", Uri}};
  auto C = Clangd.find(Uri);
  if (C != Clangd.end()) {
    C->second.HeldUntil.reset();
    All = C->second.Diagnostics;
    if (C->second.Version)
      Params["version"] = *C->second.Version;
  }
  auto W = Weft.find(Uri);
  if (W != Weft.end() && W->second.Version == D->second.Version)
    for (const json::Value &V : W->second.Diagnostics)
      All.push_back(V);
  Params["diagnostics"] = std::move(All);
  toEditor(json::Object{{"jsonrpc", "2.0"}, {"method", "textDocument/publishDiagnostics"}, {"params", std::move(Params)}});
}

size_t Proxy::appendFixes(const Pending &P, json::Value &Result) {
  const json::Object *Params = P.Params.getAsObject();
  const json::Object *TD = Params ? Params->getObject("textDocument") : nullptr;
  std::string Uri = str(TD, "uri");
  auto D = Docs.find(Uri);
  auto W = Weft.find(Uri);
  if (D == Docs.end() || W == Weft.end() || W->second.Version != D->second.Version)
    return 0;
  const json::Object *Range = Params->getObject("range");
  if (Result.kind() == json::Value::Null)
    Result = json::Array();
  json::Array *Actions = Result.getAsArray();
  if (!Actions)
    return 0;
  size_t Added = 0;
  for (const FixAction &F : W->second.Fixes) {
    const json::Value &Diag = W->second.Diagnostics[F.Diagnostic];
    if (!overlaps(Range, Diag.getAsObject()->getObject("range")))
      continue;
    Actions->push_back(json::Object{{"title", F.Title},
                                    {"kind", "quickfix"},
                                    {"diagnostics", json::Array{Diag}},
                                    {"isPreferred", true},
                                    {"edit", json::Object(F.Edit)}});
    ++Added;
  }
  return Added;
}

void Proxy::failPending(const std::string &Why) {
  for (auto &P : PendingRequests) {
    if (P.second.Method == "shutdown")
      toEditor(json::Object{{"jsonrpc", "2.0"}, {"id", P.second.Id}, {"result", nullptr}});
    else
      replyError(P.second.Id, -32603, Why);
  }
  PendingRequests.clear();
}

// The thread reading clangd: messages until clangd's output ends, then a
// restart unless the session is ending.
void Proxy::readClangd() {
  for (;;) {
    int Fd;
    pid_t Pid;
    {
      std::lock_guard<std::mutex> L(M);
      Fd = ClangdOut;
      Pid = ClangdPid;
    }
    FrameReader R(Fd);
    std::string Body;
    for (;;) {
      Editor.waitForRoom();
      FrameReader::Result Res = R.read(Body);
      if (Res == FrameReader::End)
        break;
      if (Res == FrameReader::Message)
        fromClangd(Body);
    }
    close(Fd);
    int Status = 0;
    while (waitpid(Pid, &Status, 0) < 0 && errno == EINTR)
      ;
    RunningClangd = -1;

    std::unique_lock<std::mutex> L(M);
    std::shared_ptr<Outbox> Old = std::move(ToClangd);
    if (Old)
      Old->abandon();
    ClangdOut = -1;
    ClangdPid = -1;
    if (Stopping || ExitReceived) {
      ReaderDone = true;
      L.unlock();
      Changed.notify_all();
      Old.reset();
      return;
    }
    std::string What = "clangd " + describeStatus(Status);
    failPending(What + "; the request was lost");
    Clock::time_point Now = Clock::now();
    Crashes.erase(std::remove_if(Crashes.begin(), Crashes.end(),
                                 [&](Clock::time_point T) { return Now - T > std::chrono::seconds(30); }),
                  Crashes.end());
    Crashes.push_back(Now);
    std::string Error;
    if (ShutdownReceived || Crashes.size() > 3 || !spawnClangd(Error)) {
      ClangdGone = true;
      ReaderDone = true;
      showMessage(1, What + "; weft-clangd does not restart it again" + (Error.empty() ? "" : ": " + Error) +
                         " (weft's own diagnostics go on)");
      L.unlock();
      Changed.notify_all();
      Old.reset();
      return;
    }
    showMessage(2, What + "; restarted it and reopened " + std::to_string(Docs.size()) + " document(s)");
    if (InitializeParams)
      ToClangd->push(serialize(json::Object{{"jsonrpc", "2.0"},
                                            {"id", std::string(ReplayIdPrefix) + std::to_string(++Replays)},
                                            {"method", "initialize"},
                                            {"params", *InitializeParams}}));
    if (InitializedSent)
      ToClangd->push(serialize(json::Object{{"jsonrpc", "2.0"}, {"method", "initialized"}, {"params", json::Object{}}}));
    for (auto &D : Docs)
      ToClangd->push(serialize(json::Object{
          {"jsonrpc", "2.0"},
          {"method", "textDocument/didOpen"},
          {"params", json::Object{{"textDocument", json::Object{{"uri", D.first},
                                                                {"languageId", D.second.LanguageId},
                                                                {"version", D.second.Version},
                                                                {"text", D.second.Text}}}}}}));
    L.unlock();
    Old.reset();
  }
}

// ---- The checker's worker ----------------------------------------------------

void Proxy::work() {
  std::unique_lock<std::mutex> L(M);
  for (;;) {
    if (Stopping)
      return;
    // clangd's lists held for longer than HoldMs go out alone.
    Clock::time_point Now = Clock::now();
    std::optional<Clock::time_point> Wake;
    for (auto &C : Clangd) {
      if (!C.second.HeldUntil)
        continue;
      if (*C.second.HeldUntil <= Now)
        publish(C.first);
      else if (!Wake || *C.second.HeldUntil < *Wake)
        Wake = *C.second.HeldUntil;
    }
    auto Next = std::min_element(Jobs.begin(), Jobs.end(),
                                 [](const auto &A, const auto &B) { return A.second < B.second; });
    if (Next == Jobs.end() || Next->second > Now) {
      if (Next != Jobs.end() && (!Wake || Next->second < *Wake))
        Wake = Next->second;
      if (Wake)
        Changed.wait_until(L, *Wake);
      else
        Changed.wait(L);
      continue;
    }
    std::string Uri = Next->first;
    Jobs.erase(Next);
    auto D = Docs.find(Uri);
    if (D == Docs.end() || !D->second.IsC)
      continue;
    Document Snapshot = D->second;
    Encoding E = Enc;
    L.unlock();
    analyzeOne(Uri, std::move(Snapshot), E);
    L.lock();
  }
}

namespace {

// The test hook of --weft-test-gate=<dir>: after each analysis the worker
// writes "<uri> <version>" to <dir>/analyzed and waits for a line on
// <dir>/release, so that a test can edit the document in between.
void gate(const std::string &Dir, const std::string &Uri, int64_t Version) {
  static int Analyzed = -1, Release = -1;
  if (Analyzed < 0)
    Analyzed = open((Dir + "/analyzed").c_str(), O_WRONLY | O_CLOEXEC);
  if (Release < 0)
    Release = open((Dir + "/release").c_str(), O_RDONLY | O_CLOEXEC);
  std::string Line = Uri + " " + std::to_string(Version) + "\n";
  if (write(Analyzed, Line.data(), Line.size()) < 0)
    return;
  char C;
  while (read(Release, &C, 1) == 1 && C != '\n')
    ;
}

} // namespace

void Proxy::analyzeOne(const std::string &Uri, Document Snapshot, Encoding E) {
  Clock::time_point Start = Clock::now();
  timespec CpuStart{}, CpuEnd{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &CpuStart);
  clang::tooling::CompileCommand Cmd = Commands.commandFor(Snapshot.Path);
  CheckOutcome Out = runChecker(Cmd, Snapshot.Path, Snapshot.Text, Cfg.Werror);
  WeftResult Result = convert(Uri, Snapshot, Out, E);
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &CpuEnd);
  if (Cfg.Verbose)
    llvm::errs() << "weft-clangd: checked " << Snapshot.Path << " version " << Snapshot.Version << " ("
                 << Cmd.Heuristic << (Cmd.Heuristic.empty() ? "compile_commands.json" : "") << "): "
                 << Result.Diagnostics.size() << " finding(s) in "
                 << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - Start).count() << " ms ("
                 << (CpuEnd.tv_sec - CpuStart.tv_sec) * 1000 + (CpuEnd.tv_nsec - CpuStart.tv_nsec) / 1000000
                 << " ms of CPU)\n";
  if (!Cfg.TestGate.empty())
    gate(Cfg.TestGate, Uri, Snapshot.Version);
  std::lock_guard<std::mutex> L(M);
  auto D = Docs.find(Uri);
  // A result for an older version is never published: the edit that made
  // the newer one has scheduled its own analysis.
  if (D == Docs.end() || D->second.Version != Snapshot.Version) {
    if (Cfg.Verbose)
      llvm::errs() << "weft-clangd: dropped the result for " << Uri << " version " << Snapshot.Version
                   << " (the document changed)\n";
    return;
  }
  Weft[Uri] = std::move(Result);
  publish(Uri);
}

Proxy::WeftResult Proxy::convert(const std::string &Uri, const Document &Doc, const CheckOutcome &Out, Encoding E) {
  WeftResult R;
  R.Version = Doc.Version;
  std::map<std::string, std::string> Texts; // other files, as on disk
  // The URI and text of the file a range is in.
  auto fileOf = [&](const FindingRange &FR) -> std::pair<std::string, const std::string *> {
    if (FR.InMainFile)
      return {Uri, &Doc.Text};
    llvm::SmallString<256> Abs(FR.File);
    if (!llvm::sys::path::is_absolute(Abs)) {
      Abs = Out.Directory;
      llvm::sys::path::append(Abs, FR.File);
    }
    llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
    std::string Path = Abs.str().str();
    auto It = Texts.find(Path);
    if (It == Texts.end()) {
      auto Buf = llvm::MemoryBuffer::getFile(Path);
      It = Texts.emplace(Path, Buf ? (*Buf)->getBuffer().str() : std::string()).first;
    }
    return {pathToUri(Path), &It->second};
  };
  auto rangeOf = [&](const FindingRange &FR, const std::string &Text) {
    return json::Object{
        {"start", positionOf(Text, offsetOfLineColumn(Text, FR.Line, FR.Column), E)},
        {"end", positionOf(Text, offsetOfLineColumn(Text, FR.EndLine, FR.EndColumn), E)}};
  };
  auto editOf = [&](const std::vector<FindingFix> &Fixes) {
    json::Object Changes;
    for (const FindingFix &F : Fixes) {
      auto File = fileOf(F.Range);
      json::Value &List = Changes[File.first];
      if (List.kind() != json::Value::Array)
        List = json::Array();
      List.getAsArray()->push_back(json::Object{{"range", rangeOf(F.Range, *File.second)}, {"newText", F.Text}});
    }
    return json::Object{{"changes", std::move(Changes)}};
  };
  for (const Finding &F : Out.Findings) {
    if (!F.Where.InMainFile)
      continue;
    llvm::StringRef Rule = checkName(F.Rule);
    json::Object Diag{{"range", rangeOf(F.Where, Doc.Text)},
                      {"severity", F.Error ? 1 : 2},
                      {"source", "weft"},
                      {"code", Rule},
                      {"message", F.Message}};
    if (!Cfg.DocsBase.empty())
      Diag["codeDescription"] = json::Object{{"href", Cfg.DocsBase + Rule.str() + ".md"}};
    json::Array Related;
    for (const FindingNote &N : F.Notes) {
      auto File = fileOf(N.Where);
      Related.push_back(json::Object{
          {"location", json::Object{{"uri", File.first}, {"range", rangeOf(N.Where, *File.second)}}},
          {"message", N.Message}});
    }
    if (!Related.empty())
      Diag["relatedInformation"] = std::move(Related);
    size_t Index = R.Diagnostics.size();
    R.Diagnostics.push_back(std::move(Diag));
    if (!F.Fixes.empty())
      R.Fixes.push_back({Index, fixTitle(F.Fixes), editOf(F.Fixes)});
    for (const FindingNote &N : F.Notes)
      if (!N.Fixes.empty())
        R.Fixes.push_back({Index, fixTitle(N.Fixes), editOf(N.Fixes)});
  }
  return R;
}

// ---- The end of a session ----------------------------------------------------

bool Proxy::bothPublished(const std::string &Uri) {
  std::lock_guard<std::mutex> L(M);
  auto D = Docs.find(Uri);
  if (D == Docs.end())
    return false;
  auto C = Clangd.find(Uri);
  auto W = Weft.find(Uri);
  bool ClangdDone = ClangdGone || (C != Clangd.end() && C->second.Seen);
  bool WeftDone = !D->second.IsC || (W != Weft.end() && W->second.Version == D->second.Version);
  return ClangdDone && WeftDone;
}

int Proxy::finish() {
  std::shared_ptr<Outbox> Box;
  pid_t Pid;
  {
    std::lock_guard<std::mutex> L(M);
    Stopping = true;
    Box = std::move(ToClangd);
    Pid = ClangdPid;
  }
  Changed.notify_all();
  if (Worker.joinable())
    Worker.join();
  // clangd exits after the exit notification, or when its input ends.
  if (Box && !Box->flush(std::chrono::seconds(2)) && Pid > 0)
    kill(Pid, SIGKILL);
  if (Box)
    Box->abandon();
  Box.reset();
  if (Reader.joinable()) {
    std::unique_lock<std::mutex> L(M);
    if (!Changed.wait_for(L, std::chrono::seconds(3), [&] { return ReaderDone; }) && Pid > 0) {
      kill(Pid, SIGTERM);
      if (!Changed.wait_for(L, std::chrono::seconds(2), [&] { return ReaderDone; }))
        kill(Pid, SIGKILL);
    }
    L.unlock();
    Reader.join();
  }
  std::lock_guard<std::mutex> L(M);
  return ShutdownReceived ? 0 : 1;
}

} // namespace lsp
} // namespace weft
