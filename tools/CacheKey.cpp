//===- CacheKey.cpp -------------------------------------------------------===//
#include "CacheKey.h"

#include "RuleFiles.h"
#include "rulec/abi.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <sys/utsname.h>

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

std::string cacheKey(const std::vector<std::string> &files, const std::string &sigmaConfigText) {
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX *)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  auto update = [&](const std::string &s) { EVP_DigestUpdate(ctx.get(), s.data(), s.size()); };
  std::string content;
  for (const std::string &file : files) {
    readWholeFile(file, content);
    // Lengths first, so that no two file lists hash alike by concatenation.
    update(std::to_string(file.size()) + ":" + file + ":" + std::to_string(content.size()) + ":");
    update(content);
  }
  update("sigma-config:" + sigmaConfigText + "\ncpu:" + hostCpuKey() + "\nabi:" + std::to_string(RULEC_ABI_VERSION));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &length);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    out += hex[digest[i] >> 4];
    out += hex[digest[i] & 15];
  }
  return out;
}

} // namespace rulec::cli
