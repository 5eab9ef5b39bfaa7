//===- EvtxReader.h - Windows event log (.evtx) files as JSON events ------===//
//
// Reads an EVTX file (a 4 KiB file header, then 64 KiB chunks of records,
// each record an EventRecordID and its event as Binary XML) and hands out
// each record as the JSON object `evtx_dump -o json` (the Rust evtx crate)
// prints for it, so that rules and field mappings see .evtx files and their
// JSON renderings alike. The Binary XML decoder is events/BinXml.h (which
// lists the JSON conventions). libevtx is used only to count the records it
// recovers from slack space, which rulec reports and never evaluates: at the
// end of the file, and only when some chunk has non-zero bytes after its
// free-space offset, is damaged, or lies past the file header's chunk count
// (elsewhere there is nothing to recover; opening the file in libevtx costs
// about as much as decoding all of its records here).
//
// The file is read a chunk at a time (memory stays at one chunk whatever
// the file's size; pipes work), or given whole to openBytes(). Every chunk
// the file holds is read, in file order, as evtx_dump reads them (the file
// header's chunk count, stale in a log copied while open, is not used).
//
// Damage (this is a trust boundary: every offset and size is checked, a
// record never reaches outside its chunk, and one bad record or chunk never
// ends the file early):
//  - the file must start with "ElfFile\0"; a bad file header checksum is
//    reported and the chunks are read (their positions do not depend on it);
//    checksums are CRC-32 (IEEE), as libevtx and evtx_dump check them;
//  - a chunk whose signature is all zeros and whose bytes are all zeros is
//    unused and skipped silently; any other bad signature, a bad header
//    checksum, a free-space offset outside the chunk, a bad checksum of the
//    record data, or a chunk cut short by the end of the file makes it a
//    damaged chunk (reported, counted once). Its records are still read, and
//    each renders only if it validates on its own (signature, size and its
//    copy at the end, event data that decodes inside the chunk). Like
//    evtx_dump, which ignores checksums unless asked, this keeps the records
//    of a chunk that was being written when the file was copied; the report
//    says which chunk to distrust;
//  - records are read from offset 512 up to the chunk's free-space offset
//    (what lies after it is slack: libevtx's recovered records). A record
//    whose header is invalid is a damaged record; the reader then looks for
//    the next valid record header (8-byte steps) and goes on from there.
//    When the free-space offset cannot be trusted (bad signature or header
//    checksum, or out of range) it reads the records that follow one another
//    from offset 512, and stops at the first gap or at a record whose
//    identifier does not follow the previous one's (so that slack is not
//    taken for records); a record cut by the end of the file is damaged;
//  - a record whose event data does not decode (see BinXml.h for the limits)
//    is a damaged record: reported with its header's identifier and file
//    offset, counted, skipped.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "events/BinXml.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace rulec {

/// Whether `head` (the first bytes of a file, at least 8) starts an EVTX file ("ElfFile\0").
bool isEvtxMagic(std::string_view head);

struct EvtxStats {
  uint64_t records = 0;        ///< rendered
  uint64_t damagedRecords = 0; ///< found but not renderable (reported)
  uint64_t damagedChunks = 0;  ///< chunks with a bad signature/header or checksum (reported)
  uint64_t recovered = 0;      ///< libevtx's recovered records (slack space): counted, never rendered;
                               ///< known once next() has returned false
};

class EvtxReader {
public:
  EvtxReader();
  ~EvtxReader();
  EvtxReader(const EvtxReader &) = delete;
  EvtxReader &operator=(const EvtxReader &) = delete;

  /// Opens the file (then read a chunk at a time). False with `error` when it cannot be read or has no EVTX
  /// file header.
  bool open(const std::string &path, std::string &error);

  /// `bytes` as an EVTX file (tests, fuzzing, the benchmark). libevtx is not
  /// asked about recovered records unless `countRecovered` (it then reads a
  /// memory file of the bytes).
  bool openBytes(std::string bytes, std::string &error, bool countRecovered = false);

  /// The next record in file order: `json` is its JSON object (valid until the next call, followed by at
  /// least simdjson::SIMDJSON_PADDING readable bytes), `recordId` its EventRecordID. Damaged chunks and
  /// records are skipped after `problem(message)` is called with a message naming them
  /// ("chunk 3: bad header checksum", "record 1234 at offset 0x1a2b0: ..."); the file goes on. False at the end.
  /// `recordId` is the event's System/EventRecordID; the record header's identifier when the event has
  /// none (the two differ in exported logs, whose headers number records from 1; messages about damaged
  /// records, which cannot be decoded, give the header's).
  bool next(std::string_view &json, uint64_t &recordId, const std::function<void(const std::string &)> &problem);

  const EvtxStats &stats() const { return stats_; }

  /// How the records are rendered where renderings of the crate disagree
  /// (events/BinXml.h); the default follows the evtx-samples corpus.
  void setJsonOptions(const evtx::JsonOptions &options);

  static constexpr uint32_t kFileHeaderSize = 4096;
  static constexpr uint32_t kChunkSize = 65536;
  static constexpr uint32_t kChunkHeaderSize = 512;

private:
  /// Checks the file header in header_; false with `error` when it is not one.
  bool checkHeader(std::string &error);
  /// Loads the next chunk into view; false at the end of the file.
  bool loadChunk();
  /// Checks the loaded chunk and sets up its record walk; false when it has none.
  bool startChunk();
  /// Reads `n` bytes from the file into `buffer` (fewer at its end).
  size_t readFully(uint8_t *buffer, size_t n);
  void countRecovered(const std::string &path);
  /// At the end of the file: libevtx's recovered records, when it may find any.
  void finishRecovered();

  void report(std::string message) { pending_.push_back(std::move(message)); }
  void damageChunk(const std::string &why);

  std::unique_ptr<evtx::BinXmlRenderer> renderer_;
  EvtxStats stats_;
  int fd_ = -1;
  std::string bytes_;             ///< openBytes(): the whole file
  std::vector<uint8_t> buffer_;   ///< open(): the current chunk
  size_t bytesPos_ = 0;           ///< openBytes(): where the next chunk starts
  bool eof_ = false;
  const uint8_t *chunk_ = nullptr; ///< the current chunk's bytes
  uint32_t chunkSize_ = 0;         ///< its size (less than kChunkSize when cut short)
  uint64_t chunkIndex_ = 0;        ///< the next chunk's number
  uint64_t chunkOffset_ = 0;       ///< the current chunk's file offset
  bool inChunk_ = false;
  bool chunkDamaged_ = false;
  bool trustedEnd_ = false;        ///< bound_ is the chunk's free-space offset
  uint32_t pos_ = 0, bound_ = 0;   ///< the record walk
  uint64_t lastId_ = 0;            ///< without a trusted end: the last record's id
  bool haveLastId_ = false;
  uint16_t headerChunks_ = 0;      ///< the file header's chunk count
  bool maySlack_ = false;          ///< libevtx may find recovered records
  bool finished_ = false;
  std::string recoveredPath_;      ///< open(): the file, by our descriptor
  bool recoveredFromBytes_ = false;
  std::vector<std::string> pending_;
  std::string error_;
};

} // namespace rulec
