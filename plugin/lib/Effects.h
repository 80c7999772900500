// Effects.h: the effect inference shared by the noyield, mayyield,
// fnptr-effect and blocking-call rules: a call graph of the translation unit
// and, for each function, whether it yields and why.
// Covered by test/plugin/noyield*.c, mayyield*.c, fnptr-effect*.c and blocking-call*.c.
#ifndef WEFT_EFFECTS_H
#define WEFT_EFFECTS_H

#include "clang/AST/Type.h"
#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace clang {
class ASTContext;
class SourceManager;
class CallExpr;
class Decl;
class Expr;
class FunctionDecl;
class ParmVarDecl;
class ValueDecl;
class VarDecl;
} // namespace clang

namespace weft {

class CheckContext;

// The effect attributes of weft.h, as written on a declaration.
bool isDeclaredNoYield(const clang::Decl *D);
bool isDeclaredMayYield(const clang::Decl *D);
bool isBoundary(const clang::Decl *D);
bool isDeclaredBlocking(const clang::Decl *D);

// Whether a value declared as D (a variable, parameter, field or typedef of
// function-pointer type) carries the effect What ("noyield" or "mayyield"),
// on D itself or on a typedef its type is written with.
bool pointerCarries(const clang::ValueDecl *D, llvm::StringRef What);
bool typeCarries(clang::QualType T, llvm::StringRef What, const clang::ASTContext &Ctx);

// The location of the first annotation What on any declaration of D, or of
// D's first declaration when there is none.
clang::SourceLocation effectAttrLoc(const clang::Decl *D, llvm::StringRef What);

// F's name when F is a C library function: declared at file scope with
// external linkage and without a body here (a function of the program's
// that happens to be called read is the program's business); else "".
llvm::StringRef libraryName(const clang::FunctionDecl *F);

// The function E names, directly or through locals initialised with it
// (weft.h's temporaries included), or null.
const clang::FunctionDecl *givenFunction(const clang::Expr *E);

// One place in a function body that matters to the effect rules.
struct EffectSite {
  enum Kind {
    Call,     // a direct call of Callee (a synchronous function)
    Sink,     // a sink (isWeftSink): weft_run, weft_spawn...; Name is the macro
    Builds,   // builds an action; Name is the macro or the function
    Indirect, // a call through a function pointer; Pointer is its declaration, if any
    Address,  // the address of Callee is taken; see Dest*
    Callback, // Callee is given to Name, a library function that calls it
              // before it returns (qsort's comparator): a call of Callee
  };
  // Where an Address site's function goes when it is an argument of a call
  // that the checker knows: the event loop calls it (a weft combinator), or a
  // new thread runs it (pthread_create), so no pointer of the program's
  // carries it and fnptr-effect has nothing to say; or it becomes a signal
  // handler (signal, struct sigaction), which runs at any point, inside the
  // loop too, and which no annotation can make safe.
  enum Handover { None, ToLoop, ToThread, ToSignal };
  Kind What;
  clang::SourceLocation Loc; // where a diagnostic about it goes
  const clang::Expr *E = nullptr;
  const clang::FunctionDecl *Callee = nullptr; // Call, Address; Builds: the function weft_map calls
  std::string Name;                            // Sink, Builds
  const clang::ValueDecl *Pointer = nullptr;   // Indirect: the variable, parameter or field called through
  const clang::VarDecl *PointerOwner = nullptr; // Indirect: the variable whose field that is (`ops.wait`)
  bool PointerQuiet = false;                   // Indirect: the pointer is declared noyield
  bool PointerLoud = false;                    // Indirect: the pointer is declared mayyield
  // Call: the call is implicit, at the end of the scope of Cleaned, a
  // variable declared with __attribute__((cleanup(Callee))); E is null.
  const clang::VarDecl *Cleaned = nullptr;
  Handover Handed = None;                      // Address
  // Inside the initialiser of an async local, or the arguments of a sink or
  // combinator: a site the noyield rule already reports by its outer one.
  bool Shadowed = false;
  // Address: the declaration the pointer is stored into (null if none) and
  // the type it is converted to.
  const clang::ValueDecl *Dest = nullptr;
  const clang::VarDecl *DestOwner = nullptr; // the variable whose field Dest is, if known
  clang::QualType DestType;
};

// A function whose body the checker looks into.
struct EffectNode {
  const clang::FunctionDecl *Def = nullptr;
  std::vector<EffectSite> Sites;                  // in source order
  std::vector<const clang::VarDecl *> AsyncLocals; // locals of async type
  // The site that proves the fact, or -1: Yields (a sink or a mayyield
  // callee at the end of the chain), MayYield (anything a noyield function
  // may not do at the end of the chain), Runs (weft_run at the end of the
  // chain: calling the function runs an event loop).
  int YieldsBy = -1;
  int MayYieldBy = -1;
  int RunsBy = -1;
  // Reachability from async context: the caller and its call site that
  // first reach this function, or none for async functions themselves.
  bool Reached = false;
  const EffectNode *ReachedFrom = nullptr;
  int ReachedBy = -1;
};

// One step of an explanation chain: Site, in the body of Function.
struct ChainStep {
  const clang::FunctionDecl *Function;
  const EffectSite *Site;
  // reachChain(): the function this step reaches (for an Indirect site, the
  // one the pointer may point to).
  const clang::FunctionDecl *Target = nullptr;
};

class EffectGraph {
public:
  // Without Build the graph is empty: no function yields, may yield, runs
  // the loop or is reached from async context (see CheckContext::effects()).
  explicit EffectGraph(clang::ASTContext &Ctx, bool Build = true);
  EffectGraph(const EffectGraph &) = delete;
  EffectGraph &operator=(const EffectGraph &) = delete;

  // The node of F's definition, or null (no body, weft_boundary, invalid).
  const EffectNode *node(const clang::FunctionDecl *F) const;
  const std::vector<EffectNode> &nodes() const { return Nodes; }
  // The sites of initialisers outside functions (Def is null): tables of
  // function pointers.
  const EffectNode &globals() const { return Globals; }

  // Whether a call of F yields (a sink, mayyield, or inferred), and whether
  // it may yield in the sense of the noyield rule (also builds actions or
  // calls through pointers that may yield).  Trusts noyield and boundary.
  bool yields(const clang::FunctionDecl *F) const;
  bool mayYield(const clang::FunctionDecl *F) const;
  // Whether a call of F runs an event loop (reaches weft_run through bodies
  // in the translation unit).
  bool runsLoop(const clang::FunctionDecl *F) const;

  // The chain of sites that proves F yields (May: may yield), starting in F's
  // body; empty when F has no body (its declaration says it).
  std::vector<ChainStep> chain(const clang::FunctionDecl *F, bool May) const;
  // The same for runsLoop().
  std::vector<ChainStep> runChain(const clang::FunctionDecl *F) const;

  // The functions whose addresses are stored into D (a variable, field or
  // array) anywhere in the translation unit: what a call through D may call.
  // Owner: the variable whose field D is, at the call (`fake.wait(...)`);
  // when it is constant, only what its own initialiser stored counts.
  std::vector<const clang::FunctionDecl *> pointees(const clang::ValueDecl *D,
                                                    const clang::VarDecl *Owner = nullptr) const;

  // The chain of calls from an async function down to F, which is reached
  // from async context; empty when F is async itself.
  std::vector<ChainStep> reachChain(const clang::FunctionDecl *F) const;

  clang::ASTContext &ast() const { return Ctx; }

private:
  enum Fact { Yields, MayYield, Runs };
  static int EffectNode::*field(Fact What);
  // Declared effects first, then the one inferred in the field By.
  bool effect(const clang::FunctionDecl *F, int EffectNode::*By) const;
  std::vector<ChainStep> chainOf(const clang::FunctionDecl *F, Fact What) const;
  void collect();
  void scan(EffectNode &N);
  void infer(Fact What);
  void reach();
  bool isBase(const EffectSite &S, Fact What) const;
  const EffectNode *propagatesTo(const EffectSite &S) const;

  clang::ASTContext &Ctx;
  std::vector<EffectNode> Nodes;
  EffectNode Globals;
  llvm::DenseMap<const clang::FunctionDecl *, unsigned> Index; // canonical decl -> node
  // Dest of every Address site -> the functions stored there.
  llvm::DenseMap<const clang::ValueDecl *,
                 std::vector<std::pair<const clang::FunctionDecl *, const clang::VarDecl *>>>
      Stored;
};

// Emits one note per step of Steps, after a diagnostic just reported through
// C: "'g' calls 'h' here", ..., "'h' calls 'weft_spawn' here", and, when the
// chain ends at a declaration, "'k' is declared 'mayyield' here".  Reach: the
// steps are a reachChain(), which explains where code runs, not why it yields.
void noteChain(CheckContext &C, const std::vector<ChainStep> &Steps, bool Reach = false);

// The note for a callee that yields by its declaration or by its body.
void noteWhyYields(CheckContext &C, const EffectGraph &G, const clang::FunctionDecl *F, bool May);

} // namespace weft

#endif
