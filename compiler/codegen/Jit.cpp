//===- Jit.cpp ------------------------------------------------------------===//
#include "codegen/Jit.h"

#include "codegen/Codegen.h"
#include "support/Parallel.h"

#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/Error.h>
#include <llvm/Support/MemoryBuffer.h>
#include <llvm/Target/TargetMachine.h>


namespace rulec {

using namespace llvm;

JitPack::~JitPack() = default;

namespace {

/// Machine code at CodeGenOptLevel::None (fast instruction selection and
/// register allocation): with the O2 pipeline, 3000 SigmaHQ rules JIT in
/// 11.5 s instead of 31.6 s (the other core busy), and the scan is as fast
/// (1, 10 and 1183 rule packs within noise): the hot code is in the
/// runtime's helpers, and the rules' own code is branches and calls. AOT
/// packs (Aot.cpp) keep the default level, they are compiled once; but those
/// of `run --cache` (AotOptions::asJit), whose first start waits for them.
Expected<orc::JITTargetMachineBuilder> jitMachine() {
  codegen::initializeNativeTarget();
  auto machine = orc::JITTargetMachineBuilder::detectHost();
  if (machine) {
    machine->setCodeGenOptLevel(CodeGenOptLevel::None);
    // A JIT target defaults to the large code model on x86-64, whose calls
    // fast instruction selection cannot lower (SelectionDAG takes them) and
    // whose every address is a 10-byte move. JITLink builds the GOT and PLT
    // stubs that small PIC code needs to reach the runtime's helpers.
    machine->setCodeModel(CodeModel::Small);
    machine->setRelocationModel(Reloc::PIC_);
  }
  return machine;
}

/// Parts 0..count-1 of `pack` as object files, compiled on `threads`
/// threads, each with its own LLVMContext and TargetMachine.
Expected<std::vector<std::unique_ptr<MemoryBuffer>>> compileParts(const ir::Pack &pack, uint32_t count,
                                                                   unsigned threads) {
  std::vector<std::unique_ptr<MemoryBuffer>> objects(count);
  std::vector<std::string> errors(count);
  auto work = [&](unsigned thread) {
    auto machine = jitMachine();
    if (!machine) {
      errors[thread] = toString(machine.takeError());
      return;
    }
    auto tm = machine->createTargetMachine();
    if (!tm) {
      errors[thread] = toString(tm.takeError());
      return;
    }
    for (uint32_t index = thread; index < count; index += threads) {
      LLVMContext ctx;
      ctx.setDiscardValueNames(true);
      std::unique_ptr<Module> module = codegen::generate(pack, ctx, {index, count});
      codegen::optimize(*module, **tm, codegen::jitOptLevel(pack));
      auto object = orc::SimpleCompiler(**tm)(*module);
      if (!object) {
        errors[index] = toString(object.takeError());
        return;
      }
      objects[index] = std::move(*object);
    }
  };
  runOnThreads(threads, work);
  for (const std::string &e : errors)
    if (!e.empty())
      return make_error<StringError>(e, inconvertibleErrorCode());
  return objects;
}

} // namespace

std::unique_ptr<Module> buildOptimizedModule(const ir::Pack &pack, LLVMContext &ctx) {
  std::unique_ptr<TargetMachine> tm = codegen::createHostTargetMachine();
  std::unique_ptr<Module> module = codegen::generate(pack, ctx);
  codegen::optimize(*module, *tm, codegen::jitOptLevel(pack));
  return module;
}

const std::vector<RuntimeHelper> &runtimeHelpers() {
  auto helper = [](const char *name, auto *fn) { return RuntimeHelper{name, reinterpret_cast<void *>(fn)}; };
  static const std::vector<RuntimeHelper> helpers = {
      helper("rulec_rt_ieq", &rulec_rt_ieq),
      helper("rulec_rt_contains", &rulec_rt_contains),
      helper("rulec_rt_icontains", &rulec_rt_icontains),
      helper("rulec_rt_ip_class", &rulec_rt_ip_class),
      helper("rulec_rt_ip_in_net", &rulec_rt_ip_in_net),
      helper("rulec_rt_net_contains_ip", &rulec_rt_net_contains_ip),
      helper("rulec_rt_compare_fields", &rulec_rt_compare_fields),
      helper("rulec_rt_sigma_rule", &rulec_rt_sigma_rule),
      helper("rulec_rt_has", &rulec_rt_has),
      helper("rulec_rt_now", &rulec_rt_now),
      helper("rulec_rt_datetime", &rulec_rt_datetime),
      helper("rulec_rt_set_match", &rulec_rt_set_match),
      helper("rulec_rt_regex_match", &rulec_rt_regex_match),
      helper("rulec_rt_scan", &rulec_rt_scan),
      helper("rulec_rt_keyword", &rulec_rt_keyword),
      helper("rulec_rt_keyword_contains", &rulec_rt_keyword_contains),
      helper("rulec_rt_keyword_may_occur", &rulec_rt_keyword_may_occur),
      helper("rulec_rt_call", &rulec_rt_call),
  };
  return helpers;
}

std::unique_ptr<JitPack> JitPack::compile(const ir::Pack &pack, std::string &error) {
  auto fail = [&](Error e) -> std::unique_ptr<JitPack> {
    error = toString(std::move(e));
    return nullptr;
  };
  auto machine = jitMachine();
  if (!machine)
    return fail(machine.takeError());
  auto jit = orc::LLJITBuilder().setJITTargetMachineBuilder(std::move(*machine)).create();
  if (!jit)
    return fail(jit.takeError());

  orc::JITDylib &main = (*jit)->getMainJITDylib();
  orc::MangleAndInterner mangle((*jit)->getExecutionSession(), (*jit)->getDataLayout());
  orc::SymbolMap runtime;
  for (const RuntimeHelper &h : runtimeHelpers())
    runtime[mangle(h.name)] = {orc::ExecutorAddr::fromPtr(h.address), JITSymbolFlags::Exported};
  if (Error e = main.define(orc::absoluteSymbols(std::move(runtime))))
    return fail(std::move(e));
  auto process = orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
      (*jit)->getDataLayout().getGlobalPrefix());
  if (!process)
    return fail(process.takeError());
  main.addGenerator(std::move(*process));

  const unsigned threads = compilerThreads();
  if (pack.rules.size() < codegen::kLargePackRules || threads == 1) {
    auto ctx = std::make_unique<LLVMContext>();
    ctx->setDiscardValueNames(true); // names only serve --emit=llvm; they cost compile time
    std::unique_ptr<Module> module = buildOptimizedModule(pack, *ctx);
    if (Error e = (*jit)->addIRModule(orc::ThreadSafeModule(std::move(module), std::move(ctx))))
      return fail(std::move(e));
  } else {
    // The entry points and the rules in a part per thread: 3000 SigmaHQ
    // rules compile in 4.3 s instead of 6-6.9 s on 2 cores (with the
    // frontend's parallel YAML loading).
    auto objects = compileParts(pack, threads + 1, threads);
    if (!objects)
      return fail(objects.takeError());
    for (auto &object : *objects)
      if (Error e = (*jit)->addObjectFile(std::move(object)))
        return fail(std::move(e));
  }
  auto eval = (*jit)->lookup(codegen::kEvalSymbol);
  if (!eval)
    return fail(eval.takeError());
  auto severity = (*jit)->lookup(codegen::kSeveritySymbol);
  if (!severity)
    return fail(severity.takeError());

  auto column = (*jit)->lookup(codegen::kColumnSymbol);
  if (!column)
    return fail(column.takeError());
  auto rules = (*jit)->lookup(RULEC_PACK_RULES_SYMBOL);
  if (!rules)
    return fail(rules.takeError());

  std::unique_ptr<JitPack> out(new JitPack());
  out->column_ = column->toPtr<rulec_pack_column_fn>();
  out->info_ = pack.info();
  out->eval_ = eval->toPtr<rulec_pack_eval_fn>();
  out->severity_ = severity->toPtr<rulec_pack_severity_fn>();
  out->rules_ = rules->toPtr<const rulec_pack_rule_fn *>();
  out->jit_ = std::move(*jit);
  return out;
}

} // namespace rulec
