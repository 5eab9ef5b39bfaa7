//===- EvtxReader.cpp - Windows event log (.evtx) files as JSON events ----===//
//
// The file and chunk layer: headers, checksums (CRC-32, sliced by 8), the
// record walk and its recovery from damage. Records go to BinXmlRenderer.
//
//===----------------------------------------------------------------------===//
#include "events/EvtxReader.h"

#include "events/BinXml.h"
#include "events/LittleEndian.h"

#include <libevtx.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rulec {

namespace {

using evtx::rd32;
using evtx::rd64;

/// CRC-32 (IEEE 802.3, as zlib), eight bytes a step: a chunk's 64 KiB cost
/// ~40 us byte by byte, a fifth of that here.
struct Crc32Tables {
  std::array<std::array<uint32_t, 256>, 8> t{};
  constexpr Crc32Tables() {
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; ++i)
      for (int k = 1; k < 8; ++k)
        t[k][i] = t[k - 1][i] >> 8 ^ t[0][t[k - 1][i] & 0xFF];
  }
};
constexpr Crc32Tables kCrc;

uint32_t crc32(uint32_t crc, const uint8_t *p, size_t n) {
  crc = ~crc;
  const auto &t = kCrc.t;
  for (; n >= 8; n -= 8, p += 8) {
    const uint32_t a = rd32(p) ^ crc, b = rd32(p + 4);
    crc = t[7][a & 0xFF] ^ t[6][a >> 8 & 0xFF] ^ t[5][a >> 16 & 0xFF] ^ t[4][a >> 24] ^ t[3][b & 0xFF] ^
          t[2][b >> 8 & 0xFF] ^ t[1][b >> 16 & 0xFF] ^ t[0][b >> 24];
  }
  for (; n > 0; --n, ++p)
    crc = t[0][(crc ^ *p) & 0xFF] ^ crc >> 8;
  return ~crc;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

/// Whether `n` bytes at `p` are all zero (memcmp with itself shifted by one
/// byte: as fast as memcmp).
bool allZero(const uint8_t *p, size_t n) { return n == 0 || (p[0] == 0 && std::memcmp(p, p + 1, n - 1) == 0); }

constexpr char kFileMagic[8] = {'E', 'l', 'f', 'F', 'i', 'l', 'e', '\0'};
constexpr char kChunkMagic[8] = {'E', 'l', 'f', 'C', 'h', 'n', 'k', '\0'};
constexpr char kRecordMagic[4] = {'*', '*', '\0', '\0'};
constexpr uint32_t kRecordHeaderSize = 24; ///< signature, size, id, time
constexpr uint32_t kMinRecordSize = kRecordHeaderSize + 4;

} // namespace

bool isEvtxMagic(std::string_view head) { return head.size() >= 8 && std::memcmp(head.data(), kFileMagic, 8) == 0; }

EvtxReader::EvtxReader() : renderer_(std::make_unique<evtx::BinXmlRenderer>()) {}

EvtxReader::~EvtxReader() {
  if (fd_ >= 0)
    ::close(fd_);
}

void EvtxReader::setJsonOptions(const evtx::JsonOptions &options) { renderer_->setOptions(options); }

size_t EvtxReader::readFully(uint8_t *buffer, size_t n) {
  size_t got = 0;
  while (got < n) {
    const ssize_t r = ::read(fd_, buffer + got, n - got);
    if (r > 0) {
      got += static_cast<size_t>(r);
      continue;
    }
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0)
      error_ = std::strerror(errno);
    break;
  }
  return got;
}

bool EvtxReader::checkHeader(std::string &error) {
  const uint8_t *h = fd_ >= 0 ? buffer_.data() : reinterpret_cast<const uint8_t *>(bytes_.data());
  const size_t n = fd_ >= 0 ? buffer_.size() : std::min<size_t>(bytes_.size(), kFileHeaderSize);
  if (n < 8 || !isEvtxMagic({reinterpret_cast<const char *>(h), 8})) {
    error = "not an EVTX file (no \"ElfFile\" header)";
    return false;
  }
  if (n < 128) {
    report("file header: cut short (" + std::to_string(n) + " bytes)");
    return true;
  }
  headerChunks_ = static_cast<uint16_t>(h[42] | h[43] << 8);
  if (crc32(0, h, 120) != rd32(h + 124)) {
    report("file header: bad checksum");
    maySlack_ = true;
  }
  return true;
}

bool EvtxReader::open(const std::string &path, std::string &error) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    error = "cannot open " + path + ": " + std::strerror(errno);
    return false;
  }
  buffer_.resize(kChunkSize);
  buffer_.resize(readFully(buffer_.data(), kFileHeaderSize));
  if (!checkHeader(error)) {
    if (!error_.empty())
      error = "cannot read " + path + ": " + error_;
    ::close(fd_);
    fd_ = -1;
    return false;
  }
  eof_ = buffer_.size() < kFileHeaderSize;
  if (eof_ && buffer_.size() >= 128)
    report("file header: cut short (" + std::to_string(buffer_.size()) + " bytes)");
  buffer_.resize(kChunkSize);
  // libevtx reads the file by name: only a regular file can be read twice
  // (through our descriptor, so that it is the same file).
  struct stat st;
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode))
    recoveredPath_ = "/proc/self/fd/" + std::to_string(fd_);
  else
    report("not a regular file: libevtx's recovered records are not counted");
  return true;
}

bool EvtxReader::openBytes(std::string bytes, std::string &error, bool recovered) {
  bytes_ = std::move(bytes);
  if (!checkHeader(error))
    return false;
  if (bytes_.size() < kFileHeaderSize && bytes_.size() >= 128)
    report("file header: cut short (" + std::to_string(bytes_.size()) + " bytes)");
  bytesPos_ = std::min<size_t>(bytes_.size(), kFileHeaderSize);
  recoveredFromBytes_ = recovered;
  return true;
}

void EvtxReader::finishRecovered() {
  if (!maySlack_) // no slack with data, no chunk beyond the header's count: nothing to recover
    return;
  if (!recoveredPath_.empty()) {
    countRecovered(recoveredPath_);
    return;
  }
  if (!recoveredFromBytes_)
    return;
  // libevtx reads files by name: hand it a memory file.
  const int fd = ::memfd_create("evtx", MFD_CLOEXEC);
  if (fd < 0) {
    report("libevtx cannot read the file: its recovered records are not counted");
    return;
  }
  size_t done = 0;
  while (done < bytes_.size()) {
    const ssize_t w = ::write(fd, bytes_.data() + done, bytes_.size() - done);
    if (w <= 0)
      break;
    done += static_cast<size_t>(w);
  }
  if (done == bytes_.size())
    countRecovered("/proc/self/fd/" + std::to_string(fd));
  ::close(fd);
}

void EvtxReader::countRecovered(const std::string &path) {
  libevtx_file_t *file = nullptr;
  libevtx_error_t *error = nullptr;
  bool counted = false;
  if (libevtx_file_initialize(&file, &error) == 1) {
    if (libevtx_file_open(file, path.c_str(), LIBEVTX_OPEN_READ, &error) == 1) {
      int n = 0;
      if (libevtx_file_get_number_of_recovered_records(file, &n, &error) == 1) {
        stats_.recovered = n > 0 ? static_cast<uint64_t>(n) : 0;
        counted = true;
      }
      libevtx_file_close(file, nullptr);
    }
    libevtx_file_free(&file, nullptr);
  }
  if (error)
    libevtx_error_free(&error);
  if (!counted)
    report("libevtx cannot read the file: its recovered records are not counted");
}

bool EvtxReader::loadChunk() {
  if (fd_ >= 0) {
    if (eof_)
      return false;
    const size_t n = readFully(buffer_.data(), kChunkSize);
    if (n < kChunkSize) {
      eof_ = true;
      if (!error_.empty())
        report("read error after chunk " + std::to_string(chunkIndex_) + ": " + error_);
    }
    if (n == 0)
      return false;
    chunk_ = buffer_.data();
    chunkSize_ = static_cast<uint32_t>(n);
    chunkOffset_ = kFileHeaderSize + chunkIndex_ * uint64_t(kChunkSize);
    return true;
  }
  if (bytesPos_ >= bytes_.size())
    return false;
  chunk_ = reinterpret_cast<const uint8_t *>(bytes_.data()) + bytesPos_;
  chunkSize_ = static_cast<uint32_t>(std::min<size_t>(kChunkSize, bytes_.size() - bytesPos_));
  chunkOffset_ = bytesPos_;
  bytesPos_ += chunkSize_;
  return true;
}

void EvtxReader::damageChunk(const std::string &why) {
  maySlack_ = true;
  if (!chunkDamaged_) {
    chunkDamaged_ = true;
    ++stats_.damagedChunks;
  }
  report("chunk " + std::to_string(chunkIndex_) + " (offset " + hex(chunkOffset_) + "): " + why);
}

bool EvtxReader::startChunk() {
  chunkDamaged_ = false;
  const bool cut = chunkSize_ < kChunkSize;
  const bool signed_ = chunkSize_ >= 8 && std::memcmp(chunk_, kChunkMagic, 8) == 0;
  if (!signed_ && allZero(chunk_, chunkSize_)) { // never used
    if (cut) {
      damageChunk("cut short by the end of the file (" + std::to_string(chunkSize_) + " bytes, all zero)");
    }
    return false;
  }
  // libevtx recovers records from slack space, damaged chunks and chunks
  // past the header's count: only such a file needs it read twice.
  if (chunkIndex_ >= headerChunks_)
    maySlack_ = true;
  if (cut)
    damageChunk("cut short by the end of the file (" + std::to_string(chunkSize_) + " of " +
                std::to_string(kChunkSize) + " bytes)");
  if (!signed_)
    damageChunk("bad signature");
  if (chunkSize_ <= kChunkHeaderSize)
    return false;
  bool headerOk = signed_;
  if (signed_ && crc32(crc32(0, chunk_, 120), chunk_ + 128, kChunkHeaderSize - 128) != rd32(chunk_ + 124)) {
    damageChunk("bad header checksum");
    headerOk = false;
  }
  // Records run from 512 to the free-space offset; what follows is slack.
  const uint32_t freeSpace = rd32(chunk_ + 48);
  trustedEnd_ = headerOk && freeSpace >= kChunkHeaderSize && freeSpace <= chunkSize_;
  if (headerOk && !trustedEnd_)
    damageChunk("free-space offset " + hex(freeSpace) + " outside the chunk");
  bound_ = trustedEnd_ ? freeSpace : chunkSize_;
  if (trustedEnd_ && !allZero(chunk_ + freeSpace, chunkSize_ - freeSpace))
    maySlack_ = true;
  if (trustedEnd_ && crc32(0, chunk_ + kChunkHeaderSize, freeSpace - kChunkHeaderSize) != rd32(chunk_ + 52))
    damageChunk("bad record data checksum");
  pos_ = kChunkHeaderSize;
  renderer_->setChunk(chunk_, chunkSize_);
  return true;
}

bool EvtxReader::next(std::string_view &json, uint64_t &recordId,
                      const std::function<void(const std::string &)> &problem) {
  auto flush = [&] {
    for (const std::string &m : pending_)
      problem(m);
    pending_.clear();
  };
  std::string why;
  while (true) {
    flush();
    if (!inChunk_) {
      if (!loadChunk()) {
        if (!finished_) {
          finished_ = true;
          finishRecovered();
        }
        flush();
        return false;
      }
      inChunk_ = startChunk();
      ++chunkIndex_;
      lastId_ = 0;
      haveLastId_ = false;
      continue;
    }
    if (pos_ >= bound_ || bound_ - pos_ < kRecordHeaderSize) {
      inChunk_ = false;
      continue;
    }
    const uint8_t *r = chunk_ + pos_;
    const uint64_t at = chunkOffset_ + pos_;
    const uint32_t size = rd32(r + 4);
    const uint64_t id = rd64(r + 8);
    const bool magic = std::memcmp(r, kRecordMagic, 4) == 0;
    const bool sized = size >= kMinRecordSize && size <= bound_ - pos_ && rd32(r + size - 4) == size;
    if (!magic || !sized) {
      if (!trustedEnd_) {
        // The walk ends at the first gap; a record cut by the end of the
        // file is a damaged one.
        if (magic && size >= kMinRecordSize && size <= kChunkSize - kChunkHeaderSize && chunkSize_ < kChunkSize &&
            size > bound_ - pos_) {
          ++stats_.damagedRecords;
          report("record " + std::to_string(id) + " at offset " + hex(at) + ": cut short by the end of the file");
        }
        inChunk_ = false;
        continue;
      }
      ++stats_.damagedRecords;
      report(magic ? "record " + std::to_string(id) + " at offset " + hex(at) + ": bad size " + std::to_string(size)
                   : "record at offset " + hex(at) + ": bad signature");
      // Go on at the next valid record header.
      uint32_t q = pos_ + 8;
      for (; q <= bound_ && bound_ - q >= kMinRecordSize; q += 8) {
        const uint32_t s = rd32(chunk_ + q + 4);
        if (std::memcmp(chunk_ + q, kRecordMagic, 4) == 0 && s >= kMinRecordSize && s <= bound_ - q &&
            rd32(chunk_ + q + s - 4) == s)
          break;
      }
      if (q <= bound_ && bound_ - q >= kMinRecordSize)
        pos_ = q;
      else
        inChunk_ = false;
      continue;
    }
    if (!trustedEnd_) {
      // Without a trusted end, records must follow one another by id: an
      // older record left in slack space ends the walk.
      if (haveLastId_ && id != lastId_ + 1) {
        inChunk_ = false;
        continue;
      }
      lastId_ = id;
      haveLastId_ = true;
    }
    pos_ += size;
    if (!renderer_->render(static_cast<uint32_t>(r - chunk_) + kRecordHeaderSize,
                           static_cast<uint32_t>(r - chunk_) + size - 4, why)) {
      ++stats_.damagedRecords;
      report("record " + std::to_string(id) + " at offset " + hex(at) + ": " + why);
      continue;
    }
    flush();
    ++stats_.records;
    json = renderer_->json();
    recordId = renderer_->eventRecordId().value_or(id);
    return true;
  }
}

} // namespace rulec
