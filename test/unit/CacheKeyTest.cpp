//===- CacheKeyTest.cpp - The stat index never hides a changed rule file --===//
//
// The key of `rulec run --cache` from the files' bytes, and the same key
// from the cache folder's stat index (tools/CacheKey.h) when no file changed;
// a changed, added or racily clean file, or a damaged index, makes the bytes
// decide again.
//
//===----------------------------------------------------------------------===//
#include "CacheKey.h"
#include "RuleFiles.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fcntl.h>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace fs = std::filesystem;
using namespace rulec;
using namespace rulec::cli;

namespace {

constexpr int64_t kSecond = 1000000000;

class CacheKeyTest : public ::testing::Test {
protected:
  void SetUp() override {
    char name[] = "/tmp/rulec-cachekey-XXXXXX";
    ASSERT_NE(::mkdtemp(name), nullptr);
    root_ = name;
    cache_ = root_ + "/cache";
  }
  void TearDown() override { fs::remove_all(root_); }

  /// Writes `text` to rules/`name` with the modification time `mtime`
  /// (seconds since 1970): distinct times make distinct stamps, whatever the
  /// file system's clock tick.
  std::string write(const std::string &name, const std::string &text, time_t mtime) {
    const std::string path = root_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    const struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
    EXPECT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
    return path;
  }

  /// The key as a start of `rulec run --cache` computes it: stamps from the
  /// listing, taken at `stampedFrom`.
  std::string key(const std::vector<std::string> &paths, int64_t stampedFrom, const std::string &sigma = "") {
    std::vector<std::string> missing;
    std::vector<FileStamp> stamps;
    const std::vector<std::string> files = listRuleFiles(paths, missing, &stamps);
    EXPECT_TRUE(missing.empty());
    EXPECT_EQ(stamps.size(), files.size());
    return cacheKey(cache_, files, stamps, stampedFrom, sigma);
  }

  /// The key from the bytes alone: computed with no index to read.
  std::string bytesKey(const std::vector<std::string> &paths, const std::string &sigma = "") {
    const std::string elsewhere = root_ + "/no-index-" + std::to_string(++fresh_);
    std::vector<std::string> missing;
    std::vector<FileStamp> stamps;
    const std::vector<std::string> files = listRuleFiles(paths, missing, &stamps);
    return cacheKey(elsewhere, files, stamps, 0, sigma); // stamped at 1970: nothing is trusted, no index written
  }

  size_t indexes() const {
    size_t n = 0;
    if (fs::exists(cache_))
      for (const auto &entry : fs::directory_iterator(cache_))
        n += entry.path().extension() == ".stamps";
    return n;
  }

  /// Overwrites every index in the cache folder with `text`.
  void damageIndexes(const std::string &text) {
    for (const auto &entry : fs::directory_iterator(cache_))
      std::ofstream(entry.path(), std::ios::binary | std::ios::trunc) << text;
  }

  std::string root_, cache_;
  int fresh_ = 0;
};

// Nothing stamped in the future of its stamp: trust files older than 2020.
const int64_t kLater = wallClockNs() + 3600 * kSecond;

TEST_F(CacheKeyTest, IndexGivesTheKeyOfTheBytes) {
  const std::string a = write("a.yml", "title: a\n", 1500000000);
  const std::string b = write("b.yml", "title: b\n", 1500000000);
  const std::string expected = bytesKey({a, b});
  EXPECT_EQ(indexes(), 0u);
  EXPECT_EQ(key({a, b}, kLater), expected); // hashed, index written
  EXPECT_EQ(indexes(), 1u);
  EXPECT_EQ(key({a, b}, kLater), expected); // from the index
  EXPECT_EQ(key({b, a}, kLater), bytesKey({b, a})) << "another order is another list";
  EXPECT_NE(bytesKey({b, a}), expected);
  EXPECT_EQ(indexes(), 2u);
}

TEST_F(CacheKeyTest, ChangedFileIsHashedAgain) {
  const std::string a = write("a.yml", "title: a\n", 1500000000);
  const std::string first = key({a}, kLater);
  ASSERT_EQ(key({a}, kLater), first);
  // Same size, other bytes, another modification time.
  write("a.yml", "title: A\n", 1500000001);
  const std::string second = key({a}, kLater);
  EXPECT_NE(second, first);
  EXPECT_EQ(second, bytesKey({a}));
  EXPECT_EQ(key({a}, kLater), second);
}

TEST_F(CacheKeyTest, ModificationTimeSetBackIsCaughtByTheStatusChangeTime) {
  const std::string a = write("a.yml", "title: a\n", 1500000000);
  const int64_t stamped = wallClockNs() + 3 * kSecond;
  const std::string first = key({a}, stamped);
  ASSERT_EQ(indexes(), 1u);
  // Rewritten and its time set back to the old one (as `touch -d` or a tool
  // that keeps times would): only the status-change time tells.
  FileStamp before, after;
  ASSERT_TRUE(stampFile(a, before));
  struct timespec wait = {0, 20000000}; // past a coarse clock tick
  ::nanosleep(&wait, nullptr);
  write("a.yml", "title: A\n", 1500000000);
  ASSERT_TRUE(stampFile(a, after));
  ASSERT_EQ(after.mtimeNs, before.mtimeNs);
  ASSERT_NE(after.ctimeNs, before.ctimeNs);
  EXPECT_EQ(key({a}, stamped), bytesKey({a}));
  EXPECT_NE(key({a}, stamped), first);
}

TEST_F(CacheKeyTest, RacilyCleanFilesAreNotIndexed) {
  // Written now: a change within the same clock tick could leave every time
  // as it is, so the stamps are not kept (the next start reads the bytes).
  const std::string a = root_ + "/a.yml";
  std::ofstream(a) << "title: a\n";
  const std::string expected = bytesKey({a});
  EXPECT_EQ(key({a}, wallClockNs()), expected);
  EXPECT_EQ(indexes(), 0u);
  // Older than kRacySeconds before the stamp: kept.
  EXPECT_EQ(key({a}, wallClockNs() + (kRacySeconds + 1) * kSecond), expected);
  EXPECT_EQ(indexes(), 1u);
}

TEST_F(CacheKeyTest, AddedFileInAFolderChangesTheList) {
  fs::create_directory(root_ + "/rules");
  write("rules/a.yml", "title: a\n", 1500000000);
  const std::string folder = root_ + "/rules";
  const std::string first = key({folder}, kLater);
  ASSERT_EQ(key({folder}, kLater), first);
  write("rules/b.yml", "title: b\n", 1500000000);
  EXPECT_NE(key({folder}, kLater), first);
  EXPECT_EQ(key({folder}, kLater), bytesKey({folder}));
}

TEST_F(CacheKeyTest, SigmaConfigurationIsPartOfTheKey) {
  const std::string a = write("a.yml", "title: a\n", 1500000000);
  const std::string plain = key({a}, kLater);
  const std::string configured = key({a}, kLater, "fieldmappings: {}\n");
  EXPECT_NE(plain, configured);
  EXPECT_EQ(key({a}, kLater), plain);
  EXPECT_EQ(key({a}, kLater, "fieldmappings: {}\n"), configured);
}

TEST_F(CacheKeyTest, DamagedIndexIsIgnored) {
  const std::string a = write("a.yml", "title: a\n", 1500000000);
  const std::string expected = key({a}, kLater);
  for (const std::string &junk : {std::string(), std::string("rulec stamps 1\n"), std::string(200, 'x')}) {
    damageIndexes(junk);
    EXPECT_EQ(key({a}, kLater), expected);
  }
}

TEST_F(CacheKeyTest, UnwritableCacheFolderOnlyCostsTime) {
  const std::string a = write("a.yml", "title: a\n", 1500000000);
  cache_ = root_ + "/a.yml/cache"; // under a file: cannot be made
  EXPECT_EQ(key({a}, kLater), bytesKey({a}));
}

} // namespace
