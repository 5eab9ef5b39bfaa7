# lit suite of this repository's rules: each rule file carries RUN/CHECK lines that pin its
# behaviour on the sample events beside it. Run: lit -v rules/ (tools/lit/README.md).
# rulec: $RULEC, else <repo>/build/bin/rulec if built, else PATH. lit's Output/ goes under
# <repo>/build/rules-lit, so nothing is written into rules/.
import os
import sys

repo = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
sys.path.insert(0, os.path.join(repo, "tools", "lit"))
import rulec_lit

rulec_lit.configure(
    config,
    lit_config,
    rulec=os.path.join(repo, "build", "bin", "rulec"),
    exec_root=os.path.join(repo, "build", "rules-lit"),
)
