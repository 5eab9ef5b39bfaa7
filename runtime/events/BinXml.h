//===- BinXml.h - EVTX Binary XML rendered as evtx_dump's JSON ------------===//
//
// An EVTX record holds its event as Binary XML: a token stream (elements,
// attributes, values, entity and character references) that mostly names a
// template (an element tree with numbered holes, defined once per chunk and
// referenced by its offset) plus the typed values that fill the holes. This
// renderer walks that stream, expands templates and nested Binary XML values
// (type 0x21) in place, and builds the JSON object the Rust `evtx` crate's
// JsonOutput builds (`evtx_dump -o json`), so that .evtx files and their
// JSON renderings give rules one shape. The crate's rules, as reproduced
// here (each checked against the corpus under ../shared/corpus, or, where
// the corpus has no case, against the crate's source):
//
//  - an element is a key of its parent; its attributes (those whose value is
//    not null) go under "#attributes", and its text then goes under "#text";
//    an element with neither attributes nor text is null; an element with
//    text only is its value; an empty string is no text (JsonOptions);
//  - <Data Name="X">v</Data> is the key "X" (attributes other than Name are
//    dropped; without text it is ""); <Data> without Name appends its text
//    to the parent's "Data" object: {"#text": v}, then {"#text": [v1, ...]};
//  - a repeated element name keeps the newest value under the name and moves
//    the previous one to NAME_1, NAME_2, ... (null and {} placeholders are
//    replaced, not moved); text that follows text is concatenated;
//  - values keep their Binary XML types: integers (8 to 64 bits) and reals
//    are JSON numbers (NaN and infinities null), Bool true/false, HexInt32/
//    HexInt64/SizeT "0x" + lowercase hex, GUID uppercase without braces,
//    SID "S-1-...", FILETIME and SYSTEMTIME ISO 8601 with six fractional
//    digits and "Z", Binary uppercase hex, AnsiString from Windows-1252,
//    arrays JSON arrays; optional substitutions whose template declares
//    them null are left out, as are null attribute values.
//
// Where the crate gives up on a record and evtx_dump prints an error
// instead, this renderer renders: character references and CDATA as text,
// unknown entity references as "&name;", text after a number or boolean
// concatenated (or, under "#text", an array), invalid UTF-16 with U+FFFD,
// EvtHandle/EvtXml and arrays of Binary, AnsiString or SizeT as null.
//
// Hostile input: every offset and size is checked against the chunk (names,
// templates and values resolve only inside it), template and nested-value
// recursion is bounded (kMaxNesting), as are element depth (kMaxElementDepth,
// under rulec's JSON depth limit), the tokens one record may expand to
// (kMaxTokens, which stops template cycles and fan-out), the key lookups it
// may cost (kMaxWork: repeated names cost a scan of their parent each, as in
// the crate) and its rendered size (kMaxBytes). A record that breaks any of
// these fails with a reason; a real one is far from all of them (a few
// hundred tokens and lookups, a few KB). The records of one chunk share a
// budget too (kMaxChunkCost), so that time stays proportional to the input.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace rulec::evtx {

/// Where the renderings disagree. The defaults follow the evtx-samples
/// corpus (the crate's conventions as of 0.12, rendered through python-evtx);
/// evtxDump() follows what evtx_dump itself writes since 0.8.5 (SigmaHQ's
/// regression data).
struct JsonOptions {
  /// Trailing (Unicode) whitespace of string substitutions is trimmed.
  bool trimStrings = false;
  /// FILETIME and SYSTEMTIME fractions get 0, 3, 6 or 9 digits as needed,
  /// as chrono's RFC 3339 serialization writes them (some evtx_dump
  /// versions), not always six.
  bool autoFractionDigits = false;
  /// Empty text is text: <X></X> with an empty string is "" (else null, and
  /// <Data Name="X"> without text is "").
  bool emptyTextIsText = false;

  static JsonOptions evtxDump() { return {true, false, true}; }
};

class BinXmlRenderer {
public:
  /// Readable bytes after every rendered object (simdjson::SIMDJSON_PADDING).
  static constexpr size_t kPadding = 64;
  /// Templates within templates and Binary XML values within values.
  static constexpr unsigned kMaxNesting = 16;
  /// Elements within elements (rulec parses events up to depth 64).
  static constexpr unsigned kMaxElementDepth = 48;
  /// Tokens one record may expand to, templates included.
  static constexpr uint32_t kMaxTokens = 1u << 18;
  /// Key comparisons one record may cost (tens of milliseconds).
  static constexpr uint64_t kMaxWork = uint64_t(1) << 23;
  /// What the records of one chunk may cost together (tokens, key
  /// comparisons and rendered bytes / 16; a real chunk costs under 10^6):
  /// past it, the chunk's remaining records fail, so that a hostile 64 KiB
  /// chunk of thousands of small records cannot each take the record limits.
  static constexpr uint64_t kMaxChunkCost = uint64_t(1) << 25;
  /// Text one record may render to.
  static constexpr size_t kMaxBytes = size_t(16) << 20;

  BinXmlRenderer();
  ~BinXmlRenderer();
  BinXmlRenderer(const BinXmlRenderer &) = delete;
  BinXmlRenderer &operator=(const BinXmlRenderer &) = delete;

  void setOptions(const JsonOptions &options);

  /// Starts a chunk: `size` bytes at `chunk` (at most 64 KiB), which the
  /// records rendered next refer to; they must stay valid until the next call.
  void setChunk(const uint8_t *chunk, uint32_t size);

  /// Renders the Binary XML at [begin, end) of the chunk (a record's event
  /// data). True with the JSON object in json(); false with `error` saying
  /// why (json() is then empty).
  bool render(uint32_t begin, uint32_t end, std::string &error);

  /// The JSON object last rendered, followed by kPadding readable bytes;
  /// valid until the next render() or setChunk().
  std::string_view json() const;

  /// The number the last rendered event holds in Event/System/EventRecordID.
  std::optional<uint64_t> eventRecordId() const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

} // namespace rulec::evtx
