//===- KeywordScanner.h - Sigma keywords: one scan of the event's text ----===//
//
// A Sigma keyword search looks for a text (ASCII case ignored) in every value
// of the event: its strings, and its numbers and booleans as the event writes
// them (docs/sigma.md "Keywords"). Searching each string of the parsed event
// for each of a pack's keywords was 88% of the SigmaHQ pack's time on real
// logs; instead one Hyperscan scan of the event's JSON text finds every
// keyword that may occur. A keyword's characters stand in the JSON text as
// they are, except `"`, `\` and control characters, which JSON escapes one way
// each: the scan looks for that escaped form. So it misses no keyword a value
// holds, unless the text escapes more than it must (`\uXXXX`, `\/`): such an
// event is searched value by value instead (exact). It may report a keyword
// no value holds (in a key, or across a value's end): the leaf that asks
// confirms it on the parsed event (occurs()), which only rules that get that
// far do.
//
// Keywords are scanned in groups (LiteralSet::groups: one rule's keywords),
// each group when one of its keywords is first asked for in an event: a rule
// asks only when its other conditions held, so the keywords of a rule on one
// channel cost nothing on the others. The groups' databases are compiled when
// the pack loads (compiled on first use, they were 11% of the SigmaHQ pack's
// scan of 52,310 real events, and stalled the first events); a thread scans
// with its own Scratch, so a scan takes no lock.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

struct hs_database;
struct hs_scratch;

namespace rulec {

class KeywordScanner {
public:
  /// `needles`: the keywords, ASCII lower case, none empty; `groups`: the
  /// scan group of each (empty: one group). Null with `error` if they are
  /// malformed.
  static std::unique_ptr<KeywordScanner> build(const std::vector<std::string> &needles,
                                               const std::vector<uint32_t> &groups, std::string &error);
  ~KeywordScanner();
  KeywordScanner(const KeywordScanner &) = delete;
  KeywordScanner &operator=(const KeywordScanner &) = delete;

  /// A thread's scan memory.
  class Scratch {
  public:
    explicit Scratch(const KeywordScanner &scanner);
    ~Scratch();
    Scratch(const Scratch &) = delete;
    Scratch &operator=(const Scratch &) = delete;

  private:
    friend class KeywordScanner;
    hs_scratch *scratch_ = nullptr;
    std::vector<uint8_t> fits_;  ///< per group: scratch_ is large enough for its database
    std::vector<uint32_t> hits_; ///< keywords found by the last scan
  };

  /// Calls found(i) once for each keyword i of group `group` that may occur
  /// in the event (`text`, its JSON; `root`, the same parsed). Returns true
  /// when the answer is exact (the event was searched value by value), false
  /// when a keyword found may still be absent (occurs() tells).
  template <typename Found>
  bool scan(uint32_t group, std::string_view text, simdjson::dom::element root, Scratch &scratch,
            Found &&found) const {
    scratch.hits_.clear();
    const bool exact = scanInto(group, text, root, scratch);
    for (uint32_t i : scratch.hits_)
      found(i);
    return exact;
  }

  /// Whether keyword `i` occurs in a value of the event: a string, or a
  /// number or boolean as the text writes it.
  bool occurs(uint32_t i, std::string_view text, simdjson::dom::element root) const;

  size_t size() const { return needles_.size(); }
  size_t groups() const { return groups_.size(); }
  uint32_t groupOf(uint32_t keyword) const { return groupOf_[keyword]; }

private:
  struct Group {
    std::vector<uint32_t> keywords;
    hs_database *db = nullptr; ///< null: Hyperscan refused, search value by value
  };
  KeywordScanner() = default;
  bool scanInto(uint32_t group, std::string_view text, simdjson::dom::element root, Scratch &scratch) const;
  void compile(Group &group) const;

  std::vector<std::string> needles_;
  std::vector<uint32_t> groupOf_;
  std::vector<std::unique_ptr<Group>> groups_;
};

} // namespace rulec
