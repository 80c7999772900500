// Analysis.cpp: the driver of the analysis core.  It finds the async types,
// walks each function the checker looks into once, works out the use of
// every action, runs the linearity analysis and calls the rules' hooks.
// Covered by every test in test/plugin/.
#include "Analysis.h"
#include "Check.h"
#include "Compat.h"
#include "Linearity.h"
#include "Macros.h"
#include "Reporter.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/Decl.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Basic/SourceManager.h"

using namespace clang;

namespace weft {

// ---- The registry ----------------------------------------------------------

namespace {
struct CheckInfo {
  const char *Name;
  const char *Summary;
};
const CheckInfo Infos[] = {
#define WEFT_CHECK(Id, Name, Summary) {Name, Summary},
#include "Checks.def"
};
} // namespace

StringRef checkName(CheckId Id) { return Infos[static_cast<unsigned>(Id)].Name; }
StringRef checkSummary(CheckId Id) { return Infos[static_cast<unsigned>(Id)].Summary; }

bool lookupCheck(StringRef Name, CheckId &Out) {
  for (unsigned I = 0; I != NumChecks; ++I)
    if (Name == Infos[I].Name) {
      Out = static_cast<CheckId>(I);
      return true;
    }
  return false;
}

bool parseOption(StringRef Arg, Options &Opts, bool &ListRules, std::string &Error) {
  if (Arg == "werror") {
    Opts.Werror = true;
    return true;
  }
  if (Arg == "list-rules") {
    ListRules = true;
    return true;
  }
  if (startsWith(Arg, "disable=")) {
    llvm::SmallVector<StringRef, 4> Names;
    Arg.drop_front(strlen("disable=")).split(Names, ',', -1, /*KeepEmpty=*/false);
    for (StringRef Name : Names) {
      CheckId Id;
      if (!lookupCheck(Name.trim(), Id)) {
        Error = Name.trim().str();
        return false;
      }
      Opts.disable(Id);
    }
    if (Names.empty()) {
      Error = Arg.str();
      return false;
    }
    return true;
  }
  Error = Arg.str();
  return false;
}

void listRules(DiagnosticsEngine &Diags) {
  unsigned ID = diagnosticId(Diags, DiagId::remark_rule, false);
  for (unsigned I = 0; I != NumChecks; ++I)
    Diags.Report(ID) << checkName(static_cast<CheckId>(I)) << checkSummary(static_cast<CheckId>(I));
}

// ---- Rule plumbing -----------------------------------------------------------

Check::~Check() = default;

const SourceManager &CheckContext::sourceManager() const { return Ctx.getSourceManager(); }
const LangOptions &CheckContext::langOpts() const { return Ctx.getLangOpts(); }

const AsyncUse &CheckContext::useOf(const Expr *E) {
  auto It = Uses.find(E);
  if (It != Uses.end())
    return It->second;
  AsyncUse U = classifyUse(Ctx, E, Function);
  return Uses.insert({E, U}).first->second;
}

// ---- The walk ----------------------------------------------------------------

namespace {

// Whether E is where an action comes into being or is named: the starting
// points of flow.  Nodes that only pass an action along are not.
bool isSource(const Expr *E) {
  if (isa<CallExpr>(E) || isa<CompoundLiteralExpr>(E) || isa<DeclRefExpr>(E) || isa<MemberExpr>(E) ||
      isa<ArraySubscriptExpr>(E))
    return true;
  if (const auto *CE = dyn_cast<CastExpr>(E))
    return CE->getCastKind() == CK_ToUnion;
  if (const auto *UO = dyn_cast<UnaryOperator>(E))
    return UO->getOpcode() == UO_Deref;
  return false;
}

// Calls onAnnotatedDecl for each weft.* annotation D carries.
void annotations(const Decl *D, llvm::ArrayRef<Check *> Checks, CheckContext &C) {
  for (const auto *A : D->specific_attrs<AnnotateAttr>()) {
    StringRef Text = A->getAnnotation();
    if (startsWith(Text, "weft."))
      for (Check *K : Checks)
        K->onAnnotatedDecl(D, Text, C);
  }
}

// A local or parameter of async type that linearity tracks.  weft.h's own
// locals (what a combinator binds its argument to) are not: the argument's
// use is the combinator, and each is read exactly once by the macro.
// The hooks for a record defined in user code: its fields' annotations and
// onRecordDecl, or onAsyncType for an async type declared where it should
// not be (the file-scope ones are found by declaresAsyncTypes).  With
// Nested, the records defined inside it too.
void recordDecl(const RecordDecl *RD, llvm::ArrayRef<Check *> Checks, CheckContext &C, bool Nested,
                unsigned Depth = 0) {
  if (!RD->isThisDeclarationADefinition() || RD->isInvalidDecl() || Depth > 32)
    return;
  if (AsyncType T = asAsync(RD)) {
    if (RD->getDeclContext()->isFunctionOrMethod())
      for (Check *K : Checks)
        K->onAsyncType(T, C);
    return;
  }
  for (const FieldDecl *F : RD->fields())
    annotations(F, Checks, C);
  for (Check *K : Checks)
    K->onRecordDecl(RD, C);
  if (Nested)
    for (const Decl *D : RD->decls())
      if (const auto *Inner = dyn_cast<RecordDecl>(D))
        recordDecl(Inner, Checks, C, Nested, Depth + 1);
}

bool isAsyncVar(const ValueDecl *D, const SourceManager &SM) {
  const auto *VD = dyn_cast_or_null<VarDecl>(D);
  return VD && VD->hasLocalStorage() && isAsyncType(VD->getType()) && !isWeftLocal(VD, SM);
}

// The rules to call for each per-node hook, in registry order: every rule
// at first, then only those that override the hook (Check::leftDefault).
struct NodeHooks {
  llvm::SmallVector<Check *, 16> Expr, AsyncUse, WeftCall;

  void reset(llvm::ArrayRef<Check *> Checks) {
    Expr.assign(Checks.begin(), Checks.end());
    AsyncUse.assign(Checks.begin(), Checks.end());
    WeftCall.assign(Checks.begin(), Checks.end());
  }

  // Calls Hook(K) for each rule K of List, and drops those that ran the default.
  template <typename Fn> static void call(llvm::SmallVectorImpl<Check *> &List, Check::NodeHook H, Fn Hook) {
    for (size_t I = 0; I < List.size();) {
      Check *K = List[I];
      Hook(K);
      if (K->leftDefault(H))
        List.erase(List.begin() + I);
      else
        ++I;
    }
  }
};

class BodyWalker : public RecursiveASTVisitor<BodyWalker> {
public:
  BodyWalker(CheckContext &C, llvm::ArrayRef<Check *> Checks, NodeHooks &Hooks,
             llvm::DenseMap<const DeclRefExpr *, Mention> &Mentions)
      : C(C), Checks(Checks), Hooks(Hooks), Mentions(Mentions) {}

  // Whether Sema left an expression it could not make sense of.
  bool sawErrors() const { return SawErrors; }
  // Whether the body declares a local of async type (an unused one has no
  // mention, so the mentions alone do not tell).
  bool sawAsyncLocal() const { return SawAsyncLocal; }

  bool VisitExpr(Expr *E) {
    SawErrors |= E->containsErrors();
    if (!E->getType().isNull() && !E->isTypeDependent())
      NodeHooks::call(Hooks.Expr, Check::ExprHook, [&](Check *K) { K->onExpr(E, C); });
    if (!isSource(E) || E->getType().isNull() || E->getType()->isDependentType() || !isAsyncType(E->getType()))
      return true;
    const auto *DRE = dyn_cast<DeclRefExpr>(E);
    if (DRE && isWeftLocal(dyn_cast<VarDecl>(DRE->getDecl()), C.sourceManager()))
      return true;
    const AsyncUse &U = C.useOf(E);
    if (DRE && isAsyncVar(DRE->getDecl(), C.sourceManager()))
      Mentions[DRE] = mentionFor(U, DRE);
    NodeHooks::call(Hooks.AsyncUse, Check::AsyncUseHook, [&](Check *K) { K->onAsyncUse(U, C); });
    return true;
  }

  // Local declarations carry annotations too (a misplaced noyield).
  bool VisitVarDecl(VarDecl *VD) {
    SawAsyncLocal |= isAsyncVar(VD, C.sourceManager());
    annotations(VD, Checks, C);
    if (!isa<ParmVarDecl>(VD) && !isWeftLocal(VD, C.sourceManager()))
      for (Check *K : Checks)
        K->onVarDecl(VD, C);
    return true;
  }

  // Types declared in a body (the visitor walks nested ones itself).
  bool VisitRecordDecl(RecordDecl *RD) {
    recordDecl(RD, Checks, C, /*Nested=*/false);
    return true;
  }
  // And so do functions declared at block scope (`mayyield void f(void);`).
  bool VisitFunctionDecl(FunctionDecl *FD) {
    annotations(FD, Checks, C);
    return true;
  }

  bool VisitCallExpr(CallExpr *CE) {
    StringRef Internal = weftInternalName(CE);
    if (!Internal.empty())
      NodeHooks::call(Hooks.WeftCall, Check::WeftCallHook, [&](Check *K) { K->onWeftCall(CE, Internal, C); });
    return true;
  }

private:
  Mention mentionFor(const AsyncUse &U, const DeclRefExpr *DRE) {
    if (isInUnchecked(DRE->getLocation(), C.sourceManager(), C.langOpts()))
      return Mention::Escape;
    switch (U.Kind) {
    case UseKind::Unevaluated:
    case UseKind::AssignTarget:
      return Mention::Ignore;
    // Misuses are reported by their own rules; past them the variable's
    // fate is unknown, so linearity stops tracking it.
    case UseKind::AddressOf:
    case UseKind::Member:
    case UseKind::Operator:
    case UseKind::Condition:
      return Mention::Escape;
    default:
      return Mention::Consume;
    }
  }

  CheckContext &C;
  llvm::ArrayRef<Check *> Checks;
  NodeHooks &Hooks;
  llvm::DenseMap<const DeclRefExpr *, Mention> &Mentions;
  bool SawErrors = false;
  bool SawAsyncLocal = false;
};

// Whether a body can concern any rule, decided by one cheap pass before the
// full walk (which costs several times the pass, per node): a large C file
// that includes weft.h but whose functions never touch weft pays only the
// pass.  Every hook of the walk is about one of these, so a body without any
// of them has nothing to report:
//   - an expression whose type involves an async type: an action, a struct,
//     array or pointer holding one, a function taking or returning one
//     (every action, every struct copy, forged pointer or byte copy of one);
//   - a reference to a declaration named weft_... (every weft__ internal a
//     combinator expands to, weft_read, weft_write, weft_promise_resolve);
//   - a parameter or local declaration involving an async type or carrying
//     a weft annotation, a variable of variably modified type (its bounds
//     are code the pass does not see), and a block (its body is not among
//     the children).
class BodyFilter {
public:
  bool concernsWeft(const FunctionDecl *FD) {
    if (involvesAsync(FD->getType()))
      return true;
    for (const ParmVarDecl *P : FD->parameters())
      if (involvesAsync(P->getType()) || hasWeftAttr(P))
        return true;
    for (const Decl *D : FD->decls())
      if (concernsWeft(D))
        return true;
    llvm::SmallVector<const Stmt *, 64> Work;
    Work.push_back(FD->getBody());
    while (!Work.empty()) {
      const Stmt *S = Work.pop_back_val();
      if (const auto *E = dyn_cast<Expr>(S)) {
        if ((!typeFollowsOperands(E) && involvesAsync(E->getType())) || isa<BlockExpr>(E))
          return true;
        if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
          if (isWeftName(DRE->getDecl()))
            return true;
        if (const auto *UE = dyn_cast<UnaryExprOrTypeTraitExpr>(E))
          if (UE->isArgumentType() && involvesAsync(UE->getArgumentType()))
            return true;
        if (const auto *OE = dyn_cast<OffsetOfExpr>(E))
          if (involvesAsync(OE->getTypeSourceInfo()->getType()))
            return true;
      } else if (const auto *DS = dyn_cast<DeclStmt>(S)) {
        for (const Decl *D : DS->decls())
          if (concernsWeft(D))
            return true;
      }
      for (const Stmt *K : S->children())
        if (K)
          Work.push_back(K);
    }
    return false;
  }

private:
  // Whether E's type involves an async type only if an operand's does (or
  // the callee's, for a call): the pass need not ask.  Parentheses, reads,
  // decays, qualification changes, operators, subscripts, calls and
  // statement expressions; casts to a written type, member accesses,
  // declaration references, literals of a type are asked.
  static bool typeFollowsOperands(const Expr *E) {
    switch (E->getStmtClass()) {
    case Stmt::ParenExprClass:
    case Stmt::UnaryOperatorClass:
    case Stmt::BinaryOperatorClass:
    case Stmt::CompoundAssignOperatorClass:
    case Stmt::ArraySubscriptExprClass:
    case Stmt::ConditionalOperatorClass:
    case Stmt::BinaryConditionalOperatorClass:
    case Stmt::CallExprClass:
    case Stmt::StmtExprClass:
    case Stmt::ChooseExprClass:
    case Stmt::IntegerLiteralClass:
    case Stmt::CharacterLiteralClass:
    case Stmt::FloatingLiteralClass:
      return true;
    case Stmt::ImplicitCastExprClass:
      switch (cast<ImplicitCastExpr>(E)->getCastKind()) {
      case CK_LValueToRValue:
      case CK_NoOp:
      case CK_ArrayToPointerDecay:
      case CK_FunctionToPointerDecay:
        return true;
      default:
        return false;
      }
    default:
      return false;
    }
  }

  static bool isWeftName(const NamedDecl *D) {
    const IdentifierInfo *II = D ? D->getIdentifier() : nullptr;
    if (!II || II->getLength() < 5 || II->getNameStart()[0] != 'w')
      return false; // most names, without a comparison
    return startsWith(II->getName(), "weft_");
  }

  // Whether a declaration made in a body concerns a rule: one carrying a
  // weft annotation, a variable, record or function whose type involves an
  // async type, a variable whose type holds code (bounds, typeof), a record
  // with such a member.  Labels, enumerations and typedefs say nothing the
  // expressions that use them do not.  Anything else counts.
  bool concernsWeft(const Decl *D, unsigned Depth = 0) {
    if (Depth > 8 || hasWeftAttr(D))
      return true;
    if (isa<LabelDecl>(D) || isa<EnumDecl>(D) || isa<EnumConstantDecl>(D))
      return false;
    if (const auto *TD = dyn_cast<TypedefNameDecl>(D))
      return involvesAsync(TD->getUnderlyingType());
    if (const auto *FD = dyn_cast<FunctionDecl>(D))
      return involvesAsync(FD->getType());
    if (const auto *VD = dyn_cast<VarDecl>(D)) {
      QualType T = VD->getType();
      return involvesAsync(T) || T->isVariablyModifiedType() || isa<TypeOfExprType>(T.getTypePtr());
    }
    if (const auto *F = dyn_cast<FieldDecl>(D))
      return involvesAsync(F->getType()) || F->getType()->isVariablyModifiedType();
    if (const auto *RD = dyn_cast<RecordDecl>(D)) {
      if (asAsync(RD))
        return true;
      for (const Decl *M : RD->decls())
        if (concernsWeft(M, Depth + 1))
          return true;
      return false;
    }
    return true;
  }

  static bool hasWeftAttr(const Decl *D) {
    if (!D->hasAttrs())
      return false;
    for (const auto *A : D->specific_attrs<AnnotateAttr>())
      if (startsWith(A->getAnnotation(), "weft."))
        return true;
    return false;
  }

  // Whether T is or holds an async type, or points to, is an array of or is
  // a function taking or returning such a type: what every rule looks for
  // in an expression's type (isAsyncType, containsAsync, of it or of what
  // it points to).  A pointer inside a record is not followed: what it
  // points to is an expression's type where the body reads through it.
  // Memoised per canonical type.
  bool involvesAsync(QualType T, unsigned Depth = 0) {
    if (T.isNull() || Depth > 32)
      return false;
    const Type *Ty = T.getCanonicalType().getTypePtr();
    if (isa<BuiltinType>(Ty))
      return false; // most expressions: the fast path
    if (Ty == Last)
      return LastAnswer;
    auto It = Known.find(Ty);
    bool Answer;
    if (It != Known.end()) {
      Answer = It->second;
    } else {
      Answer = compute(Ty, Depth);
      Known[Ty] = Answer; // compute() may have grown the map: no iterator kept
    }
    Last = Ty;
    LastAnswer = Answer;
    return Answer;
  }

  bool compute(const Type *Ty, unsigned Depth) {
    if (Ty->isBuiltinType() || Ty->isEnumeralType())
      return false;
    if (const auto *PT = dyn_cast<PointerType>(Ty))
      return involvesAsync(PT->getPointeeType(), Depth + 1);
    if (const auto *RT = dyn_cast<ReferenceType>(Ty))
      return involvesAsync(RT->getPointeeType(), Depth + 1);
    if (const auto *AT = dyn_cast<AtomicType>(Ty))
      return involvesAsync(AT->getValueType(), Depth + 1);
    if (const auto *FT = dyn_cast<FunctionType>(Ty)) {
      if (involvesAsync(FT->getReturnType(), Depth + 1))
        return true;
      if (const auto *FPT = dyn_cast<FunctionProtoType>(FT))
        for (QualType P : FPT->getParamTypes())
          if (involvesAsync(P, Depth + 1))
            return true;
      return false;
    }
    if (const auto *AT = dyn_cast<ArrayType>(Ty))
      return involvesAsync(AT->getElementType(), Depth + 1);
    if (isa<RecordType>(Ty))
      return containsAsync(QualType(Ty, 0));
    return false;
  }

  llvm::DenseMap<const Type *, bool> Known;
  const Type *Last = nullptr;
  bool LastAnswer = false;
};

// Whether the checker looks at code located at Loc at all.
bool isUserCode(SourceLocation Loc, const SourceManager &SM) {
  if (Loc.isInvalid())
    return false;
  SourceLocation E = SM.getExpansionLoc(Loc);
  return !SM.isInSystemHeader(E) && !isSpelledInWeftHeader(E, SM);
}

// The fast path: does the translation unit declare any async type?  Only
// the top-level declarations are looked at, so that a large C file that does
// not use weft costs one pass over its top level.
bool declaresAsyncTypes(ASTContext &Ctx, llvm::SmallVectorImpl<const RecordDecl *> &Types) {
  for (const Decl *D : Ctx.getTranslationUnitDecl()->decls()) {
    const RecordDecl *RD = dyn_cast<RecordDecl>(D);
    if (const auto *TD = dyn_cast<TypedefNameDecl>(D))
      RD = TD->getUnderlyingType()->getAsRecordDecl();
    if (RD && RD->isThisDeclarationADefinition() && asAsync(RD))
      if (std::find(Types.begin(), Types.end(), RD) == Types.end())
        Types.push_back(RD);
  }
  return !Types.empty();
}

} // namespace

namespace {

// Narrows the AST's traversal scope to the top-level declarations of user
// code for its lifetime (see Driver::run), then restores it; each change
// drops the parent map, so it is built again over what is in scope.  While
// the walk is in one function, the scope is that function alone (narrow):
// the parent map is then built only for the functions whose rules ask for
// a parent, each over its own body, rather than over all of the user's code
// at the first question.
class ScopedUserTraversal {
public:
  ScopedUserTraversal(ASTContext &Ctx, const std::vector<Decl *> &User) : Ctx(Ctx), User(User) {
    // A copy in Clang 14 and 19, a reference to the vector from Clang 22.
    auto Old = Ctx.getTraversalScope();
    Saved.assign(Old.begin(), Old.end());
    Ctx.setTraversalScope(User);
  }
  ~ScopedUserTraversal() { Ctx.setTraversalScope(Saved); }
  ScopedUserTraversal(const ScopedUserTraversal &) = delete;
  ScopedUserTraversal &operator=(const ScopedUserTraversal &) = delete;

  // The scope is D alone until widen().
  void narrow(Decl *D) {
    if (Narrowed.size() == 1 && Narrowed[0] == D)
      return;
    Narrowed.assign(1, D);
    Ctx.setTraversalScope(Narrowed);
  }
  // The scope is the user's declarations again.
  void widen() {
    if (Narrowed.empty())
      return;
    Narrowed.clear();
    Ctx.setTraversalScope(User);
  }

private:
  ASTContext &Ctx;
  const std::vector<Decl *> &User;
  std::vector<Decl *> Saved;
  std::vector<Decl *> Narrowed; // empty: the scope is User
};

} // namespace

class Driver {
public:
  Driver(ASTContext &Ctx, DiagnosticsEngine &Diags, const Options &Opts)
      : Ctx(Ctx), Diags(Diags), R(Diags, Ctx.getSourceManager(), Ctx.getLangOpts(), Opts), C(Ctx, R) {
#define WEFT_CHECK(Id, Name, Summary)                                                              \
  if (Opts.enabled(CheckId::Id))                                                                   \
    Owned.push_back(create##Id##Check());
#include "Checks.def"
    for (auto &K : Owned)
      Checks.push_back(K.get());
    Hooks.reset(Checks);
    for (Check *K : Checks)
      WantsLinearity |= K->wantsLinearity();
  }

  void run() {
    CompilerErrors = Diags.hasErrorOccurred();
    llvm::SmallVector<const RecordDecl *, 16> Types;
    if (Checks.empty() || !declaresAsyncTypes(Ctx, Types))
      return;
    const SourceManager &SM = Ctx.getSourceManager();
    // The rules ask for parents (ASTContext::getParents) of nodes in user
    // code only.  The first question builds the parent map of everything in
    // the traversal scope, by default the whole translation unit, system
    // headers included (most of the checker's cost on a small file): the
    // scope is narrowed to the user's own declarations, and to one function
    // while its body is walked, and given back.
    std::vector<Decl *> User;
    for (Decl *D : Ctx.getTranslationUnitDecl()->decls())
      if (isUserCode(D->getLocation(), SM))
        User.push_back(D);
    ScopedUserTraversal Scope(Ctx, User);
    for (const RecordDecl *RD : Types)
      if (isUserCode(RD->getLocation(), SM))
        for (Check *K : Checks)
          K->onAsyncType(asAsync(RD), C);

    for (Decl *D : User) {
      if (D->isInvalidDecl())
        continue;
      auto *FD = dyn_cast<FunctionDecl>(D);
      bool Walk = FD && FD->doesThisDeclarationHaveABody() && FD->getBody() &&
                  !hasWeftAnnotation(FD, "boundary") && Filter.concernsWeft(FD);
      // A function's hooks see its own parents only; every other hook may
      // ask about any of the user's code.
      if (Walk)
        Scope.narrow(D);
      else
        Scope.widen();
      annotations(D, Checks, C);
      if (const auto *RD = dyn_cast<RecordDecl>(D))
        recordDecl(RD, Checks, C, /*Nested=*/true);
      if (const auto *VD = dyn_cast<VarDecl>(D))
        for (Check *K : Checks)
          K->onVarDecl(VD, C);
      if (!FD)
        continue;
      for (const ParmVarDecl *P : FD->parameters())
        annotations(P, Checks, C);
      if (Walk)
        function(FD);
    }
    Scope.widen();
    C.Function = nullptr;
    for (Check *K : Checks)
      K->onEndOfTranslationUnit(C);
  }

private:
  void function(const FunctionDecl *FD) {
    C.Function = FD;
    C.Uses.clear();
    for (Check *K : Checks)
      K->onFunction(FD, C);
    llvm::DenseMap<const DeclRefExpr *, Mention> Mentions;
    BodyWalker W(C, Checks, Hooks, Mentions);
    W.TraverseStmt(FD->getBody());
    bool HasAsyncParam = false;
    for (const ParmVarDecl *P : FD->parameters())
      HasAsyncParam |= isAsyncType(P->getType());
    // Clang's own CFG-based warnings skip bodies with errors; so does the
    // linearity analysis, rather than build a CFG over a broken tree.
    if (WantsLinearity && !W.sawErrors() && (HasAsyncParam || !Mentions.empty() || W.sawAsyncLocal()))
      checkLinearity(Ctx, FD, Mentions, [&](const LinearityEvent &E) {
        // After a compiler error Sema may have dropped whole statements,
        // uses included: an action would look unused when it is not.  A
        // second use cannot be made up that way.
        if (CompilerErrors && E.What != LinearityEvent::Reused)
          return;
        for (Check *K : Checks)
          if (K->wantsLinearity())
            K->onLinearity(E, C);
      });
  }

  ASTContext &Ctx;
  DiagnosticsEngine &Diags;
  Reporter R;
  CheckContext C;
  std::vector<std::unique_ptr<Check>> Owned;
  llvm::SmallVector<Check *, 16> Checks;
  NodeHooks Hooks;
  BodyFilter Filter;
  bool WantsLinearity = false;
  bool CompilerErrors = false;
};

void analyze(ASTContext &Ctx, DiagnosticsEngine &Diags, const Options &Opts, const Preprocessor *PP) {
  // After a fatal error the AST may be cut short; nothing useful can be said.
  if (Diags.hasFatalErrorOccurred())
    return;
  resetMacroCaches();
  if (PP && neverExpanded(*PP, "weft_unchecked"))
    noteNoUnchecked(Ctx.getSourceManager());
  Driver(Ctx, Diags, Opts).run();
}

} // namespace weft
