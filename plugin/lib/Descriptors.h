// Descriptors.h: what a function body shows about the file descriptors it
// uses, for the blocking-call rule: which are non-blocking (opened with a
// *_NONBLOCK flag, switched with fcntl or ioctl, by a helper of the program's
// that provably does it, or delivered by weft_accept), which are datagram
// sockets, and the values of the flags and timeouts given to calls.
// Covered by test/plugin/blocking-call*.c.
#ifndef WEFT_DESCRIPTORS_H
#define WEFT_DESCRIPTORS_H

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace clang {
class ASTContext;
class Expr;
class FunctionDecl;
} // namespace clang

namespace weft {

// Unset: nothing is written about the descriptor; Unknown: something is,
// but not what it leaves it as; Blocking: it is shown blocking.
enum class FdState { Unset, Unknown, Blocking, NonBlocking, Datagram };

// The facts are judged by value, not by spelling (`ioctl(fd, FIONBIO, &zero)`
// makes fd blocking), per lvalue (a variable, or the same member path or
// constant or variable index from the same variable: `client->fd` says
// nothing of `upstream->fd`), and in source order within one function: the
// last fact written before a call is the one that holds at it.  Paths are
// not told apart (see docs/diagnostics/blocking-call.md).
class DescriptorFacts {
public:
  explicit DescriptorFacts(clang::ASTContext &Ctx);
  ~DescriptorFacts();
  DescriptorFacts(const DescriptorFacts &) = delete;
  DescriptorFacts &operator=(const DescriptorFacts &) = delete;

  // Parameter Index of F holds a non-blocking descriptor on entry: the
  // value of a weft_accept action, given to F as a continuation.
  void markNonBlockingParam(const clang::FunctionDecl *F, unsigned Index);

  // The state of descriptor Fd, an argument of the call Use in F.
  FdState stateAt(const clang::FunctionDecl *F, const clang::Expr *Fd, const clang::Expr *Use);
  // Whether E, an argument of Use in F, surely has the bits of Mask set (1),
  // surely has them clear (0), or neither is shown (-1).
  int flagAt(const clang::FunctionDecl *F, const clang::Expr *E, uint64_t Mask, const clang::Expr *Use);
  // Whether E, an argument of Use in F, has a value known at the call.
  bool valueAt(const clang::FunctionDecl *F, const clang::Expr *E, const clang::Expr *Use, int64_t &Value);
  // Whether E, an argument of Use in F, points to a timeval or timespec
  // that is all zero (a poll, not a wait).
  bool pointsToZero(const clang::FunctionDecl *F, const clang::Expr *E, const clang::Expr *Use);

  struct Body;

private:
  Body &body(const clang::FunctionDecl *F);
  // What a helper of the program's leaves its parameters as: a descriptor
  // parameter (set_nonblocking(fd)), or a descriptor reached through a
  // pointer parameter (conn_setup(c) switching c->fd).  Path is "" or the
  // member path below the parameter ("->fd").  Empty while the helper is
  // being read (recursion).
  struct ParamFact {
    unsigned Param;
    std::string Path;
    FdState State;
  };
  std::vector<ParamFact> summary(const clang::FunctionDecl *F);

  clang::ASTContext &Ctx;
  llvm::DenseMap<const clang::FunctionDecl *, std::unique_ptr<Body>> Bodies;
  llvm::DenseMap<const clang::FunctionDecl *, std::vector<unsigned>> EntryParams;
  llvm::DenseSet<const clang::FunctionDecl *> InProgress; // helper summaries being computed
  friend struct BodyBuilder;
};

} // namespace weft

#endif
