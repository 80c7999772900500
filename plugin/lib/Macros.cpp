// Macros.cpp: telling weft.h's own macro bodies apart from user code, and
// finding the weft_unchecked(...) escape.  Covered by test/plugin/async-operator*.c
// and unchecked*.c.
#include "Macros.h"
#include "Compat.h"

#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Path.h"

using namespace clang;

namespace weft {

// The answer of isSpelledInWeftHeader per file (FileID of the spelling
// location): every expression of a body asks it, and a file name's
// comparison costs more than the rest of the question.  Reset with the
// other caches below.
namespace {
struct HeaderCache {
  const SourceManager *SM = nullptr;
  llvm::DenseMap<unsigned, bool> ByFile;
};
thread_local HeaderCache Headers;
} // namespace

bool isSpelledInWeftHeader(SourceLocation Loc, const SourceManager &SM) {
  if (Loc.isInvalid())
    return false;
  SourceLocation Spelling = SM.getSpellingLoc(Loc);
  if (Spelling.isInvalid())
    return false;
  if (Headers.SM != &SM) {
    Headers.SM = &SM;
    Headers.ByFile.clear();
  }
  FileID File = SM.getFileID(Spelling);
  auto [It, New] = Headers.ByFile.try_emplace(File.getHashValue(), false);
  if (New)
    It->second = llvm::sys::path::filename(SM.getFilename(Spelling)) == "weft.h";
  return It->second;
}

// Walks the chain of macro expansions that produced Loc, innermost first,
// calling F with each macro's name and the location of its use.
template <typename Fn>
static void forEachExpansion(SourceLocation Loc, const SourceManager &SM, const LangOptions &LO, Fn F) {
  // A bound on the walk: expansion chains are short, and a bound keeps a
  // malformed chain from looping.
  for (unsigned Depth = 0; Loc.isMacroID() && Depth < 64; ++Depth) {
    StringRef Name = Lexer::getImmediateMacroName(Loc, SM, LO);
    SourceLocation Use = SM.getImmediateExpansionRange(Loc).getBegin();
    if (!F(Name, Use))
      return;
    Loc = SM.getImmediateMacroCallerLoc(Loc);
  }
}

// The answer of isInUnchecked per macro expansion entry (FileID): every
// location of one entry has the same chain of callers.  Without it, each
// question walks the whole chain, and a combinator nested d deep asks it
// of O(d) nodes with chains O(d) long.  One cache per thread (clangd runs
// several translation units at once), reset by resetMacroCaches() at the
// start of each analysis and whenever the SourceManager changes.
namespace {
struct UncheckedCache {
  const SourceManager *SM = nullptr;
  llvm::DenseMap<unsigned, bool> ByEntry;
};
thread_local UncheckedCache Cache;
} // namespace

void resetMacroCaches() {
  Headers.SM = nullptr;
  Headers.ByFile.clear();
  Cache.SM = nullptr;
  Cache.ByEntry.clear();
}

bool isInUnchecked(SourceLocation Loc, const SourceManager &SM, const LangOptions &LO) {
  if (Cache.SM != &SM) {
    Cache.SM = &SM;
    Cache.ByEntry.clear();
  }
  llvm::SmallVector<unsigned, 16> Walked;
  bool Found = false;
  for (unsigned Depth = 0; Loc.isMacroID() && Depth < 64; ++Depth) {
    unsigned Entry = SM.getFileID(Loc).getHashValue();
    auto It = Cache.ByEntry.find(Entry);
    if (It != Cache.ByEntry.end()) {
      Found = It->second;
      break;
    }
    Walked.push_back(Entry);
    if (Lexer::getImmediateMacroName(Loc, SM, LO) == "weft_unchecked") {
      Found = true;
      break;
    }
    Loc = SM.getImmediateMacroCallerLoc(Loc);
  }
  // An entry inside weft_unchecked's expansion is inside it; an entry whose
  // whole chain was walked without finding it is outside.
  for (unsigned Entry : Walked)
    Cache.ByEntry[Entry] = Found;
  return Found;
}

StringRef outermostWeftMacro(SourceLocation Loc, const SourceManager &SM, const LangOptions &LO) {
  StringRef Outer;
  forEachExpansion(Loc, SM, LO, [&](StringRef Name, SourceLocation) {
    if (startsWith(Name, "weft_"))
      Outer = Name;
    return true;
  });
  return Outer;
}

SourceLocation weftCallLoc(const CallExpr *CE, const SourceManager &SM, const LangOptions &LO) {
  SourceLocation Outer;
  forEachExpansion(CE->getBeginLoc(), SM, LO, [&](StringRef Name, SourceLocation Use) {
    if (startsWith(Name, "weft_"))
      Outer = Use;
    return true;
  });
  return Outer.isValid() ? SM.getExpansionLoc(Outer) : CE->getBeginLoc();
}

bool isWeftLocal(const VarDecl *VD, const SourceManager &SM) {
  return VD && VD->getIdentifier() && startsWith(VD->getName(), "weft__") &&
         isSpelledInWeftHeader(VD->getLocation(), SM);
}

const Expr *weftArgument(const Expr *E, const SourceManager &SM) {
  if (!E)
    return nullptr;
  E = E->IgnoreParenCasts();
  if (const auto *DRE = dyn_cast<DeclRefExpr>(E))
    if (const auto *VD = dyn_cast<VarDecl>(DRE->getDecl()))
      if (isWeftLocal(VD, SM) && VD->getInit())
        return VD->getInit()->IgnoreParenCasts();
  return E;
}

bool hasWeftAnnotation(const Decl *D, StringRef What) {
  if (!D)
    return false;
  for (const Decl *R : D->redecls())
    for (const auto *A : R->specific_attrs<AnnotateAttr>()) {
      StringRef Text = A->getAnnotation();
      if (startsWith(Text, "weft.") && Text.drop_front(5) == What)
        return true;
    }
  return false;
}

} // namespace weft
