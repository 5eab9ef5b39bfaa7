//===- YamlFile.cpp -------------------------------------------------------===//
#include "YamlFile.h"

#include "Limits.h"
#include "Parallel.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace rulec {

namespace {

/// A hostile-input check run over the parser's events before any node is
/// built; it throws a YAML::ParserException at the offending position.
///  - Depth: the loaders walk nodes recursively, so nesting (counting what
///    aliases expand to) is bounded by limits::kMaxYamlDepth.
///  - Size: aliases share nodes, but walking them expands them: a few lines
///    of anchors that each repeat the previous one ten times ("billion
///    laughs") would be walked 10^9 times. The expanded size is bounded.
///  - Cycles: an alias inside its own anchor (`&a [*a]`) makes a node that
///    contains itself; walking it never ends.
///  - yaml-cpp 0.7 (Debian 12) loops forever, allocating a null document per
///    turn, on a stray `,` at the top level (jbeder/yaml-cpp#1040, fixed
///    upstream by PR #1319 after 0.8): two documents starting at the same
///    position mean the parser made no progress.
class HostileInputCheck : public YAML::EventHandler {
public:
  /// Nodes a document may expand to (aliases counted as copies).
  static constexpr uint64_t kMaxExpandedNodes = 1000000;

  explicit HostileInputCheck(const std::string &text) : text_(text) {}

  void OnDocumentStart(const YAML::Mark &mark) override {
    if (documents_++ && mark.pos == lastStart_)
      throw YAML::ParserException(mark, mark.pos >= 0 && static_cast<size_t>(mark.pos) < text_.size()
                                            ? std::string("unexpected '") + text_[mark.pos] + "'"
                                            : std::string("unexpected end of input"));
    lastStart_ = mark.pos;
    anchors_.clear();
    stack_.assign(1, Frame{});
  }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark &mark, YAML::anchor_t anchor) override { leaf(mark, anchor, 1, 0); }
  void OnScalar(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor, const std::string &) override {
    leaf(mark, anchor, 1, 0);
  }
  void OnAlias(const YAML::Mark &mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end())
      throw YAML::ParserException(mark, "an alias inside the node its anchor names: the node would contain itself");
    leaf(mark, YAML::NullAnchor, it->second.nodes, it->second.height);
  }
  void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor);
  }
  void OnMapEnd() override { close(); }

  unsigned documents() const { return documents_; }

private:
  struct Shape {
    uint64_t nodes = 0;
    int height = 0;
  };
  struct Frame {
    YAML::anchor_t anchor = YAML::NullAnchor;
    Shape shape; ///< of the children so far
  };

  void open(const YAML::Mark &mark, YAML::anchor_t anchor) {
    if (static_cast<int>(stack_.size()) > limits::kMaxYamlDepth)
      throw limit(mark, "YAML nested more than " + std::to_string(limits::kMaxYamlDepth) + " levels deep");
    stack_.push_back(Frame{anchor, {}});
  }
  void close() {
    Frame done = stack_.back();
    stack_.pop_back();
    add(done.anchor, done.shape.nodes + 1, done.shape.height + 1, mark_);
  }
  void leaf(const YAML::Mark &mark, YAML::anchor_t anchor, uint64_t nodes, int height) {
    mark_ = mark;
    if (static_cast<int>(stack_.size()) - 1 + height > limits::kMaxYamlDepth)
      throw limit(mark, "YAML nested more than " + std::to_string(limits::kMaxYamlDepth) +
                            " levels deep (counting what aliases repeat)");
    add(anchor, nodes, height, mark);
  }
  void add(YAML::anchor_t anchor, uint64_t nodes, int height, const YAML::Mark &mark) {
    if (anchor != YAML::NullAnchor)
      anchors_[anchor] = {nodes, height};
    Shape &parent = stack_.back().shape;
    parent.nodes += nodes;
    parent.height = std::max(parent.height, height);
    if (parent.nodes > kMaxExpandedNodes)
      throw limit(mark, "YAML document too large: more than " + std::to_string(kMaxExpandedNodes) +
                            " nodes (counting what aliases repeat)");
  }
  static YAML::ParserException limit(const YAML::Mark &mark, const std::string &message) {
    return YAML::ParserException(mark, kLimitPrefix + message);
  }

public:
  /// Marks a limit's message, so that it is reported as limit-exceeded.
  static constexpr const char *kLimitPrefix = "limit: ";

private:
  const std::string &text_;
  unsigned documents_ = 0;
  int lastStart_ = -1;
  YAML::Mark mark_;
  std::vector<Frame> stack_{1};
  std::unordered_map<YAML::anchor_t, Shape> anchors_;
};

void reportParserException(const YAML::ParserException &e, const std::shared_ptr<const std::string> &file,
                           DiagnosticEngine &diags) {
  const std::string prefix = HostileInputCheck::kLimitPrefix;
  const bool isLimit = e.msg.compare(0, prefix.size(), prefix) == 0;
  diags.error(isLimit ? DiagCode::LimitExceeded : DiagCode::YamlSyntax,
              {file, e.mark.line + 1, e.mark.column + 1}, isLimit ? e.msg.substr(prefix.size()) : e.msg);
}

/// Checks `text` (HostileInputCheck) and loads its documents with `load`.
bool load(const std::string &text, const std::function<void()> &loadAll, const std::string &name,
          DiagnosticEngine &diags) {
  auto file = std::make_shared<const std::string>(name);
  if (text.size() > limits::kMaxRuleFileBytes) {
    diags.error(DiagCode::LimitExceeded, {file, 0, 0},
                "file larger than " + std::to_string(limits::kMaxRuleFileBytes >> 20) + " MiB");
    return false;
  }
  try {
    std::istringstream in(text);
    YAML::Parser parser(in);
    HostileInputCheck check(text);
    while (parser.HandleNextDocument(check)) {
    }
    loadAll();
    return true;
  } catch (const YAML::ParserException &e) {
    reportParserException(e, file, diags);
  }
  return false;
}

} // namespace

bool loadYamlDocuments(const std::string &path, std::vector<YAML::Node> &documents, DiagnosticEngine &diags) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in)
    text << in.rdbuf(); // an empty file sets failbit here, not an error
  if (!in.is_open() || in.bad()) {
    diags.error(DiagCode::FileUnreadable, {std::make_shared<const std::string>(path), 0, 0},
                "cannot read rule file '" + path + "'");
    return false;
  }
  std::vector<YAML::Node> all;
  if (!load(text.str(), [&] { all = YAML::LoadAll(text.str()); }, path, diags))
    return false;
  for (YAML::Node &d : all)
    if (!d.IsNull())
      documents.push_back(std::move(d));
  return true;
}

std::vector<LoadedYamlFile> loadYamlFiles(const std::vector<std::string> &paths, unsigned threads) {
  std::vector<LoadedYamlFile> out(paths.size());
  threads = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(paths.size())));
  auto work = [&](unsigned thread) {
    for (size_t i = thread; i < paths.size(); i += threads)
      out[i].ok = loadYamlDocuments(paths[i], out[i].documents, out[i].diags);
  };
  runOnThreads(threads, work);
  return out;
}

bool loadYamlText(const std::string &text, const std::string &name, YAML::Node &root, DiagnosticEngine &diags) {
  return load(text, [&] { root = YAML::Load(text); }, name, diags);
}

void reportYamlException(const YAML::Exception &e, const std::string &file, DiagnosticEngine &diags) {
  diags.error(DiagCode::YamlSyntax,
              {std::make_shared<const std::string>(file), e.mark.line + 1, e.mark.column + 1}, e.msg);
}

} // namespace rulec
