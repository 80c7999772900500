// Fix.cpp: weft-check --fix, the checker's fix-its applied in place through
// tooling::Replacements.  Covered by test/tools/weft-check-fix.test.
#include "WeftCheck.h"

#include "clang/Tooling/Core/Replacement.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

namespace weftcheck {

FixResult applyFixes(const std::vector<Finding> &Findings, const std::vector<Unit> &Units) {
  FixResult R;
  // A file that a broken translation unit reads may be seen wrongly by the
  // checker (Sema drops what it cannot make sense of): leave it alone.
  std::set<std::string> Unsafe;
  for (const Unit &U : Units)
    if (!U.Compiles) {
      Unsafe.insert(U.Files.begin(), U.Files.end());
      Unsafe.insert(U.File);
    }

  std::map<std::string, clang::tooling::Replacements> ByFile;
  std::map<std::string, std::vector<const Finding *>> Users;
  for (const Finding &F : Findings) {
    if (F.Main.Fixes.empty())
      continue;
    // All of a finding's edits, or none of them.
    bool Ok = true;
    std::map<std::string, clang::tooling::Replacements> Mine;
    for (const Edit &E : F.Main.Fixes) {
      if (Unsafe.count(E.Begin.File)) {
        R.Refused[E.Begin.File] = "a translation unit that reads it does not compile";
        Ok = false;
        break;
      }
      clang::tooling::Replacements &Into = Mine[E.Begin.File];
      if (llvm::Error Err = Into.add(clang::tooling::Replacement(E.Begin.File, E.Begin.Offset, E.Length, E.Text))) {
        llvm::consumeError(std::move(Err));
        Ok = false;
        break;
      }
    }
    if (!Ok)
      continue;
    for (auto &[File, Reps] : Mine) {
      clang::tooling::Replacements Merged = ByFile[File];
      bool Conflict = false;
      for (const clang::tooling::Replacement &Rep : Reps) {
        // The same fix-it reached through two translation units is one edit.
        if (ByFile[File].end() != std::find(ByFile[File].begin(), ByFile[File].end(), Rep))
          continue;
        if (llvm::Error Err = Merged.add(Rep)) {
          llvm::consumeError(std::move(Err));
          Conflict = true;
          break;
        }
      }
      if (Conflict) {
        Ok = false;
        break;
      }
      ByFile[File] = Merged;
    }
    if (Ok)
      R.Fixed.insert(&F);
  }

  for (auto &[File, Reps] : ByFile) {
    if (Reps.empty())
      continue;
    auto Buf = llvm::MemoryBuffer::getFile(File);
    if (!Buf) {
      R.Refused[File] = "cannot read it: " + Buf.getError().message();
      continue;
    }
    llvm::Expected<std::string> Text = clang::tooling::applyAllReplacements((*Buf)->getBuffer(), Reps);
    if (!Text) {
      R.Refused[File] = llvm::toString(Text.takeError());
      continue;
    }
    std::error_code EC;
    llvm::raw_fd_ostream OS(File, EC, llvm::sys::fs::OF_None);
    if (EC) {
      R.Refused[File] = "cannot write it: " + EC.message();
      continue;
    }
    OS << *Text;
    R.Changed.insert(File);
  }
  // A finding counts as fixed only if its file was written.
  for (auto It = R.Fixed.begin(); It != R.Fixed.end();) {
    bool Written = true;
    for (const Edit &E : (*It)->Main.Fixes)
      Written &= R.Changed.count(E.Begin.File) != 0;
    It = Written ? std::next(It) : R.Fixed.erase(It);
  }
  for (const Finding *F : R.Fixed)
    R.Applied += F->Main.Fixes.size();
  return R;
}

} // namespace weftcheck
