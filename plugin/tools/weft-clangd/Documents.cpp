// Documents.cpp: LSP positions, incremental edits and file URIs.
// Covered by test/clangd/ (nvim.lua and protocol.py edit unsaved buffers).
#include "Documents.h"

#include <algorithm>

namespace weft {
namespace lsp {

Encoding parseEncoding(llvm::StringRef Name) {
  if (Name == "utf-8")
    return Encoding::UTF8;
  if (Name == "utf-32")
    return Encoding::UTF32;
  return Encoding::UTF16;
}

namespace {

// The length of the UTF-8 sequence starting with byte B (1 for a stray
// continuation byte, so that malformed text still advances).
size_t sequenceLength(unsigned char B) {
  if (B >= 0xF0)
    return 4;
  if (B >= 0xE0)
    return 3;
  if (B >= 0xC0)
    return 2;
  return 1;
}

size_t units(size_t SeqLen, Encoding E) {
  switch (E) {
  case Encoding::UTF8:
    return SeqLen;
  case Encoding::UTF16:
    return SeqLen == 4 ? 2 : 1;
  case Encoding::UTF32:
    return 1;
  }
  return 1;
}

size_t lineStart(llvm::StringRef Text, int64_t Line) {
  size_t Off = 0;
  for (int64_t L = 0; L < Line; ++L) {
    size_t NL = Text.find('\n', Off);
    if (NL == llvm::StringRef::npos)
      return Text.size();
    Off = NL + 1;
  }
  return Off;
}

} // namespace

size_t offsetOf(llvm::StringRef Text, int64_t Line, int64_t Character, Encoding E) {
  if (Line < 0)
    return 0;
  size_t Off = lineStart(Text, Line);
  size_t End = Text.find('\n', Off);
  if (End == llvm::StringRef::npos)
    End = Text.size();
  int64_t Left = std::max<int64_t>(Character, 0);
  while (Off < End && Left > 0) {
    size_t Len = std::min(sequenceLength(static_cast<unsigned char>(Text[Off])), End - Off);
    Left -= static_cast<int64_t>(units(Len, E));
    Off += Len;
  }
  return Off;
}

llvm::json::Object positionOf(llvm::StringRef Text, size_t Offset, Encoding E) {
  Offset = std::min(Offset, Text.size());
  int64_t Line = 0;
  size_t Start = 0;
  for (size_t NL = Text.find('\n'); NL != llvm::StringRef::npos && NL < Offset; NL = Text.find('\n', NL + 1)) {
    ++Line;
    Start = NL + 1;
  }
  int64_t Character = 0;
  for (size_t I = Start; I < Offset;) {
    size_t Len = std::min(sequenceLength(static_cast<unsigned char>(Text[I])), Offset - I);
    Character += static_cast<int64_t>(units(Len, E));
    I += Len;
  }
  return llvm::json::Object{{"line", Line}, {"character", Character}};
}

size_t offsetOfLineColumn(llvm::StringRef Text, unsigned Line, unsigned Column) {
  size_t Off = lineStart(Text, Line ? Line - 1 : 0);
  size_t End = Text.find('\n', Off);
  if (End == llvm::StringRef::npos)
    End = Text.size();
  return std::min(Off + (Column ? Column - 1 : 0), End);
}

bool applyChange(std::string &Text, const llvm::json::Object &Change, Encoding E) {
  auto New = Change.getString("text");
  if (!New)
    return false;
  const llvm::json::Object *Range = Change.getObject("range");
  if (!Range) {
    Text = New->str();
    return true;
  }
  auto Pos = [&](const char *Key, size_t &Out) {
    const llvm::json::Object *P = Range->getObject(Key);
    if (!P)
      return false;
    auto L = P->getInteger("line");
    auto C = P->getInteger("character");
    if (!L || !C)
      return false;
    Out = offsetOf(Text, *L, *C, E);
    return true;
  };
  size_t Begin, End;
  if (!Pos("start", Begin) || !Pos("end", End) || End < Begin)
    return false;
  Text.replace(Begin, End - Begin, New->str());
  return true;
}

std::string uriToPath(llvm::StringRef Uri) {
  if (!Uri.consume_front("file://"))
    return "";
  // An authority other than empty or localhost names another machine.
  size_t Slash = Uri.find('/');
  if (Slash == llvm::StringRef::npos)
    return "";
  llvm::StringRef Authority = Uri.take_front(Slash);
  if (!Authority.empty() && Authority != "localhost")
    return "";
  Uri = Uri.drop_front(Slash);
  std::string Path;
  for (size_t I = 0; I < Uri.size(); ++I) {
    unsigned Hi, Lo;
    auto Hex = [](char C, unsigned &V) {
      if (C >= '0' && C <= '9')
        V = C - '0';
      else if (C >= 'a' && C <= 'f')
        V = C - 'a' + 10;
      else if (C >= 'A' && C <= 'F')
        V = C - 'A' + 10;
      else
        return false;
      return true;
    };
    if (Uri[I] == '%' && I + 2 < Uri.size() && Hex(Uri[I + 1], Hi) && Hex(Uri[I + 2], Lo)) {
      Path.push_back(static_cast<char>(Hi * 16 + Lo));
      I += 2;
    } else {
      Path.push_back(Uri[I]);
    }
  }
  return Path;
}

std::string pathToUri(llvm::StringRef Path) {
  std::string Uri = "file://";
  static const char Digits[] = "0123456789ABCDEF";
  for (unsigned char C : Path) {
    if (isalnum(C) || C == '/' || C == '-' || C == '_' || C == '.' || C == '~')
      Uri.push_back(static_cast<char>(C));
    else {
      Uri.push_back('%');
      Uri.push_back(Digits[C >> 4]);
      Uri.push_back(Digits[C & 15]);
    }
  }
  return Uri;
}

} // namespace lsp
} // namespace weft
