"""lit configuration for rule files that carry their own RUN/CHECK lines.

A rule repository's lit.cfg.py loads it in two lines:

    import sys; sys.path.insert(0, "/usr/local/share/rulec/lit")  # where rulec_lit.py is
    import rulec_lit; rulec_lit.configure(config, lit_config)

Tests are the *.yml, *.yaml, *.kql and *.test files that contain a RUN: line; rule files
without one are skipped. RUN lines are run by lit's internal shell (ShTest). The words
`rulec` and `FileCheck` in RUN lines are substituted by absolute paths (lit substitutions,
so PATH plays no part):
  rulec      $RULEC, else the `rulec` argument of configure() if that file exists, else PATH
  FileCheck  $FILECHECK, else PATH, else /usr/lib/llvm-19/bin/FileCheck
A missing tool stops lit with a fatal error naming what was searched.
"""
import os
import shutil

import lit.formats

SUFFIXES = [".yml", ".yaml", ".kql", ".test"]
FILECHECK_FALLBACK = "/usr/lib/llvm-19/bin/FileCheck"


class RuleTest(lit.formats.ShTest):
    """ShTest that only yields files containing a RUN: line."""

    def getTestsForPath(self, testSuite, path_in_suite, litConfig, localConfig):
        for test in super().getTestsForPath(testSuite, path_in_suite, litConfig, localConfig):
            with open(test.getSourcePath(), "rb") as f:
                if b"RUN:" in f.read():
                    yield test


def _find(lit_config, tool, env_var, candidates):
    """$env_var, else the first existing candidate (None = PATH lookup); fatal if none."""
    candidates = list(dict.fromkeys(candidates))
    if os.environ.get(env_var):
        path = shutil.which(os.environ[env_var])
        if not path:
            lit_config.fatal(f"{env_var}={os.environ[env_var]} is not an executable {tool}")
        return os.path.abspath(path)
    for c in candidates:
        if c is None:
            path = shutil.which(tool)
        else:
            path = c if os.path.isfile(c) and os.access(c, os.X_OK) else None
        if path:
            return os.path.abspath(path)
    searched = ", ".join(["$" + env_var] + [c or "PATH" for c in candidates])
    lit_config.fatal(f"{tool} not found (searched {searched}): set {env_var} or put it on PATH")


def configure(config, lit_config, rulec=None, exec_root=None, name="rules"):
    """Set up `config` for rule files; `rulec`: a default binary tried before PATH;
    `exec_root`: where lit writes Output/ (and %t); default: beside the tests."""
    config.name = name
    config.test_format = RuleTest(execute_external=False)
    config.suffixes = SUFFIXES
    if exec_root:
        config.test_exec_root = exec_root
    tools = {
        "rulec": _find(lit_config, "rulec", "RULEC", [rulec, None]),
        "FileCheck": _find(lit_config, "FileCheck", "FILECHECK", [None, FILECHECK_FALLBACK]),
    }
    for word, path in tools.items():
        # The word as a command, not inside a path, a file name or %-substitution.
        config.substitutions.insert(0, (r"(?<![\w.%/\\-])" + word + r"(?![\w.-])", path))
        lit_config.note(f"{word}: {path}")
    return tools
