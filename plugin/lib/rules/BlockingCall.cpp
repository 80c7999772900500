// BlockingCall.cpp: rule blocking-call.  A call that blocks the thread, made
// in async context or in a function async context reaches, stalls every
// fiber; warn and name the weft replacement.  The list is BlockingCalls.def.
// Covered by test/plugin/blocking-call*.c.
#include "Check.h"
#include "Compat.h"
#include "Effects.h"

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringMap.h"

using namespace clang;

namespace weft {
namespace {

struct BlockingEntry {
  int FdArg;       // -1: always blocks
  int DontWaitArg; // -1: no flags argument
  StringRef Replacement;
};

const llvm::StringMap<BlockingEntry> &blockingTable() {
  static const llvm::StringMap<BlockingEntry> Table = [] {
    llvm::StringMap<BlockingEntry> T;
#define WEFT_BLOCKING_CALL(Name, FdArg, DontWaitArg, Replacement)                                   \
  T[#Name] = BlockingEntry{FdArg, DontWaitArg, Replacement};
#include "BlockingCalls.def"
    return T;
  }();
  return Table;
}

// F is the C library's function Name: declared at file scope with external
// linkage (a static function of the same name is the program's own).
bool isLibraryFunction(const FunctionDecl *F, StringRef &Name) {
  if (!F || !F->getIdentifier() || !F->isExternallyVisible() ||
      !F->getDeclContext()->getRedeclContext()->isTranslationUnit())
    return false;
  Name = F->getName();
  return true;
}

// Whether E spells Name (a macro such as O_NONBLOCK, or an enumerator such
// as SOCK_NONBLOCK) outside a `~`, which would clear the flag.
bool mentions(const Expr *E, StringRef Name, const SourceManager &SM, const LangOptions &LO) {
  std::vector<const Stmt *> Work{E};
  while (!Work.empty()) {
    const Stmt *S = Work.back();
    Work.pop_back();
    if (!S)
      continue;
    if (const auto *UO = dyn_cast<UnaryOperator>(S))
      if (UO->getOpcode() == UO_Not)
        continue;
    if (const auto *DRE = dyn_cast<DeclRefExpr>(S))
      if (const auto *EC = dyn_cast<EnumConstantDecl>(DRE->getDecl()))
        if (EC->getName() == Name)
          return true;
    SourceLocation Loc = S->getBeginLoc();
    for (unsigned Depth = 0; Loc.isMacroID() && Depth < 32; ++Depth) {
      if (Lexer::getImmediateMacroName(Loc, SM, LO) == Name)
        return true;
      Loc = SM.getImmediateMacroCallerLoc(Loc);
    }
    for (const Stmt *K : S->children())
      Work.push_back(K);
  }
  return false;
}

const ValueDecl *descriptorDecl(const Expr *E) {
  E = E->IgnoreParenCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return DRE->getDecl();
  if (const auto *ME = dyn_cast<MemberExpr>(E))
    return ME->getMemberDecl();
  return nullptr;
}

// The descriptors a function shows to be non-blocking, anywhere in its body
// (flow-insensitive, by design: see docs/diagnostics/blocking-call.md).
class NonBlockingFinder : public RecursiveASTVisitor<NonBlockingFinder> {
public:
  NonBlockingFinder(const SourceManager &SM, const LangOptions &LO) : SM(SM), LO(LO) {}

  llvm::SmallPtrSet<const ValueDecl *, 8> Found;

  bool VisitVarDecl(VarDecl *VD) {
    if (VD->getInit() && opensNonBlocking(VD->getInit()))
      Found.insert(VD);
    return true;
  }

  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Assign && opensNonBlocking(BO->getRHS()))
      if (const ValueDecl *D = descriptorDecl(BO->getLHS()))
        Found.insert(D);
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    StringRef Name;
    if (!isLibraryFunction(CE->getDirectCallee(), Name) || CE->getNumArgs() < 3)
      return true;
    bool Sets = (Name == "fcntl" && mentions(CE->getArg(1), "F_SETFL", SM, LO) &&
                 mentions(CE->getArg(2), "O_NONBLOCK", SM, LO)) ||
                (Name == "ioctl" && mentions(CE->getArg(1), "FIONBIO", SM, LO));
    if (Sets)
      if (const ValueDecl *D = descriptorDecl(CE->getArg(0)))
        Found.insert(D);
    return true;
  }

private:
  // E is a call that returns a non-blocking descriptor.
  bool opensNonBlocking(const Expr *E) {
    const auto *CE = dyn_cast<CallExpr>(E->IgnoreParenCasts());
    StringRef Name;
    if (!CE || !isLibraryFunction(CE->getDirectCallee(), Name))
      return false;
    unsigned N = CE->getNumArgs();
    if (Name == "weft_tcp_listen")
      return true;
    if (Name == "socket" && N >= 2)
      return mentions(CE->getArg(1), "SOCK_NONBLOCK", SM, LO);
    if (Name == "accept4" && N >= 4)
      return mentions(CE->getArg(3), "SOCK_NONBLOCK", SM, LO);
    if (Name == "open" && N >= 2)
      return mentions(CE->getArg(1), "O_NONBLOCK", SM, LO);
    if (Name == "openat" && N >= 3)
      return mentions(CE->getArg(2), "O_NONBLOCK", SM, LO);
    return false;
  }

  const SourceManager &SM;
  const LangOptions &LO;
};

class BlockingCallCheck : public Check {
public:
  BlockingCallCheck() : Check(CheckId::BlockingCall) {}

  void onEndOfTranslationUnit(CheckContext &C) override {
    const EffectGraph &G = C.effects();
    for (const EffectNode &N : G.nodes())
      if (N.Reached)
        checkBody(N, G, C);
  }

private:
  void checkBody(const EffectNode &N, const EffectGraph &G, CheckContext &C) {
    const SourceManager &SM = C.sourceManager();
    std::unique_ptr<NonBlockingFinder> NonBlocking; // built on first need
    for (const EffectSite &S : N.Sites) {
      if (S.What != EffectSite::Call)
        continue;
      const auto *Call = cast<CallExpr>(S.E);
      const FunctionDecl *F = S.Callee;
      bool Declared = isDeclaredBlocking(F);
      StringRef Name;
      const BlockingEntry *Entry = nullptr;
      if (!Declared && isLibraryFunction(F, Name)) {
        auto It = blockingTable().find(Name);
        if (It != blockingTable().end())
          Entry = &It->second;
      }
      if (!Declared && !Entry)
        continue;

      const Expr *Fd = nullptr;
      if (Entry && Entry->FdArg >= 0) {
        if (Entry->DontWaitArg >= 0 && unsigned(Entry->DontWaitArg) < Call->getNumArgs() &&
            mentions(Call->getArg(Entry->DontWaitArg), "MSG_DONTWAIT", SM, C.langOpts()))
          continue;
        if (unsigned(Entry->FdArg) < Call->getNumArgs()) {
          Fd = Call->getArg(Entry->FdArg);
          if (!NonBlocking) {
            NonBlocking = std::make_unique<NonBlockingFinder>(SM, C.langOpts());
            NonBlocking->TraverseStmt(N.Def->getBody());
          }
          const ValueDecl *D = descriptorDecl(Fd);
          if (D && NonBlocking->Found.count(D))
            continue;
        }
      }

      StringRef Replacement = Entry ? Entry->Replacement : StringRef();
      C.report(id(), DiagId::warn_blocking_call, S.Loc) << F << unsigned(!Replacement.empty()) << Replacement;
      noteChain(C, G.reachChain(N.Def), /*Reach=*/true);
      if (Declared)
        C.note(DiagId::note_declared_blocking, effectAttrLoc(F, "blocking")) << F;
      if (Fd)
        C.note(DiagId::note_fd_not_shown_nonblocking, Fd->getBeginLoc());
    }
  }
};

} // namespace

std::unique_ptr<Check> createBlockingCallCheck() { return std::make_unique<BlockingCallCheck>(); }

} // namespace weft
