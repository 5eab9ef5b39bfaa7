# lit configuration for rulec's end-to-end tests (test/lit/**/*.test).
#
# Substitutions:
#   %rulec   the rulec binary of this build; %rulec-compiler the compiler it runs
#   %rules   the repository's rules/ folder
#   %shared  ../shared beside the checkout (rule corpora)
#   %tools   the repository's tools/ folder (helper scripts)
#   %python  the Python that runs lit
#   %src     the repository; %builddir this build
#   %sanitize_flags  what a program linking this build's librulec.so must be
#            built with: -fsanitize=address,undefined in a RULEC_SANITIZE
#            build (the ASan runtime must come first), else nothing
# FileCheck, not and split-file come from LLVM 19's tools.
import os
import sys

import lit.formats

config.name = "rulec"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".test"]
config.excludes = ["Inputs", "unit"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.rulec_obj_root, "test")

config.environment["PATH"] = os.pathsep.join(
    [config.rulec_tools_dir, config.llvm_tools_dir, config.environment.get("PATH", "")]
)
config.substitutions.append(("%rulec-compiler", os.path.join(config.rulec_tools_dir, "rulec-compiler")))
config.substitutions.append(("%rulec", os.path.join(config.rulec_tools_dir, "rulec")))
config.substitutions.append(("%rules", os.path.join(config.rulec_src_root, "rules")))
config.substitutions.append(("%shared", config.shared_dir))
config.substitutions.append(("%python", sys.executable))
config.substitutions.append(("%tools", os.path.join(config.rulec_src_root, "tools")))
config.substitutions.append(("%src", config.rulec_src_root))
config.substitutions.append(("%builddir", config.rulec_obj_root))

# A sanitizer build (tools/check-sanitizers.sh): leaks are errors, UBSan
# prints a stack; programs built by tests against librulec.so get the same
# sanitizers.
if getattr(config, "sanitize", False):
    config.available_features.add("sanitizer")
    for var in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
        if var in os.environ:
            config.environment[var] = os.environ[var]
    config.substitutions.append(("%sanitize_flags", "-fsanitize=address,undefined"))
else:
    config.substitutions.append(("%sanitize_flags", ""))

# Tests over ../shared/corpus need it beside the checkout (CI has it).
if os.path.isdir(os.path.join(config.shared_dir, "corpus", "panther")):
    config.available_features.add("shared-corpus")
