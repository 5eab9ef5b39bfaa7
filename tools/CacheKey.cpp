//===- CacheKey.cpp -------------------------------------------------------===//
#include "CacheKey.h"

#include "packs/RuleFiles.h"
#include "rulec/abi.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <string_view>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace rulec::cli {

std::string hostCpuKey() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  char key[160];
  int n = 0;
  __get_cpuid(0, &a, &b, &c, &d);
  const unsigned maxLeaf = a;
  char vendor[13] = {};
  std::memcpy(vendor, &b, 4);
  std::memcpy(vendor + 4, &d, 4);
  std::memcpy(vendor + 8, &c, 4);
  n += std::snprintf(key + n, sizeof key - n, "%s", vendor);
  __get_cpuid(1, &a, &b, &c, &d);
  n += std::snprintf(key + n, sizeof key - n, ":%08x:%08x:%08x", a, c, d); // signature, features
  if (maxLeaf >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    n += std::snprintf(key + n, sizeof key - n, ":%08x:%08x:%08x", b, c, d);
  }
  return std::string(key, static_cast<size_t>(n));
#else
  struct utsname u;
  return ::uname(&u) == 0 ? std::string(u.machine) : std::string("unknown");
#endif
}

namespace {

class Sha256 {
public:
  Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) { EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr); }
  void update(std::string_view s) { EVP_DigestUpdate(ctx_.get(), s.data(), s.size()); }
  /// 64 hex digits.
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned length = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &length);
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < length; ++i) {
      out += digits[digest[i] >> 4];
      out += digits[digest[i] & 15];
    }
    return out;
  }

private:
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> ctx_;
};

std::string machineText(const std::string &sigmaConfigText) {
  return "sigma-config:" + sigmaConfigText + "\ncpu:" + hostCpuKey() + "\nabi:" + std::to_string(RULEC_ABI_VERSION);
}

/// The key from the files' bytes.
std::string contentKey(const std::vector<std::string> &files, const std::string &sigmaConfigText) {
  Sha256 sha;
  feedRuleFiles(files, [&](const std::string &s) { sha.update(s); });
  sha.update(machineText(sigmaConfigText));
  return sha.hex();
}

/// The stat index of a list of files: named by the list (and what else the
/// key covers), so that each list keeps its own.
std::string indexPath(const std::string &cacheDir, const std::vector<std::string> &files,
                      const std::string &sigmaConfigText) {
  Sha256 sha;
  sha.update("stat index of:");
  for (const std::string &file : files)
    sha.update(std::to_string(file.size()) + ":" + file + ":");
  sha.update(machineText(sigmaConfigText));
  return cacheDir + "/" + sha.hex() + ".stamps";
}

// The index file: kMagic, the key (64 hex digits), the count of files
// (uint64_t) and each file's stamp as five uint64_t (dev, ino, size, mtime,
// ctime), native byte order: it never leaves the machine (the CPU is in its
// name).
constexpr std::string_view kMagic = "rulec stamps 1\n";
constexpr size_t kKeyDigits = 64, kStampBytes = 5 * sizeof(uint64_t);

void putStamp(const FileStamp &s, char *out) {
  const uint64_t fields[5] = {s.dev, s.ino, s.size, static_cast<uint64_t>(s.mtimeNs), static_cast<uint64_t>(s.ctimeNs)};
  std::memcpy(out, fields, kStampBytes);
}

/// The key the index at `path` keeps, when every one of `stamps` is as it
/// keeps it; "" otherwise.
std::string indexedKey(const std::string &path, const std::vector<FileStamp> &stamps) {
  std::string text;
  const size_t header = kMagic.size() + kKeyDigits + sizeof(uint64_t);
  if (!readWholeFile(path, text) || text.size() != header + stamps.size() * kStampBytes ||
      std::string_view(text).substr(0, kMagic.size()) != kMagic)
    return "";
  uint64_t n;
  std::memcpy(&n, text.data() + kMagic.size() + kKeyDigits, sizeof n);
  if (n != stamps.size())
    return "";
  char stamp[kStampBytes];
  for (size_t i = 0; i < stamps.size(); ++i) {
    if (!stamps[i].regular)
      return "";
    putStamp(stamps[i], stamp);
    if (std::memcmp(stamp, text.data() + header + i * kStampBytes, kStampBytes) != 0)
      return "";
  }
  std::string key = text.substr(kMagic.size(), kKeyDigits);
  // The key names files in the cache folder: only what contentKey makes.
  if (!std::all_of(key.begin(), key.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }))
    return "";
  return key;
}

/// Whether every stamp is older than kRacySeconds before `nowNs`: a change
/// in the same clock tick as a stamp could leave all its times as they were.
bool allTrusted(const std::vector<FileStamp> &stamps, int64_t nowNs) {
  const int64_t before = nowNs - kRacySeconds * 1000000000;
  return std::all_of(stamps.begin(), stamps.end(),
                     [&](const FileStamp &s) { return s.regular && s.mtimeNs < before && s.ctimeNs < before; });
}

/// Writes the index (under a temporary name, then renamed: concurrent runs
/// never read half of one) when its stamps may be trusted by the clock of
/// the cache folder's file system too (the temporary file's own times, as
/// git's index file's): rules and cache on one network file system whose
/// server's clock lags this machine's are then still judged by that clock.
/// A cache folder that cannot be written only costs the next start its time.
void writeIndex(const std::string &cacheDir, const std::string &path, const std::string &key,
                const std::vector<FileStamp> &stamps) {
  std::string text(kMagic);
  text += key;
  const uint64_t n = stamps.size();
  text.append(reinterpret_cast<const char *>(&n), sizeof n);
  const size_t header = text.size();
  text.resize(header + stamps.size() * kStampBytes);
  for (size_t i = 0; i < stamps.size(); ++i)
    putStamp(stamps[i], text.data() + header + i * kStampBytes);
  ::mkdir(cacheDir.c_str(), 0755);
  const std::string temporary = path + ".tmp" + std::to_string(::getpid());
  std::ofstream out(temporary, std::ios::binary);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  FileStamp written;
  if (!out || !stampFile(temporary, written) || !allTrusted(stamps, written.mtimeNs) ||
      ::rename(temporary.c_str(), path.c_str()) != 0)
    ::unlink(temporary.c_str());
}

} // namespace

int64_t wallClockNs() {
  struct timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1000000000 + now.tv_nsec;
}

std::string cacheKey(const std::string &cacheDir, const std::vector<std::string> &files,
                     const std::vector<FileStamp> &stamps, int64_t stampedFromNs, const std::string &sigmaConfigText) {
  const std::string index = indexPath(cacheDir, files, sigmaConfigText);
  if (std::string key = indexedKey(index, stamps); !key.empty())
    return key;
  const std::string key = contentKey(files, sigmaConfigText);
  if (allTrusted(stamps, stampedFromNs)) // racily clean stamps are not kept
    writeIndex(cacheDir, index, key, stamps);
  return key;
}

} // namespace rulec::cli
