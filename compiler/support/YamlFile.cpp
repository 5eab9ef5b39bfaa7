//===- YamlFile.cpp -------------------------------------------------------===//
#include "support/YamlFile.h"

#include "support/Limits.h"
#include "support/Parallel.h"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace rulec {

namespace {

// The nodes are built from the parser's events here, as yaml-cpp's own
// NodeBuilder builds them for YAML::LoadAll, so that the file is scanned once:
// a check pass before LoadAll scanned it twice, and yaml-cpp's scanner was a
// third of the frontend's time (3000 SigmaHQ rules: frontend 1.21 -> 0.88 s).
// NodeBuilder is not in yaml-cpp's installed headers, and a YAML::Node over a
// built node has a private constructor: it is set up through its two private
// members, named by explicit instantiation (which may name private members,
// C++ [temp.spec]). The layout is yaml-cpp 0.7's (Debian 12).
namespace node_access {
struct Memory {
  using type = YAML::detail::shared_memory_holder YAML::Node::*;
  friend type get(Memory);
};
struct Pointer {
  using type = YAML::detail::node *YAML::Node::*;
  friend type get(Pointer);
};
template <typename Tag, typename Tag::type Member> struct Expose {
  friend typename Tag::type get(Tag) { return Member; }
};
template struct Expose<Memory, &YAML::Node::m_pMemory>;
template struct Expose<Pointer, &YAML::Node::m_pNode>;
} // namespace node_access

/// What `Node(node, memory)` makes: a node of a built graph.
YAML::Node wrap(YAML::detail::node &node, const YAML::detail::shared_memory_holder &memory) {
  YAML::Node out;
  out.*get(node_access::Memory{}) = memory;
  out.*get(node_access::Pointer{}) = &node;
  return out;
}

/// Builds each document's nodes as yaml-cpp's NodeBuilder does, checking the
/// input as it goes; a problem throws a YAML::ParserException at its position.
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
class DocumentBuilder : public YAML::EventHandler {
public:
  /// Nodes a document may expand to (aliases counted as copies).
  static constexpr uint64_t kMaxExpandedNodes = 1000000;
  /// Marks a limit's message, so that it is reported as limit-exceeded.
  static constexpr const char *kLimitPrefix = "limit: ";

  DocumentBuilder(const std::string &text, std::vector<YAML::Node> &documents)
      : text_(text), documents_(documents) {}

  void OnDocumentStart(const YAML::Mark &mark) override {
    if (!documents_.empty() && mark.pos == lastStart_)
      throw YAML::ParserException(mark, mark.pos >= 0 && static_cast<size_t>(mark.pos) < text_.size()
                                            ? std::string("unexpected '") + text_[mark.pos] + "'"
                                            : std::string("unexpected end of input"));
    lastStart_ = mark.pos;
    shapes_.clear();
    frames_.assign(1, Frame{});
    memory_ = std::make_shared<YAML::detail::memory_holder>();
    nodes_.clear();
    keys_.clear();
    anchors_.assign(1, nullptr); // anchors count from 1
    root_ = nullptr;
    mapDepth_ = 0;
  }
  void OnDocumentEnd() override { documents_.push_back(root_ ? wrap(*root_, memory_) : YAML::Node()); }

  void OnNull(const YAML::Mark &mark, YAML::anchor_t anchor) override {
    leaf(mark, anchor, 1, 0);
    push(mark, anchor).set_null();
    pop();
  }
  void OnScalar(const YAML::Mark &mark, const std::string &tag, YAML::anchor_t anchor,
                const std::string &value) override {
    leaf(mark, anchor, 1, 0);
    YAML::detail::node &node = push(mark, anchor);
    node.set_scalar(value);
    node.set_tag(tag);
    pop();
  }
  void OnAlias(const YAML::Mark &mark, YAML::anchor_t anchor) override {
    auto it = shapes_.find(anchor);
    if (it == shapes_.end() || anchor >= anchors_.size())
      throw YAML::ParserException(mark, "an alias inside the node its anchor names: the node would contain itself");
    leaf(mark, YAML::NullAnchor, it->second.nodes, it->second.height);
    push(*anchors_[anchor]);
    pop();
  }
  void OnSequenceStart(const YAML::Mark &mark, const std::string &tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    open(mark, anchor);
    YAML::detail::node &node = push(mark, anchor);
    node.set_tag(tag);
    node.set_type(YAML::NodeType::Sequence);
    node.set_style(style);
  }
  void OnSequenceEnd() override {
    close();
    pop();
  }
  void OnMapStart(const YAML::Mark &mark, const std::string &tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    open(mark, anchor);
    YAML::detail::node &node = push(mark, anchor);
    node.set_type(YAML::NodeType::Map);
    node.set_tag(tag);
    node.set_style(style);
    ++mapDepth_;
  }
  void OnMapEnd() override {
    close();
    --mapDepth_;
    pop();
  }

private:
  // The checks: per open collection, the expanded size and height of its
  // children so far; per anchor, the shape of its node once complete.
  struct Shape {
    uint64_t nodes = 0;
    int height = 0;
  };
  struct Frame {
    YAML::anchor_t anchor = YAML::NullAnchor;
    Shape shape;
  };

  void open(const YAML::Mark &mark, YAML::anchor_t anchor) {
    if (static_cast<int>(frames_.size()) > limits::kMaxYamlDepth)
      throw limit(mark, "YAML nested more than " + std::to_string(limits::kMaxYamlDepth) + " levels deep");
    frames_.push_back(Frame{anchor, {}});
  }
  void close() {
    Frame done = frames_.back();
    frames_.pop_back();
    add(done.anchor, done.shape.nodes + 1, done.shape.height + 1, mark_);
  }
  void leaf(const YAML::Mark &mark, YAML::anchor_t anchor, uint64_t nodes, int height) {
    mark_ = mark;
    if (static_cast<int>(frames_.size()) - 1 + height > limits::kMaxYamlDepth)
      throw limit(mark, "YAML nested more than " + std::to_string(limits::kMaxYamlDepth) +
                            " levels deep (counting what aliases repeat)");
    add(anchor, nodes, height, mark);
  }
  void add(YAML::anchor_t anchor, uint64_t nodes, int height, const YAML::Mark &mark) {
    if (anchor != YAML::NullAnchor)
      shapes_[anchor] = {nodes, height};
    Shape &parent = frames_.back().shape;
    parent.nodes += nodes;
    parent.height = std::max(parent.height, height);
    if (parent.nodes > kMaxExpandedNodes)
      throw limit(mark, "YAML document too large: more than " + std::to_string(kMaxExpandedNodes) +
                            " nodes (counting what aliases repeat)");
  }
  static YAML::ParserException limit(const YAML::Mark &mark, const std::string &message) {
    return YAML::ParserException(mark, kLimitPrefix + message);
  }

  // The nodes, as NodeBuilder makes them.
  YAML::detail::node &push(const YAML::Mark &mark, YAML::anchor_t anchor) {
    YAML::detail::node &node = memory_->create_node();
    node.set_mark(mark);
    if (anchor) {
      if (anchor != anchors_.size())
        throw YAML::ParserException(mark, "anchors out of order");
      anchors_.push_back(&node);
    }
    push(node);
    return node;
  }
  void push(YAML::detail::node &node) {
    const bool needsKey =
        !nodes_.empty() && nodes_.back()->type() == YAML::NodeType::Map && keys_.size() < mapDepth_;
    nodes_.push_back(&node);
    if (needsKey)
      keys_.emplace_back(&node, false);
  }
  void pop() {
    if (nodes_.size() == 1) {
      root_ = nodes_[0];
      nodes_.pop_back();
      return;
    }
    YAML::detail::node &node = *nodes_.back();
    nodes_.pop_back();
    YAML::detail::node &collection = *nodes_.back();
    if (collection.type() == YAML::NodeType::Sequence) {
      collection.push_back(node, memory_);
    } else if (collection.type() == YAML::NodeType::Map) {
      std::pair<YAML::detail::node *, bool> &key = keys_.back();
      if (key.second) {
        collection.insert(*key.first, node, memory_);
        keys_.pop_back();
      } else {
        key.second = true;
      }
    }
  }

  const std::string &text_;
  std::vector<YAML::Node> &documents_;
  int lastStart_ = -1;
  YAML::Mark mark_;
  std::vector<Frame> frames_{1};
  std::unordered_map<YAML::anchor_t, Shape> shapes_;
  YAML::detail::shared_memory_holder memory_;
  std::vector<YAML::detail::node *> nodes_;
  std::vector<std::pair<YAML::detail::node *, bool>> keys_; ///< a map's key, and whether its value came
  std::vector<YAML::detail::node *> anchors_;
  YAML::detail::node *root_ = nullptr;
  size_t mapDepth_ = 0;
};

void reportParserException(const YAML::ParserException &e, const std::shared_ptr<const std::string> &file,
                           DiagnosticEngine &diags) {
  const std::string prefix = DocumentBuilder::kLimitPrefix;
  const bool isLimit = e.msg.compare(0, prefix.size(), prefix) == 0;
  diags.error(isLimit ? DiagCode::LimitExceeded : DiagCode::YamlSyntax,
              {file, e.mark.line + 1, e.mark.column + 1}, isLimit ? e.msg.substr(prefix.size()) : e.msg);
}

/// Loads the documents of `text` (DocumentBuilder) into `documents`.
bool load(const std::string &text, std::vector<YAML::Node> &documents, const std::string &name,
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
    DocumentBuilder builder(text, documents);
    while (parser.HandleNextDocument(builder)) {
    }
    return true;
  } catch (const YAML::ParserException &e) {
    documents.clear();
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
  if (!load(text.str(), all, path, diags))
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
  std::vector<YAML::Node> documents;
  if (!load(text, documents, name, diags))
    return false;
  root = documents.empty() ? YAML::Node() : documents.front(); // as YAML::Load: the first document
  return true;
}

void reportYamlException(const YAML::Exception &e, const std::string &file, DiagnosticEngine &diags) {
  diags.error(DiagCode::YamlSyntax,
              {std::make_shared<const std::string>(file), e.mark.line + 1, e.mark.column + 1}, e.msg);
}

} // namespace rulec
