//===- PackLoader.cpp -----------------------------------------------------===//
#include "packs/PackLoader.h"

#include "packs/PackSerialization.h"
#include "rulec/abi.h"

#include <dlfcn.h>

#include <string_view>

namespace rulec {

LoadedPack::~LoadedPack() {
  if (handle_)
    dlclose(handle_);
}

std::unique_ptr<LoadedPack> LoadedPack::open(const std::string &path, std::string &error) {
  // dlopen searches the library path for a bare name; a pack is a file.
  const std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  std::unique_ptr<LoadedPack> pack(new LoadedPack());
  pack->handle_ = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!pack->handle_) {
    const char *why = dlerror();
    error = "cannot load pack '" + path + "': " + (why ? why : "unknown error");
    return nullptr;
  }
  const auto *manifest =
      static_cast<const rulec_pack_manifest *>(dlsym(pack->handle_, RULEC_PACK_MANIFEST_SYMBOL));
  if (!manifest) {
    error = "'" + path + "' is not a rulec pack (it has no " RULEC_PACK_MANIFEST_SYMBOL ")";
    return nullptr;
  }
  if (manifest->abi_version != RULEC_ABI_VERSION) {
    error = "pack '" + path + "' was built for rulec ABI " + std::to_string(manifest->abi_version) +
            "; this runtime reads ABI " + std::to_string(RULEC_ABI_VERSION) + ": compile it again with this rulec";
    return nullptr;
  }
  std::string why;
  if (!deserializePack(std::string_view(reinterpret_cast<const char *>(manifest->info), manifest->info_size),
                       pack->info_, why)) {
    error = "pack '" + path + "' has bad metadata: " + why;
    return nullptr;
  }
  if (!manifest->eval || !manifest->severity || !manifest->column) {
    error = "pack '" + path + "' lacks an entry point";
    return nullptr;
  }
  pack->native_ = {manifest->eval, manifest->severity, manifest->column, manifest->rules};
  pack->sourceHash_ = manifest->source_hash ? manifest->source_hash : "";
  return pack;
}

} // namespace rulec
