// Descriptors.cpp: what a function body shows about its file descriptors
// (see Descriptors.h).  Covered by test/plugin/blocking-call*.c.
//
// A body is read twice, on first need.  The first pass records every write
// of a local variable (its initialiser, `=`, `|=`, `&=`, ...) and the
// variables whose value escapes the analysis (their address is taken by an
// unknown call, or they are incremented).  The second pass records facts
// about descriptors, each keyed by the lvalue it is about and located where
// it is written: opened non-blocking, switched with fcntl or ioctl, passed
// to a helper that switches its parameter, assigned something else.  The
// flag values come from the C library headers the plugin is built with, so
// that `O_NONBLOCK` and `04000` are the same fact and `~O_NONBLOCK` is its
// opposite.
#include "Descriptors.h"
#include "Compat.h"
#include "Effects.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

#include <algorithm>
#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

using namespace clang;

namespace weft {

namespace {

const Expr *strip(const Expr *E) {
  for (unsigned Guard = 0; E && Guard < 64; ++Guard) {
    const Expr *Next = E->IgnoreParenImpCasts();
    if (const auto *CE = dyn_cast<CStyleCastExpr>(Next))
      if (CE->getType()->isIntegerType() || CE->getType()->isPointerType()) {
        E = CE->getSubExpr();
        continue;
      }
    return Next;
  }
  return E;
}

// The value of an integer constant, when it fits in 64 bits.
bool toInt64(const llvm::APSInt &V, int64_t &Out) {
  if (V.isSigned() ? !V.isSignedIntN(64) : !V.isIntN(64))
    return false;
  Out = V.getExtValue();
  return true;
}

std::string declKey(const ValueDecl *D) {
  return "d" + std::to_string(reinterpret_cast<uintptr_t>(D->getCanonicalDecl()));
}

// The key of an lvalue: a variable, then member names, constant or
// variable indexes and dereferences; "" when E is not such an lvalue.
std::string keyOf(const Expr *E, const ASTContext &Ctx, unsigned Depth = 0) {
  if (!E || Depth > 16)
    return "";
  E = strip(E);
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    return isa<VarDecl>(DRE->getDecl()) ? declKey(DRE->getDecl()) : "";
  if (const auto *ME = dyn_cast<MemberExpr>(E)) {
    std::string Base = keyOf(ME->getBase(), Ctx, Depth + 1);
    return Base.empty() ? "" : Base + (ME->isArrow() ? "->" : ".") + declKey(ME->getMemberDecl());
  }
  if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
    std::string Base = keyOf(ASE->getBase(), Ctx, Depth + 1);
    if (Base.empty())
      return "";
    Expr::EvalResult R;
    const Expr *Idx = ASE->getIdx();
    int64_t Index = 0;
    if (!Idx->isValueDependent() && Idx->EvaluateAsInt(R, Ctx) && toInt64(R.Val.getInt(), Index))
      return Base + "[" + std::to_string(Index) + "]";
    std::string Var = keyOf(Idx, Ctx, Depth + 1);
    return Var.empty() ? "" : Base + "[" + Var + "]";
  }
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    if (UO->getOpcode() == UO_Deref) {
      std::string Base = keyOf(UO->getSubExpr(), Ctx, Depth + 1);
      return Base.empty() ? "" : "*" + Base;
    }
  return "";
}

// Whether Prefix names an object that contains Key's (so that assigning
// Prefix changes what Key denotes).
bool isProperPrefix(StringRef Prefix, StringRef Key) {
  if (Key.size() <= Prefix.size() || !startsWith(Key, Prefix))
    return false;
  char C = Key[Prefix.size()];
  return C == '.' || C == '-' || C == '[';
}

} // namespace

struct DescriptorFacts::Body {
  // A write of a local variable, in source order.
  struct Write {
    SourceLocation Loc;
    BinaryOperatorKind Op; // BO_Assign for an initialiser or `=`
    const Expr *Value;
  };
  llvm::DenseMap<const VarDecl *, std::vector<Write>> Writes;
  llvm::DenseSet<const VarDecl *> Opaque;

  // A fact about the descriptor Key from Loc on.  Copy: Key takes the state
  // CopyOf had at Loc.
  struct Fact {
    std::string Key;
    SourceLocation Loc; // invalid: on entry
    FdState State;
    bool Assign;        // a new value, which also resets the keys below Key
    std::string CopyOf;
  };
  std::vector<Fact> Facts;
  const FunctionDecl *F = nullptr;
  SourceLocation End;
};

// Builds a Body: the two passes described at the top of the file.
struct BodyBuilder {
  DescriptorFacts &Owner;
  ASTContext &Ctx;
  const SourceManager &SM;
  DescriptorFacts::Body &B;

  bool before(SourceLocation A, SourceLocation Bl) const {
    if (A.isInvalid())
      return true;
    if (Bl.isInvalid())
      return false;
    SourceLocation EA = SM.getExpansionLoc(A), EB = SM.getExpansionLoc(Bl);
    return EA != EB && SM.isBeforeInTranslationUnit(EA, EB);
  }

  // ---- values of locals and arguments ----

  const DescriptorFacts::Body::Write *lastAssign(const VarDecl *VD, SourceLocation At, size_t &Index) const {
    auto It = B.Writes.find(VD);
    if (It == B.Writes.end())
      return nullptr;
    const DescriptorFacts::Body::Write *Last = nullptr;
    for (size_t I = 0; I < It->second.size(); ++I) {
      const auto &W = It->second[I];
      if (!before(W.Loc, At))
        break;
      if (W.Op == BO_Assign) {
        Last = &W;
        Index = I;
      }
    }
    return Last;
  }

  const VarDecl *localVar(const Expr *E) const {
    const auto *DRE = dyn_cast<DeclRefExpr>(strip(E));
    const auto *VD = DRE ? dyn_cast<VarDecl>(DRE->getDecl()) : nullptr;
    if (!VD || !VD->hasLocalStorage() || B.Opaque.count(VD))
      return nullptr;
    return VD;
  }

  int bitOf(const Expr *E, uint64_t Mask, SourceLocation At, unsigned Depth) const {
    if (!E || Depth > 16)
      return -1;
    E = strip(E);
    Expr::EvalResult R;
    if (!E->isValueDependent() && E->getType()->isIntegerType() && E->EvaluateAsInt(R, Ctx))
      return (R.Val.getInt().getLimitedValue() & Mask) == Mask ? 1
             : (R.Val.getInt().getLimitedValue() & Mask) == 0  ? 0
                                                                : -1;
    if (const auto *BO = dyn_cast<BinaryOperator>(E)) {
      if (BO->getOpcode() == BO_Comma)
        return bitOf(BO->getRHS(), Mask, At, Depth + 1);
      int L = bitOf(BO->getLHS(), Mask, At, Depth + 1), Rt = bitOf(BO->getRHS(), Mask, At, Depth + 1);
      switch (BO->getOpcode()) {
      case BO_Or:
        return L == 1 || Rt == 1 ? 1 : L == 0 && Rt == 0 ? 0 : -1;
      case BO_And:
        return L == 0 || Rt == 0 ? 0 : L == 1 && Rt == 1 ? 1 : -1;
      case BO_Xor:
        return L < 0 || Rt < 0 ? -1 : L ^ Rt;
      default:
        return -1;
      }
    }
    if (const auto *UO = dyn_cast<UnaryOperator>(E))
      if (UO->getOpcode() == UO_Not) {
        int V = bitOf(UO->getSubExpr(), Mask, At, Depth + 1);
        return V < 0 ? -1 : 1 - V;
      }
    if (const auto *CO = dyn_cast<ConditionalOperator>(E)) {
      int T = bitOf(CO->getTrueExpr(), Mask, At, Depth + 1), F = bitOf(CO->getFalseExpr(), Mask, At, Depth + 1);
      return T == F ? T : -1;
    }
    if (const VarDecl *VD = localVar(E)) {
      size_t Index = 0;
      const auto *W = lastAssign(VD, At, Index);
      if (!W)
        return -1;
      int V = bitOf(W->Value, Mask, W->Loc, Depth + 1);
      const auto &All = B.Writes.find(VD)->second;
      for (size_t I = Index + 1; I < All.size() && before(All[I].Loc, At); ++I) {
        int X = bitOf(All[I].Value, Mask, All[I].Loc, Depth + 1);
        if (All[I].Op == BO_OrAssign)
          V = X == 1 ? 1 : X == 0 ? V : (V == 1 ? 1 : -1);
        else if (All[I].Op == BO_AndAssign)
          V = X == 0 ? 0 : X == 1 ? V : (V == 0 ? 0 : -1);
        else if (All[I].Op == BO_XorAssign)
          V = V < 0 || X < 0 ? -1 : V ^ X;
        else
          V = -1;
      }
      return V;
    }
    return -1;
  }

  bool valueOf(const Expr *E, SourceLocation At, int64_t &Out, unsigned Depth) const {
    if (!E || Depth > 16)
      return false;
    E = strip(E);
    Expr::EvalResult R;
    if (!E->isValueDependent() && E->getType()->isIntegerType() && E->EvaluateAsInt(R, Ctx))
      return toInt64(R.Val.getInt(), Out);
    if (const auto *CL = dyn_cast<CompoundLiteralExpr>(E)) {
      const auto *ILE = dyn_cast_or_null<InitListExpr>(CL->getInitializer());
      return ILE && ILE->getNumInits() == 1 && valueOf(ILE->getInit(0), At, Out, Depth + 1);
    }
    if (const VarDecl *VD = localVar(E)) {
      size_t Index = 0;
      const auto *W = lastAssign(VD, At, Index);
      const auto &All = B.Writes.find(VD)->second;
      if (!W || (Index + 1 < All.size() && before(All[Index + 1].Loc, At)))
        return false; // a compound assignment since: not followed
      return valueOf(W->Value, W->Loc, Out, Depth + 1);
    }
    return false;
  }

  // The object E points to: `&v` or `&(T){...}`.
  const Expr *pointee(const Expr *E) const {
    E = strip(E);
    if (const auto *UO = dyn_cast<UnaryOperator>(E))
      if (UO->getOpcode() == UO_AddrOf)
        return strip(UO->getSubExpr());
    return nullptr;
  }

  static bool allZero(const Expr *E, const ASTContext &Ctx, unsigned Depth = 0) {
    if (!E || Depth > 8)
      return false;
    E = E->IgnoreParenImpCasts();
    if (isa<ImplicitValueInitExpr>(E))
      return true;
    if (const auto *ILE = dyn_cast<InitListExpr>(E)) {
      for (const Expr *I : ILE->inits())
        if (!allZero(I, Ctx, Depth + 1))
          return false;
      return true;
    }
    Expr::EvalResult R;
    return !E->isValueDependent() && E->getType()->isIntegerType() && E->EvaluateAsInt(R, Ctx) &&
           R.Val.getInt() == 0;
  }

  bool pointsToZero(const Expr *E, SourceLocation At) const {
    const Expr *P = pointee(E);
    if (!P)
      return false;
    if (const auto *CL = dyn_cast<CompoundLiteralExpr>(P))
      return allZero(CL->getInitializer(), Ctx);
    if (const VarDecl *VD = localVar(P)) {
      size_t Index = 0;
      const auto *W = lastAssign(VD, At, Index);
      const auto &All = B.Writes.find(VD)->second;
      return W && Index + 1 == All.size() && allZero(W->Value, Ctx);
    }
    return false;
  }

  // ---- facts ----

  void add(const std::string &Key, SourceLocation Loc, FdState S, bool Assign, std::string CopyOf = "") {
    if (!Key.empty())
      B.Facts.push_back({Key, Loc, S, Assign, std::move(CopyOf)});
  }

  // The descriptor a call returns, when the call is an opening call.
  FdState opened(const CallExpr *CE, SourceLocation At) const {
    StringRef Name = libraryName(CE->getDirectCallee());
    unsigned N = CE->getNumArgs();
    auto Flag = [&](unsigned Arg, uint64_t Mask) {
      return Arg < N && bitOf(CE->getArg(Arg), Mask, At, 0) == 1 ? FdState::NonBlocking : FdState::Unknown;
    };
    // weft.h documents the sockets these make as non-blocking.
    if (Name == "weft_tcp_listen" || Name == "weft_udp_bind")
      return FdState::NonBlocking;
    if (Name == "socket" && N >= 2) {
      if (Flag(1, SOCK_NONBLOCK) == FdState::NonBlocking)
        return FdState::NonBlocking;
      int64_t Type = 0;
      if (valueOf(CE->getArg(1), At, Type, 0) && (Type & 0xf) == SOCK_DGRAM)
        return FdState::Datagram;
      return FdState::Unknown;
    }
    if (Name == "accept4")
      return Flag(3, SOCK_NONBLOCK);
    if (Name == "open" || Name == "mq_open")
      return Flag(1, O_NONBLOCK);
    if (Name == "openat")
      return Flag(2, O_NONBLOCK);
    if (Name == "eventfd")
      return Flag(1, EFD_NONBLOCK);
    if (Name == "timerfd_create")
      return Flag(1, TFD_NONBLOCK);
    if (Name == "signalfd")
      return Flag(2, SFD_NONBLOCK);
    if (Name == "inotify_init1")
      return Flag(0, IN_NONBLOCK);
    return FdState::Unknown;
  }

  // A new value for Key: an opening call, a copy of another descriptor, or
  // anything else.
  void assigned(const std::string &Key, const Expr *Value, SourceLocation At) {
    if (Key.empty() || !Value)
      return;
    const Expr *V = strip(Value);
    if (const auto *CE = dyn_cast<CallExpr>(V)) {
      add(Key, At, opened(CE, At), true);
      return;
    }
    std::string From = keyOf(V, Ctx);
    add(Key, At, FdState::Unknown, true, From);
  }

  void call(const CallExpr *CE) {
    const FunctionDecl *FD = CE->getDirectCallee();
    if (!FD)
      return;
    SourceLocation At = CE->getBeginLoc();
    unsigned N = CE->getNumArgs();
    StringRef Name = libraryName(FD);
    if (Name == "fcntl" && N >= 3) {
      int64_t Cmd = 0;
      if (!valueOf(CE->getArg(1), At, Cmd, 0) || Cmd != F_SETFL)
        return;
      int Bit = bitOf(CE->getArg(2), O_NONBLOCK, At, 0);
      add(keyOf(CE->getArg(0), Ctx), At,
          Bit == 1 ? FdState::NonBlocking : Bit == 0 ? FdState::Blocking : FdState::Unknown, false);
    } else if (Name == "ioctl" && N >= 3) {
      int64_t Req = 0, On = 0;
      if (!valueOf(CE->getArg(1), At, Req, 0) || (uint64_t)Req != (uint64_t)FIONBIO)
        return;
      const Expr *P = pointee(CE->getArg(2));
      bool Known = P && valueOf(P, At, On, 0);
      add(keyOf(CE->getArg(0), Ctx), At,
          !Known ? FdState::Unknown : On != 0 ? FdState::NonBlocking : FdState::Blocking, false);
    } else if ((Name == "pipe2" && N >= 2) || (Name == "socketpair" && N >= 4)) {
      bool Pipe = Name == "pipe2";
      FdState S = bitOf(CE->getArg(1), Pipe ? O_NONBLOCK : SOCK_NONBLOCK, At, 0) == 1
                      ? FdState::NonBlocking
                      : FdState::Unknown;
      std::string Arr = keyOf(CE->getArg(Pipe ? 0 : 3), Ctx);
      if (!Arr.empty()) {
        add(Arr + "[0]", At, S, true);
        add(Arr + "[1]", At, S, true);
      }
    } else if (Name.empty() && FD->hasBody()) {
      // A helper of the program's: what it leaves its parameters as.
      // A descriptor parameter, or one reached through a pointer
      // parameter (`c->fd`), which is the argument's own member here: `p`
      // gives `p->fd`, `&conn` gives `conn.fd`.
      for (const DescriptorFacts::ParamFact &P : Owner.summary(FD)) {
        if (P.Param >= N)
          continue;
        const Expr *Arg = strip(CE->getArg(P.Param));
        std::string Key;
        if (P.Path.empty()) {
          Key = keyOf(Arg, Ctx);
        } else if (const auto *UO = dyn_cast<UnaryOperator>(Arg); UO && UO->getOpcode() == UO_AddrOf) {
          std::string Base = keyOf(UO->getSubExpr(), Ctx);
          if (!Base.empty() && startsWith(P.Path, "->"))
            Key = Base + "." + P.Path.substr(2);
        } else {
          std::string Base = keyOf(Arg, Ctx);
          if (!Base.empty())
            Key = Base + P.Path;
        }
        add(Key, At, P.State, false);
      }
    }
  }
};

namespace {

class WritesPass : public RecursiveASTVisitor<WritesPass> {
public:
  explicit WritesPass(DescriptorFacts::Body &B) : B(B) {}

  bool VisitVarDecl(VarDecl *VD) {
    if (VD->hasLocalStorage() && VD->getInit())
      B.Writes[VD].push_back({VD->getLocation(), BO_Assign, VD->getInit()});
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (!BO->isAssignmentOp())
      return true;
    const Expr *L = BO->getLHS()->IgnoreParenImpCasts();
    if (const auto *DRE = dyn_cast<DeclRefExpr>(L)) {
      if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
        B.Writes[VD].push_back({BO->getOperatorLoc(), BO->getOpcode(), BO->getRHS()});
    } else if (const VarDecl *VD = rootVar(L)) {
      B.Opaque.insert(VD); // a member or element written: not followed
    }
    return true;
  }
  bool VisitUnaryOperator(UnaryOperator *UO) {
    if (UO->isIncrementDecrementOp())
      if (const VarDecl *VD = rootVar(UO->getSubExpr()))
        B.Opaque.insert(VD);
    if (UO->getOpcode() == UO_AddrOf)
      if (const VarDecl *VD = rootVar(UO->getSubExpr()))
        AddressTaken.push_back({UO, VD});
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    // The calls that only read through the pointer they are given: ioctl
    // reads FIONBIO's int; select, pselect, ppoll and the timed waits read
    // (select also zeroes what is left of) the timeout.
    StringRef Name = libraryName(CE->getDirectCallee());
    if (Name == "ioctl" || Name == "select" || Name == "pselect" || Name == "ppoll" || Name == "epoll_pwait2" ||
        Name == "sigtimedwait")
      for (const Expr *A : CE->arguments())
        Benign.insert(A->IgnoreParenImpCasts());
    return true;
  }
  void finish() {
    for (auto &[UO, VD] : AddressTaken)
      if (!Benign.count(UO))
        B.Opaque.insert(VD);
  }

private:
  static const VarDecl *rootVar(const Expr *E) {
    for (unsigned Guard = 0; E && Guard < 32; ++Guard) {
      E = E->IgnoreParenCasts();
      if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
        return dyn_cast<VarDecl>(DRE->getDecl());
      if (const auto *ME = dyn_cast<MemberExpr>(E)) {
        if (ME->isArrow())
          return nullptr; // through a pointer: another object
        E = ME->getBase();
      } else if (const auto *ASE = dyn_cast<ArraySubscriptExpr>(E)) {
        E = ASE->getBase();
      } else {
        return nullptr;
      }
    }
    return nullptr;
  }

  DescriptorFacts::Body &B;
  std::vector<std::pair<const UnaryOperator *, const VarDecl *>> AddressTaken;
  llvm::DenseSet<const Expr *> Benign;
};

class FactsPass : public RecursiveASTVisitor<FactsPass> {
public:
  explicit FactsPass(BodyBuilder &Build) : Build(Build) {}

  bool VisitVarDecl(VarDecl *VD) {
    if (VD->getInit() && !isa<ParmVarDecl>(VD))
      Build.assigned(declKey(VD), VD->getInit(), VD->getLocation());
    return true;
  }
  bool VisitBinaryOperator(BinaryOperator *BO) {
    if (BO->getOpcode() == BO_Assign)
      Build.assigned(keyOf(BO->getLHS(), Build.Ctx), BO->getRHS(), BO->getOperatorLoc());
    return true;
  }
  bool VisitCallExpr(CallExpr *CE) {
    Build.call(CE);
    return true;
  }

private:
  BodyBuilder &Build;
};

} // namespace

DescriptorFacts::DescriptorFacts(ASTContext &Ctx) : Ctx(Ctx) {}
DescriptorFacts::~DescriptorFacts() = default;

void DescriptorFacts::markNonBlockingParam(const FunctionDecl *F, unsigned Index) {
  if (F)
    EntryParams[F->getCanonicalDecl()].push_back(Index);
}

DescriptorFacts::Body &DescriptorFacts::body(const FunctionDecl *F) {
  const FunctionDecl *Def = F;
  F->hasBody(Def);
  auto &Slot = Bodies[Def];
  if (Slot)
    return *Slot;
  Slot = std::make_unique<Body>();
  Body &B = *Slot;
  B.F = Def;
  auto It = EntryParams.find(Def->getCanonicalDecl());
  if (It != EntryParams.end())
    for (unsigned I : It->second)
      if (I < Def->getNumParams())
        B.Facts.push_back({declKey(Def->getParamDecl(I)), SourceLocation(), FdState::NonBlocking, true, ""});
  if (const Stmt *S = Def->getBody()) {
    B.End = S->getEndLoc();
    WritesPass W(B);
    W.TraverseStmt(const_cast<Stmt *>(S));
    W.finish();
    InProgress.insert(Def);
    BodyBuilder Build{*this, Ctx, Ctx.getSourceManager(), B};
    FactsPass P(Build);
    P.TraverseStmt(const_cast<Stmt *>(S));
    InProgress.erase(Def);
  }
  return B;
}

namespace {
FdState lookup(const DescriptorFacts::Body &B, const BodyBuilder &Build, const std::string &Key, SourceLocation At,
               unsigned Depth) {
  if (Key.empty() || Depth > 8)
    return FdState::Unset;
  FdState S = FdState::Unset;
  for (const auto &F : B.Facts) {
    if (!Build.before(F.Loc, At))
      continue;
    if (F.Key == Key) {
      S = F.CopyOf.empty() ? F.State : lookup(B, Build, F.CopyOf, F.Loc, Depth + 1);
      if (S == FdState::Unset)
        S = FdState::Unknown; // assigned from something not followed
    } else if (F.Assign && isProperPrefix(F.Key, Key)) {
      S = FdState::Unknown; // the containing object was replaced
    }
  }
  return S;
}
} // namespace

std::vector<DescriptorFacts::ParamFact> DescriptorFacts::summary(const FunctionDecl *F) {
  const FunctionDecl *Def = F;
  std::vector<ParamFact> Out;
  if (!F->hasBody(Def) || InProgress.count(Def))
    return Out;
  Body &B = body(Def);
  BodyBuilder Build{*this, Ctx, Ctx.getSourceManager(), B};
  for (unsigned I = 0; I < Def->getNumParams(); ++I) {
    const ParmVarDecl *P = Def->getParamDecl(I);
    std::string Root = declKey(P);
    std::vector<std::string> Keys;
    if (P->getType()->isIntegerType())
      Keys.push_back(Root);
    else if (P->getType()->isPointerType())
      for (const auto &Fact : B.Facts)
        if (startsWith(Fact.Key, Root + "->") &&
            std::find(Keys.begin(), Keys.end(), Fact.Key) == Keys.end())
          Keys.push_back(Fact.Key);
    for (const std::string &Key : Keys) {
      FdState S = lookup(B, Build, Key, B.End, 0);
      if (S != FdState::Unset)
        Out.push_back(ParamFact{I, Key.substr(Root.size()), S});
    }
  }
  return Out;
}

FdState DescriptorFacts::stateAt(const FunctionDecl *F, const Expr *Fd, const Expr *Use) {
  Body &B = body(F);
  BodyBuilder Build{*this, Ctx, Ctx.getSourceManager(), B};
  return lookup(B, Build, keyOf(Fd, Ctx), Use->getBeginLoc(), 0);
}

int DescriptorFacts::flagAt(const FunctionDecl *F, const Expr *E, uint64_t Mask, const Expr *Use) {
  Body &B = body(F);
  BodyBuilder Build{*this, Ctx, Ctx.getSourceManager(), B};
  return Build.bitOf(E, Mask, Use->getBeginLoc(), 0);
}

bool DescriptorFacts::valueAt(const FunctionDecl *F, const Expr *E, const Expr *Use, int64_t &Value) {
  Body &B = body(F);
  BodyBuilder Build{*this, Ctx, Ctx.getSourceManager(), B};
  return Build.valueOf(E, Use->getBeginLoc(), Value, 0);
}

bool DescriptorFacts::pointsToZero(const FunctionDecl *F, const Expr *E, const Expr *Use) {
  Body &B = body(F);
  BodyBuilder Build{*this, Ctx, Ctx.getSourceManager(), B};
  return Build.pointsToZero(E, Use->getBeginLoc());
}

} // namespace weft
