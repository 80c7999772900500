// Flow.h: where an async value goes.  For every expression that produces an
// action, the core works out its one use (the destination it flows into) by
// walking up through the nodes that only pass the value along.
// Covered by test/plugin/async-*.c.
#ifndef WEFT_FLOW_H
#define WEFT_FLOW_H

#include "AsyncType.h"

#include "clang/AST/Type.h"

namespace clang {
class ASTContext;
class CallExpr;
class Decl;
class Expr;
class FunctionDecl;
class Stmt;
} // namespace clang

namespace weft {

enum class UseKind {
  Unevaluated, // sizeof, typeof, an unselected _Generic branch, weft.h's type probes
  Combinator,  // an argument of a combinator macro (weft.h reads its node_)
  Sink,        // the argument of a sink (isWeftSink): weft_run, weft_spawn...
  Return,      // returned; Dest is the function's result type
  Init,        // initialises a variable; Dest is its type
  Assign,      // assigned; Dest is the left-hand side's type
  AssignTarget,// the left-hand side of an assignment (not a use)
  Argument,    // a call argument; Dest is the parameter type, null if variadic
  FieldInit,   // an element of an initializer list; Dest is its type
  Discard,     // an expression statement or the left of a comma
  VoidCast,    // cast to void
  Cast,        // converted to Dest (explicitly if Explicit)
  Operator,    // an operand of operator OpName
  Member,      // member access written by the user; OpName is the member
  AddressOf,   // &action
  Condition,   // tested by if/while/for/?:/&&/||/!
  Unknown      // anything else: never diagnosed
};

struct AsyncUse {
  const clang::Expr *Source = nullptr; // the expression that produces the action
  const clang::Expr *Top = nullptr;    // the outermost node that passes it along
  AsyncType Type;
  UseKind Kind = UseKind::Unknown;
  clang::QualType Dest;                // the destination's type, when there is one
  const clang::Decl *DestDecl = nullptr; // the variable, parameter or field
  const clang::Stmt *User = nullptr;   // the node that uses the value
  const clang::CallExpr *WeftCall = nullptr; // Combinator, Sink: the weft__ call
  const clang::FunctionDecl *Function = nullptr; // the enclosing function
  llvm::StringRef OpName;              // Operator, Member
  bool Explicit = false;               // Cast: written by the user
  bool Unprototyped = false;           // Argument: the callee has no prototype
};

// The use of Source, an expression of async type in the body of F.
AsyncUse classifyUse(clang::ASTContext &Ctx, const clang::Expr *Source, const clang::FunctionDecl *F);

// Whether E builds an action (a call returning one, or a combinator's result)
// rather than naming one that exists.
bool buildsAction(const clang::Expr *E);

// For a combinator's weft__ call, the expression of async type the macro
// produces (its compound literal), or null.
const clang::Expr *combinatorResult(clang::ASTContext &Ctx, const clang::CallExpr *WeftCall);

// The weft__ internal a call goes to ("weft__bind"), or "".
llvm::StringRef weftInternalName(const clang::CallExpr *CE);
// Whether the weft__ internal Internal is a sink: it takes an action and
// starts it (weft_run, weft_spawn, weft_spawn_task, weft_switch_spawn).
bool isWeftSink(llvm::StringRef Internal);

// Whether E, an expression of async type, names a slot: a field, an array
// element, the object a pointer points to, or a variable in static storage
// (as opposed to a local, a parameter or an action being built).  A slot is
// read only by weft_take.
bool isSlot(const clang::Expr *E);

// Whether T is, or contains (as a field or an element, at any depth), an
// async type; async types themselves contain none.
bool containsAsync(clang::QualType T);

// Whether E lies inside the argument of a sink (weft_run, weft_spawn), at
// any depth: whatever is built there is run by the sink.
bool insideSinkArgument(clang::ASTContext &Ctx, const clang::Expr *E);

// Whether F's result is an action: its body is async context.
bool isAsyncContext(const clang::FunctionDecl *F);

} // namespace weft

#endif
