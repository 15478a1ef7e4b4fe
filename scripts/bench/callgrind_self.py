"""Self and inclusive cost (instructions) by function name from a callgrind file, highest
first, with a share of the total (callgrind_annotate splits a function by the file of its
inlined code and, here, folds its self-cost listing into the thread start). Inclusive = self +
what it calls under other names (a call back into the same name is not counted twice). Used
by scripts/bench/profile.

    python3 callgrind_self.py FILE [TOP] [self|inclusive] [NAME_FILTER]
"""

import collections
import re
import sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 40
mode = sys.argv[3] if len(sys.argv) > 3 else "self"
name_filter = sys.argv[4] if len(sys.argv) > 4 else ""
names = {}
cost = collections.Counter()
called = collections.Counter()
fn = None
cfn = None
skip_next = False
total = 0
name_re = re.compile(r"^\((\d+)\)(?: (.*))?$")


def name_of(spec):
    m = name_re.match(spec)
    if not m:
        return spec
    if m.group(2) is not None:
        names[m.group(1)] = m.group(2)
    return names.get(m.group(1), spec)


with open(path, errors="replace") as f:
    for line in f:
        line = line.rstrip("\n")
        if line.startswith("fn="):
            fn = name_of(line[3:])
        elif line.startswith(("cfn=", "cfi=", "cfl=", "cob=")):
            if line.startswith("cfn="):
                cfn = name_of(line[4:])
        elif line.startswith("calls="):
            skip_next = True
        elif line and (line[0].isdigit() or line[0] in "+-*"):
            parts = line.split()
            if len(parts) >= 2:
                if skip_next:
                    skip_next = False
                    if cfn != fn:
                        called[fn] += int(parts[1])
                    continue
                n = int(parts[1])
                cost[fn] += n
                total += n
shown = cost if mode == "self" else cost + called
for name, n in [(k, v) for k, v in shown.most_common() if name_filter in k][:top]:
    print(f"{n:>14,} {100.0 * n / total:5.1f}%  {name[:160]}")
print(f"{total:>14,} total")
