// Documents.h: the editor's buffers as weft-clangd keeps them: file URIs,
// LSP positions in the negotiated encoding, and full and incremental
// textDocument/didChange edits.  Covered by test/clangd/ (nvim.lua edits
// the buffer without saving; protocol.py sends incremental changes).
#ifndef WEFT_CLANGD_DOCUMENTS_H
#define WEFT_CLANGD_DOCUMENTS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"

#include <string>

namespace weft {
namespace lsp {

// What a position's "character" counts (LSP 3.17 PositionEncodingKind;
// clangd's offsetEncoding extension before that).  UTF-16 is the default.
enum class Encoding { UTF8, UTF16, UTF32 };
Encoding parseEncoding(llvm::StringRef Name);

// The byte offset in Text of the zero-based LSP position (Line, Character),
// clamped to the end of that line (and of Text).
size_t offsetOf(llvm::StringRef Text, int64_t Line, int64_t Character, Encoding E);

// The LSP position of the byte offset Offset in Text.
llvm::json::Object positionOf(llvm::StringRef Text, size_t Offset, Encoding E);

// The byte offset of a 1-based line and 1-based byte column (Clang's).
size_t offsetOfLineColumn(llvm::StringRef Text, unsigned Line, unsigned Column);

// Applies one TextDocumentContentChangeEvent (with a range: incremental;
// without: the whole text).  False if Change is malformed.
bool applyChange(std::string &Text, const llvm::json::Object &Change, Encoding E);

// file:// URIs (RFC 8089) to absolute paths and back; "" if Uri is not a
// file URI.
std::string uriToPath(llvm::StringRef Uri);
std::string pathToUri(llvm::StringRef Path);

} // namespace lsp
} // namespace weft

#endif
