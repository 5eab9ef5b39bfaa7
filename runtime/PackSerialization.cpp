//===- PackSerialization.cpp ----------------------------------------------===//
#include "PackSerialization.h"

#include <type_traits>
#include <utility>

namespace rulec {

namespace {

constexpr std::string_view kMagic{"RULECPK\0", 8};

class Writer {
public:
  std::string out;

  void u32(uint32_t v) { fixed(v, 4); }
  void i32(int32_t v) { fixed(static_cast<uint32_t>(v), 4); }
  void i64(int64_t v) { fixed(static_cast<uint64_t>(v), 8); }
  void boolean(bool v) { out.push_back(v ? 1 : 0); }
  template <class E> void enumeration(E v) {
    static_assert(std::is_same_v<std::underlying_type_t<E>, uint8_t>, "enums are written as one byte");
    out.push_back(static_cast<char>(v));
  }
  void str(const std::string &s) {
    u32(static_cast<uint32_t>(s.size()));
    out += s;
  }
  void vec(const std::vector<uint32_t> &v) { vec(v, [](Writer &w, uint32_t x) { w.u32(x); }); }
  void vec(const std::vector<std::string> &v) { vec(v, [](Writer &w, const std::string &s) { w.str(s); }); }
  template <class T, class F> void vec(const std::vector<T> &v, F putOne) {
    u32(static_cast<uint32_t>(v.size()));
    for (const T &x : v)
      putOne(*this, x);
  }

private:
  void fixed(uint64_t v, unsigned bytes) {
    for (unsigned i = 0; i < bytes; ++i)
      out.push_back(static_cast<char>(v >> (8 * i)));
  }
};

/// Reads what Writer wrote. The first problem sticks: later reads do nothing
/// and yield zeros, so read functions need not check after every field.
/// `what` names the field being read; with the vector elements being read
/// it makes the path in error messages ("rules[3].title[0].text").
class Reader {
public:
  Reader(std::string_view bytes, size_t pos) : bytes_(bytes), pos_(pos) {}

  bool ok() const { return error_.empty(); }
  const std::string &error() const { return error_; }
  size_t offset() const { return pos_; }

  void u32(uint32_t &v, const char *what) { v = static_cast<uint32_t>(fixed(4, what)); }
  void i32(int32_t &v, const char *what) { v = static_cast<int32_t>(static_cast<uint32_t>(fixed(4, what))); }
  void i64(int64_t &v, const char *what) { v = static_cast<int64_t>(fixed(8, what)); }
  void boolean(bool &v, const char *what) {
    size_t at = pos_;
    uint64_t b = fixed(1, what);
    if (b > 1)
      fail("has an invalid bool " + std::to_string(b), at, what);
    v = b == 1;
  }
  /// `last`: the enum's last enumerator; anything above it is corrupt.
  template <class E> void enumeration(E &v, E last, const char *what) {
    size_t at = pos_;
    uint64_t b = fixed(1, what);
    if (b > static_cast<uint8_t>(last))
      fail("has an invalid " + std::string(what) + " " + std::to_string(b), at, what);
    else
      v = static_cast<E>(b);
  }
  void str(std::string &v, const char *what) {
    uint32_t n = count(1, what);
    v.assign(bytes_.substr(pos_, n));
    pos_ += n;
  }
  void vec(std::vector<uint32_t> &v, const char *what) {
    vec(v, what, [](Reader &r, uint32_t &x) { r.u32(x, ""); }, 4);
  }
  void vec(std::vector<std::string> &v, const char *what) {
    vec(v, what, [](Reader &r, std::string &s) { r.str(s, ""); }, 4);
  }
  /// Elements are appended one by one, never reserved from the untrusted
  /// count, so memory follows the bytes actually read.
  template <class T, class F> void vec(std::vector<T> &v, const char *what, F getOne, size_t minBytes = 1) {
    uint32_t n = count(minBytes, what);
    v.clear();
    for (uint32_t i = 0; i < n && ok(); ++i) {
      context_.push_back({what, i});
      getOne(*this, v.emplace_back());
      context_.pop_back();
    }
  }
  /// A struct member that is itself a struct: named in error paths.
  template <class T, class F> void member(T &v, const char *what, F getOne) {
    context_.push_back({what, kNoIndex});
    getOne(*this, v);
    context_.pop_back();
  }

  void fail(const std::string &problem, size_t at, const char *what, const std::string &detail = {}) {
    if (ok())
      error_ = "pack metadata " + problem + " at byte " + std::to_string(at) + " reading " + path(what) + detail;
  }
  void finish() {
    if (ok() && pos_ != bytes_.size())
      error_ = "pack metadata has " + std::to_string(bytes_.size() - pos_) +
               " trailing bytes at byte " + std::to_string(pos_);
  }

private:
  static constexpr size_t kNoIndex = ~size_t(0);

  uint64_t fixed(unsigned bytes, const char *what) {
    if (!ok())
      return 0;
    if (bytes_.size() - pos_ < bytes) {
      fail("truncated", pos_, what);
      return 0;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; ++i)
      v |= uint64_t(static_cast<uint8_t>(bytes_[pos_ + i])) << (8 * i);
    pos_ += bytes;
    return v;
  }

  /// A string or vector length. Each element takes at least `minBytes`, so a
  /// count the bytes left cannot hold is corrupt (a truncation, or a length
  /// gone wild) and is rejected before anything is allocated for it.
  uint32_t count(size_t minBytes, const char *what) {
    size_t at = pos_;
    uint32_t n = 0;
    u32(n, what);
    size_t left = bytes_.size() - pos_;
    if (ok() && n > left / minBytes) {
      fail("truncated", at, what,
           ": length " + std::to_string(n) + ", only " + std::to_string(left) + " bytes left");
      return 0;
    }
    return n;
  }

  std::string path(const char *what) const {
    std::string out;
    auto name = [&out](const char *s) {
      if (*s)
        out += (out.empty() ? "" : ".") + std::string(s);
    };
    for (const auto &[member, index] : context_) {
      name(member);
      if (index != kNoIndex)
        out += "[" + std::to_string(index) + "]";
    }
    name(what);
    return out;
  }

  std::string_view bytes_;
  size_t pos_;
  std::string error_;
  std::vector<std::pair<const char *, size_t>> context_; ///< the enclosing members and elements
};

//===----------------------------------------------------------------------===//
// One write/read pair per struct, fields in declaration order. Adding a field
// means adding it to both functions of its pair and bumping
// kPackFormatVersion.
//===----------------------------------------------------------------------===//

void writePathStep(Writer &w, const PathStep &s) {
  w.boolean(s.isIndex);
  w.boolean(s.isWildcard);
  w.str(s.key);
  w.i64(s.index);
}
void readPathStep(Reader &r, PathStep &s) {
  r.boolean(s.isIndex, "isIndex");
  r.boolean(s.isWildcard, "isWildcard");
  r.str(s.key, "key");
  r.i64(s.index, "index");
}

void writeFieldSpec(Writer &w, const FieldSpec &f) {
  w.vec(f.path, writePathStep);
  w.enumeration(f.keyMatch);
  w.vec(f.alternatives, [](Writer &w, const std::vector<PathStep> &alt) { w.vec(alt, writePathStep); });
  w.vec(f.elements, writeFieldSpec);
}
/// `depth`: 1 for the pack's fields, 2 for their elements, ...
void readFieldSpec(Reader &r, FieldSpec &f, unsigned depth) {
  if (depth > kMaxFieldNesting)
    return r.fail("nests element tables deeper than " + std::to_string(kMaxFieldNesting), r.offset(), "");
  r.vec(f.path, "path", readPathStep);
  r.enumeration(f.keyMatch, KeyMatch::ExactThenLoose, "keyMatch");
  r.vec(f.alternatives, "alternatives",
        [](Reader &r, std::vector<PathStep> &alt) { r.vec(alt, "", readPathStep); });
  r.vec(f.elements, "elements", [depth](Reader &r, FieldSpec &e) { readFieldSpec(r, e, depth + 1); });
}

void writeTemplatePiece(Writer &w, const TemplatePiece &p) {
  w.boolean(p.isField);
  w.str(p.text);
  w.u32(p.slot);
  w.str(p.fallback);
}
void readTemplatePiece(Reader &r, TemplatePiece &p) {
  r.boolean(p.isField, "isField");
  r.str(p.text, "text");
  r.u32(p.slot, "slot");
  r.str(p.fallback, "fallback");
}

void writeContextEntry(Writer &w, const ContextEntry &e) {
  w.str(e.name);
  w.u32(e.slot);
  w.boolean(e.computed);
}
void readContextEntry(Reader &r, ContextEntry &e) {
  r.str(e.name, "name");
  r.u32(e.slot, "slot");
  r.boolean(e.computed, "computed");
}

void writeAggregate(Writer &w, const AggregateSpec::Aggregate &a) {
  w.enumeration(a.fn);
  w.str(a.name);
  w.i32(a.input);
  w.i64(a.limit);
}
void readAggregate(Reader &r, AggregateSpec::Aggregate &a) {
  r.enumeration(a.fn, AggregateSpec::Fn::TakeAny, "fn");
  r.str(a.name, "name");
  r.i32(a.input, "input");
  r.i64(a.limit, "limit");
}

void writeAggregateSpec(Writer &w, const AggregateSpec &s) {
  w.vec(s.keys);
  w.i32(s.binKey);
  w.i64(s.binSize);
  w.boolean(s.binIsTime);
  w.vec(s.aggregates, writeAggregate);
  w.u32(s.outputLogType);
}
void readAggregateSpec(Reader &r, AggregateSpec &s) {
  r.vec(s.keys, "keys");
  r.i32(s.binKey, "binKey");
  r.i64(s.binSize, "binSize");
  r.boolean(s.binIsTime, "binIsTime");
  r.vec(s.aggregates, "aggregates", readAggregate);
  r.u32(s.outputLogType, "outputLogType");
}

void writeSetSpec(Writer &w, const SetSpec &s) {
  w.str(s.name);
  w.i64(s.retentionNanos);
}
void readSetSpec(Reader &r, SetSpec &s) {
  r.str(s.name, "name");
  r.i64(s.retentionNanos, "retentionNanos");
}

void writeCorrelationFeed(Writer &w, const CorrelationFeed &f) {
  w.u32(f.correlation);
  w.u32(f.input);
}
void readCorrelationFeed(Reader &r, CorrelationFeed &f) {
  r.u32(f.correlation, "correlation");
  r.u32(f.input, "input");
}

void writeBound(Writer &w, const CorrelationSpec::Bound &b) {
  w.enumeration(b.cmp);
  w.i64(b.value);
}
void readBound(Reader &r, CorrelationSpec::Bound &b) {
  r.enumeration(b.cmp, CorrelationSpec::Cmp::Eq, "cmp");
  r.i64(b.value, "value");
}

void writeCorrelationInput(Writer &w, const CorrelationSpec::Input &in) {
  w.boolean(in.fromCorrelation);
  w.u32(in.source);
  w.vec(in.groupBy);
  w.i64(in.valueField);
}
void readCorrelationInput(Reader &r, CorrelationSpec::Input &in) {
  r.boolean(in.fromCorrelation, "fromCorrelation");
  r.u32(in.source, "source");
  r.vec(in.groupBy, "groupBy");
  r.i64(in.valueField, "valueField");
}

void writeCorrelationSpec(Writer &w, const CorrelationSpec &c) {
  w.enumeration(c.type);
  w.str(c.id);
  w.str(c.title);
  w.str(c.level);
  w.str(c.sourceFile);
  w.i64(c.timespanNanos);
  w.vec(c.condition, writeBound);
  w.vec(c.groupBy);
  w.str(c.valueField);
  w.vec(c.inputs, writeCorrelationInput);
  w.boolean(c.emit);
  w.vec(c.feeds, writeCorrelationFeed);
}
void readCorrelationSpec(Reader &r, CorrelationSpec &c) {
  r.enumeration(c.type, CorrelationSpec::Type::TemporalOrdered, "type");
  r.str(c.id, "id");
  r.str(c.title, "title");
  r.str(c.level, "level");
  r.str(c.sourceFile, "sourceFile");
  r.i64(c.timespanNanos, "timespanNanos");
  r.vec(c.condition, "condition", readBound);
  r.vec(c.groupBy, "groupBy");
  r.str(c.valueField, "valueField");
  r.vec(c.inputs, "inputs", readCorrelationInput);
  r.boolean(c.emit, "emit");
  r.vec(c.feeds, "feeds", readCorrelationFeed);
}

void writeRuleInfo(Writer &w, const RuleInfo &rule) {
  w.enumeration(rule.kind);
  w.str(rule.id);
  w.str(rule.displayName);
  w.str(rule.severity);
  w.str(rule.sourceFile);
  w.u32(rule.threshold);
  w.u32(rule.dedupPeriodMinutes);
  w.boolean(rule.createAlert);
  w.vec(rule.title, writeTemplatePiece);
  w.vec(rule.groupBy, writeTemplatePiece);
  w.vec(rule.alertContext, writeContextEntry);
  w.vec(rule.dynamicSeverities);
  w.vec(rule.logTypes);
  w.vec(rule.columns, writeContextEntry);
  w.boolean(rule.wholeEvent);
  w.vec(rule.hiddenFields);
  w.boolean(rule.distinct);
  w.i64(rule.take);
  w.u32(rule.set);
  writeAggregateSpec(w, rule.aggregate);
  w.vec(rule.feeds, writeCorrelationFeed);
}
void readRuleInfo(Reader &r, RuleInfo &rule) {
  r.enumeration(rule.kind, RuleKind::Aggregate, "kind");
  r.str(rule.id, "id");
  r.str(rule.displayName, "displayName");
  r.str(rule.severity, "severity");
  r.str(rule.sourceFile, "sourceFile");
  r.u32(rule.threshold, "threshold");
  r.u32(rule.dedupPeriodMinutes, "dedupPeriodMinutes");
  r.boolean(rule.createAlert, "createAlert");
  r.vec(rule.title, "title", readTemplatePiece);
  r.vec(rule.groupBy, "groupBy", readTemplatePiece);
  r.vec(rule.alertContext, "alertContext", readContextEntry);
  r.vec(rule.dynamicSeverities, "dynamicSeverities");
  r.vec(rule.logTypes, "logTypes");
  r.vec(rule.columns, "columns", readContextEntry);
  r.boolean(rule.wholeEvent, "wholeEvent");
  r.vec(rule.hiddenFields, "hiddenFields");
  r.boolean(rule.distinct, "distinct");
  r.i64(rule.take, "take");
  r.u32(rule.set, "set");
  r.member(rule.aggregate, "aggregate", readAggregateSpec);
  r.vec(rule.feeds, "feeds", readCorrelationFeed);
}

void writeLiteralSet(Writer &w, const LiteralSet &l) {
  w.u32(l.slot);
  w.enumeration(l.kind);
  w.vec(l.needles);
}
void readLiteralSet(Reader &r, LiteralSet &l) {
  r.u32(l.slot, "slot");
  r.enumeration(l.kind, LiteralSet::Kind::Equals, "kind");
  r.vec(l.needles, "needles");
}

void writePackInfo(Writer &w, const PackInfo &p) {
  w.vec(p.fields, writeFieldSpec);
  w.vec(p.logTypes);
  w.vec(p.rules, writeRuleInfo);
  w.vec(p.sets, writeSetSpec);
  w.vec(p.regexes);
  w.vec(p.correlations, writeCorrelationSpec);
  w.vec(p.literalSets, writeLiteralSet);
}
void readPackInfo(Reader &r, PackInfo &p) {
  r.vec(p.fields, "fields", [](Reader &r, FieldSpec &f) { readFieldSpec(r, f, 1); });
  r.vec(p.logTypes, "logTypes");
  r.vec(p.rules, "rules", readRuleInfo);
  r.vec(p.sets, "sets", readSetSpec);
  r.vec(p.regexes, "regexes");
  r.vec(p.correlations, "correlations", readCorrelationSpec);
  r.vec(p.literalSets, "literalSets", readLiteralSet);
}

} // namespace

std::string serializePack(const PackInfo &pack) {
  Writer w;
  w.out.append(kMagic);
  w.u32(kPackFormatVersion);
  writePackInfo(w, pack);
  return std::move(w.out);
}

bool deserializePack(std::string_view bytes, PackInfo &out, std::string &error) {
  if (bytes.substr(0, kMagic.size()) != kMagic) {
    error = "not a rulec pack (bad magic)";
    return false;
  }
  Reader r(bytes, kMagic.size());
  uint32_t version = 0;
  r.u32(version, "version");
  if (r.ok() && version != kPackFormatVersion) {
    error = "unknown format version " + std::to_string(version) + " (this build reads version " +
            std::to_string(kPackFormatVersion) + ")";
    return false;
  }
  PackInfo pack;
  readPackInfo(r, pack);
  r.finish();
  if (!r.ok()) {
    error = r.error();
    return false;
  }
  out = std::move(pack);
  return true;
}

} // namespace rulec
