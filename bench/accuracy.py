#!/usr/bin/env python3
"""Accuracy of `dpa review` against hand labels (tests/fixtures/review/labels.toml).

Runs the real binary on every labelled document, compares its verdict per requirement with the
label, prints the tables and rewrites the "Review accuracy" section of BENCHMARKS.md.

Usage: bench/accuracy.py [PATH-TO-dpa]   (default target/release/dpa, else target/debug/dpa)
"""

import json
import os
import subprocess
import sys
import tomllib
from collections import Counter, defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "review")
STATUSES = ["satisfied", "partial", "missing"]
BEGIN = "<!-- accuracy:begin -->"
END = "<!-- accuracy:end -->"


def binary():
    if len(sys.argv) > 1:
        return sys.argv[1]
    for profile in ("release", "debug"):
        path = os.path.join(ROOT, "target", profile, "dpa")
        if os.path.exists(path):
            return path
    sys.exit("build dpa first (cargo build --release)")


def labels():
    with open(os.path.join(FIXTURES, "labels.toml"), "rb") as f:
        docs = tomllib.load(f)["document"]
    by_file = {}
    for doc in docs:
        merged = dict(by_file[doc["base"]]) if "base" in doc else {}
        merged.update({k: v[0] for k, v in doc["labels"].items()})
        by_file[doc["file"]] = merged
    return by_file


def review(dpa, path):
    out = subprocess.run(
        [dpa, "review", path, "--framework", "gdpr", "--framework", "ccpa", "--format", "json"],
        capture_output=True, text=True, cwd=ROOT)
    if out.returncode not in (0, 1):
        sys.exit(f"dpa review {path} failed: {out.stderr}")
    return {f["requirement"]: f["status"] for f in json.loads(out.stdout)["findings"]}


def pct(n, d):
    return "n/a" if d == 0 else f"{100 * n / d:.1f}%"


def main():
    dpa = binary()
    docs = labels()
    pairs = []
    wrong = defaultdict(list)
    for name, lab in docs.items():
        got = review(dpa, os.path.join("tests", "fixtures", "review", name))
        for req, want in sorted(lab.items()):
            have = got.get(req, "not reported")
            pairs.append((want, have))
            if want != have:
                wrong[req].append(f"{name}: labelled {want}, reported {have}")
    n = len(pairs)
    agree = sum(1 for w, h in pairs if w == h)
    lines = [BEGIN, "", "## Review accuracy", "",
             f"`bench/accuracy.py` runs `dpa review --framework gdpr --framework ccpa` on {len(docs)} "
             f"documents and compares {n} verdicts with labels made by reading each document "
             "(`tests/fixtures/review/labels.toml`; documents and licences in "
             "`tests/fixtures/README.md`).", "",
             "| status | labelled | reported | precision | recall |", "|---|---|---|---|---|"]
    for s in STATUSES:
        tp = sum(1 for w, h in pairs if w == s and h == s)
        lab = sum(1 for w, _ in pairs if w == s)
        rep = sum(1 for _, h in pairs if h == s)
        lines.append(f"| {s} | {lab} | {rep} | {pct(tp, rep)} | {pct(tp, lab)} |")
    not_full = [(w, h) for w, h in pairs if w != "satisfied"]
    flagged = sum(1 for _, h in not_full if h != "satisfied")
    called = [(w, h) for w, h in pairs if h == "satisfied"]
    right = sum(1 for w, _ in called if w == "satisfied")
    lines += ["",
              "| measure | dpa review | goal | Amaral et al., IEEE TSE 2023 (30 DPAs) |",
              "|---|---|---|---|",
              f"| overall agreement (3 classes) | {pct(agree, n)} ({agree}/{n}) | >= 90% | accuracy 84.6% |",
              f"| not fully satisfied, flagged partial or missing | {pct(flagged, len(not_full))} ({flagged}/{len(not_full)}) | >= 95% | recall 82.4% |",
              f"| called satisfied that are satisfied | {pct(right, len(called))} ({right}/{len(called)}) | >= 95% | precision 89.1% |",
              "",
              "The anchor's figures are for a different task and corpus (detecting GDPR violations "
              "in 30 DPAs with NLP); they are printed beside ours as the published reference point, "
              "not as a like-for-like comparison. The labelled set is small and built from two "
              "source texts and their weakened copies, so these figures say how the rules behave "
              "on these texts, not on every DPA. There is no held-out set: the rules were revised once "
              "after a first run on these documents (then 89.4% agreement, 87.0% of gaps flagged, "
              "92.9% of satisfied verdicts right), with general wording fixes (sale and sharing "
              "both barred, the business's right to take reasonable steps, singular \"data "
              "subject\", typographic apostrophes), so expect lower figures on unseen DPAs.", ""]
    if wrong:
        lines += ["Where the rules fall short, by requirement:", ""]
        for req in sorted(wrong):
            lines.append(f"- `{req}`: " + "; ".join(wrong[req]))
        lines.append("")
    lines.append(END)
    section = "\n".join(lines)
    print(section)
    path = os.path.join(ROOT, "BENCHMARKS.md")
    text = open(path, encoding="utf-8").read() if os.path.exists(path) else ""
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + section + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    open(path, "w", encoding="utf-8").write(text)


if __name__ == "__main__":
    main()
