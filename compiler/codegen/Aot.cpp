//===- Aot.cpp ------------------------------------------------------------===//
#include "codegen/Aot.h"

#include "codegen/Codegen.h"
#include "packs/PackSerialization.h"
#include "packs/RuleFiles.h"
#include "rulec/abi.h"

#include <llvm/ADT/StringExtras.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/FileSystem.h>
#include <llvm/Support/Program.h>
#include <llvm/Support/BLAKE3.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>
#include <llvm/Target/TargetOptions.h>
#include <llvm/TargetParser/Host.h>
#include <llvm/TargetParser/Triple.h>

#include <cstdlib>

namespace rulec {

using namespace llvm;

std::string hashSources(const std::vector<std::string> &files, const std::string &sigmaConfigText) {
  // read(2) and BLAKE3: 3000 SigmaHQ files in ~32 ms, where ifstream copies
  // and SHA-256 took 56.
  BLAKE3 hash;
  auto update = [&](const std::string &s) {
    hash.update(ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(s.data()), s.size()));
  };
  feedRuleFiles(files, update);
  update("sigma-config:" + sigmaConfigText);
  const auto digest = hash.final();
  return toHex(ArrayRef<uint8_t>(digest.data(), digest.size()), /*LowerCase=*/true);
}

namespace {

std::unique_ptr<TargetMachine> targetMachine(const AotOptions &options, std::string &error) {
  static bool initialized = [] {
    InitializeAllTargetInfos();
    InitializeAllTargets();
    InitializeAllTargetMCs();
    InitializeAllAsmPrinters();
    return true;
  }();
  (void)initialized;
  const std::string triple = Triple::normalize(options.triple.empty() ? sys::getDefaultTargetTriple() : options.triple);
  const Target *target = TargetRegistry::lookupTarget(triple, error);
  if (!target) {
    error = "unknown target '" + triple + "': " + error;
    return nullptr;
  }
  std::string cpu = options.cpu.empty() ? "generic" : options.cpu;
  std::string features;
  if (cpu == "native") {
    cpu = sys::getHostCPUName().str();
    for (const auto &[name, on] : sys::getHostCPUFeatures())
      features += (features.empty() ? "" : ",") + std::string(on ? "+" : "-") + name.str();
  }
  std::unique_ptr<TargetMachine> tm(target->createTargetMachine(triple, cpu, features, TargetOptions(), Reloc::PIC_,
                                                                std::nullopt, CodeGenOptLevel::Default));
  if (!tm)
    error = "LLVM cannot make code for target '" + triple + "' and CPU '" + cpu + "'";
  return tm;
}

/// The exported rulec_pack_manifest (abi.h) of the module.
void addManifest(Module &module, const ir::Pack &pack, const std::string &sourceHash) {
  LLVMContext &ctx = module.getContext();
  auto *i32 = Type::getInt32Ty(ctx);
  auto *ptr = PointerType::getUnqual(ctx);
  const std::string info = serializePack(pack.info());
  auto privateConstant = [&](Constant *init, const char *name) {
    return new GlobalVariable(module, init->getType(), true, GlobalValue::PrivateLinkage, init, name);
  };
  Constant *infoBytes = privateConstant(ConstantDataArray::getRaw(info, info.size(), Type::getInt8Ty(ctx)), "pack.info");
  Constant *hash = privateConstant(ConstantDataArray::getString(ctx, sourceHash, /*AddNull=*/true), "pack.hash");
  auto *type = StructType::get(ctx, {i32, i32, ptr, ptr, ptr, ptr, ptr, ptr});
  Constant *init = ConstantStruct::get(
      type, {ConstantInt::get(i32, RULEC_ABI_VERSION), ConstantInt::get(i32, info.size()), infoBytes, hash,
             module.getFunction(codegen::kEvalSymbol), module.getFunction(codegen::kSeveritySymbol),
             module.getFunction(codegen::kColumnSymbol), module.getNamedGlobal(RULEC_PACK_RULES_SYMBOL)});
  new GlobalVariable(module, type, true, GlobalValue::ExternalLinkage, init, RULEC_PACK_MANIFEST_SYMBOL);
}

bool emitFile(Module &module, TargetMachine &tm, const std::string &path, CodeGenFileType type, std::string &error) {
  std::error_code ec;
  raw_fd_ostream out(path, ec, sys::fs::OF_None);
  if (ec) {
    error = "cannot write '" + path + "': " + ec.message();
    return false;
  }
  legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, out, nullptr, type)) {
    error = "this target cannot emit that kind of file";
    return false;
  }
  pm.run(module);
  out.flush();
  if (out.has_error()) {
    error = "cannot write '" + path + "': " + out.error().message();
    out.clear_error();
    return false;
  }
  return true;
}

/// `cc -shared -o output object` ($CC when set).
bool linkShared(const std::string &object, const std::string &output, std::string &error) {
  const char *cc = std::getenv("CC");
  auto program = sys::findProgramByName(cc && *cc ? cc : "cc");
  if (!program) {
    error = "no C compiler driver ('" + std::string(cc && *cc ? cc : "cc") + "') to link a shared object; write an object (-o pack.o) and link it yourself";
    return false;
  }
  std::string message;
  const int rc = sys::ExecuteAndWait(*program, {*program, "-shared", "-o", output, object}, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0) {
    error = "linking '" + output + "' with " + *program + " failed" + (message.empty() ? "" : ": " + message);
    return false;
  }
  return true;
}

} // namespace

bool writeAotPack(const ir::Pack &pack, const std::string &sourceHash, const AotOptions &options, std::string &error) {
  std::unique_ptr<TargetMachine> tm = targetMachine(options, error);
  if (!tm)
    return false;
  LLVMContext ctx;
  ctx.setDiscardValueNames(true);
  std::unique_ptr<Module> module = codegen::generate(pack, ctx);
  addManifest(*module, pack, sourceHash);
  // As the JIT compiles (asJit); else O2, but for a large pack
  // (codegen::kLargePackRules), where it made 1183 SigmaHQ rules take
  // 4.7-5.2 s instead of 3.7, and 3000 9.9-12.5 s instead of 6.9-8.5, for no
  // faster scan.
  codegen::OptLevel level = codegen::jitOptLevel(pack);
  if (options.asJit)
    tm->setOptLevel(CodeGenOptLevel::None);
  else if (level != codegen::OptLevel::None)
    level = codegen::OptLevel::Full;
  codegen::optimize(*module, *tm, level);
  switch (options.kind) {
  case AotOptions::Kind::Assembly:
    return emitFile(*module, *tm, options.output, CodeGenFileType::AssemblyFile, error);
  case AotOptions::Kind::Object:
    return emitFile(*module, *tm, options.output, CodeGenFileType::ObjectFile, error);
  case AotOptions::Kind::SharedObject: {
    const std::string object = options.output + ".o.tmp";
    const bool ok = emitFile(*module, *tm, object, CodeGenFileType::ObjectFile, error) &&
                    linkShared(object, options.output, error);
    sys::fs::remove(object);
    return ok;
  }
  }
  return false;
}

} // namespace rulec
