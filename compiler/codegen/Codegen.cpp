//===- Codegen.cpp --------------------------------------------------------===//
#include "codegen/Codegen.h"

#include "matching/IpAddress.h"
#include "rulec/abi.h"

#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/IR/IRBuilder.h>
#include <llvm/IR/MDBuilder.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/IR/Module.h>
#include <llvm/IR/Verifier.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/Support/raw_ostream.h>
#include <llvm/Target/TargetMachine.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <set>

namespace rulec::codegen {

using namespace llvm;

namespace {

static_assert(sizeof(rulec_value) == 16, "rulec_value is { i8, [3 x i8], i32, i64 }");

/// Field indexes of rulec_value as the LLVM struct { i8, [3 x i8], i32, i64 }.
enum ValueField { kKindField = 0, kLenField = 2, kPayloadField = 3 };

class Codegen {
public:
  Codegen(const ir::Pack &pack, LLVMContext &ctx, Part part)
      : pack_(pack), part_(part), ctx_(ctx), module_(std::make_unique<Module>("rulec.pack", ctx)), b_(ctx) {
    valueTy_ = StructType::create(
        ctx, {b_.getInt8Ty(), ArrayType::get(b_.getInt8Ty(), 3), b_.getInt32Ty(), b_.getInt64Ty()},
        "rulec.value");
    ptrTy_ = PointerType::getUnqual(ctx);
    memcmp_ = Function::Create(
        FunctionType::get(b_.getInt32Ty(), {ptrTy_, ptrTy_, b_.getInt64Ty()}, false),
        Function::ExternalLinkage, "memcmp", *module_);
    memcmp_->setOnlyReadsMemory();
    memcmp_->setDoesNotThrow();
    Type *i32 = b_.getInt32Ty();
    auto helper = [&](const char *name, Type *ret, std::vector<Type *> args) {
      Function *f = Function::Create(FunctionType::get(ret, args, false), Function::ExternalLinkage,
                                     name, *module_);
      f->setOnlyReadsMemory();
      f->setDoesNotThrow();
      return f;
    };
    ieq_ = helper("rulec_rt_ieq", i32, {ptrTy_, i32, ptrTy_, i32});
    contains_ = helper("rulec_rt_contains", i32, {ptrTy_, i32, ptrTy_, i32});
    icontains_ = helper("rulec_rt_icontains", i32, {ptrTy_, i32, ptrTy_, i32});
    ipClass_ = helper("rulec_rt_ip_class", i32, {ptrTy_, i32});
    ipInNet_ = helper("rulec_rt_ip_in_net", i32, {ptrTy_, i32, ptrTy_, i32, i32});
    netHasIp_ = helper("rulec_rt_net_contains_ip", i32, {ptrTy_, i32, ptrTy_, i32});
    compareFields_ = helper("rulec_rt_compare_fields", i32, {ptrTy_, ptrTy_, i32});
    has_ = helper("rulec_rt_has", i32, {ptrTy_, i32, ptrTy_, i32, i32});
    now_ = helper("rulec_rt_now", b_.getInt64Ty(), {ptrTy_});
    datetime_ = helper("rulec_rt_datetime", b_.getInt64Ty(), {ptrTy_});
    setMatch_ = helper("rulec_rt_set_match", i32, {ptrTy_, i32, ptrTy_, i32, i32});
    regexMatch_ = helper("rulec_rt_regex_match", i32, {ptrTy_, i32, ptrTy_, i32});
    keyword_ = helper("rulec_rt_keyword", i32, {ptrTy_, i32});
    keywordContains_ = helper("rulec_rt_keyword_contains", i32, {ptrTy_, i32});
    keywordMayOccur_ = helper("rulec_rt_keyword_may_occur", i32, {ptrTy_, i32});
    sigmaRule_ = helper("rulec_rt_sigma_rule", i32, {ptrTy_, ptrTy_, ptrTy_, i32});
    scan_ = Function::Create(FunctionType::get(ptrTy_, {ptrTy_, ptrTy_, i32}, false), Function::ExternalLinkage,
                             "rulec_rt_scan", *module_);
    scan_->setDoesNotThrow();
    needleBases_ = needleBases(pack.literalSets);
    const std::vector<std::string> functions = ir::functionTable(pack);
    for (size_t i = 0; i < functions.size(); ++i)
      functionIndex_[functions[i]] = static_cast<uint32_t>(i);
    call_ = Function::Create(FunctionType::get(b_.getVoidTy(), {ptrTy_, i32, i32, ptrTy_, ptrTy_}, false),
                             Function::ExternalLinkage, "rulec_rt_call", *module_);
    call_->setDoesNotThrow();
  }

  std::unique_ptr<Module> run() {
    if (part_.count == 1) {
      std::vector<Function *> ruleFns;
      for (uint32_t i = 0; i < pack_.rules.size(); ++i)
        ruleFns.push_back(emitRule(pack_.rules[i], i, Function::InternalLinkage, "rule." + std::to_string(i)));
      emitEntry(ruleFns);
      emitSeverity();
      emitColumns();
    } else if (part_.index == 0) {
      // The rules live in the other parts; the JIT links them by name.
      std::vector<Function *> ruleFns;
      for (uint32_t i = 0; i < pack_.rules.size(); ++i)
        ruleFns.push_back(Function::Create(ruleType(), Function::ExternalLinkage, ruleSymbol(i), *module_));
      emitEntry(ruleFns);
      emitSeverity();
      emitColumns();
    } else {
      for (uint32_t i = part_.index - 1; i < pack_.rules.size(); i += part_.count - 1)
        emitRule(pack_.rules[i], i, Function::ExternalLinkage, ruleSymbol(i));
    }
    if (verifyModule(*module_, &errs()))
      report_fatal_error("rulec codegen produced an invalid module");
    return std::move(module_);
  }

private:
  // --- slot access -------------------------------------------------------
  Value *slotPtr(uint32_t slot) { return b_.CreateConstInBoundsGEP1_64(valueTy_, slots_, slot); }
  Value *fieldPtr(Value *slot, ValueField f) { return b_.CreateStructGEP(valueTy_, slot, f); }
  Value *loadKind(Value *slot) { return b_.CreateLoad(b_.getInt8Ty(), fieldPtr(slot, kKindField), "kind"); }
  Value *loadLen(Value *slot) { return b_.CreateLoad(b_.getInt32Ty(), fieldPtr(slot, kLenField), "len"); }
  Value *loadInt(Value *slot) { return b_.CreateLoad(b_.getInt64Ty(), fieldPtr(slot, kPayloadField), "i"); }
  Value *loadDouble(Value *slot) { return b_.CreateLoad(b_.getDoubleTy(), fieldPtr(slot, kPayloadField), "d"); }
  Value *loadStr(Value *slot) { return b_.CreateLoad(ptrTy_, fieldPtr(slot, kPayloadField), "s"); }

  BasicBlock *newBlock(const char *name) { return BasicBlock::Create(ctx_, name, fn_); }

  using Gen = std::function<Value *()>;

  /// Branches on the slot's kind: each case computes an i1; any other kind
  /// (missing, null, ...) gives false. Compares and branches rather than a
  /// switch: fast instruction selection (the JIT's) has no switch and would
  /// fall back to SelectionDAG for the block.
  Value *switchOnKind(Value *slot, const std::vector<std::pair<std::vector<rulec_kind>, Gen>> &cases) {
    Value *kind = loadKind(slot);
    BasicBlock *merge = newBlock("kind.merge");
    std::vector<std::pair<Value *, BasicBlock *>> incoming;
    for (const auto &[kinds, gen] : cases) {
      Value *is = b_.getFalse();
      for (rulec_kind k : kinds)
        is = b_.CreateOr(is, b_.CreateICmpEQ(kind, b_.getInt8(k)));
      BasicBlock *bb = newBlock("kind.case"), *next = newBlock("kind.next");
      b_.CreateCondBr(is, bb, next);
      b_.SetInsertPoint(bb);
      Value *v = gen();
      incoming.push_back({v, b_.GetInsertBlock()});
      b_.CreateBr(merge);
      b_.SetInsertPoint(next);
    }
    incoming.push_back({b_.getFalse(), b_.GetInsertBlock()});
    b_.CreateBr(merge);
    b_.SetInsertPoint(merge);
    PHINode *phi = b_.CreatePHI(b_.getInt1Ty(), incoming.size(), "kind.result");
    for (auto &[v, bb] : incoming)
      phi->addIncoming(v, bb);
    return phi;
  }

  /// cond && then(): `then` runs only when cond holds (it may read memory
  /// that is valid only then).
  Value *andThen(Value *cond, const Gen &then) {
    BasicBlock *from = b_.GetInsertBlock();
    BasicBlock *thenBB = newBlock("and.then");
    BasicBlock *merge = newBlock("and.merge");
    b_.CreateCondBr(cond, thenBB, merge);
    b_.SetInsertPoint(thenBB);
    Value *v = then();
    BasicBlock *thenEnd = b_.GetInsertBlock();
    b_.CreateBr(merge);
    b_.SetInsertPoint(merge);
    PHINode *phi = b_.CreatePHI(b_.getInt1Ty(), 2);
    phi->addIncoming(b_.getFalse(), from);
    phi->addIncoming(v, thenEnd);
    return phi;
  }

  Value *stringConstant(const std::string &s) {
    auto it = strings_.find(s);
    if (it != strings_.end())
      return it->second;
    Value *g = b_.CreateGlobalString(s, "str", 0, module_.get(), /*AddNull=*/false);
    strings_.emplace(s, g);
    return g;
  }

  // --- leaves --------------------------------------------------------------
  /// Python `field == C` for an int constant: ints and bools compare as
  /// integers; a float equals C only if C is exactly representable.
  Value *eqInt(Value *slot, int64_t c) {
    double asDouble = static_cast<double>(c);
    bool exact = asDouble < 0x1p63 && static_cast<int64_t>(asDouble) == c;
    return switchOnKind(slot, {
        // A computed timespan compares by its nanoseconds, as the lowering writes a timespan constant.
        {{RULEC_INT, RULEC_BOOL, RULEC_TIMESPAN}, [&] { return b_.CreateICmpEQ(loadInt(slot), b_.getInt64(c)); }},
        {{RULEC_DOUBLE}, [&]() -> Value * {
           if (!exact)
             return b_.getFalse();
           return b_.CreateFCmpOEQ(loadDouble(slot), ConstantFP::get(b_.getDoubleTy(), asDouble));
         }},
    });
  }

  Value *eqDouble(Value *slot, double c) {
    bool integral = std::isfinite(c) && std::trunc(c) == c && c >= -0x1p63 && c < 0x1p63;
    return switchOnKind(slot, {
        {{RULEC_INT, RULEC_BOOL}, [&]() -> Value * {
           if (!integral)
             return b_.getFalse();
           return b_.CreateICmpEQ(loadInt(slot), b_.getInt64(static_cast<int64_t>(c)));
         }},
        {{RULEC_DOUBLE}, [&] { return b_.CreateFCmpOEQ(loadDouble(slot), ConstantFP::get(b_.getDoubleTy(), c)); }},
    });
  }

  Value *eqString(Value *slot, const std::string &c, bool foldCase) {
    return switchOnKind(slot, {{{RULEC_STRING}, [&]() -> Value * {
      Value *len = loadLen(slot);
      Value *sameLen = b_.CreateICmpEQ(len, b_.getInt32(static_cast<uint32_t>(c.size())));
      if (c.empty())
        return sameLen;
      return andThen(sameLen, [&]() -> Value * {
        Value *s = loadStr(slot);
        if (foldCase) {
          Value *r = b_.CreateCall(ieq_, {s, len, stringConstant(c), b_.getInt32(c.size())});
          return b_.CreateICmpNE(r, b_.getInt32(0));
        }
        Value *r = b_.CreateCall(memcmp_, {s, stringConstant(c), b_.getInt64(c.size())});
        return b_.CreateICmpEQ(r, b_.getInt32(0));
      });
    }}});
  }

  Value *callTrue(Function *f, ArrayRef<Value *> args) {
    return b_.CreateICmpNE(b_.CreateCall(f, args), b_.getInt32(0));
  }

  /// String tests against a constant: contains, prefix, suffix (+ fold).
  Value *stringTest(Value *slot, ir::Op op, const std::string &c) {
    return switchOnKind(slot, {{{RULEC_STRING}, [&]() -> Value * {
      Value *len = loadLen(slot);
      Value *n = b_.getInt32(static_cast<uint32_t>(c.size()));
      switch (op) {
      case ir::Op::Contains:
        if (c.empty())
          return b_.getTrue();
        return callTrue(contains_, {loadStr(slot), len, stringConstant(c), n});
      case ir::Op::ContainsFold:
        if (c.empty())
          return b_.getTrue();
        return callTrue(icontains_, {loadStr(slot), len, stringConstant(c), n});
      default:
        break;
      }
      const bool fold = op == ir::Op::StartsWithFold || op == ir::Op::EndsWithFold;
      const bool suffix = op == ir::Op::EndsWith || op == ir::Op::EndsWithFold;
      Value *fits = b_.CreateICmpUGE(len, n);
      if (c.empty())
        return fits;
      return andThen(fits, [&]() -> Value * {
        Value *start = loadStr(slot);
        if (suffix)
          start = b_.CreateInBoundsGEP(b_.getInt8Ty(), start,
                                       b_.CreateZExt(b_.CreateSub(len, n), b_.getInt64Ty()));
        if (fold)
          return callTrue(ieq_, {start, n, stringConstant(c), n});
        Value *r = b_.CreateCall(memcmp_, {start, stringConstant(c), b_.getInt64(c.size())});
        return b_.CreateICmpEQ(r, b_.getInt32(0));
      });
    }}});
  }

  /// Numeric order against a constant, exactly as Python compares ints and
  /// floats: every bound is worked out at compile time.
  Value *orderTest(Value *slot, ir::Op op, const Scalar &c) {
    const bool less = op == ir::Op::Lt || op == ir::Op::Le;
    const bool strict = op == ir::Op::Lt || op == ir::Op::Gt;
    // An integer field against the constant: i < c, i <= c, ... as integer bounds.
    auto intTest = [&]() -> Value * {
      Value *i = loadInt(slot);
      if (c.kind == Scalar::Int) {
        Value *k = b_.getInt64(c.i);
        return less ? (strict ? b_.CreateICmpSLT(i, k) : b_.CreateICmpSLE(i, k))
                    : (strict ? b_.CreateICmpSGT(i, k) : b_.CreateICmpSGE(i, k));
      }
      const double d = c.d;
      if (std::isnan(d))
        return b_.getFalse();
      // i < d  <=> i < ceil(d);  i <= d <=> i <= floor(d)
      // i > d  <=> i > floor(d); i >= d <=> i >= ceil(d)
      const bool useCeil = (less && strict) || (!less && !strict);
      const double bound = useCeil ? std::ceil(d) : std::floor(d);
      if (bound >= 0x1p63)
        return b_.getInt1(less);
      if (bound < -0x1p63)
        return b_.getInt1(!less);
      Value *k = b_.getInt64(static_cast<int64_t>(bound));
      if (useCeil)
        return less ? b_.CreateICmpSLT(i, k) : b_.CreateICmpSGE(i, k);
      return less ? b_.CreateICmpSLE(i, k) : b_.CreateICmpSGT(i, k);
    };
    // A float field against the constant.
    auto floatTest = [&]() -> Value * {
      Value *d = loadDouble(slot);
      double k = c.kind == Scalar::Double ? c.d : static_cast<double>(c.i);
      if (c.kind == Scalar::Int && (k >= 0x1p63 || static_cast<int64_t>(k) != c.i)) {
        // c is not a double: compare with the nearest double on the right side.
        const bool above = k >= 0x1p63 || static_cast<int64_t>(k) > c.i;
        if (less)
          k = above ? std::nextafter(k, -INFINITY) : k; // d < c <=> d <= largest double below c
        else
          k = above ? k : std::nextafter(k, INFINITY);  // d > c <=> d >= smallest double above c
        Value *kv = ConstantFP::get(b_.getDoubleTy(), k);
        return less ? b_.CreateFCmpOLE(d, kv) : b_.CreateFCmpOGE(d, kv);
      }
      Value *kv = ConstantFP::get(b_.getDoubleTy(), k);
      return less ? (strict ? b_.CreateFCmpOLT(d, kv) : b_.CreateFCmpOLE(d, kv))
                  : (strict ? b_.CreateFCmpOGT(d, kv) : b_.CreateFCmpOGE(d, kv));
    };
    return switchOnKind(slot, {{{RULEC_INT, RULEC_BOOL, RULEC_TIMESPAN}, intTest}, {{RULEC_DOUBLE}, floatTest}});
  }

  Value *isEmpty(Value *slot) {
    Value *kind = loadKind(slot);
    Value *absent = b_.CreateICmpULT(kind, b_.getInt8(RULEC_BOOL));
    Value *sized = b_.CreateOr(b_.CreateICmpEQ(kind, b_.getInt8(RULEC_STRING)),
                               b_.CreateICmpUGE(kind, b_.getInt8(RULEC_ARRAY)));
    Value *zero = b_.CreateICmpEQ(loadLen(slot), b_.getInt32(0));
    return b_.CreateOr(absent, b_.CreateAnd(sized, zero));
  }

  Value *ipClassTest(Value *slot, uint32_t mask) {
    return switchOnKind(slot, {{{RULEC_STRING}, [&]() -> Value * {
      Value *cls = b_.CreateCall(ipClass_, {loadStr(slot), loadLen(slot)});
      return b_.CreateICmpNE(b_.CreateAnd(cls, b_.getInt32(mask)), b_.getInt32(0));
    }}});
  }

  Value *bytesConstant(const std::array<uint8_t, 16> &bytes) {
    Constant *init = ConstantDataArray::get(ctx_, ArrayRef<uint8_t>(bytes.data(), bytes.size()));
    return new GlobalVariable(*module_, init->getType(), true, GlobalValue::PrivateLinkage, init, "ip");
  }

  Value *networkTest(Value *slot, ir::Op op, const std::string &text) {
    return switchOnKind(slot, {{{RULEC_STRING}, [&]() -> Value * {
      if (op == ir::Op::InNetwork) {
        IpNetwork net;
        parseIpNetwork(text, net, false); // validated by the frontend
        return callTrue(ipInNet_, {loadStr(slot), loadLen(slot), bytesConstant(net.address.bytes),
                                   b_.getInt32(net.prefix), b_.getInt32(net.address.version)});
      }
      IpAddress ip;
      parseIpAddress(text, ip);
      return callTrue(netHasIp_, {loadStr(slot), loadLen(slot), bytesConstant(ip.bytes),
                                  b_.getInt32(ip.version)});
    }}});
  }

  /// any / all / one over the element records of a list slot.
  Value *elementLoop(const ir::Expr &e) {
    const FieldSpec &list = (*table_)[e.slot];
    const uint64_t width = list.elements.size();
    Value *slot = slotPtr(e.slot);
    const bool isAll = e.op == ir::Op::AllElements, isOne = e.op == ir::Op::OneElement;

    BasicBlock *entry = b_.GetInsertBlock();
    BasicBlock *pre = newBlock("elems.pre"), *header = newBlock("elems.header");
    BasicBlock *body = newBlock("elems.body"), *latch = newBlock("elems.latch");
    BasicBlock *done = newBlock("elems.done"), *merge = newBlock("elems.merge");
    b_.CreateCondBr(b_.CreateICmpEQ(loadKind(slot), b_.getInt8(RULEC_ARRAY)), pre, merge);

    b_.SetInsertPoint(pre);
    Value *len = loadLen(slot);
    Value *elems = b_.CreateLoad(ptrTy_, fieldPtr(slot, kPayloadField), "elems");
    b_.CreateBr(header);

    b_.SetInsertPoint(header);
    PHINode *i = b_.CreatePHI(b_.getInt32Ty(), 2, "i");
    PHINode *count = isOne ? b_.CreatePHI(b_.getInt32Ty(), 2, "count") : nullptr;
    i->addIncoming(b_.getInt32(0), pre);
    if (count)
      count->addIncoming(b_.getInt32(0), pre);
    b_.CreateCondBr(b_.CreateICmpULT(i, len), body, done);

    b_.SetInsertPoint(body);
    Value *record = b_.CreateInBoundsGEP(
        valueTy_, elems, b_.CreateMul(b_.CreateZExt(i, b_.getInt64Ty()), b_.getInt64(width)), "record");
    Value *savedSlots = slots_;
    const std::vector<FieldSpec> *savedTable = table_;
    slots_ = record;
    table_ = &list.elements;
    Value *v = emit(*e.operands[0]);
    slots_ = savedSlots;
    table_ = savedTable;
    BasicBlock *bodyEnd = b_.GetInsertBlock();
    Value *nextCount = nullptr;
    if (isOne) {
      nextCount = b_.CreateAdd(count, b_.CreateZExt(v, b_.getInt32Ty()));
      b_.CreateCondBr(b_.CreateICmpUGT(nextCount, b_.getInt32(1)), merge, latch);
    } else if (isAll) {
      b_.CreateCondBr(v, latch, merge);
    } else {
      b_.CreateCondBr(v, merge, latch);
    }

    b_.SetInsertPoint(latch);
    Value *next = b_.CreateAdd(i, b_.getInt32(1));
    i->addIncoming(next, latch);
    if (count)
      count->addIncoming(nextCount, latch);
    b_.CreateBr(header);

    b_.SetInsertPoint(done);
    Value *exhausted = isOne ? b_.CreateICmpEQ(count, b_.getInt32(1)) : b_.getInt1(isAll);
    b_.CreateBr(merge);

    b_.SetInsertPoint(merge);
    PHINode *result = b_.CreatePHI(b_.getInt1Ty(), 3);
    result->addIncoming(b_.getFalse(), entry);                 // not a list
    result->addIncoming(b_.getInt1(!isAll && !isOne), bodyEnd); // decided early
    result->addIncoming(exhausted, done);
    return result;
  }

  /// The value a leaf tests: its slot, or its computed subject.
  Value *subject(const ir::Expr &e) { return e.subject ? emitValue(*e.subject) : slotPtr(e.slot); }

  AllocaInst *entryAlloca(Type *type, Value *count, const char *name) {
    IRBuilder<> entry(&fn_->getEntryBlock(), fn_->getEntryBlock().begin());
    return entry.CreateAlloca(type, count, name);
  }

  /// A constant rulec_value in read-only memory; `timeKind` RULEC_DATETIME
  /// or RULEC_TIMESPAN makes an int constant a Kusto time value.
  Value *constantValue(const Scalar &c, uint8_t timeKind = 0) {
    uint8_t kind = RULEC_NULL;
    uint32_t len = 0;
    Constant *payload = b_.getInt64(0);
    switch (c.kind) {
    case Scalar::Null: break;
    case Scalar::Bool: kind = RULEC_BOOL; payload = b_.getInt64(c.b); break;
    case Scalar::Int: kind = timeKind ? timeKind : RULEC_INT; payload = b_.getInt64(c.i); break;
    case Scalar::Double: {
      kind = RULEC_DOUBLE;
      int64_t bits;
      std::memcpy(&bits, &c.d, sizeof bits);
      payload = b_.getInt64(bits);
      break;
    }
    case Scalar::String:
      kind = RULEC_STRING;
      len = static_cast<uint32_t>(c.s.size());
      payload = ConstantExpr::getPtrToInt(cast<Constant>(stringConstant(c.s)), b_.getInt64Ty());
      break;
    }
    Constant *init = ConstantStruct::get(
        valueTy_, {b_.getInt8(kind), ConstantAggregateZero::get(ArrayType::get(b_.getInt8Ty(), 3)),
                   b_.getInt32(len), payload});
    return new GlobalVariable(*module_, valueTy_, true, GlobalValue::PrivateLinkage, init, "const");
  }

  /// Computes a value into a stack temporary; returns a pointer to it.
  Value *emitValue(const ir::Value &v) {
    switch (v.kind) {
    case ir::Value::Slot: return slotPtr(v.slot);
    case ir::Value::Const: return constantValue(v.constant, v.constKind);
    case ir::Value::Iff: {
      Value *cond = emit(*v.cond);
      Value *a = emitValue(*v.args[0]);
      Value *b = emitValue(*v.args[1]);
      return b_.CreateSelect(cond, a, b, "iff");
    }
    case ir::Value::Call: {
      const uint32_t argc = static_cast<uint32_t>(v.args.size());
      Value *argv = entryAlloca(ptrTy_, b_.getInt32(std::max(argc, 1u)), "args");
      for (uint32_t i = 0; i < argc; ++i)
        b_.CreateStore(emitValue(*v.args[i]), b_.CreateConstInBoundsGEP1_32(ptrTy_, argv, i));
      Value *out = entryAlloca(valueTy_, nullptr, "computed");
      b_.CreateCall(call_, {rtCtx_, b_.getInt32(functionIndex_.at(v.fn)), b_.getInt32(argc), argv, out});
      return out;
    }
    }
    return slotPtr(0);
  }

  Value *hasTest(Value *slot, const std::string &term, uint32_t mode) {
    return switchOnKind(slot, {{{RULEC_STRING}, [&]() -> Value * {
      return callTrue(has_, {loadStr(slot), loadLen(slot), stringConstant(term),
                             b_.getInt32(static_cast<uint32_t>(term.size())), b_.getInt32(mode)});
    }}});
  }

  /// The field read as a Kusto datetime, compared with a constant instant or
  /// with now() plus a constant span (ago()).
  Value *timeTest(const ir::Expr &e) {
    Value *t = b_.CreateCall(datetime_, {subject(e)});
    Value *bound = b_.getInt64(e.constant.i);
    if (e.mode)
      bound = b_.CreateAdd(b_.CreateCall(now_, {rtCtx_}), bound);
    Value *valid = b_.CreateICmpNE(t, b_.getInt64(INT64_MIN));
    Value *cmp;
    switch (e.cmp) {
    case ir::Op::Lt: cmp = b_.CreateICmpSLT(t, bound); break;
    case ir::Op::Le: cmp = b_.CreateICmpSLE(t, bound); break;
    case ir::Op::Gt: cmp = b_.CreateICmpSGT(t, bound); break;
    case ir::Op::Ge: cmp = b_.CreateICmpSGE(t, bound); break;
    default: cmp = b_.CreateICmpEQ(t, bound); break;
    }
    return b_.CreateAnd(valid, cmp);
  }

  Value *emitEq(const ir::Expr &e) {
    Value *slot = subject(e);
    const Scalar &c = e.constant;
    switch (c.kind) {
    case Scalar::Int: return eqInt(slot, c.i);
    case Scalar::Bool: return eqInt(slot, c.b ? 1 : 0);
    case Scalar::Double: return eqDouble(slot, c.d);
    case Scalar::String: return eqString(slot, c.s, false);
    case Scalar::Null: // lowering turns `== null` into is_null
      return b_.CreateICmpULT(loadKind(slot), b_.getInt8(RULEC_BOOL));
    }
    return b_.getFalse();
  }

  // --- operators -------------------------------------------------------------
  /// Short-circuit and/or: evaluate left to right, stop at the first operand
  /// that decides. Large junctions are split into outlined functions.
  Value *shortCircuit(const ir::Expr &e, bool isAnd) {
    std::vector<const ir::Expr *> operands;
    for (const auto &operand : e.operands)
      operands.push_back(operand.get());
    return junction(operands, isAnd);
  }

  /// LLVM's CFG simplification folds each operand's blocks into the one phi
  /// that joins a junction, which costs time in the phi's size: one function
  /// with thousands of tests compiled in quadratic time (a 4000-field Sigma
  /// selection: 11 s, 8000: 44 s). So a junction of more than kInlineNodes IR
  /// nodes is cut into about kOutlineFanout consecutive ranges, each range
  /// of several operands an outlined function of the same junction (and/or
  /// are associative, and the order of evaluation is kept), recursively:
  /// every function stays small and compile time linear in the rule.
  static constexpr size_t kInlineNodes = 256, kOutlineFanout = 16;

  /// The operands answered by needle bits are tested first, one 64-bit word
  /// at a time (and: all bits of the mask set, or: any): the tests are pure
  /// and the cheapest there are, and a Sigma list of substrings becomes one
  /// or two tests instead of a branch per value.
  Value *junction(const std::vector<const ir::Expr *> &all, bool isAnd) {
    std::map<uint32_t, uint64_t> masks; // needle word -> bits of the operands
    std::vector<const ir::Expr *> operands;
    for (const ir::Expr *operand : all) {
      if (operand->literalSet >= 0 && needles_) {
        const uint32_t bit = needleBitIndex(static_cast<uint32_t>(operand->literalSet), operand->literalIndex);
        masks[bit / 64] |= uint64_t(1) << (bit % 64);
      } else {
        operands.push_back(operand);
      }
    }
    if (masks.empty())
      return splitJunction(operands, isAnd);
    std::vector<Gen> gens;
    for (const auto &[word, mask] : masks)
      gens.push_back([this, word = word, mask = mask, isAnd] { return needleWord(word, mask, isAnd); });
    if (!operands.empty())
      gens.push_back([this, &operands, isAnd] { return splitJunction(operands, isAnd); });
    return gens.size() == 1 ? gens[0]() : shortCircuit(gens, isAnd);
  }

  Value *splitJunction(const std::vector<const ir::Expr *> &operands, bool isAnd) {
    std::vector<size_t> sizes;
    size_t total = 0;
    for (const ir::Expr *operand : operands)
      total += sizes.emplace_back(ir::nodeCount(*operand, kInlineNodes * kOutlineFanout + 1));
    if (total <= kInlineNodes || operands.size() == 1)
      return shortCircuit(operands, isAnd);

    const size_t ranges = std::min(kOutlineFanout, (total + kInlineNodes - 1) / kInlineNodes);
    const size_t target = (total + ranges - 1) / ranges;
    // Consecutive ranges of about `target` nodes; an operand of that size or
    // more is a range of its own (it splits its own junctions).
    std::vector<std::vector<const ir::Expr *>> parts(1);
    size_t filled = 0;
    for (size_t i = 0; i < operands.size(); ++i) {
      if (!parts.back().empty() && (filled >= target || sizes[i] >= target)) {
        parts.emplace_back();
        filled = 0;
      }
      parts.back().push_back(operands[i]);
      filled += sizes[i];
    }
    if (parts.size() == 1) { // outlining the whole junction again would never end
      parts.clear();
      for (const ir::Expr *operand : operands)
        parts.push_back({operand});
    }
    std::vector<Gen> gens;
    for (const auto &part : parts) {
      if (part.size() == 1) // one large operand splits its own junctions
        gens.push_back([this, &part] { return emit(*part[0]); });
      else
        gens.push_back([this, &part, isAnd] { return callOutlined(part, isAnd); });
    }
    return shortCircuit(gens, isAnd);
  }

  Value *shortCircuit(const std::vector<const ir::Expr *> &operands, bool isAnd) {
    std::vector<Gen> gens;
    for (const ir::Expr *operand : operands)
      gens.push_back([this, operand] { return emit(*operand); });
    return shortCircuit(gens, isAnd);
  }

  Value *shortCircuit(const std::vector<Gen> &operands, bool isAnd) {
    BasicBlock *merge = newBlock(isAnd ? "and.end" : "or.end");
    std::vector<std::pair<Value *, BasicBlock *>> incoming;
    for (size_t i = 0; i < operands.size(); ++i) {
      Value *v = operands[i]();
      BasicBlock *cur = b_.GetInsertBlock();
      if (i + 1 == operands.size()) {
        incoming.push_back({v, cur});
        b_.CreateBr(merge);
        break;
      }
      BasicBlock *next = newBlock(isAnd ? "and.next" : "or.next");
      incoming.push_back({isAnd ? b_.getFalse() : b_.getTrue(), cur});
      if (isAnd)
        b_.CreateCondBr(v, next, merge);
      else
        b_.CreateCondBr(v, merge, next);
      b_.SetInsertPoint(next);
    }
    b_.SetInsertPoint(merge);
    PHINode *phi = b_.CreatePHI(b_.getInt1Ty(), incoming.size());
    for (auto &[v, bb] : incoming)
      phi->addIncoming(v, bb);
    return phi;
  }

  /// Calls a new function computing the junction of `operands` over the
  /// current scope (the event's slots, or a list element's inside a
  /// quantifier), and returns its result.
  Value *callOutlined(const std::vector<const ir::Expr *> &operands, bool isAnd) {
    Function *caller = fn_;
    Value *callerSlots = slots_, *callerCtx = rtCtx_, *callerNeedles = needles_;
    BasicBlock *callerBlock = b_.GetInsertBlock();
    auto *ty = FunctionType::get(b_.getInt1Ty(), {ptrTy_, ptrTy_, ptrTy_}, false);
    fn_ = Function::Create(ty, Function::InternalLinkage, caller->getName() + ".part", *module_);
    fn_->setAttributes(caller->getAttributes()); // noinline, the slots' noalias
    fn_->setCallingConv(caller->getCallingConv());
    fn_->addParamAttr(0, Attribute::ReadOnly);
    slots_ = fn_->getArg(0);
    rtCtx_ = fn_->getArg(1);
    needles_ = fn_->getArg(2);
    b_.SetInsertPoint(BasicBlock::Create(ctx_, "entry", fn_));
    b_.CreateRet(junction(operands, isAnd));
    Function *part = fn_;
    fn_ = caller;
    slots_ = callerSlots;
    rtCtx_ = callerCtx;
    needles_ = callerNeedles;
    b_.SetInsertPoint(callerBlock);
    CallInst *call = b_.CreateCall(part, {slots_, rtCtx_, needles_});
    call->setCallingConv(part->getCallingConv());
    call->addRetAttr(Attribute::ZExt);
    return call;
  }

  Value *emit(const ir::Expr &e) {
    if (e.literalSet >= 0) // one scan of the field per event answers it (LiteralSets.h)
      return literalLeaf(e);
    switch (e.op) {
    case ir::Op::Const: return b_.getInt1(e.boolValue);
    case ir::Op::Not: return b_.CreateNot(emit(*e.operands[0]));
    case ir::Op::And: return shortCircuit(e, true);
    case ir::Op::Or: return shortCircuit(e, false);
    case ir::Op::ExactlyOne: {
      Value *count = b_.getInt32(0);
      for (const auto &operand : e.operands)
        count = b_.CreateAdd(count, b_.CreateZExt(emit(*operand), b_.getInt32Ty()));
      return b_.CreateICmpEQ(count, b_.getInt32(1));
    }
    case ir::Op::Exists:
      return b_.CreateICmpNE(loadKind(subject(e)), b_.getInt8(RULEC_MISSING));
    case ir::Op::IsNull:
      return b_.CreateICmpULT(loadKind(subject(e)), b_.getInt8(RULEC_BOOL));
    case ir::Op::IsEmpty: return isEmpty(subject(e));
    case ir::Op::Eq: return emitEq(e);
    case ir::Op::EqFold: return eqString(subject(e), e.constant.s, true);
    case ir::Op::Contains: case ir::Op::ContainsFold:
    case ir::Op::StartsWith: case ir::Op::StartsWithFold:
    case ir::Op::EndsWith: case ir::Op::EndsWithFold:
      return stringTest(subject(e), e.op, e.constant.s);
    case ir::Op::Lt: case ir::Op::Le: case ir::Op::Gt: case ir::Op::Ge:
      return orderTest(subject(e), e.op, e.constant);
    case ir::Op::IsIp: return ipClassTest(subject(e), RULEC_IP_V4 | RULEC_IP_V6);
    case ir::Op::IsIpv4: return ipClassTest(subject(e), RULEC_IP_V4);
    case ir::Op::IsIpv6: return ipClassTest(subject(e), RULEC_IP_V6);
    case ir::Op::IsPrivateIp: return ipClassTest(subject(e), RULEC_IP_PRIVATE);
    case ir::Op::IsGlobalIp: return ipClassTest(subject(e), RULEC_IP_GLOBAL);
    case ir::Op::InNetwork:
    case ir::Op::NetworkHasIp:
      return networkTest(subject(e), e.op, e.constant.s);
    case ir::Op::FieldCompare:
      return callTrue(compareFields_,
                      {subject(e), e.subject2 ? emitValue(*e.subject2) : slotPtr(e.slot2),
                       b_.getInt32(static_cast<uint32_t>(e.cmp) - static_cast<uint32_t>(ir::Op::Eq))});
    case ir::Op::AnyElement: case ir::Op::AllElements: case ir::Op::OneElement:
      return elementLoop(e);
    case ir::Op::Has: return hasTest(subject(e), e.constant.s, e.mode);
    case ir::Op::InSet: {
      Value *slot = subject(e);
      return switchOnKind(slot, {{{RULEC_STRING}, [&]() -> Value * {
        return callTrue(setMatch_, {rtCtx_, b_.getInt32(e.index), loadStr(slot), loadLen(slot), b_.getInt32(e.mode)});
      }}});
    }
    case ir::Op::Regex: {
      Value *slot = subject(e);
      auto run = [&]() -> Value * {
        return switchOnKind(slot, {{{RULEC_STRING}, [&]() -> Value * {
          return callTrue(regexMatch_, {rtCtx_, b_.getInt32(e.index), loadStr(slot), loadLen(slot)});
        }}});
      };
      if (e.atoms.empty() || !needles_)
        return run();
      // Every match holds one of its atoms: their bits decide most events.
      Value *any = b_.getFalse();
      for (const LiteralRef &atom : e.atoms)
        any = b_.CreateOr(any, needleBit(atom.set, atom.index));
      return andThen(any, run);
    }
    case ir::Op::TimeCmp: return timeTest(e);
    case ir::Op::Keyword: {
      auto run = [&]() -> Value * { return callTrue(keyword_, {rtCtx_, b_.getInt32(e.index)}); };
      if (e.atoms.empty())
        return run();
      // Every match holds one of its atoms: the keyword scan says which may occur.
      Value *any = b_.getFalse();
      for (const LiteralRef &atom : e.atoms)
        any = b_.CreateOr(any, callTrue(keywordMayOccur_, {rtCtx_, b_.getInt32(atom.index)}));
      return andThen(any, run);
    }
    case ir::Op::KeywordContains: return callTrue(keywordContains_, {rtCtx_, b_.getInt32(e.index)});
    }
    return b_.getFalse();
  }

  /// A leaf answered by its literal set: the needle's bit from rulec_rt_scan.
  Value *literalLeaf(const ir::Expr &e) {
    if (!needles_)
      report_fatal_error("rulec codegen: a literal leaf outside a rule");
    return needleBit(static_cast<uint32_t>(e.literalSet), e.literalIndex);
  }

  /// The needle bit (rulec_event_scan::needles) of needle `index` of literal set `set`.
  uint32_t needleBitIndex(uint32_t set, uint32_t index) const { return needleBases_[set] + index; }

  /// Whether needle `index` of literal set `set` occurs in this event.
  Value *needleBit(uint32_t set, uint32_t index) {
    const uint32_t bit = needleBitIndex(set, index);
    return needleWord(bit / 64, uint64_t(1) << (bit % 64), false);
  }

  /// Whether all (`all`) or any of the needle bits `mask` of word `word` are set.
  Value *needleWord(uint32_t word, uint64_t mask, bool all) {
    Value *bits = b_.CreateAnd(b_.CreateLoad(b_.getInt64Ty(), b_.CreateConstInBoundsGEP1_64(b_.getInt64Ty(), needles_, word)),
                               b_.getInt64(mask));
    return all ? b_.CreateICmpEQ(bits, b_.getInt64(mask)) : b_.CreateICmpNE(bits, b_.getInt64(0));
  }

  /// Starts a function over the event's slots (argument 0) with the runtime
  /// context at argument `ctxArg`; leaves the builder in its entry block.
  void beginFunction(FunctionType *ty, GlobalValue::LinkageTypes linkage, const std::string &name,
                     unsigned ctxArg) {
    fn_ = Function::Create(ty, linkage, name, *module_);
    // Nothing the code calls throws: without unwind tables, no CFI to emit
    // and no frames for the JIT to register.
    fn_->setDoesNotThrow();
    slots_ = fn_->getArg(0);
    slots_->setName("slots");
    rtCtx_ = fn_->getArg(ctxArg);
    rtCtx_->setName("ctx");
    needles_ = nullptr;
    table_ = &pack_.fields;
    b_.SetInsertPoint(BasicBlock::Create(ctx_, "entry", fn_));
  }

  /// A rule: i1 (slots, ctx, needle bits).
  FunctionType *ruleType() { return FunctionType::get(b_.getInt1Ty(), {ptrTy_, ptrTy_, ptrTy_}, false); }

  Function *emitRule(const ir::Rule &rule, uint32_t index, GlobalValue::LinkageTypes linkage,
                     const std::string &name) {
    beginFunction(ruleType(), linkage, name, 1);
    fn_->addParamAttr(0, Attribute::NoAlias);
    fn_->addParamAttr(0, Attribute::ReadOnly);
    fn_->addParamAttr(2, Attribute::ReadOnly);
    // An i1 result must be zero-extended for fast instruction selection to
    // lower the return.
    fn_->addRetAttr(Attribute::ZExt);
    needles_ = fn_->getArg(2);
    needles_->setName("needles");
    // Rules stay separate functions: inlining thousands into the entry makes
    // optimization superlinear in the pack size.
    fn_->addFnAttr(Attribute::NoInline);
    std::set<uint32_t> lists;
    elementwiseSlots(*rule.predicate, lists);
    if (!lists.empty()) {
      // Sigma: a list in a tested field (rare) runs the rule's program in the
      // runtime, so the inline code below handles scalars only.
      BasicBlock *slow = newBlock("lists"), *fast = newBlock("scalars");
      branchIfAnyList(lists, slow, fast);
      b_.SetInsertPoint(slow);
      SigmaProgram program;
      sigmaProgram(*rule.predicate, program);
      Constant *init = ConstantDataArray::getString(ctx_, program.bytes(), false);
      auto *global = new GlobalVariable(*module_, init->getType(), true, GlobalValue::PrivateLinkage, init,
                                        "program." + std::to_string(index));
      global->setAlignment(Align(alignof(rulec_sigma_insn)));
      b_.CreateRet(callTrue(sigmaRule_, {rtCtx_, slots_, global, b_.getInt32(program.insns.size())}));
      b_.SetInsertPoint(fast);
    }
    b_.CreateRet(emit(*rule.predicate));
    return fn_;
  }

  /// Branches to `yes` if any of `slots` holds a list. Few slots are tested
  /// inline; many in a loop over a table of slot numbers, because inline
  /// tests keep every loaded kind live through the rule (the scalar code
  /// reuses them), and register allocation over thousands of live values
  /// made huge rules compile in quadratic time (a 4000-field selection: 27 s).
  void branchIfAnyList(const std::set<uint32_t> &slots, BasicBlock *yes, BasicBlock *no) {
    MDNode *rare = MDBuilder(ctx_).createBranchWeights(1, 1000);
    if (slots.size() <= kInlineListChecks) {
      Value *anyList = b_.getFalse();
      for (uint32_t slot : slots)
        anyList = b_.CreateOr(anyList, b_.CreateICmpEQ(loadKind(slotPtr(slot)), b_.getInt8(RULEC_ARRAY)));
      b_.CreateCondBr(anyList, yes, no, rare);
      return;
    }
    std::vector<uint32_t> numbers(slots.begin(), slots.end());
    Constant *init = ConstantDataArray::get(ctx_, numbers);
    auto *table = new GlobalVariable(*module_, init->getType(), true, GlobalValue::PrivateLinkage, init, "list.slots");
    BasicBlock *entry = b_.GetInsertBlock(), *loop = newBlock("list.check"), *next = newBlock("list.next");
    b_.CreateBr(loop);
    b_.SetInsertPoint(loop);
    PHINode *i = b_.CreatePHI(b_.getInt32Ty(), 2, "i");
    i->addIncoming(b_.getInt32(0), entry);
    Value *slot = b_.CreateLoad(b_.getInt32Ty(), b_.CreateInBoundsGEP(b_.getInt32Ty(), table, i));
    Value *kind = loadKind(b_.CreateInBoundsGEP(valueTy_, slots_, b_.CreateZExt(slot, b_.getInt64Ty())));
    b_.CreateCondBr(b_.CreateICmpEQ(kind, b_.getInt8(RULEC_ARRAY)), yes, next, rare);
    b_.SetInsertPoint(next);
    Value *i1 = b_.CreateAdd(i, b_.getInt32(1));
    i->addIncoming(i1, next);
    b_.CreateCondBr(b_.CreateICmpULT(i1, b_.getInt32(numbers.size())), loop, no);
  }
  static constexpr size_t kInlineListChecks = 16;

  static void elementwiseSlots(const ir::Expr &e, std::set<uint32_t> &out) {
    if (e.elementwise)
      out.insert(e.slot);
    for (const auto &operand : e.operands)
      elementwiseSlots(*operand, out);
  }

  /// rulec_rt_sigma_rule's program (abi.h): instructions, then the bytes of
  /// their string constants.
  struct SigmaProgram {
    std::vector<rulec_sigma_insn> insns;
    std::string strings;
    std::string bytes() const {
      std::vector<rulec_sigma_insn> placed = insns;
      const uint64_t base = placed.size() * sizeof(rulec_sigma_insn);
      for (rulec_sigma_insn &insn : placed)
        if (insn.kind == RULEC_STRING)
          insn.constant.offset += base;
      std::string out(reinterpret_cast<const char *>(placed.data()), base);
      return out + strings;
    }
  };

  /// The predicate as rulec_rt_sigma_rule's postfix program.
  void sigmaProgram(const ir::Expr &e, SigmaProgram &out) {
    auto insn = [&](uint32_t op, uint32_t slot, uint32_t arg, uint32_t elementwise) {
      rulec_sigma_insn i{};
      i.op = op;
      i.slot = slot;
      i.arg = arg;
      i.elementwise = elementwise;
      i.kind = RULEC_NULL;
      out.insns.push_back(i);
    };
    auto test = [&](uint32_t cmp, const Scalar &c) {
      insn(RULEC_SIGMA_TEST, e.slot, cmp, e.elementwise);
      rulec_sigma_insn &i = out.insns.back();
      switch (c.kind) {
      case Scalar::Null: break;
      case Scalar::Bool: i.kind = RULEC_BOOL; i.constant.i = c.b; break;
      case Scalar::Int: i.kind = RULEC_INT; i.constant.i = c.i; break;
      case Scalar::Double: i.kind = RULEC_DOUBLE; i.constant.d = c.d; break;
      case Scalar::String:
        i.kind = RULEC_STRING;
        i.len = static_cast<uint32_t>(c.s.size());
        i.constant.offset = out.strings.size();
        out.strings += c.s;
        break;
      }
    };
    if (e.subject || e.subject2)
      report_fatal_error("rulec codegen: a computed value in a Sigma rule program");
    switch (e.op) {
    case ir::Op::Const: return insn(RULEC_SIGMA_CONST, 0, e.boolValue, 0);
    case ir::Op::Not:
      sigmaProgram(*e.operands[0], out);
      return insn(RULEC_SIGMA_NOT, 0, 0, 0);
    case ir::Op::And: case ir::Op::Or:
      for (const auto &operand : e.operands)
        sigmaProgram(*operand, out);
      return insn(e.op == ir::Op::And ? RULEC_SIGMA_AND : RULEC_SIGMA_OR, 0,
                  static_cast<uint32_t>(e.operands.size()), 0);
    case ir::Op::Exists: return insn(RULEC_SIGMA_EXISTS, e.slot, 0, 0);
    case ir::Op::IsNull: return insn(RULEC_SIGMA_IS_NULL, e.slot, 0, 0);
    case ir::Op::Eq:
      if (e.constant.kind == Scalar::Null) // as emitEq: missing or null
        return insn(RULEC_SIGMA_IS_NULL, e.slot, 0, 0);
      return test(RULEC_CMP_EQ, e.constant);
    case ir::Op::EqFold: return test(RULEC_CMP_IEQ, e.constant);
    case ir::Op::Contains: return test(RULEC_CMP_CONTAINS, e.constant);
    case ir::Op::ContainsFold: return test(RULEC_CMP_ICONTAINS, e.constant);
    case ir::Op::StartsWith: return test(RULEC_CMP_STARTSWITH, e.constant);
    case ir::Op::StartsWithFold: return test(RULEC_CMP_ISTARTSWITH, e.constant);
    case ir::Op::EndsWith: return test(RULEC_CMP_ENDSWITH, e.constant);
    case ir::Op::EndsWithFold: return test(RULEC_CMP_IENDSWITH, e.constant);
    case ir::Op::Lt: return test(RULEC_CMP_LT, e.constant);
    case ir::Op::Le: return test(RULEC_CMP_LE, e.constant);
    case ir::Op::Gt: return test(RULEC_CMP_GT, e.constant);
    case ir::Op::Ge: return test(RULEC_CMP_GE, e.constant);
    case ir::Op::InNetwork: return test(RULEC_SIGMA_IN_NETWORK, e.constant);
    case ir::Op::Regex: return test(RULEC_SIGMA_REGEX, Scalar::makeInt(e.index));
    case ir::Op::FieldCompare:
      return insn(RULEC_SIGMA_FIELDS, e.slot, e.slot2,
                  static_cast<uint32_t>(e.cmp) - static_cast<uint32_t>(ir::Op::Eq));
    case ir::Op::Keyword: return insn(RULEC_SIGMA_KEYWORD, 0, e.index, 0);
    case ir::Op::KeywordContains: return insn(RULEC_SIGMA_KEYWORD_CONTAINS, 0, e.index, 0);
    default:
      report_fatal_error("rulec codegen: an op a Sigma rule program cannot hold");
    }
  }

  /// rulec_pack_eval: rulec_rt_scan names the candidate rules of the event's
  /// log type (in rule order); call each through a table of the rules and
  /// append the index of each match to `out`. The loop stays the same size
  /// whatever the pack's size.
  void emitEntry(const std::vector<Function *> &ruleFns) {
    auto *ty = FunctionType::get(b_.getInt32Ty(), {ptrTy_, b_.getInt32Ty(), ptrTy_, ptrTy_}, false);
    fn_ = Function::Create(ty, Function::ExternalLinkage, kEvalSymbol, *module_);
    fn_->setDoesNotThrow();
    Value *slots = fn_->getArg(0), *logType = fn_->getArg(1), *out = fn_->getArg(2);
    Value *ctx = fn_->getArg(3);
    ctx->setName("ctx");
    slots->setName("slots");
    logType->setName("log_type");
    out->setName("matched");
    std::vector<Constant *> fns(ruleFns.begin(), ruleFns.end());
    Constant *init = ConstantArray::get(ArrayType::get(ptrTy_, fns.size()), fns);
    // Exported: `rulec run --profile-rules` calls the rules itself, to time each.
    auto *table = new GlobalVariable(*module_, init->getType(), true, GlobalValue::ExternalLinkage, init,
                                     RULEC_PACK_RULES_SYMBOL);

    BasicBlock *entry = BasicBlock::Create(ctx_, "entry", fn_);
    BasicBlock *loop = newBlock("loop"), *body = newBlock("candidate"), *hit = newBlock("hit");
    BasicBlock *next = newBlock("next"), *done = newBlock("done");
    b_.SetInsertPoint(entry);
    Value *scan = b_.CreateCall(scan_, {ctx, slots, logType}, "scan");
    Value *candidates = b_.CreateLoad(ptrTy_, scan, "candidates");
    Value *needles = b_.CreateLoad(ptrTy_, b_.CreateConstInBoundsGEP1_64(ptrTy_, scan, 1), "needles");
    b_.CreateBr(loop);

    b_.SetInsertPoint(loop);
    PHINode *i = b_.CreatePHI(b_.getInt64Ty(), 2, "i");
    PHINode *count = b_.CreatePHI(b_.getInt32Ty(), 2, "count");
    i->addIncoming(b_.getInt64(0), entry);
    count->addIncoming(b_.getInt32(0), entry);
    Value *rule = b_.CreateLoad(b_.getInt32Ty(), b_.CreateInBoundsGEP(b_.getInt32Ty(), candidates, i), "rule");
    b_.CreateCondBr(b_.CreateICmpEQ(rule, b_.getInt32(RULEC_NO_RULE)), done, body);

    b_.SetInsertPoint(body);
    Value *fn = b_.CreateLoad(ptrTy_, b_.CreateInBoundsGEP(ptrTy_, table, b_.CreateZExt(rule, b_.getInt64Ty())), "fn");
    CallInst *matched = b_.CreateCall(ruleType(), fn, {slots, ctx, needles}, "matched");
    matched->addRetAttr(Attribute::ZExt);
    b_.CreateCondBr(matched, hit, next);

    b_.SetInsertPoint(hit);
    b_.CreateStore(rule, b_.CreateInBoundsGEP(b_.getInt32Ty(), out, b_.CreateZExt(count, b_.getInt64Ty())));
    Value *counted = b_.CreateAdd(count, b_.getInt32(1));
    b_.CreateBr(next);

    b_.SetInsertPoint(next);
    PHINode *newCount = b_.CreatePHI(b_.getInt32Ty(), 2, "count.next");
    newCount->addIncoming(count, body);
    newCount->addIncoming(counted, hit);
    i->addIncoming(b_.CreateAdd(i, b_.getInt64(1)), next);
    count->addIncoming(newCount, next);
    b_.CreateBr(loop);

    b_.SetInsertPoint(done);
    b_.CreateRet(count);
  }

  /// rulec_pack_severity: for the rule given, the index of its first
  /// DynamicSeverities entry whose conditions hold, else -1.
  void emitSeverity() {
    beginFunction(FunctionType::get(b_.getInt32Ty(), {ptrTy_, b_.getInt32Ty(), ptrTy_}, false),
                  Function::ExternalLinkage, kSeveritySymbol, 2);
    Value *rule = fn_->getArg(1);
    rule->setName("rule");
    BasicBlock *none = newBlock("none");
    SwitchInst *sw = b_.CreateSwitch(rule, none);
    for (uint32_t r = 0; r < pack_.rules.size(); ++r) {
      const auto &preds = pack_.rules[r].severityPredicates;
      if (preds.empty())
        continue;
      BasicBlock *bb = newBlock(("rule." + std::to_string(r)).c_str());
      sw->addCase(b_.getInt32(r), bb);
      b_.SetInsertPoint(bb);
      for (uint32_t j = 0; j < preds.size(); ++j) {
        BasicBlock *hit = newBlock("hit"), *next = newBlock("next");
        b_.CreateCondBr(emit(*preds[j]), hit, next);
        b_.SetInsertPoint(hit);
        b_.CreateRet(b_.getInt32(j));
        b_.SetInsertPoint(next);
      }
      b_.CreateBr(none);
    }
    b_.SetInsertPoint(none);
    b_.CreateRet(b_.getInt32(-1));
  }

  /// rulec_pack_column: the computed result columns of KQL rules.
  void emitColumns() {
    beginFunction(FunctionType::get(b_.getVoidTy(), {ptrTy_, b_.getInt32Ty(), b_.getInt32Ty(), ptrTy_, ptrTy_}, false),
                  Function::ExternalLinkage, kColumnSymbol, 4);
    Value *rule = fn_->getArg(1), *column = fn_->getArg(2), *out = fn_->getArg(3);
    rule->setName("rule");
    column->setName("column");
    out->setName("out");
    BasicBlock *done = newBlock("done");
    SwitchInst *byRule = b_.CreateSwitch(rule, done);
    for (uint32_t r = 0; r < pack_.rules.size(); ++r) {
      const auto &values = pack_.rules[r].columnValues;
      if (std::none_of(values.begin(), values.end(), [](const auto &v) { return v != nullptr; }))
        continue;
      BasicBlock *bb = newBlock(("rule." + std::to_string(r)).c_str());
      byRule->addCase(b_.getInt32(r), bb);
      b_.SetInsertPoint(bb);
      SwitchInst *byColumn = b_.CreateSwitch(column, done);
      for (uint32_t c = 0; c < values.size(); ++c) {
        if (!values[c])
          continue;
        BasicBlock *cb = newBlock(("column." + std::to_string(c)).c_str());
        byColumn->addCase(b_.getInt32(c), cb);
        b_.SetInsertPoint(cb);
        b_.CreateMemCpy(out, MaybeAlign(8), emitValue(*values[c]), MaybeAlign(8), sizeof(rulec_value));
        b_.CreateBr(done);
      }
    }
    b_.SetInsertPoint(done);
    b_.CreateRetVoid();
  }

  const ir::Pack &pack_;
  std::unordered_map<std::string, uint32_t> functionIndex_; ///< PackInfo::functions' indexes
  const Part part_;
  LLVMContext &ctx_;
  std::unique_ptr<Module> module_;
  IRBuilder<> b_;
  StructType *valueTy_ = nullptr;
  PointerType *ptrTy_ = nullptr;
  Function *memcmp_ = nullptr;
  Function *ieq_ = nullptr, *contains_ = nullptr, *icontains_ = nullptr;
  Function *ipClass_ = nullptr, *ipInNet_ = nullptr, *netHasIp_ = nullptr;
  Function *compareFields_ = nullptr, *has_ = nullptr, *now_ = nullptr, *datetime_ = nullptr;
  Function *setMatch_ = nullptr, *regexMatch_ = nullptr, *call_ = nullptr, *keyword_ = nullptr;
  Function *keywordContains_ = nullptr, *keywordMayOccur_ = nullptr;
  Function *sigmaRule_ = nullptr, *scan_ = nullptr;
  std::vector<uint32_t> needleBases_; ///< the first needle bit of each literal set
  Function *fn_ = nullptr;
  Value *rtCtx_ = nullptr;                                 ///< the rulec_context argument
  Value *needles_ = nullptr;                               ///< a rule's needle bits (rulec_event_scan)
  Value *slots_ = nullptr;                                 ///< base of the current scope's slots
  const std::vector<FieldSpec> *table_ = nullptr;          ///< the current scope's field table
  std::map<std::string, Value *> strings_;
};

} // namespace

std::string ruleSymbol(uint32_t index) { return "rulec.rule." + std::to_string(index); }

std::unique_ptr<Module> generate(const ir::Pack &pack, LLVMContext &ctx, Part part) {
  return Codegen(pack, ctx, part).run();
}

void initializeNativeTarget() {
  static bool initialized = [] {
    InitializeNativeTarget();
    InitializeNativeTargetAsmPrinter();
    InitializeNativeTargetAsmParser();
    return true;
  }();
  (void)initialized;
}

std::unique_ptr<TargetMachine> createHostTargetMachine() {
  initializeNativeTarget();
  auto builder = orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    report_fatal_error(builder.takeError());
  builder->setCodeGenOptLevel(CodeGenOptLevel::Default);
  auto tm = builder->createTargetMachine();
  if (!tm)
    report_fatal_error(tm.takeError());
  return std::move(*tm);
}

OptLevel jitOptLevel(const ir::Pack &pack) {
  return pack.rules.size() < kLargePackRules ? OptLevel::Quick : OptLevel::None;
}

void optimize(Module &module, TargetMachine &tm, OptLevel level) {
  module.setTargetTriple(tm.getTargetTriple().str());
  module.setDataLayout(tm.createDataLayout());
  if (level == OptLevel::None)
    return;
  LoopAnalysisManager lam;
  FunctionAnalysisManager fam;
  CGSCCAnalysisManager cgam;
  ModuleAnalysisManager mam;
  PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  ModulePassManager mpm;
  if (level == OptLevel::Full) {
    mpm = pb.buildPerModuleDefaultPipeline(OptimizationLevel::O2);
  } else {
    FunctionPassManager fpm;
    fpm.addPass(SROAPass(SROAOptions::ModifyCFG)); // the entry's match counter
    fpm.addPass(EarlyCSEPass());
    fpm.addPass(SimplifyCFGPass());
    fpm.addPass(InstCombinePass());
    mpm.addPass(createModuleToFunctionPassAdaptor(std::move(fpm)));
  }
  mpm.run(module, mam);
}

void emitAssembly(Module &module, TargetMachine &tm, raw_pwrite_stream &out) {
  legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, out, nullptr, CodeGenFileType::AssemblyFile))
    report_fatal_error("this target cannot emit assembly");
  pm.run(module);
}

} // namespace rulec::codegen
