// Linearity.h: the per-path check that each async local and parameter is
// consumed exactly once, on Clang's CFG.  Covered by test/plugin/async-reuse*.c
// and async-drop*.c.
#ifndef WEFT_LINEARITY_H
#define WEFT_LINEARITY_H

#include "Check.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"

#include <functional>

namespace clang {
class ASTContext;
class DeclRefExpr;
class FunctionDecl;
class VarDecl;
} // namespace clang

namespace weft {

// How one mention of a tracked variable counts.
enum class Mention { Consume, Ignore, Escape };

// Runs the analysis on F, whose mentions of async variables the caller has
// classified (Mentions; a mention not in the map is ignored, for example one
// in unevaluated code).  Variables with an Escape mention (address taken,
// weft_unchecked) are not tracked.  Calls Report for each finding, in source
// order of the blocks.
void checkLinearity(clang::ASTContext &Ctx, const clang::FunctionDecl *F,
                    const llvm::DenseMap<const clang::DeclRefExpr *, Mention> &Mentions,
                    const std::function<void(const LinearityEvent &)> &Report);

} // namespace weft

#endif
