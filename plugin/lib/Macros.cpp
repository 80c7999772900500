// Macros.cpp: telling weft.h's own macro bodies apart from user code, and
// finding the weft_unchecked(...) escape.  Covered by test/plugin/async-operator*.c
// and unchecked*.c.
#include "Macros.h"
#include "Compat.h"

#include "clang/AST/Attr.h"
#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/Basic/CharInfo.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Lex/Lexer.h"
#include "clang/Lex/MacroInfo.h"
#include "clang/Lex/Preprocessor.h"
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

// The name of the innermost macro whose expansion produced Loc: what
// Lexer::getImmediateMacroName(Loc) answers, at a tenth of its cost.  The
// lexer measures the name's token again on every call (most of the
// checker's time in the weft_unchecked test, before); this finds where the
// name was spelled as getImmediateMacroName does (the loop below) and reads
// the identifier there.  Only a name that may hold a line splice or a
// character beyond plain identifiers goes to the lexer.
static StringRef immediateMacroName(SourceLocation Loc, const SourceManager &SM, const LangOptions &LO) {
  SourceLocation At = Loc;
  for (unsigned Depth = 0; Depth < 64; ++Depth) {
    const SrcMgr::SLocEntry &Entry = SM.getSLocEntry(SM.getFileID(At));
    if (!Entry.isExpansion())
      return Lexer::getImmediateMacroName(Loc, SM, LO);
    const SrcMgr::ExpansionInfo &Expansion = Entry.getExpansion();
    At = Expansion.getExpansionLocStart();
    if (!Expansion.isMacroArgExpansion())
      break;
    // A macro argument: the macro is the one whose body used the
    // parameter, unless the argument itself came out of an inner macro.
    At = SM.getImmediateExpansionRange(At).getBegin();
    SourceLocation Spelling = Expansion.getSpellingLoc();
    if (Spelling.isFileID() || SM.isInFileID(Spelling, SM.getFileID(At)))
      break;
    At = Spelling;
  }
  bool Invalid = false;
  const char *P = SM.getCharacterData(SM.getSpellingLoc(At), &Invalid);
  if (Invalid || !P)
    return Lexer::getImmediateMacroName(Loc, SM, LO);
  size_t N = 0;
  while (isAsciiIdentifierContinue(static_cast<unsigned char>(P[N]), /*AllowDollar=*/false))
    ++N;
  unsigned char Stop = P[N];
  // A line splice, a trigraph, a '$' or a UCN may continue the token.
  if (N == 0 || Stop == '\\' || Stop == '?' || Stop == '$' || Stop >= 0x80)
    return Lexer::getImmediateMacroName(Loc, SM, LO);
  StringRef Name(P, N);
  assert(Name == Lexer::getImmediateMacroName(Loc, SM, LO) &&
         "immediateMacroName disagrees with Lexer::getImmediateMacroName");
  return Name;
}

// Walks the chain of macro expansions that produced Loc, innermost first,
// calling F with each macro's name and the location of its use.
template <typename Fn>
static void forEachExpansion(SourceLocation Loc, const SourceManager &SM, const LangOptions &LO, Fn F) {
  // A bound on the walk: expansion chains are short, and a bound keeps a
  // malformed chain from looping.
  for (unsigned Depth = 0; Loc.isMacroID() && Depth < 64; ++Depth) {
    StringRef Name = immediateMacroName(Loc, SM, LO);
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
  bool None = false; // SM's unit never expanded weft_unchecked (noteNoUnchecked)
};
thread_local UncheckedCache Cache;
} // namespace

// The answer of isWeftLocal per declaration: the walk, the effect scanner
// and the use classification ask it of the same locals, and the location
// test costs a walk up the expansion chain.  Reset with the caches above.
namespace {
struct LocalCache {
  const SourceManager *SM = nullptr;
  llvm::DenseMap<const VarDecl *, bool> ByDecl;
};
thread_local LocalCache Locals;
} // namespace

void resetMacroCaches() {
  Headers.SM = nullptr;
  Headers.ByFile.clear();
  Cache.SM = nullptr;
  Cache.ByEntry.clear();
  Cache.None = false;
  Locals.SM = nullptr;
  Locals.ByDecl.clear();
}

bool neverExpanded(const Preprocessor &PP, StringRef Name) {
  const IdentifierTable &Idents = PP.getIdentifierTable();
  auto It = Idents.find(Name);
  if (It == Idents.end())
    return true; // never even lexed
  const IdentifierInfo *II = It->getValue();
  if (!II->hadMacroDefinition())
    return true;
  // A macro read from an AST file may have been expanded where that file
  // was built, and a module's macros are not in the local history.
  if (II->isFromAST() || PP.getLangOpts().Modules)
    return false;
  for (const MacroDirective *MD = PP.getLocalMacroDirectiveHistory(II); MD; MD = MD->getPrevious())
    if (const auto *Def = dyn_cast<DefMacroDirective>(MD))
      if (!Def->getInfo() || Def->getInfo()->isUsed())
        return false;
  return true;
}

bool mayBeUnchecked(const SourceManager &SM) { return Cache.SM != &SM || !Cache.None; }

void noteNoUnchecked(const SourceManager &SM) {
  Cache.SM = &SM;
  Cache.ByEntry.clear();
  Cache.None = true;
}

// The identifier spelled at Loc (a macro's name where it was used).
static StringRef identifierAt(SourceLocation Loc, const SourceManager &SM) {
  bool Invalid = false;
  const char *P = SM.getCharacterData(SM.getSpellingLoc(Loc), &Invalid);
  if (Invalid || !P)
    return {};
  size_t N = 0;
  while (isAsciiIdentifierContinue(static_cast<unsigned char>(P[N]), /*AllowDollar=*/false))
    ++N;
  return StringRef(P, N);
}

// Whether the tokens of expansion entry ID passed through weft_unchecked's
// argument.  A token has two ancestries: the macro that produced it (a
// plain expansion's name, then where that name came from) and, for a token
// of a macro argument, both where the argument was written and the body of
// the macro that received it.  Walking callers alone (the first of these)
// misses weft_unchecked when a program's own macro hands it an argument
// that was already expanded: `#define Q(e) weft_unchecked(e)` and then
// `Q(weft_write(...))`, whose tokens come out of weft_write's expansion and
// only pass through weft_unchecked's argument.  Both parents are walked,
// each entry once (memoised), within a bound against malformed chains.
static bool uncheckedEntry(FileID ID, const SourceManager &SM, unsigned &Budget) {
  auto It = Cache.ByEntry.find(ID.getHashValue());
  if (It != Cache.ByEntry.end())
    return It->second;
  if (Budget == 0)
    return false;
  --Budget;
  bool Invalid = false;
  const SrcMgr::SLocEntry &Entry = SM.getSLocEntry(ID, &Invalid);
  bool Found = false;
  if (!Invalid && Entry.isExpansion()) {
    const SrcMgr::ExpansionInfo &X = Entry.getExpansion();
    SourceLocation Use = X.getExpansionLocStart();
    if (X.isMacroArgExpansion()) {
      SourceLocation From = X.getSpellingLoc();
      Found = (From.isMacroID() && uncheckedEntry(SM.getFileID(From), SM, Budget)) ||
              (Use.isMacroID() && uncheckedEntry(SM.getFileID(Use), SM, Budget));
    } else {
      Found = identifierAt(Use, SM) == "weft_unchecked" ||
              (Use.isMacroID() && uncheckedEntry(SM.getFileID(Use), SM, Budget));
    }
  }
  Cache.ByEntry[ID.getHashValue()] = Found;
  return Found;
}

bool isInUnchecked(SourceLocation Loc, const SourceManager &SM, const LangOptions &) {
  if (Cache.SM != &SM) {
    Cache.SM = &SM;
    Cache.ByEntry.clear();
    Cache.None = false;
  }
  if (Cache.None || !Loc.isMacroID())
    return false;
  unsigned Budget = 256;
  return uncheckedEntry(SM.getFileID(Loc), SM, Budget);
}

SourceLocation weftCallLoc(const CallExpr *CE, const SourceManager &SM, const LangOptions &LO,
                           StringRef *Macro) {
  SourceLocation Outer;
  StringRef OuterName;
  forEachExpansion(CE->getBeginLoc(), SM, LO, [&](StringRef Name, SourceLocation Use) {
    if (startsWith(Name, "weft_")) {
      Outer = Use;
      OuterName = Name;
    }
    return true;
  });
  if (Macro)
    *Macro = OuterName;
  return Outer.isValid() ? SM.getExpansionLoc(Outer) : CE->getBeginLoc();
}

bool isWeftLocal(const VarDecl *VD, const SourceManager &SM) {
  if (!VD || !VD->getIdentifier() || !startsWith(VD->getName(), "weft__"))
    return false; // every other name, without a lookup
  if (Locals.SM != &SM) {
    Locals.SM = &SM;
    Locals.ByDecl.clear();
  }
  auto [It, New] = Locals.ByDecl.try_emplace(VD, false);
  if (New)
    It->second = isSpelledInWeftHeader(VD->getLocation(), SM);
  return It->second;
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
