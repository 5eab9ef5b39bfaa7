//===- rulec/rulec.hpp - A thin C++ wrapper over rulec.h ------------------===//
//
// RAII owners of packs and engines; errors become rulec::Error exceptions on
// this side of the C ABI. Header-only: link with -lrulec as for rulec.h.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "rulec/rulec.h"

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace rulec {

class Error : public std::runtime_error {
public:
  Error(int code, const std::string &message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

private:
  int code_;
};

namespace detail {
inline void check(int code, char *message) {
  if (code == RULEC_OK) {
    rulec_free(message);
    return;
  }
  std::string text = message ? message : "rulec error";
  rulec_free(message);
  throw Error(code, text);
}
} // namespace detail

/// A compiled pack: shared, read-only; outlives its engines.
class Pack {
public:
  /// An ahead-of-time pack from `rulec compile -o pack.so`.
  static Pack open(const std::string &path) {
    rulec_pack *p = nullptr;
    char *error = nullptr;
    const int code = rulec_pack_open(path.c_str(), &p, &error);
    detail::check(code, error);
    return Pack(p);
  }
  /// Rule files or folders, compiled now; diagnostics of left-out rules in `diagnostics`.
  static Pack compile(const std::vector<std::string> &paths, std::string *diagnostics = nullptr,
                      const char *sigmaConfig = nullptr) {
    std::vector<const char *> c;
    for (const std::string &p : paths)
      c.push_back(p.c_str());
    rulec_pack *p = nullptr;
    char *text = nullptr;
    const int code = rulec_pack_compile(c.data(), c.size(), sigmaConfig, &p, &text);
    if (code == RULEC_OK && diagnostics)
      *diagnostics = text ? text : "";
    detail::check(code, text);
    return Pack(p);
  }
  size_t ruleCount() const { return rulec_pack_rule_count(pack_.get()); }
  const rulec_pack *get() const { return pack_.get(); }

private:
  explicit Pack(rulec_pack *p) : pack_(p, &rulec_pack_close) {}
  std::shared_ptr<rulec_pack> pack_;
};

/// One event stream's state over a pack; one thread at a time.
class Engine {
public:
  using Output = std::function<void(int kind, std::string_view json)>;

  Engine(const Pack &pack, Output output, const rulec_engine_options *options = nullptr)
      : output_(std::make_unique<Output>(std::move(output))) {
    rulec_engine *e = nullptr;
    char *error = nullptr;
    const int code = rulec_engine_new(pack.get(), options, &Engine::trampoline, output_.get(), &e, &error);
    detail::check(code, error);
    engine_.reset(e);
  }
  /// False when the document was not a JSON object (it is counted).
  bool feed(std::string_view json) { return rulec_engine_feed(engine_.get(), json.data(), json.size()) == RULEC_OK; }
  bool feedLines(std::string_view buffer) {
    return rulec_engine_feed_lines(engine_.get(), buffer.data(), buffer.size()) == RULEC_OK;
  }
  void flush() { rulec_engine_flush(engine_.get()); }
  rulec_stats stats() const {
    rulec_stats s{};
    rulec_engine_stats(engine_.get(), &s);
    return s;
  }

private:
  static void trampoline(void *user, int kind, const char *json, size_t len) {
    (*static_cast<Output *>(user))(kind, std::string_view(json, len));
  }
  struct Free {
    void operator()(rulec_engine *e) const { rulec_engine_free(e); }
  };
  std::unique_ptr<Output> output_;
  std::unique_ptr<rulec_engine, Free> engine_;
};

} // namespace rulec
