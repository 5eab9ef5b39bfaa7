//===- Tape.h - simdjson's parsed document, read word by word -------------===//
//
// simdjson's DOM parser writes a document as a tape of 64-bit words, one per
// value (two for numbers), the type in the top byte, and strings in a
// separate buffer (simdjson's doc/tape.md). FieldExtractor's pass over an
// object's members cost ~70 instructions a member through dom::object and
// dom::element, ~57 reading the words directly (callgrind, one-rule Sigma
// pack; the rest is the key comparison). This is that reading: the layout of
// simdjson 3 (Debian's libsimdjson-dev); FieldExtractorTest reads every kind
// of value through it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <string_view>

namespace rulec {

namespace tape_detail {
// dom::element keeps its tape reference private; an explicit instantiation
// may name a private member (C++ [temp.spec]), which gives a pointer to it.
struct ElementTape {
  using type = simdjson::internal::tape_ref simdjson::dom::element::*;
  friend type get(ElementTape);
};
template <typename Tag, typename Tag::type Member> struct Expose {
  friend typename Tag::type get(Tag) { return Member; }
};
template struct Expose<ElementTape, &simdjson::dom::element::tape>;
} // namespace tape_detail

class Tape {
public:
  /// The tape of `e`'s document, and `e`'s index on it.
  static Tape of(const simdjson::dom::element &e, size_t &index) {
    const simdjson::internal::tape_ref &ref = e.*get(tape_detail::ElementTape{});
    index = ref.json_index;
    return Tape(ref.doc);
  }

  char type(size_t i) const { return static_cast<char>(words_[i] >> 56); }
  /// The index after the value at `i` (its next sibling's).
  size_t after(size_t i) const {
    switch (type(i)) {
    case '{':
    case '[':
      return static_cast<uint32_t>(words_[i]);
    case 'l':
    case 'u':
    case 'd':
      return i + 2;
    default:
      return i + 1;
    }
  }
  /// The index of the '}' or ']' closing the container at `i`.
  size_t end(size_t i) const { return static_cast<uint32_t>(words_[i]) - 1; }
  /// Members or elements of the container at `i` (saturated, as simdjson's size()).
  uint32_t count(size_t i) const { return static_cast<uint32_t>((words_[i] >> 32) & simdjson::internal::JSON_COUNT_MASK); }
  std::string_view string(size_t i) const {
    const uint8_t *at = strings_ + (words_[i] & simdjson::internal::JSON_VALUE_MASK);
    uint32_t length;
    std::memcpy(&length, at, sizeof length);
    return std::string_view(reinterpret_cast<const char *>(at + sizeof length), length);
  }
  /// The 64-bit payload after a number's word.
  uint64_t next(size_t i) const { return words_[i + 1]; }
  /// The value at `i` as a DOM element (for titles and alert context).
  simdjson::dom::element element(size_t i) const {
    simdjson::dom::element e;
    e.*get(tape_detail::ElementTape{}) = simdjson::internal::tape_ref(doc_, i);
    return e;
  }

private:
  explicit Tape(const simdjson::dom::document *doc)
      : doc_(doc), words_(doc->tape.get()), strings_(doc->string_buf.get()) {}
  const simdjson::dom::document *doc_;
  const uint64_t *words_;
  const uint8_t *strings_;
};

} // namespace rulec
