//===- LineReaderTest.cpp - Lines as std::getline splits them, in place ---===//
#include "events/LineReader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using rulec::LineReader;

namespace {

/// A temporary file holding `text`, open for reading.
class TempFile {
public:
  explicit TempFile(const std::string &text) {
    file_ = std::tmpfile();
    std::fwrite(text.data(), 1, text.size(), file_);
    std::fflush(file_);
    std::rewind(file_);
  }
  ~TempFile() { std::fclose(file_); }
  int fd() const { return fileno(file_); }

private:
  std::FILE *file_;
};

std::vector<std::string> getlineSplit(const std::string &text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

/// Reads all of `text` through a LineReader and checks each line against
/// std::getline's; a line over `maxLine` may come whole or as oversized.
void expectSameLines(const std::string &text, size_t maxLine) {
  const std::vector<std::string> expected = getlineSplit(text);
  TempFile file(text);
  LineReader reader(file.fd(), maxLine);
  size_t i = 0;
  for (LineReader::Line line; reader.next(line); ++i) {
    ASSERT_LT(i, expected.size()) << "a line std::getline does not see";
    const std::string &want = expected[i];
    ASSERT_EQ(line.size, want.size()) << "line " << i;
    if (line.oversized()) {
      EXPECT_GT(want.size(), maxLine) << "line " << i << " skipped although within the limit";
      EXPECT_TRUE(line.text.empty());
      EXPECT_EQ(line.blank, want.find_first_not_of(" \t\r") == std::string::npos) << "line " << i;
      continue;
    }
    EXPECT_EQ(line.text, want) << "line " << i;
    // The padding is readable (ASan checks this in the sanitizer suite).
    volatile char last = line.text.data()[line.text.size() + LineReader::kPadding - 1];
    (void)last;
  }
  EXPECT_EQ(i, expected.size());
  EXPECT_TRUE(reader.error().empty());
}

} // namespace

TEST(LineReader, SplitsAsGetlineDoes) {
  expectSameLines("", 100);
  expectSameLines("\n", 100);
  expectSameLines("\n\n", 100);
  expectSameLines("a", 100);
  expectSameLines("a\nb", 100);
  expectSameLines("a\nb\n", 100);
  expectSameLines("a\r\n\r\n b \n\nlast", 100);
}

TEST(LineReader, LinesAcrossReadsAndGrowth) {
  // Lines of every size around the first read's 256 KiB and beyond, so that
  // lines straddle reads and the buffer grows for long ones.
  std::mt19937 rng(7);
  std::string text;
  for (int i = 0; i < 300; ++i) {
    const size_t n = rng() % 4 == 0 ? rng() % (600 << 10) : rng() % 2000;
    for (size_t k = 0; k < n; ++k)
      text += static_cast<char>('a' + rng() % 26);
    if (i % 50 != 49 || rng() % 2)
      text += '\n';
  }
  expectSameLines(text, size_t(16) << 20);
}

TEST(LineReader, OversizedLinesAreCountedAndSkipped) {
  const size_t maxLine = 300 << 10; // over the first read, so the buffer grows first
  const std::string big(maxLine + 12345, 'x');
  const std::string blanks(maxLine * 3, ' ');
  const std::string text = "before\n" + big + "\nafter\n" + blanks + "\n" + big + "\n" + big;
  expectSameLines(text, maxLine);

  TempFile file(text);
  LineReader reader(file.fd(), maxLine);
  std::vector<LineReader::Line> lines;
  for (LineReader::Line line; reader.next(line);)
    lines.push_back(line);
  ASSERT_EQ(lines.size(), 6u);
  // The 3 lines over the limit that do not fit in the buffer are skipped,
  // not grown for; the blank one says so.
  EXPECT_TRUE(lines[1].oversized());
  EXPECT_TRUE(lines[3].oversized() && lines[3].blank);
  EXPECT_TRUE(lines[4].oversized() && !lines[4].blank);
  EXPECT_TRUE(lines[5].oversized()); // the last line, without a newline
}

TEST(LineReader, PipeLinesComeAsTheyArrive) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "first\nsec", 9), 9);
  LineReader reader(fds[0], 1 << 20);
  // The first line is there before the writer is done: a reader that waited
  // for a full buffer would block here.
  auto first = std::async(std::launch::async, [&] {
    LineReader::Line line;
    return reader.next(line) ? std::string(line.text) : std::string("<end>");
  });
  const bool ready = first.wait_for(std::chrono::seconds(10)) == std::future_status::ready;
  if (!ready)
    ::close(fds[1]); // unblock the reader, then fail
  ASSERT_TRUE(ready) << "the reader waited for more input than the line";
  EXPECT_EQ(first.get(), "first");
  ASSERT_EQ(::write(fds[1], "ond\nthird", 9), 9);
  ::close(fds[1]);
  std::vector<std::string> rest;
  for (LineReader::Line line; reader.next(line);)
    rest.emplace_back(line.text);
  EXPECT_EQ(rest, (std::vector<std::string>{"second", "third"}));
  ::close(fds[0]);
}

TEST(LineReader, ReadErrorEndsTheInputWithItsReason) {
  LineReader reader(-1, 100);
  LineReader::Line line;
  EXPECT_FALSE(reader.next(line));
  EXPECT_FALSE(reader.error().empty());
}

// A caller that holds the buffers (batches evaluated on other threads) sees
// every held line unchanged at the end, across refills, a line that needs a
// larger buffer and an oversized one; once released, buffers are reused.
TEST(LineReader, HeldLinesStayValidAndReleasedBuffersAreReused) {
  std::mt19937 random(7);
  std::string text;
  std::vector<std::string> expected;
  for (int i = 0; i < 20000; ++i) {
    std::string line(random() % 200, 'a' + static_cast<char>(i % 26));
    if (i == 5000)
      line.assign(700 << 10, 'L'); // needs a larger buffer than 256 KiB
    if (i == 9000)
      line.assign(3 << 20, 'O'); // over the limit: skipped
    line += std::to_string(i);
    text += line + "\n";
    expected.push_back(line);
  }
  TempFile file(text);
  LineReader reader(file.fd(), 2 << 20);
  struct Held {
    std::string_view text;
    size_t index;
  };
  std::vector<Held> held;
  std::vector<std::shared_ptr<const void>> holds;
  std::set<const void *> before, after; // the buffers lines were in, before and after the release
  size_t i = 0;
  for (LineReader::Line line; reader.next(line); ++i) {
    ASSERT_LT(i, expected.size());
    ASSERT_EQ(line.size, expected[i].size());
    if (line.oversized())
      continue;
    if (holds.empty() || holds.back().get() != reader.buffer())
      holds.push_back(reader.hold());
    (i <= 12000 ? before : after).insert(reader.buffer());
    held.push_back({line.text, i});
    if (i == 12000) { // lines up to here are checked, then released
      for (const Held &h : held)
        ASSERT_EQ(h.text, expected[h.index]) << "held line " << h.index << " changed";
      held.clear();
      holds.clear();
    }
  }
  EXPECT_EQ(i, expected.size());
  for (const Held &h : held)
    ASSERT_EQ(h.text, expected[h.index]) << "held line " << h.index << " changed";
  // After the release, lines come in buffers released (not new ones only).
  size_t reused = 0;
  for (const void *b : after)
    reused += before.count(b);
  EXPECT_GT(reused, 0u);
  EXPECT_GT(after.size(), 1u);
}
