#!/usr/bin/env python3
"""The dpa benchmark: one run measures everything and writes BENCHMARKS.md.

    python3 bench/run.py            # full run (about 5 minutes on 2 cores after the build)
    python3 bench/run.py --quick    # smaller sizes, fewer repetitions, for a smoke test

It builds dpa in release mode, generates synthetic workspaces (bench/generate.py)
of 10, 100 and 1,000 vendors, and measures, each as the median of several runs:
one `dpa render ID` (whole process) against a bare embedded Typst compile of the
same generated source; `render --all` throughput and peak RSS per size;
`dpa status` over 10,000 records; `dpa diff` of two ~150 KB contracts. Peers run
on the same generated sources when installed: the typst CLI (`cargo install
typst-cli`), one process per document; pandoc + pdflatex (`apt-get install
pandoc texlive-latex-recommended lmodern`) on equivalent Markdown. A peer that is
not installed is skipped with a notice in the report.
"""

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DPA = os.path.join(ROOT, "target", "release", "dpa")
BARE = os.path.join(ROOT, "target", "release", "examples", "bare_compile")


def run_timed(cmd, cwd=None, stdout=subprocess.DEVNULL):
    """Runs a command under /usr/bin/time; returns (seconds, peak RSS in KB)."""
    fd, path = tempfile.mkstemp()
    os.close(fd)
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-o", path, "-f", "%M"] + cmd, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - start
    with open(path) as f:
        rss = int(f.read().strip().splitlines()[-1])
    os.unlink(path)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode(errors='replace')}")
    return elapsed, rss


def median_of(n, cmd, cwd=None, before=None):
    times, rss = [], []
    for _ in range(n):
        if before:
            before()
        t, m = run_timed(cmd, cwd)
        times.append(t)
        rss.append(m)
    return statistics.median(times), max(rss)


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), {mem} memory, {platform.system()} {platform.release()}"


def contract(size, shift):
    """A Markdown contract of about `size` bytes: the corpus revisions with section numbers shifted per copy."""
    corpus = os.path.join(ROOT, "tests", "fixtures", "corpus", "github-dpa")
    files = sorted(f for f in os.listdir(corpus) if f[0].isdigit())
    out, k = [], 0
    while sum(len(x) for x in out) < size:
        text = open(os.path.join(corpus, files[(k + shift) % len(files)])).read()
        text = re.sub(r"^(#+ )(\d+)\.", lambda m: f"{m.group(1)}{int(m.group(2)) + 10 * k}.", text, flags=re.M)
        text = re.sub(r"^(#+ )(\d+)\.(\d+)", lambda m: f"{m.group(1)}{int(m.group(2)) + 10 * k}.{m.group(3)}", text, flags=re.M)
        out.append(text)
        k += 1
    return "".join(out)


def markdown_of(manifest_path):
    m = json.load(open(manifest_path))
    lines = [f"# Data Processing Addendum: {m['vendor_name']}", ""]
    for c in m["clauses"]:
        lines += [f"## {c['number']} {c['title']}", "", c["text"], ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description="dpa benchmark")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    args = ap.parse_args()
    sizes = [10, 100] if args.quick else [10, 100, 1000]
    reps = 3 if args.quick else 7

    print("building release binaries ...", file=sys.stderr)
    build_start = time.perf_counter()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "dpa", "--example", "bare_compile"], cwd=ROOT, check=True)
    build_s = time.perf_counter() - build_start

    work = tempfile.mkdtemp(prefix="dpa-bench-")
    results = {"machine": machine(), "sizes": {}}
    gen = os.path.join(ROOT, "bench", "generate.py")

    for n in sizes:
        ws = os.path.join(work, f"ws{n}")
        subprocess.run([sys.executable, gen, str(n), ws], check=True)
        clean = lambda: shutil.rmtree(os.path.join(ws, "out"), ignore_errors=True)
        runs = 3 if n >= 1000 else reps
        print(f"render --all, {n} vendors x{runs} ...", file=sys.stderr)
        t, rss = median_of(runs, [DPA, "-C", ws, "render", "--all", "-q"], before=clean)
        results["sizes"][n] = {"seconds": t, "per_second": n / t, "rss_mb": rss / 1024}

    ws = os.path.join(work, "ws10")
    vid = sorted(os.listdir(os.path.join(ws, "vendors")))[0][:-5]
    print("single render ...", file=sys.stderr)
    single, single_rss = median_of(reps * 2, [DPA, "-C", ws, "render", vid, "-q"])
    typ = os.path.join(ws, "out", vid, f"{vid}.typ")
    bare, _ = median_of(reps * 2, [BARE, typ, os.path.join(work, "bare.pdf")])
    pages = subprocess.run(["pdfinfo", os.path.join(ws, "out", vid, f"{vid}.pdf")], capture_output=True, text=True).stdout if shutil.which("pdfinfo") else ""
    pages = re.search(r"Pages:\s+(\d+)", pages)
    results["single"] = {"seconds": single, "bare": bare, "ratio": single / bare, "rss_mb": single_rss / 1024, "pages": int(pages.group(1)) if pages else None}

    print("status over 10,000 records ...", file=sys.stderr)
    big = os.path.join(work, "ws10000")
    subprocess.run([sys.executable, gen, "10000", big], check=True)
    st, st_rss = median_of(reps, [DPA, "-C", big, "status", "--format", "json"])
    results["status"] = {"seconds": st, "rss_mb": st_rss / 1024}

    print("diff of two ~150 KB contracts ...", file=sys.stderr)
    a, b = os.path.join(work, "a.md"), os.path.join(work, "b.md")
    open(a, "w").write(contract(150_000, 0))
    open(b, "w").write(contract(150_000, 1))
    df, _ = median_of(reps * 2, [DPA, "diff", a, b, "--format", "json"])
    results["diff"] = {"seconds": df, "bytes": [os.path.getsize(a), os.path.getsize(b)]}

    print("big inputs ...", file=sys.stderr)
    big_ws = os.path.join(work, "big")
    subprocess.run([sys.executable, gen, "1", big_ws], check=True)
    record = open(os.path.join(ROOT, "vendors", "acme-analytics.toml")).read()
    subs = "".join(f'[[subprocessors]]\nname = "Sub-processor {i} Ltd"\ncountry = "IE"\npurpose = "Hosting of the production systems"\n\n' for i in range(10_000))
    filler = "A retention schedule entry that keeps the record long. " * (1_000_000 // 60)
    huge = record.replace('retention = "For the term of the agreement, then deleted within 30 days"', f'retention = "{filler * 10}"') + "\n" + subs
    open(os.path.join(big_ws, "vendors", "huge.toml"), "w").write(huge)
    results["big"] = {}
    t, m = run_timed([DPA, "-C", big_ws, "check", "huge"])
    results["big"]["record"] = {"bytes": len(huge), "seconds": t, "rss_mb": m / 1024}
    os.remove(os.path.join(big_ws, "vendors", "huge.toml"))
    os.makedirs(os.path.join(big_ws, "clauses"), exist_ok=True)
    body = ("The processor shall keep the personal data confidential and secure at all times. " * 12 + "\n\n") * (5_000_000 // 1000)
    clause = '+++\nid = "general.big"\ntitle = "A very long clause"\nversion = 1\nframeworks = ["general"]\norder = 190\n+++\n' + body
    open(os.path.join(big_ws, "clauses", "big.md"), "w").write(clause)
    t, m = run_timed([DPA, "-C", big_ws, "check"])
    results["big"]["clause"] = {"bytes": len(clause), "seconds": t, "rss_mb": m / 1024}
    a5, b5 = os.path.join(work, "a5.md"), os.path.join(work, "b5.md")
    open(a5, "w").write(contract(5_000_000, 0))
    open(b5, "w").write(contract(5_000_000, 1))
    t, m = run_timed([DPA, "diff", a5, b5, "--format", "json"])
    results["big"]["diff"] = {"bytes": os.path.getsize(a5), "seconds": t, "rss_mb": m / 1024}

    ws100 = os.path.join(work, "ws100")
    if not os.path.isdir(os.path.join(ws100, "out")):
        subprocess.run([DPA, "-C", ws100, "render", "--all", "-q"], check=True)
    sample = sorted(os.listdir(os.path.join(ws100, "out")))[:20]
    typst = shutil.which("typst")
    if typst:
        print("peer: typst CLI ...", file=sys.stderr)
        start = time.perf_counter()
        for v in sample:
            subprocess.run([typst, "compile", os.path.join(ws100, "out", v, f"{v}.typ"), os.path.join(work, "peer.pdf")], check=True, capture_output=True)
        per = (time.perf_counter() - start) / len(sample)
        version = subprocess.run([typst, "--version"], capture_output=True, text=True).stdout.strip()
        results["typst_cli"] = {"per_doc": per, "per_second": 1 / per, "version": version}
    pandoc, pdflatex = shutil.which("pandoc"), shutil.which("pdflatex")
    if pandoc and pdflatex:
        print("peer: pandoc + pdflatex ...", file=sys.stderr)
        small = sample[:5]
        for v in small:
            open(os.path.join(work, f"{v}.md"), "w").write(markdown_of(os.path.join(ws100, "out", v, "manifest.json")))
        start = time.perf_counter()
        for v in small:
            subprocess.run([pandoc, os.path.join(work, f"{v}.md"), "-o", os.path.join(work, f"{v}.pdf"), "--pdf-engine=pdflatex"], check=True, capture_output=True)
        per = (time.perf_counter() - start) / len(small)
        results["pandoc"] = {"per_doc": per, "per_second": 1 / per}

    print("profile: compile and export per document ...", file=sys.stderr)
    shutil.rmtree(os.path.join(ws100, "out"), ignore_errors=True)
    env = dict(os.environ, DPA_TIMINGS="1", DPA_RENDER_WORKER="1")
    prof = subprocess.run([DPA, "-C", ws100, "render", "--all", "-q", "-j", "1"], env=env, capture_output=True, text=True, check=True)
    def ms(v):
        m = re.match(r"([0-9.]+)(ms|µs|s)", v)
        return float(m.group(1)) * {"ms": 1, "µs": 0.001, "s": 1000}[m.group(2)] if m else 0.0
    pairs = re.findall(r"compile (\S+) export (\S+)", prof.stderr)
    compile_ms = [ms(c) for c, _ in pairs]
    export_ms = [ms(e) for _, e in pairs]
    results["profile"] = {"compile": statistics.median(compile_ms), "export": statistics.median(export_ms), "n": len(pairs)}
    same = os.path.join(work, "same")
    os.makedirs(os.path.join(same, "vendors"))
    shutil.copy(os.path.join(ROOT, "dpa.toml"), same)
    for i in range(30):
        shutil.copy(os.path.join(ROOT, "vendors", "nordhost.toml"), os.path.join(same, "vendors", f"n{i:02d}.toml"))
    prof = subprocess.run([DPA, "-C", same, "render", "--all", "-q", "-j", "1"], env=env, capture_output=True, text=True, check=True)
    pairs = re.findall(r"compile (\S+) export (\S+)", prof.stderr)[1:]
    results["profile"]["repeat"] = statistics.median(ms(c) for c, _ in pairs)
    # `dpa check` loads, selects and assembles every agreement without compiling: the cost before Typst.
    t, _ = median_of(3, [DPA, "-C", ws100, "check", "-q"])
    results["profile"]["assemble"] = t * 1000 / 100

    shutil.rmtree(work, ignore_errors=True)
    write_report(args.out, results, build_s, args.quick)
    print(f"wrote {args.out}", file=sys.stderr)


def write_report(path, r, build_s, quick):
    s, sizes = r["single"], r["sizes"]
    top = max(sizes)
    rate = sizes[top]["per_second"]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python3 bench/run.py` in one run; do not edit by hand.",
        "",
        f"Machine: {r['machine']}.",
        f"Mode: {'quick (smoke test)' if quick else 'full'}. Every figure is the median of several runs of the whole `dpa` process "
        "(release build), on synthetic workspaces from `bench/generate.py` (realistic records: every CCPA and GDPR role, "
        "EEA/UK/Swiss/Californian data, 0-12 sub-processors).",
        "",
        "| measure | figure | target |",
        "|---|---|---|",
        f"| one `dpa render ID` ({s['pages']} pages, whole process) | {s['seconds'] * 1000:.0f} ms | |",
        f"| bare embedded Typst compile + PDF export of the same source | {s['bare'] * 1000:.0f} ms | |",
        f"| ratio render / bare compile | {s['ratio']:.2f}x | at most 1.2x |",
    ]
    for n in sorted(sizes):
        v = sizes[n]
        lines.append(f"| `render --all`, {n:,} vendors | {v['seconds']:.2f} s, **{v['per_second']:.1f} agreements/s**, peak RSS {v['rss_mb']:.0f} MB | "
                     + ("at least 100/s, under 500 MB" if n == 1000 else "") + " |")
    lines.append(f"| `dpa status` over 10,000 records | {r['status']['seconds'] * 1000:.0f} ms, peak RSS {r['status']['rss_mb']:.0f} MB | under 1 s |")
    lines.append(f"| `dpa diff` of two contracts of {r['diff']['bytes'][0] // 1000} KB and {r['diff']['bytes'][1] // 1000} KB (whole process) | {r['diff']['seconds'] * 1000:.0f} ms | under 50 ms |")
    lines += ["", "## Peers, same generated sources", "", "| tool | per document | agreements/s | dpa `render --all` is |", "|---|---|---|---|"]
    if "typst_cli" in r:
        t = r["typst_cli"]
        lines.append(f"| {t['version']}, one process per document | {t['per_doc'] * 1000:.0f} ms | {t['per_second']:.1f} | {rate / t['per_second']:.1f}x faster |")
    else:
        lines.append("| typst CLI | not installed (`cargo install typst-cli`): skipped | | |")
    if "pandoc" in r:
        p = r["pandoc"]
        lines.append(f"| pandoc + pdflatex on equivalent Markdown | {p['per_doc'] * 1000:.0f} ms | {p['per_second']:.2f} | {rate / p['per_second']:.0f}x faster |")
    else:
        lines.append("| pandoc + pdflatex | not installed (`apt-get install pandoc texlive-latex-recommended lmodern`): skipped | | |")
    p = r["profile"]
    lines += ["", "## Where the time goes", "",
              f"Per document, in one worker ({p['n']} documents of the 100-vendor workspace, medians): Typst layout "
              f"{p['compile']:.0f} ms, PDF export {p['export']:.0f} ms; loading the record, selecting the clauses and assembling "
              f"the Typst source take {p['assemble']:.1f} ms (measured as `dpa check` over the 100 vendors). "
              f"When the next document repeats most of the previous one (30 copies of one record), Typst's memoisation brings "
              f"layout down to {p['repeat']:.0f} ms. Real vendors differ in frameworks, clause sets, annex tables and page "
              "breaks, so most paragraphs are laid out afresh; PDF export is never cached. A bulk run keeps one worker "
              "process per core, each rendering batches of 32 vendors with the cache evicted between documents, which "
              "keeps every process's memory flat (the peak RSS above is that of the largest process; two run at once here).",
              "",
              "What would move throughput further: sharing laid-out frames of identical clauses across vendors (Typst "
              "relayouts a paragraph whenever its position or surroundings change), a PDF writer that reuses font subsets "
              "and resources across documents, and machines with more cores (the work is embarrassingly parallel).",
              ]
    b = r["big"]
    lines += ["", "## Big inputs", "", "| input | time | peak RSS |", "|---|---|---|",
              f"| `dpa check` of a {b['record']['bytes'] / 1e6:.1f} MB record with 10,000 sub-processors | {b['record']['seconds']:.2f} s | {b['record']['rss_mb']:.0f} MB |",
              f"| `dpa check` with a {b['clause']['bytes'] / 1e6:.1f} MB clause file in the workspace | {b['clause']['seconds']:.2f} s | {b['clause']['rss_mb']:.0f} MB |",
              f"| `dpa diff` of two {b['diff']['bytes'] / 1e6:.1f} MB contracts | {b['diff']['seconds']:.2f} s | {b['diff']['rss_mb']:.0f} MB |"]
    lines += ["", f"Release build of dpa before the run (incremental): {build_s:.0f} s.", ""]
    with open(path, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
