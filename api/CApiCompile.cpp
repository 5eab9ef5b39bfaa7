//===- CApiCompile.cpp - include/rulec/rulec.h: packs compiled by the JIT -===//
#include "rulec/rulec.h"

#include "CApiPack.h"
#include "Frontend.h"
#include "codegen/Jit.h"
#include "sigma/SigmaConfig.h"

#include <fstream>
#include <sstream>

using namespace rulec;

namespace {
/// What keeps a JIT pack's code alive.
struct JitOwner {
  std::unique_ptr<JitPack> jit;
};
} // namespace

extern "C" int rulec_pack_compile(const char *const *paths, size_t n_paths, const char *sigma_config,
                                  rulec_pack **out, char **diagnostics) {
  auto fail = [&](int code, const std::string &message) {
    if (diagnostics)
      *diagnostics = copyMessage(message);
    return code;
  };
  if (!out || (!paths && n_paths))
    return fail(RULEC_ERR_ARGUMENT, "rulec_pack_compile: paths and out must not be NULL");
  try {
    DiagnosticEngine diags;
    std::ostringstream text;
    sigma::Config config;
    FrontendOptions options;
    if (sigma_config) {
      std::ifstream in(sigma_config);
      std::stringstream yaml;
      yaml << in.rdbuf();
      if (!in) {
        diags.error(DiagCode::FileUnreadable, {std::make_shared<const std::string>(sigma_config), 0, 0},
                    std::string("cannot read the Sigma configuration '") + sigma_config + "'");
      } else if (sigma::Config::load(yaml.str(), sigma_config, config, diags)) {
        options.sigmaConfig = &config;
      }
      if (diags.hasErrors()) {
        diags.print(text);
        return fail(RULEC_ERR_RULES, text.str());
      }
    }
    std::vector<std::string> inputs(paths, paths + n_paths);
    Frontend fe = runFrontend(collectRuleFiles(inputs, diags), options, diags);
    diags.print(text);
    if (fe.compiled == 0)
      return fail(RULEC_ERR_RULES, text.str() + "no rule compiled\n");
    std::string error;
    auto owner = std::make_shared<JitOwner>();
    owner->jit = JitPack::compile(fe.pack, error);
    if (!owner->jit)
      return fail(RULEC_ERR_INTERNAL, text.str() + "native compilation failed: " + error + "\n");
    auto *pack = new rulec_pack;
    pack->info = &owner->jit->info();
    pack->native = owner->jit->native();
    pack->owner = owner;
    *out = pack;
    if (diagnostics)
      *diagnostics = text.str().empty() ? nullptr : copyMessage(text.str());
    return RULEC_OK;
  } catch (const std::exception &e) {
    return fail(RULEC_ERR_INTERNAL, e.what());
  } catch (...) {
    return fail(RULEC_ERR_INTERNAL, "unknown error");
  }
}
