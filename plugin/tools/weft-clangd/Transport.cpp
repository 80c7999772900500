// Transport.cpp: LSP base protocol framing and the writer threads.
// Covered by test/clangd/protocol.py (malformed and large messages).
#include "Transport.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

namespace weft {
namespace lsp {

bool FrameReader::fill() {
  // Drop what was consumed, so that the buffer holds at most one message
  // and the next chunk.
  Buf.erase(0, Pos);
  Pos = 0;
  char Chunk[65536];
  for (;;) {
    ssize_t N = ::read(Fd, Chunk, sizeof Chunk);
    if (N > 0) {
      Buf.append(Chunk, static_cast<size_t>(N));
      return true;
    }
    if (N < 0 && errno == EINTR)
      continue;
    return false;
  }
}

// One header line, without its line ending (CRLF, or a bare LF).
bool FrameReader::line(std::string &Out) {
  for (;;) {
    size_t NL = Buf.find('\n', Pos);
    if (NL != std::string::npos) {
      Out.assign(Buf, Pos, NL - Pos);
      if (!Out.empty() && Out.back() == '\r')
        Out.pop_back();
      Pos = NL + 1;
      return true;
    }
    if (Buf.size() - Pos > 65536) { // no header line is that long
      Out.assign(Buf, Pos, std::string::npos);
      Pos = Buf.size();
      return true;
    }
    if (!fill())
      return false;
  }
}

FrameReader::Result FrameReader::read(std::string &Body) {
  std::string L;
  long long Length = -1;
  bool SawHeader = false;
  for (;;) {
    if (!line(L))
      return End;
    if (L.empty()) {
      if (!SawHeader)
        continue; // stray blank lines between messages
      break;
    }
    SawHeader = true;
    size_t Colon = L.find(':');
    if (Colon == std::string::npos)
      continue;
    std::string Name = L.substr(0, Colon);
    for (char &C : Name)
      C = static_cast<char>(tolower(static_cast<unsigned char>(C)));
    if (Name == "content-length") {
      const char *V = L.c_str() + Colon + 1;
      char *EndPtr = nullptr;
      errno = 0;
      long long N = strtoll(V, &EndPtr, 10);
      while (*EndPtr == ' ' || *EndPtr == '\t')
        ++EndPtr;
      Length = (errno || *EndPtr || N < 0) ? -1 : N;
    }
  }
  if (Length < 0)
    return BadHeader;
  bool Keep = static_cast<unsigned long long>(Length) <= MaxBody;
  size_t Want = static_cast<size_t>(Length);
  Body.clear();
  while (Want > 0) {
    if (Pos == Buf.size() && !fill())
      return End;
    size_t Take = std::min(Want, Buf.size() - Pos);
    if (Keep)
      Body.append(Buf, Pos, Take);
    Pos += Take;
    Want -= Take;
  }
  return Keep ? Message : TooLarge;
}

std::string frame(const std::string &Body) {
  return "Content-Length: " + std::to_string(Body.size()) + "\r\n\r\n" + Body;
}

Outbox::Outbox(int Fd, bool OwnsFd) : Fd(Fd), OwnsFd(OwnsFd), Thread([this] { run(); }) {}

Outbox::~Outbox() {
  {
    std::lock_guard<std::mutex> L(M);
    Closing = true;
  }
  Ready.notify_all();
  Thread.join();
  if (OwnsFd)
    ::close(Fd);
}

void Outbox::push(std::string Body) {
  {
    std::lock_guard<std::mutex> L(M);
    if (Closing || Failed)
      return;
    Bytes += Body.size();
    Queue.push_back(std::move(Body));
  }
  Ready.notify_one();
}

void Outbox::waitForRoom(size_t Limit) {
  std::unique_lock<std::mutex> L(M);
  Room.wait(L, [&] { return Bytes <= Limit || Failed || Closing; });
}

bool Outbox::flush(std::chrono::milliseconds Timeout) {
  std::unique_lock<std::mutex> L(M);
  return Room.wait_for(L, Timeout, [&] { return (Queue.empty() && !Writing) || Failed; });
}

void Outbox::abandon() {
  {
    std::lock_guard<std::mutex> L(M);
    Closing = true;
    Queue.clear();
    Bytes = 0;
  }
  Ready.notify_all();
  Room.notify_all();
}

bool Outbox::failed() const {
  std::lock_guard<std::mutex> L(M);
  return Failed;
}

void Outbox::run() {
  std::unique_lock<std::mutex> L(M);
  for (;;) {
    Ready.wait(L, [&] { return !Queue.empty() || Closing; });
    if (Queue.empty())
      break;
    std::string Body = std::move(Queue.front());
    Queue.pop_front();
    Writing = true;
    L.unlock();
    std::string Wire = frame(Body);
    size_t Done = 0;
    bool Ok = true;
    while (Done < Wire.size()) {
      ssize_t N = ::write(Fd, Wire.data() + Done, Wire.size() - Done);
      if (N < 0 && errno == EINTR)
        continue;
      if (N <= 0) {
        Ok = false;
        break;
      }
      Done += static_cast<size_t>(N);
    }
    L.lock();
    Writing = false;
    Bytes -= Body.size();
    if (!Ok) {
      Failed = true;
      Queue.clear();
      Bytes = 0;
    }
    Room.notify_all();
  }
  Room.notify_all();
}

} // namespace lsp
} // namespace weft
