//===- StateFile.cpp ------------------------------------------------------===//
#include "state/StateFile.h"

#include "packs/ByteCodec.h"
#include "packs/PackSerialization.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace rulec {

namespace {

constexpr std::string_view kMagic{"RULECST\0", 8};

std::string systemError(const std::string &what, const std::string &path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

bool writeAll(int fd, const std::string &bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string folderOf(const std::string &path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

uint64_t packFingerprint(const PackInfo &pack) {
  uint64_t h = 1469598103934665603ull; // FNV-1a
  for (unsigned char c : serializePack(pack)) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

bool saveStateFile(const std::string &path, const PackInfo &pack, const StateHeader &header, const Scanner &scanner,
                   std::string &error) {
  bytes::Writer w;
  w.out.append(kMagic);
  w.u32(kStateFormatVersion);
  w.u64(packFingerprint(pack));
  w.u64(header.eventsConsumed);
  w.u64(header.outputOffset);
  w.vec(header.inputs);
  scanner.saveState(w);

  const std::string temp = path + ".tmp";
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    error = systemError("cannot write state", temp);
    return false;
  }
  const bool ok = writeAll(fd, w.out) && ::fsync(fd) == 0;
  const std::string why = ok ? "" : systemError("cannot write state", temp);
  ::close(fd);
  if (!ok) {
    error = why;
    return false;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    error = systemError("cannot replace state", path);
    return false;
  }
  // The rename itself must reach the disk before the state counts as saved.
  const int dir = ::open(folderOf(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return true;
}

bool loadStateFile(const std::string &path, const PackInfo &pack, StateHeader &header, Scanner &scanner, bool &found,
                   std::string &error) {
  std::ifstream in(path, std::ios::binary);
  found = bool(in);
  if (!found)
    return errno == ENOENT || (error = systemError("cannot read state", path), false);
  std::stringstream text;
  text << in.rdbuf();
  const std::string bytes = text.str();
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    error = "'" + path + "' is not a rulec state file";
    return false;
  }
  bytes::Reader r(bytes, kMagic.size(), "state file");
  uint32_t version = 0;
  uint64_t fingerprint = 0;
  r.u32(version, "version");
  if (r.ok() && version != kStateFormatVersion) {
    error = "state file '" + path + "' has format version " + std::to_string(version) + "; this rulec reads version " +
            std::to_string(kStateFormatVersion);
    return false;
  }
  r.u64(fingerprint, "fingerprint");
  if (r.ok() && fingerprint != packFingerprint(pack)) {
    error = "state file '" + path + "' belongs to another rule pack (its rules or their order changed); "
            "remove it to start afresh";
    return false;
  }
  r.u64(header.eventsConsumed, "eventsConsumed");
  r.u64(header.outputOffset, "outputOffset");
  r.vec(header.inputs, "inputs");
  scanner.loadState(r);
  r.finish();
  if (!r.ok()) {
    error = "'" + path + "': " + r.error();
    return false;
  }
  return true;
}

} // namespace rulec
