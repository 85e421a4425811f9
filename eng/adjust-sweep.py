#!/usr/bin/env python3
"""Adds a Benjamini-Hochberg-adjusted p column after "McNemar p" to a sweep's summary.md (in place).

The sweep scripts write one Markdown table row per configuration; a sweep of many rows needs p-values adjusted for
multiple comparisons. BH (false discovery rate) over every row of the table, as R's p.adjust(p, "BH") computes it;
the C# side has the same adjustment in src/Blink.Workbench/Evaluation/MultipleComparisons.cs. A few lines of
arithmetic, so no statistics package is installed for it.
"""
import sys

path = sys.argv[1]
lines = open(path, encoding="utf-8").read().splitlines()
header = next(i for i, l in enumerate(lines) if l.startswith("|") and "McNemar p" in l)
cells = [c.strip() for c in lines[header].strip("|").split("|")]
if "BH p" in cells:
    sys.exit(0)
col = cells.index("McNemar p")
rows = [i for i in range(header + 2, len(lines)) if lines[i].startswith("|")]
split = {i: [c.strip() for c in lines[i].strip().strip("|").split("|")] for i in rows}
p = {}
for i in rows:
    try:
        p[i] = float(split[i][col])
    except ValueError:
        pass
order = sorted(p, key=lambda i: p[i])
m = len(order)
adjusted, running = {}, 1.0
for rank in range(m - 1, -1, -1):
    i = order[rank]
    running = min(running, min(1.0, p[i] * m / (rank + 1)))
    adjusted[i] = running


def fmt(v):
    return f"{v:.1e}" if v < 1e-4 else f"{v:.4f}"


cells.insert(col + 1, "BH p")
lines[header] = "| " + " | ".join(cells) + " |"
sep = [c.strip() for c in lines[header + 1].strip("|").split("|")]
sep.insert(col + 1, "---")
lines[header + 1] = "|" + "|".join(sep) + "|"
for i in rows:
    split[i].insert(col + 1, fmt(adjusted[i]) if i in adjusted else "—")
    lines[i] = "| " + " | ".join(split[i]) + " |"
lines.append("")
lines.append(f"BH p: the McNemar p adjusted by Benjamini-Hochberg over the {m} rows of this sweep (false discovery rate).")
open(path, "w", encoding="utf-8").write("\n".join(lines) + "\n")
