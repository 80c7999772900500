// Checker.h: runs the analysis core on one editor buffer, with the file's
// compile command from the compilation database clangd would use.
// Covered by test/clangd/ (every test runs the checker through weft-clangd).
#ifndef WEFT_CLANGD_CHECKER_H
#define WEFT_CLANGD_CHECKER_H

#include "LspFindings.h"

#include "clang/Tooling/CompilationDatabase.h"

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace weft {
namespace lsp {

// Finds a file's compile command the way clangd does: from
// --compile-commands-dir if given, else from the nearest compile_commands.json
// in the file's directory, a parent, or a build/ subdirectory of either (or a
// compile_flags.txt), interpolated for files the database does not list;
// else clangd's fallback, `clang <fallbackFlags> <file>`.  Thread-safe.
class CompileCommands {
public:
  explicit CompileCommands(std::optional<std::string> Dir) : FixedDir(std::move(Dir)) {}
  void setFallbackFlags(std::vector<std::string> Flags);
  clang::tooling::CompileCommand commandFor(const std::string &Path);

private:
  struct Loaded {
    std::shared_ptr<clang::tooling::CompilationDatabase> DB; // null: none in that directory
    long long Stamp = 0;                                      // modification time of its file
  };
  std::shared_ptr<clang::tooling::CompilationDatabase> load(const std::string &Dir);

  std::optional<std::string> FixedDir;
  std::mutex M;
  std::vector<std::string> FallbackFlags;
  std::map<std::string, Loaded> Cache;
};

struct CheckOutcome {
  std::vector<Finding> Findings;
  std::string Directory; // the command's directory: relative file names are relative to it
  bool Ran = false;      // false: the compile command could not be run at all
};

// Runs the checker on Contents as the text of Path, under Cmd.  The plugin
// arguments in the command (-fplugin-arg-weft-werror, -disable=) apply;
// Werror forces werror on.  The plugin itself is not loaded.
CheckOutcome runChecker(const clang::tooling::CompileCommand &Cmd, const std::string &Path,
                        llvm::StringRef Contents, bool Werror);

} // namespace lsp
} // namespace weft

#endif
