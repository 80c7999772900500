// Macros.h: telling weft.h's own macro bodies apart from user code, and
// finding the weft_unchecked(...) escape.  Covered by test/plugin/async-operator*.c
// and unchecked*.c.
#ifndef WEFT_MACROS_H
#define WEFT_MACROS_H

#include "clang/Basic/SourceLocation.h"
#include "llvm/ADT/StringRef.h"

namespace clang {
class CallExpr;
class SourceManager;
class LangOptions;
class Preprocessor;
class Decl;
class Expr;
class VarDecl;
} // namespace clang

namespace weft {

// Whether Loc was spelled in a file named weft.h (the runtime's header, or a
// copy of it): the combinator macros' own bodies.
bool isSpelledInWeftHeader(clang::SourceLocation Loc, const clang::SourceManager &SM);

// Whether Loc lies in the argument of a weft_unchecked(...) expansion, at
// any depth of macro expansion.
bool isInUnchecked(clang::SourceLocation Loc, const clang::SourceManager &SM,
                   const clang::LangOptions &LO);

// Forgets what isInUnchecked has memoised (a new translation unit).
void resetMacroCaches();

// Whether the macro called Name was certainly never expanded (nor tested by
// #ifdef or defined()) in the translation unit PP has just preprocessed: no
// definition of it, from the first to an #undef'd one, was ever used.  From
// a precompiled header or a module it answers no (it cannot tell).
bool neverExpanded(const clang::Preprocessor &PP, llvm::StringRef Name);

// Tells isInUnchecked that weft_unchecked was never expanded in the
// translation unit of SM: until resetMacroCaches(), every location of SM is
// outside it, with no question asked of the SourceManager.
void noteNoUnchecked(const clang::SourceManager &SM);

// Whether isInUnchecked may answer yes for a location of SM (no, after
// noteNoUnchecked(SM)): a walk can then skip even finding the locations.
bool mayBeUnchecked(const clang::SourceManager &SM);

// Where a diagnostic about CE, a call of a weft__ internal, goes: the name
// of the outermost weft_* macro it was written as, in user code, or the call
// itself when it was written without one.  With Macro, also that macro's
// name ("weft_bind" for a call written as weft_bind(...), "" without one),
// from the same walk of the expansion chain.
clang::SourceLocation weftCallLoc(const clang::CallExpr *CE, const clang::SourceManager &SM,
                                  const clang::LangOptions &LO, llvm::StringRef *Macro = nullptr);

// Whether VD is one of the locals weft.h's macros bind their arguments to
// (weft__m, weft__k, weft__env, ...; see WEFT__LET3): the user's argument
// is its initialiser.
bool isWeftLocal(const clang::VarDecl *VD, const clang::SourceManager &SM);

// The expression the user wrote for a macro argument that weft.h bound to
// one of its locals: E with parentheses and casts stripped and, when that
// names a weft.h local, its initialiser (stripped the same way).  Any other
// expression is returned stripped.
const clang::Expr *weftArgument(const clang::Expr *E, const clang::SourceManager &SM);

// Whether D carries __attribute__((annotate("weft.<What>"))) on any declaration.
bool hasWeftAnnotation(const clang::Decl *D, llvm::StringRef What);

} // namespace weft

#endif
