//===- CacheKeyTest.cpp - The stat index never hides a changed rule file --===//
//
// The key of `rulec run --cache` from the files' bytes, and the same key
// from the cache folder's stat index (tools/CacheKey.h) when no file changed;
// a changed, added or racily clean file, or a damaged index, makes the bytes
// decide again.
//
//===----------------------------------------------------------------------===//
#include "CacheKey.h"
#include "packs/RuleFiles.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fcntl.h>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
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
    std::string name = ::testing::TempDir() + "rulec-cachekey-XXXXXX";
    ASSERT_NE(::mkdtemp(name.data()), nullptr);
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

  /// Waits until the files written so far are no longer racily clean: their
  /// status-change times (which no program can set back) are then more than
  /// kRacySeconds old, by this machine's clock and the file system's.
  static void settle() {
    struct timespec wait = {kRacySeconds, 200000000};
    ::nanosleep(&wait, nullptr);
  }

  size_t indexes() const {
    size_t n = 0;
    if (fs::exists(cache_))
      for (const auto &entry : fs::directory_iterator(cache_))
        n += entry.path().extension() == ".stamps";
    return n;
  }

  /// The one index in the cache folder.
  std::string indexPath() const {
    for (const auto &entry : fs::directory_iterator(cache_))
      if (entry.path().extension() == ".stamps")
        return entry.path().string();
    ADD_FAILURE() << "no index";
    return "";
  }
  std::string readIndex() const {
    std::ifstream in(indexPath(), std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void writeIndex(const std::string &text) const {
    std::ofstream(indexPath(), std::ios::binary | std::ios::trunc) << text;
  }

  std::string root_, cache_;
  int fresh_ = 0;
};

// Where the index keeps the key (tools/CacheKey.cpp: after its magic line).
constexpr size_t kKeyAt = std::string_view("rulec stamps 1\n").size(), kKeyDigits = 64;

TEST_F(CacheKeyTest, IndexGivesTheKeyOfTheBytes) {
  const std::string a = write("a.yml", "title: a\n", 1500000000);
  const std::string b = write("b.yml", "title: b\n", 1500000000);
  settle();
  const std::string expected = bytesKey({a, b});
  EXPECT_EQ(indexes(), 0u);
  EXPECT_EQ(key({a, b}, wallClockNs()), expected); // hashed, index written
  EXPECT_EQ(indexes(), 1u);
  EXPECT_EQ(key({a, b}, wallClockNs()), expected); // from the index
  // ... as another key in it shows.
  const std::string index = readIndex();
  ASSERT_EQ(index.substr(kKeyAt, kKeyDigits), expected);
  writeIndex(std::string(index).replace(kKeyAt, kKeyDigits, std::string(kKeyDigits, 'f')));
  EXPECT_EQ(key({a, b}, wallClockNs()), std::string(kKeyDigits, 'f'));
  writeIndex(index);
  EXPECT_EQ(key({b, a}, wallClockNs()), bytesKey({b, a})) << "another order is another list";
  EXPECT_NE(bytesKey({b, a}), expected);
  EXPECT_EQ(indexes(), 2u);
}

TEST_F(CacheKeyTest, ChangedFileIsHashedAgain) {
  const std::string a = write("a.yml", "title: a\n", 1500000000);
  settle();
  const std::string first = key({a}, wallClockNs());
  ASSERT_EQ(indexes(), 1u);
  ASSERT_EQ(key({a}, wallClockNs()), first);
  // Same size, other bytes, another modification time.
  write("a.yml", "title: A\n", 1500000001);
  const std::string second = key({a}, wallClockNs());
  EXPECT_NE(second, first);
  EXPECT_EQ(second, bytesKey({a}));
  EXPECT_EQ(key({a}, wallClockNs()), second);
}

TEST_F(CacheKeyTest, ModificationTimeSetBackIsCaughtByTheStatusChangeTime) {
  const std::string a = write("a.yml", "title: a\n", 1500000000);
  settle();
  const std::string first = key({a}, wallClockNs());
  ASSERT_EQ(indexes(), 1u);
  // Rewritten and its time set back to the old one (as `touch -d` or a tool
  // that keeps times would): only the status-change time tells.
  FileStamp before, after;
  ASSERT_TRUE(stampFile(a, before));
  // Rewritten until the status-change time moves on (a clock tick: ~4 ms
  // here, a second on file systems with coarse times).
  for (int tries = 0; tries < 300; ++tries) {
    struct timespec wait = {0, 10000000};
    ::nanosleep(&wait, nullptr);
    write("a.yml", "title: A\n", 1500000000);
    ASSERT_TRUE(stampFile(a, after));
    if (after.ctimeNs != before.ctimeNs)
      break;
  }
  if (after.ctimeNs == before.ctimeNs)
    GTEST_SKIP() << "the status-change time did not move in 3 s";
  ASSERT_EQ(after.mtimeNs, before.mtimeNs);
  EXPECT_EQ(key({a}, wallClockNs()), bytesKey({a}));
  EXPECT_NE(key({a}, wallClockNs()), first);
}

TEST_F(CacheKeyTest, RacilyCleanFilesAreNotIndexed) {
  // Written now: a change within the same clock tick could leave every time
  // as it is, so the stamps are not kept (the next start reads the bytes).
  const std::string a = root_ + "/a.yml";
  std::ofstream(a) << "title: a\n";
  const std::string expected = bytesKey({a});
  EXPECT_EQ(key({a}, wallClockNs()), expected);
  EXPECT_EQ(indexes(), 0u);
  // Nor when this machine's clock is ahead: the cache folder's file system
  // judges the file's times by its own clock too.
  EXPECT_EQ(key({a}, wallClockNs() + (kRacySeconds + 1) * kSecond), expected);
  EXPECT_EQ(indexes(), 0u);
  // Older than kRacySeconds by both clocks: kept.
  settle();
  EXPECT_EQ(key({a}, wallClockNs()), expected);
  EXPECT_EQ(indexes(), 1u);
}

TEST_F(CacheKeyTest, AddedFileInAFolderChangesTheList) {
  fs::create_directory(root_ + "/rules");
  write("rules/a.yml", "title: a\n", 1500000000);
  settle();
  const std::string folder = root_ + "/rules";
  const std::string first = key({folder}, wallClockNs());
  ASSERT_EQ(indexes(), 1u);
  ASSERT_EQ(key({folder}, wallClockNs()), first);
  write("rules/b.yml", "title: b\n", 1500000000);
  EXPECT_NE(key({folder}, wallClockNs()), first);
  EXPECT_EQ(key({folder}, wallClockNs()), bytesKey({folder}));
}

TEST_F(CacheKeyTest, SigmaConfigurationIsPartOfTheKey) {
  const std::string a = write("a.yml", "title: a\n", 1500000000);
  const std::string plain = key({a}, wallClockNs());
  const std::string configured = key({a}, wallClockNs(), "fieldmappings: {}\n");
  EXPECT_NE(plain, configured);
  EXPECT_EQ(key({a}, wallClockNs()), plain);
  EXPECT_EQ(key({a}, wallClockNs(), "fieldmappings: {}\n"), configured);
}

TEST_F(CacheKeyTest, DamagedIndexIsIgnored) {
  const std::string a = write("a.yml", "title: a\n", 1500000000);
  settle();
  const std::string expected = key({a}, wallClockNs());
  const std::string good = readIndex();
  auto damaged = [&](size_t at, char byte) {
    std::string text = good;
    text[at] = byte;
    return text;
  };
  // Of another size; of the right size with another magic, a key that is
  // not hex digits (it names files), another count, another stamp.
  for (const std::string &junk :
       {std::string(), std::string("rulec stamps 1\n"), std::string(200, 'x'), good + "x", good.substr(1),
        damaged(0, 'R'), damaged(kKeyAt, '/'), damaged(kKeyAt + 1, 'F'), damaged(kKeyAt + kKeyDigits, 2),
        damaged(good.size() - 1, static_cast<char>(good.back() + 1))}) {
    writeIndex(junk);
    EXPECT_EQ(key({a}, wallClockNs()), expected);
    writeIndex(junk); // the line above wrote a good one again
  }
}

TEST_F(CacheKeyTest, UnwritableCacheFolderOnlyCostsTime) {
  const std::string a = write("a.yml", "title: a\n", 1500000000);
  cache_ = root_ + "/a.yml/cache"; // under a file: cannot be made
  EXPECT_EQ(key({a}, wallClockNs()), bytesKey({a}));
}

} // namespace
