//===- rulec.cpp - The rulec command line ---------------------------------===//
//
// rulec-compiler: the whole CLI, with the compiler. `rulec` (tools/Launcher.cpp)
// runs packs without LLVM and hands every other command here. A thin
// driver: flags in, library calls, text out.
//
//   rulec check [--emit=ast|ir|llvm|asm] RULES...   parse, compile, dump a stage
//   rulec run RULES... --events FILE...             alerts as JSON lines on stdout
//   rulec run --pack PACK.so --events FILE...       the same with a compiled pack
//   rulec compile RULES... -o PACK.so|PACK.o|PACK.s  an ahead-of-time pack
//   rulec test RULES...                             each rule's own Tests, natively
//
// Exit codes (docs/cli.md): 0 success; 1 a rule was rejected or a test failed;
// 2 bad usage or unreadable input; 3 `run` finished but some events were invalid.
//
//===----------------------------------------------------------------------===//
#include "codegen/Codegen.h"
#include "support/Diagnostics.h"
#include "EventEvaluator.h"
#include "Frontend.h"
#include "sigma/SigmaConfig.h"
#include "ir/IR.h"
#include "ir/IRJson.h"
#include "codegen/Jit.h"
#include "codegen/Aot.h"
#include "output/MatchDescription.h"
#include "packs/PackLoader.h"

#include "CacheKey.h"
#include "CliFlags.h"
#include "RunEvents.h"

#include <CLI/CLI.hpp>
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <fstream>
#include <sys/stat.h>
#include <unistd.h>
#include <map>
#include <sstream>
#include <iostream>

namespace {

using namespace rulec;
using namespace rulec::cli;

/// The --sigma-config file, if one was given (kept for the pack's lifetime).
sigma::Config sigmaConfig;
std::string sigmaConfigPath;

/// Parses and lowers the rules; prints diagnostics. Returns false when no
/// pack can be built (nothing compiled, or an error under --strict).
bool loadRules(const std::vector<std::string> &paths, FrontendOptions options, bool strict, Frontend &fe,
               DiagnosticEngine &diags, std::ostream &diagOut = std::cerr) {
  if (!sigmaConfigPath.empty()) {
    std::ifstream in(sigmaConfigPath);
    std::stringstream text;
    text << in.rdbuf();
    if (!in || !sigma::Config::load(text.str(), sigmaConfigPath, sigmaConfig, diags)) {
      if (!in)
        diags.error(DiagCode::FileUnreadable, {std::make_shared<const std::string>(sigmaConfigPath), 0, 0},
                    "cannot read the Sigma configuration '" + sigmaConfigPath + "'");
      diags.print(std::cerr);
      return false;
    }
    options.sigmaConfig = &sigmaConfig;
  }
  std::vector<std::string> files = collectRuleFiles(paths, diags);
  fe = runFrontend(files, options, diags);
  diags.print(diagOut);
  if (diags.hasErrors() && strict)
    return false;
  return true;
}

int runCheck(const std::vector<std::string> &paths, const std::string &emit, bool strict) {
  DiagnosticEngine diags;
  Frontend fe;
  if (!loadRules(paths, FrontendOptions{true}, strict, fe, diags))
    return kRuleErrors;

  if (emit == "ast") {
    fe.dumpAst(std::cout);
  } else if (emit == "ir") {
    ir::print(fe.pack, std::cout);
  } else if (emit == "json") {
    ir::printJson(fe.pack, std::cout);
  } else if (emit == "llvm" || emit == "asm") {
    llvm::LLVMContext ctx;
    std::unique_ptr<llvm::Module> module = buildOptimizedModule(fe.pack, ctx);
    if (emit == "llvm") {
      llvm::outs() << *module;
    } else {
      auto tm = codegen::createHostTargetMachine();
      codegen::emitAssembly(*module, *tm, llvm::outs());
    }
    llvm::outs().flush();
  } else {
    // Without --emit, check compiles to native code too, so that it catches
    // everything `run` would.
    std::string error;
    if (!JitPack::compile(fe.pack, error)) {
      std::cerr << "rulec: error: native compilation failed: " << error << "\n";
      return kRuleErrors;
    }
    std::cerr << "rulec: " << fe.files << " files, " << fe.compiled << " rules compiled, "
              << fe.rejected << " rejected" << fe.countsSummary();
    std::cerr << "\n";
  }
  return diags.hasErrors() ? kRuleErrors : kOk;
}

/// --cache DIR: the pack of these rule files (same bytes, Sigma
/// configuration, rulec ABI and host CPU) as an earlier run compiled it — an
/// AOT pack for the host's CPU, loaded in milliseconds — or compiled now and
/// kept there, with the diagnostics its rules gave, which a cached run shows
/// again.
int loadCachedPack(const RunFlags &flags, std::unique_ptr<LoadedPack> &loaded, bool &ruleErrors, bool &compiled) {
  compiled = false;
  DiagnosticEngine pathErrors;
  const int64_t stampedFrom = wallClockNs();
  std::vector<FileStamp> stamps;
  const std::vector<std::string> files = collectRuleFiles(flags.rules, pathErrors, &stamps);
  if (pathErrors.hasErrors()) {
    pathErrors.print(std::cerr);
    return kRuleErrors;
  }
  const std::string key =
      cacheKey(flags.cache, files, stamps, stampedFrom, sigmaConfigPath.empty() ? "" : readFile(sigmaConfigPath));
  if ((loaded = cachedPack(flags, key, ruleErrors)))
    return kOk;
  const std::string base = flags.cache + "/" + key;
  std::string error;
  DiagnosticEngine diags;
  Frontend fe;
  std::ostringstream text;
  const bool ok = loadRules(flags.rules, FrontendOptions{false}, flags.strict, fe, diags, text);
  std::cerr << text.str();
  if (!ok)
    return kRuleErrors;
  if (fe.compiled == 0) {
    std::cerr << "rulec: error: no rule to run\n";
    return kRuleErrors;
  }
  compiled = true;
  ::mkdir(flags.cache.c_str(), 0755);
  AotOptions options;
  options.kind = AotOptions::Kind::SharedObject;
  options.output = base + ".so.tmp" + std::to_string(::getpid());
  options.cpu = "native";
  options.asJit = true; // this run waits for it
  std::ofstream diag(base + ".diag.tmp" + std::to_string(::getpid()));
  diag << (diags.hasErrors() ? "errors" : "clean") << "\n" << text.str();
  diag.close();
  // Renamed into place complete, so that concurrent runs never load half a file.
  if (!writeAotPack(fe.pack, key, options, error) || ::rename(options.output.c_str(), (base + ".so").c_str()) != 0 ||
      !diag || ::rename((base + ".diag.tmp" + std::to_string(::getpid())).c_str(), (base + ".diag").c_str()) != 0) {
    std::cerr << "rulec: error: cannot write the cache in '" << flags.cache << "': " << error << "\n";
    return kUsage;
  }
  loaded = LoadedPack::open(base + ".so", error);
  if (!loaded) {
    std::cerr << "rulec: error: " << error << "\n";
    return kUsage;
  }
  ruleErrors = diags.hasErrors();
  return kOk;
}

int runRun(const RunFlags &flags) {
  const Clock::time_point started = Clock::now();
  if (flags.rules.empty() == flags.pack.empty()) {
    std::cerr << "rulec: error: run takes rule files or --pack, one of the two\n";
    return kUsage;
  }
  std::string error;
  std::unique_ptr<JitPack> jit;
  std::unique_ptr<LoadedPack> loaded;
  bool cachedRuleErrors = false;
  bool compiledForCache = false; // --cache missed: compiled now
  DiagnosticEngine diags;
  Clock::time_point parsed = started, compiled = started; // the JIT's phases, for --timing
  if (!flags.pack.empty()) {
    loaded = LoadedPack::open(flags.pack, error);
    if (!loaded) {
      std::cerr << "rulec: error: " << error << "\n";
      return kUsage;
    }
  } else if (!flags.cache.empty()) {
    const int status = loadCachedPack(flags, loaded, cachedRuleErrors, compiledForCache);
    if (status != kOk)
      return status;
  } else {
    Frontend fe;
    if (!loadRules(flags.rules, FrontendOptions{false}, flags.strict, fe, diags))
      return kRuleErrors;
    if (fe.compiled == 0) {
      std::cerr << "rulec: error: no rule to run\n";
      return kRuleErrors;
    }
    parsed = Clock::now();
    jit = JitPack::compile(fe.pack, error);
    compiled = Clock::now();
    if (!jit) {
      std::cerr << "rulec: error: native compilation failed: " << error << "\n";
      return kRuleErrors;
    }
  }
  const PackInfo &info = jit ? jit->info() : loaded->info();
  const NativePack native = jit ? jit->native() : loaded->native();
  ReadyPack pack{.info = info,
                 .native = native,
                 .ruleErrors = diags.hasErrors() || cachedRuleErrors,
                 .compiled = jit || compiledForCache,
                 .jit = bool(jit),
                 .started = started,
                 .parsed = parsed,
                 .compiledAt = compiled};
  return runEvents(flags, pack);
}

/// " (2 unsupported, 1 unknown-condition)": the first error code of each
/// rejected file, counted; empty when nothing was rejected.
std::string rejectionReasons(const DiagnosticEngine &diags) {
  std::map<std::string, DiagCode> firstError;
  for (const Diagnostic &d : diags.diagnostics())
    if (d.severity == Severity::Error)
      firstError.emplace(d.loc.file ? *d.loc.file : "", d.code);
  std::map<std::string, unsigned> counts;
  for (const auto &[file, code] : firstError)
    ++counts[diagCodeName(code)];
  std::string out;
  for (const auto &[code, n] : counts)
    out += (out.empty() ? " (" : ", ") + std::to_string(n) + " " + code;
  return out.empty() ? out : out + ")";
}

/// Checks a matching test's ExpectedTitle / ExpectedDedup / ExpectedSeverity
/// against what an alert of this event would carry; returns the mismatch.
std::string checkRendering(const RuleTest &test, const RuleInfo &rule, uint32_t index,
                           const EventEvaluator &event, bool &ok) {
  std::string detail;
  auto check = [&](const char *what, const std::optional<std::string> &want, const std::string &got) {
    if (!want || *want == got)
      return;
    ok = false;
    detail += std::string(detail.empty() ? ": " : "; ") + what + " expected \"" + *want + "\", got \"" + got + "\"";
  };
  if (test.expectedTitle)
    check("title", test.expectedTitle, alertTitle(rule, event));
  if (test.expectedDedup)
    check("dedup", test.expectedDedup, dedupString(rule, event));
  if (test.expectedSeverity)
    check("severity", test.expectedSeverity, event.severity(rule, index));
  return detail.empty() ? detail : detail + " (" + test.loc.str() + ")";
}

/// Runs every rule's Tests through the JIT-compiled pack, printing lines in
/// panther_analysis_tool's shape.
int runTest(const std::vector<std::string> &paths) {
  DiagnosticEngine diags;
  Frontend fe;
  loadRules(paths, FrontendOptions{true}, false, fe, diags);
  std::string error;
  std::unique_ptr<JitPack> pack = JitPack::compile(fe.pack, error);
  if (!pack) {
    std::cerr << "rulec: error: native compilation failed: " << error << "\n";
    return kRuleErrors;
  }
  EventEvaluator evaluator(pack->info(), pack->native());
  unsigned passed = 0, failed = 0, tested = 0;
  for (const TestedRule &rule : fe.tests) {
    const uint32_t r = rule.packRule;
    ++tested;
    std::cout << *rule.id << "\n";
    const uint32_t ruleLogType = fe.pack.rules[r].info.logTypes.front();
    for (const RuleTest &test : *rule.tests) {
      // A test's LogType picks the log type; a type no rule reads runs nothing.
      const uint32_t logType =
          test.logType.empty() ? ruleLogType : pack->info().logTypeIndex(test.logType);
      bool ok;
      std::string detail;
      if (!evaluator.load(test.logJson, error)) {
        ok = false;
        detail = ": the Log is not a JSON object: " + error;
      } else {
        const auto &matched = evaluator.evaluate(logType);
        const bool result = std::find(matched.begin(), matched.end(), r) != matched.end();
        ok = result == test.expectedResult;
        if (!ok)
          detail = std::string(": expected ") + (test.expectedResult ? "true" : "false") +
                   ", got " + (result ? "true" : "false") + " (" + test.loc.str() + ")";
        else if (result)
          detail = checkRendering(test, pack->info().rules[r], r, evaluator, ok);
      }
      (ok ? passed : failed)++;
      std::cout << "\t[" << (ok ? "PASS" : "FAIL") << "] " << test.name << detail << "\n";
    }
    if (rule.tests->empty())
      std::cout << "\t(no tests)\n";
  }
  std::cout << "\n" << tested << " rules tested, " << fe.rejected << " rejected"
            << rejectionReasons(diags) << "\n";
  std::cout << passed << " passed, " << failed << " failed\n";
  return (failed || diags.hasErrors()) ? kRuleErrors : kOk;
}

int runCompile(const CompileFlags &flags) {
  AotOptions options;
  options.output = flags.output;
  options.triple = flags.target;
  options.cpu = flags.cpu;
  const auto endsWith = [&](const char *ext) {
    const std::string e = ext;
    return flags.output.size() >= e.size() && flags.output.compare(flags.output.size() - e.size(), e.size(), e) == 0;
  };
  const std::string emit = !flags.emit.empty() ? flags.emit
                           : endsWith(".o")    ? "object"
                           : endsWith(".s")    ? "asm"
                                               : "shared";
  options.kind = emit == "object" ? AotOptions::Kind::Object
                 : emit == "asm"  ? AotOptions::Kind::Assembly
                                  : AotOptions::Kind::SharedObject;
  DiagnosticEngine diags;
  Frontend fe;
  if (!loadRules(flags.rules, FrontendOptions{false}, flags.strict, fe, diags))
    return kRuleErrors;
  if (fe.compiled == 0) {
    std::cerr << "rulec: error: no rule to compile\n";
    return kRuleErrors;
  }
  std::string configText;
  if (!sigmaConfigPath.empty()) {
    std::ifstream in(sigmaConfigPath);
    std::stringstream text;
    text << in.rdbuf();
    configText = text.str();
  }
  std::string error;
  if (!writeAotPack(fe.pack, hashSources(collectRuleFiles(flags.rules, diags), configText), options, error)) {
    std::cerr << "rulec: error: " << error << "\n";
    return kUsage;
  }
  std::cerr << "rulec: " << fe.compiled << " rules compiled into " << flags.output << ", " << fe.rejected
            << " rejected\n";
  return diags.hasErrors() ? kRuleErrors : kOk;
}

} // namespace

int main(int argc, char **argv) {
  Flags flags;
  Command command;
  if (int status; !parse(argc, argv, flags, command, status))
    return status;
  sigmaConfigPath = flags.sigmaConfig;
  switch (command) {
  case Command::Check:
    return runCheck(flags.check.rules, flags.check.emit, flags.check.strict);
  case Command::Run:
    return runRun(flags.run);
  case Command::Compile:
    return runCompile(flags.compile);
  case Command::Test:
    break;
  }
  return runTest(flags.testRules);
}
