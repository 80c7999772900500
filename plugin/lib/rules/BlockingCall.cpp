// BlockingCall.cpp: rule blocking-call.  A call that blocks the thread, made
// in async context or in a function async context reaches, stalls every
// fiber; warn and name the weft replacement.  The list is BlockingCalls.def;
// what a body shows about its descriptors is Descriptors.h.
// Covered by test/plugin/blocking-call*.c.
#include "Check.h"
#include "Compat.h"
#include "Descriptors.h"
#include "Effects.h"
#include "Macros.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "llvm/ADT/StringMap.h"

// The values BlockingCalls.def compares with, from the C library headers.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/msg.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace clang;

namespace weft {
namespace {

enum Mode { Always, UnlessFlag, OnlyIf, UnlessZero, UnlessZeroTime, UnlessDatagram, FlockOp };

struct BlockingEntry {
  int FdArg;   // -1: no descriptor to judge
  Mode When;
  int ModeArg; // the argument When looks at
  int64_t Value;
  StringRef Replacement;
  StringRef OnFile; // the replacement for a regular file, if it differs
};

// Name -> its rows; a call blocks when one of its rows says so.
const llvm::StringMap<std::vector<BlockingEntry>> &blockingTable() {
  static const llvm::StringMap<std::vector<BlockingEntry>> Table = [] {
    llvm::StringMap<std::vector<BlockingEntry>> T;
#define WEFT_BLOCKING_CALL(Name, FdArg, When, ModeArg, Value, Replacement, OnFile)                  \
  T[#Name].push_back(BlockingEntry{FdArg, When, ModeArg, (int64_t)(Value), Replacement, OnFile});
#include "BlockingCalls.def"
#ifdef F_OFD_SETLKW
    // Open file description locks wait like F_SETLKW.
    T["fcntl"].push_back(BlockingEntry{-1, OnlyIf, 1, F_OFD_SETLKW, "weft_detach", ""});
#endif
    return T;
  }();
  return Table;
}


// The continuations and map functions that receive the value of a
// weft_accept, weft_tcp_connect or weft_tcp_listen_name action: their value
// parameter is a non-blocking descriptor (weft.h documents each so).
void markAcceptedDescriptors(const EffectGraph &G, DescriptorFacts &Facts) {
  auto IsAccept = [](const Expr *E) {
    const auto *CE = dyn_cast_or_null<CallExpr>(E ? E->IgnoreParenImpCasts() : nullptr);
    const FunctionDecl *F = CE ? CE->getDirectCallee() : nullptr;
    if (!F || !F->getIdentifier())
      return false;
    StringRef Name = F->getName();
    return Name == "weft_accept" || Name == "weft_tcp_connect" || Name == "weft_tcp_listen_name";
  };
  for (const EffectNode &N : G.nodes())
    for (const EffectSite &S : N.Sites) {
      const auto *CE = dyn_cast_or_null<CallExpr>(S.E);
      if (S.What != EffectSite::Builds || !CE || CE->getNumArgs() < 2)
        continue;
      StringRef Internal = weftInternalName(CE);
      if (Internal != "weft__bind" && Internal != "weft__map")
        continue;
      // The action: `(m).node_`, where m is the call or a local it
      // initialised (the program's, or weft.h's own temporary).
      const auto *ME = dyn_cast<MemberExpr>(CE->getArg(0)->IgnoreParenImpCasts());
      if (!ME)
        continue;
      const Expr *M = ME->getBase();
      for (unsigned Hop = 0; M && Hop < 8; ++Hop) {
        const auto *DRE = dyn_cast<DeclRefExpr>(M->IgnoreParenImpCasts());
        const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
        if (!VD)
          break;
        M = VD->hasLocalStorage() ? VD->getInit() : nullptr;
      }
      if (!IsAccept(M))
        continue;
      if (const FunctionDecl *F = givenFunction(CE->getArg(1)))
        Facts.markNonBlockingParam(F, 1);
    }
}

// The rows whose names a program may well use for functions of its own
// (a table's remove, a list's link, a string's truncate): they match only
// the C library's function, declared in a system header.  (The older rows
// match any bodiless function of the name, as docs/diagnostics says.)
bool needsLibraryDecl(StringRef Name) {
  static const char *const Names[] = {
      "access",  "faccessat",  "unlink",   "unlinkat",   "remove",    "rename",      "renameat",   "renameat2",
      "mkdir",   "mkdirat",    "rmdir",    "opendir",    "readdir",   "scandir",     "link",       "symlink",
      "readlink", "realpath",  "chmod",    "chown",      "truncate",  "ftruncate",   "fallocate",  "posix_fallocate",
      "fopen",   "freopen",    "statx",    "getpwnam",   "getpwnam_r", "getpwuid",   "getpwuid_r", "getgrnam",
      "getgrnam_r", "getgrgid", "getgrgid_r", "getgrouplist"};
  for (const char *N : Names)
    if (Name == N)
      return true;
  return false;
}

bool declaredInSystemHeader(const FunctionDecl *F, const SourceManager &SM) {
  for (const FunctionDecl *D : F->redecls())
    if (SM.isInSystemHeader(SM.getExpansionLoc(D->getLocation())))
      return true;
  return false;
}

class BlockingCallCheck : public Check {
public:
  BlockingCallCheck() : Check(CheckId::BlockingCall) {}

  void onEndOfTranslationUnit(CheckContext &C) override {
    const EffectGraph &G = C.effects();
    DescriptorFacts Facts(C.ast());
    markAcceptedDescriptors(G, Facts);
    for (const EffectNode &N : G.nodes())
      if (N.Reached)
        checkBody(N, G, Facts, C);
  }

private:
  // Whether Call, a call of a function with these rows in F, blocks; Fd is
  // set to the descriptor argument that could not be shown non-blocking.
  static bool blocks(const std::vector<BlockingEntry> &Rows, const CallExpr *Call, const FunctionDecl *F,
                     DescriptorFacts &Facts, const Expr *&Fd) {
    for (const BlockingEntry &E : Rows) {
      if (!Call) {
        if (E.When == Always && E.FdArg < 0)
          return true;
        continue;
      }
      const Expr *Arg = E.ModeArg >= 0 && unsigned(E.ModeArg) < Call->getNumArgs() ? Call->getArg(E.ModeArg) : nullptr;
      int64_t V = 0;
      switch (E.When) {
      case Always:
      case UnlessDatagram:
        break;
      case UnlessFlag:
        if (Arg && Facts.flagAt(F, Arg, uint64_t(E.Value), Call) == 1)
          continue;
        break;
      case OnlyIf:
        if (!Arg || !Facts.valueAt(F, Arg, Call, V) || V != E.Value)
          continue;
        break;
      case FlockOp:
        if (Arg && (Facts.flagAt(F, Arg, uint64_t(E.Value), Call) == 1 ||
                    (Facts.valueAt(F, Arg, Call, V) && V == LOCK_UN)))
          continue;
        break;
      case UnlessZero:
        if (Arg && Facts.valueAt(F, Arg, Call, V) && V == 0)
          continue;
        break;
      case UnlessZeroTime:
        if (Arg && Facts.pointsToZero(F, Arg, Call))
          continue;
        break;
      }
      if (E.FdArg >= 0 && unsigned(E.FdArg) < Call->getNumArgs()) {
        const Expr *D = Call->getArg(E.FdArg);
        FdState S = Facts.stateAt(F, D, Call);
        if (S == FdState::NonBlocking || (S == FdState::Datagram && E.When == UnlessDatagram))
          continue;
        Fd = D;
      }
      return true;
    }
    return false;
  }

  void checkBody(const EffectNode &N, const EffectGraph &G, DescriptorFacts &Facts, CheckContext &C) {
    for (const EffectSite &S : N.Sites) {
      if (S.What == EffectSite::Indirect) {
        checkIndirect(N, S, G, Facts, C);
        continue;
      }
      if (S.What != EffectSite::Call)
        continue;
      warnIfBlocks(N, S, S.Callee, /*Indirect=*/false, G, Facts, C);
    }
  }

  // A call through a pointer, field or table that holds a blocking
  // function: `ops->wait(...)` where the table says `.wait = epoll_wait`.
  void checkIndirect(const EffectNode &N, const EffectSite &S, const EffectGraph &G, DescriptorFacts &Facts,
                     CheckContext &C) {
    const auto *Call = dyn_cast_or_null<CallExpr>(S.E);
    if (!S.Pointer || !Call)
      return;
    for (const FunctionDecl *F : G.pointees(S.Pointer, S.PointerOwner))
      warnIfBlocks(N, S, F, /*Indirect=*/true, G, Facts, C);
  }

  // The %select of the warning's advice: none, use the replacement, use it
  // or the regular file's primitive, run the call on the worker pool, or
  // use one of the two readiness waits (BlockingCalls.def's poll rows).
  static unsigned adviceOf(StringRef Replacement, StringRef OnFile) {
    if (Replacement.empty())
      return 0;
    if (Replacement == "weft_detach")
      return 3;
    if (Replacement == "weft_wait_readable")
      return 4;
    return OnFile.empty() ? 1 : 2;
  }

  // Warns if the call at S, of F (directly, or through S's pointer when
  // Indirect), blocks: F is declared weft_blocking, or its row of
  // BlockingCalls.def says these arguments block.
  void warnIfBlocks(const EffectNode &N, const EffectSite &S, const FunctionDecl *F, bool Indirect,
                    const EffectGraph &G, DescriptorFacts &Facts, CheckContext &C) {
    const auto *Call = dyn_cast_or_null<CallExpr>(S.E);
    bool Declared = isDeclaredBlocking(F);
    const std::vector<BlockingEntry> *Rows = nullptr;
    if (!Declared) {
      auto It = blockingTable().find(libraryName(F));
      if (It == blockingTable().end())
        return;
      if (needsLibraryDecl(It->first()) && !declaredInSystemHeader(F, C.sourceManager()))
        return;
      Rows = &It->second;
    }
    const Expr *Fd = nullptr;
    if (Rows && !blocks(*Rows, Call, N.Def, Facts, Fd))
      return;
    StringRef Replacement = Rows ? Rows->front().Replacement : StringRef();
    StringRef OnFile = Rows ? Rows->front().OnFile : StringRef();
    {
      Diag D = C.report(id(), Indirect ? DiagId::warn_blocking_call_indirect : DiagId::warn_blocking_call, S.Loc);
      if (Indirect)
        D << S.Pointer;
      D << F << unsigned(adviceOf(Replacement, OnFile)) << Replacement << OnFile;
    } // emitted here, before its notes
    noteChain(C, G.reachChain(N.Def), /*Reach=*/true);
    if (Declared)
      C.note(DiagId::note_declared_blocking, effectAttrLoc(F, "blocking")) << F;
    if (Fd)
      C.note(DiagId::note_fd_not_shown_nonblocking, Fd->getBeginLoc());
  }
};

} // namespace

std::unique_ptr<Check> createBlockingCallCheck() { return std::make_unique<BlockingCallCheck>(); }

} // namespace weft
