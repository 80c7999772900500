// Transport.h: LSP base protocol framing (a Content-Length header block, then
// the JSON body) over file descriptors, and an outbox that writes messages
// from its own thread.  Specification: the Language Server Protocol 3.17,
// "Base Protocol".  Covered by test/clangd/protocol.py.
#ifndef WEFT_CLANGD_TRANSPORT_H
#define WEFT_CLANGD_TRANSPORT_H

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace weft {
namespace lsp {

// Reads framed messages from a file descriptor, buffered.
class FrameReader {
public:
  enum Result {
    Message,   // Body holds one message body
    BadHeader, // a header block without a usable Content-Length; skipped
    TooLarge,  // a message over the size limit; skipped
    End        // end of input or a read error
  };
  explicit FrameReader(int Fd) : Fd(Fd) {}
  Result read(std::string &Body);

  // Messages larger than this are skipped rather than held in memory.
  static constexpr size_t MaxBody = size_t(1) << 30;

private:
  bool fill(); // reads more into Buf; false at end of input
  bool line(std::string &Out);

  int Fd;
  std::string Buf;
  size_t Pos = 0;
};

// Frames Body for the wire.
std::string frame(const std::string &Body);

// A queue of message bodies written, framed, to one file descriptor by a
// thread of its own, so that a reader never waits for a slow writer.  The
// queue is bounded by bytes through waitForRoom(), called by producers
// before they read their next message (never while holding a lock).
class Outbox {
public:
  explicit Outbox(int Fd, bool OwnsFd);
  ~Outbox(); // finishes writing what is queued, then closes

  void push(std::string Body);
  // Blocks while more than Limit bytes are queued and the writer is alive.
  void waitForRoom(size_t Limit = size_t(64) << 20);
  // Blocks until everything queued so far is written (or failed), at most
  // Timeout; false if it was not.
  bool flush(std::chrono::milliseconds Timeout);
  // Stops accepting messages, drops what is queued, ends the thread.
  void abandon();
  bool failed() const;

private:
  void run();

  int Fd;
  bool OwnsFd;
  mutable std::mutex M;
  std::condition_variable Ready, Room;
  std::deque<std::string> Queue;
  size_t Bytes = 0;
  bool Writing = false;
  bool Closing = false;
  bool Failed = false;
  std::thread Thread;
};

} // namespace lsp
} // namespace weft

#endif
