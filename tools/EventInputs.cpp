//===- EventInputs.cpp ----------------------------------------------------===//
#include "EventInputs.h"

#include "EventEvaluator.h"
#include "events/EvtxReader.h"
#include "events/JsonDocuments.h"
#include "events/LineReader.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <ostream>
#include <unistd.h>

namespace rulec::cli {

namespace fs = std::filesystem;

namespace {

bool hasEvtxHeader(const std::string &path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  char head[8];
  const ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  return n == sizeof head && isEvtxMagic(std::string_view(head, sizeof head));
}

bool jsonByName(const fs::path &path) {
  const std::string ext = path.extension().string();
  return ext == ".json" || ext == ".jsonl" || ext == ".ndjson";
}

} // namespace

EventInputs::EventInputs(const std::vector<std::string> &paths, std::string format, std::ostream &diag)
    : format_(std::move(format)), diag_(diag) {
  for (const std::string &path : paths) {
    std::error_code ec;
    if (path == "-" || !fs::is_directory(path, ec)) {
      files_.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    uint64_t skipped = 0;
    for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_regular_file(ec))
        continue;
      if (jsonByName(it->path()) || hasEvtxHeader(it->path().string()))
        found.push_back(it->path().string());
      else
        ++skipped;
    }
    if (ec)
      failed(path, ec.message());
    std::sort(found.begin(), found.end());
    files_.insert(files_.end(), found.begin(), found.end());
    if (skipped)
      diag_ << "rulec: note: " << skipped << " files in '" << path
            << "' are neither Windows event logs nor .json, .jsonl or .ndjson files: not read\n";
    stats_.skippedFiles += skipped;
  }
}

bool EventInputs::readsStdin() const { return std::find(files_.begin(), files_.end(), "-") != files_.end(); }

void EventInputs::failed(const std::string &source, const std::string &why) {
  diag_ << "rulec: error: cannot read events file '" << source << "': " << why << "\n";
  stats_.unreadable = true;
}

void EventInputs::read(const Deliver &deliver) {
  for (const std::string &path : files_) {
    if (path == "-") {
      if (format_ == "json")
        readJsonDocuments(STDIN_FILENO, "<stdin>", deliver);
      else
        readJsonLines(STDIN_FILENO, "<stdin>", deliver);
      continue;
    }
    if (hasEvtxHeader(path)) {
      readEvtx(path, deliver);
      continue;
    }
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      failed(path, std::strerror(errno));
      continue;
    }
    if (format_ == "json")
      readJsonDocuments(fd, path, deliver);
    else
      readJsonLines(fd, path, deliver);
    ::close(fd);
  }
}

void EventInputs::readJsonLines(int fd, const std::string &source, const Deliver &deliver) {
  LineReader reader(fd, EventEvaluator::kMaxEventBytes);
  uint64_t lineNo = 0;
  // A blank line over the size limit is still a blank line, not an event.
  for (LineReader::Line l; reader.next(l);)
    deliver({l.text, l.size, l.oversized() && !l.blank, true, &source, ++lineNo, &reader});
  if (!reader.error().empty())
    failed(source, reader.error());
}

void EventInputs::readJsonDocuments(int fd, const std::string &source, const Deliver &deliver) {
  std::string text;
  char chunk[1 << 16];
  for (ssize_t n; (n = ::read(fd, chunk, sizeof chunk)) != 0;) {
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0) {
      failed(source, std::strerror(errno));
      break;
    }
    text.append(chunk, static_cast<size_t>(n));
  }
  for (const JsonDocument &doc : splitJsonDocuments(text))
    deliver({doc.text, doc.text.size(), false, false, &source, doc.line, nullptr});
}

void EventInputs::readEvtx(const std::string &path, const Deliver &deliver) {
  EvtxReader reader;
  std::string error;
  if (!reader.open(path, error)) {
    failed(path, error);
    return;
  }
  ++stats_.evtxFiles;
  auto problem = [&](const std::string &message) {
    if (++evtxMessages_ <= kMaxMessages)
      diag_ << path << ": warning: " << message << "\n";
    if (evtxMessages_ == kMaxMessages)
      diag_ << path << ": note: further messages about damaged EVTX files are not shown; the summary counts them\n";
  };
  std::string_view json;
  uint64_t recordId = 0;
  while (reader.next(json, recordId, problem))
    deliver({json, json.size(), false, true, &path, recordId, nullptr});
  const EvtxStats &s = reader.stats();
  stats_.evtxRecords += s.records;
  stats_.evtxDamagedRecords += s.damagedRecords;
  stats_.evtxDamagedChunks += s.damagedChunks;
  stats_.evtxRecovered += s.recovered;
}

} // namespace rulec::cli
