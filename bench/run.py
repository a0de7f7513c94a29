#!/usr/bin/env python3
"""The dpa benchmark: one run measures everything and writes BENCHMARKS.md.

    python3 bench/run.py                   # full run (about 8 minutes on 2 cores after the build)
    python3 bench/run.py --install-peers   # first install the peers that are missing
    python3 bench/run.py --quick           # smaller sizes, fewer repetitions, for a smoke test
    python3 bench/run.py --site-policy     # only the diff on the site-policy corpus (its own section)

It builds dpa in release mode, generates synthetic workspaces (bench/generate.py)
of 10, 100 and 1,000 vendors, and measures, each as the median of several runs:
one `dpa render ID` (whole process) against a bare embedded Typst compile of the
same generated source; cold `render --all` throughput and peak RSS per size,
against the limit of the machine's cores (cores / bare compile-and-export time);
incremental `render --all` over 1,000 vendors (nothing changed, one record
edited, one clause used by about 10% of the vendors edited, one template
edited); `dpa watch` save-to-PDF latency; layout reuse across the documents of
one process; `dpa status` over 10,000 records; `dpa diff` of two ~150 KB
contracts. Peers run on the same generated sources, one document per process,
both one at a time and with as many at once as dpa uses (`xargs -P <cores>`):
the typst CLI (`cargo install typst-cli`, the version of the embedded compiler)
and pandoc + pdflatex (`apt-get install pandoc texlive-latex-recommended
lmodern`) on equivalent Markdown. `--install-peers` installs the missing ones; a
peer that is not installed is skipped with a notice in the report. The load of
the machine during the run is reported, since other work skews every figure.
A full run also rewrites the README's performance table (between its bench
markers) from the same figures.
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


def loadavg():
    try:
        return float(open("/proc/loadavg").read().split()[0])
    except OSError:
        return 0.0


LOADS = []


def sample_load():
    LOADS.append(loadavg())


def typst_version():
    """The version of the embedded Typst compiler, from Cargo.lock."""
    lock = open(os.path.join(ROOT, "Cargo.lock")).read()
    m = re.search(r'name = "typst"\nversion = "([^"]+)"', lock)
    return m.group(1) if m else None


def install_peers():
    if not shutil.which("typst"):
        version = typst_version()
        print(f"installing the typst CLI {version} ...", file=sys.stderr)
        cmd = ["cargo", "install", "typst-cli", "--locked"] + (["--version", version] if version else [])
        subprocess.run(cmd, check=True)
    if not (shutil.which("pandoc") and shutil.which("pdflatex")):
        print("installing pandoc and pdflatex ...", file=sys.stderr)
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "pandoc", "texlive-latex-recommended", "lmodern"], check=True)


def typst_cli():
    """The typst CLI on PATH or in cargo's bin folder."""
    found = shutil.which("typst")
    if found:
        return found
    cargo_bin = os.path.join(os.path.expanduser("~"), ".cargo", "bin", "typst")
    return cargo_bin if os.path.exists(cargo_bin) else None


def xargs(n_jobs, cmd, items):
    """Runs `cmd ITEM` for every item, n_jobs at once (xargs -P); returns (seconds, peak RSS KB)."""
    fd, listing = tempfile.mkstemp()
    with os.fdopen(fd, "w") as f:
        f.write("\0".join(items))
    t, rss = run_timed(["sh", "-c", f"xargs -0 -n 1 -P {n_jobs} {' '.join(cmd)} < {listing}"])
    os.unlink(listing)
    return t, rss


def summary_counts(text):
    m = re.search(r"(\d+) rendered, (\d+) unchanged", text)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def timed_render_all(ws, extra=()):
    """One `render --all` with -v: (seconds, peak RSS KB, rendered, unchanged, planning ms)."""
    fd, path = tempfile.mkstemp()
    os.close(fd)
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-o", path, "-f", "%M", DPA, "-C", ws, "render", "--all", "-v", *extra],
                          capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    rss = int(open(path).read().strip().splitlines()[-1])
    os.unlink(path)
    if proc.returncode != 0:
        sys.exit(f"render --all failed: {proc.stderr[-2000:]}")
    rendered, unchanged = summary_counts(proc.stdout)
    m = re.search(r"opened the workspace in (\S+); checked \d+ agreements in (\S+)", proc.stderr)
    return elapsed, rss, rendered, unchanged, (ms(m.group(1)), ms(m.group(2))) if m else (None, None)


def ms(v):
    m = re.match(r"([0-9.]+)(ms|µs|s)", v)
    return float(m.group(1)) * {"ms": 1, "µs": 0.001, "s": 1000}[m.group(2)] if m else 0.0


def watch_latency(ws, vid, saves):
    """Starts `dpa watch`, saves the record `saves` times; returns the medians of the time from the
    save to the new PDF on disk (seen by polling its manifest) and of dpa's own figure."""
    import select
    proc = subprocess.Popen([DPA, "-C", ws, "watch", vid], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        def line(timeout=30):
            ready, _, _ = select.select([proc.stdout], [], [], timeout)
            if not ready:
                sys.exit("dpa watch printed nothing")
            return proc.stdout.readline()
        line()
        record = os.path.join(ws, "vendors", f"{vid}.toml")
        manifest = os.path.join(ws, "out", vid, "manifest.json")
        outside, inside = [], []
        text = open(record).read()
        for i in range(saves):
            before = os.stat(manifest).st_mtime_ns
            time.sleep(0.3)
            start = time.perf_counter()
            with open(record, "w") as f:
                f.write(text.replace('retention = "', f'retention = "Edit {i}: ', 1))
            while os.stat(manifest).st_mtime_ns == before:
                if time.perf_counter() - start > 30:
                    sys.exit("dpa watch did not render")
                time.sleep(0.0005)
            outside.append(time.perf_counter() - start)
            m = re.search(r"(\d+) ms$", line().strip())
            inside.append(int(m.group(1)) if m else None)
        return statistics.median(outside), statistics.median(x for x in inside if x is not None)
    finally:
        proc.terminate()
        proc.wait()


def clause_near(ws, share):
    """The built-in clause used by the number of vendors nearest to `share` of them, and that number."""
    counts, n = {}, 0
    for v in os.listdir(os.path.join(ws, "out")):
        m = json.load(open(os.path.join(ws, "out", v, "manifest.json")))
        n += 1
        for c in m["clauses"]:
            counts[c["id"]] = counts.get(c["id"], 0) + 1
    target = share * n
    cid = min(counts, key=lambda c: (abs(counts[c] - target), c))
    return cid, counts[cid]


def clause_file(cid):
    for dirpath, _, files in os.walk(os.path.join(ROOT, "clauses")):
        for f in files:
            path = os.path.join(dirpath, f)
            if f.endswith(".md") and f'\nid = "{cid}"\n' in open(path).read():
                return os.path.relpath(path, ROOT)
    sys.exit(f"no file for clause {cid}")


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
    ap.add_argument("--install-peers", action="store_true", help="install the typst CLI, pandoc and pdflatex when missing")
    ap.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    ap.add_argument("--from-json", metavar="FILE", help="only write the report, from the results a run saved")
    ap.add_argument("--site-policy", action="store_true", help="only the diff on the site-policy corpus: its section of the report")
    args = ap.parse_args()
    if args.site_policy:
        site_policy(args.out)
        return
    if args.from_json:
        saved = json.load(open(args.from_json))
        write_report(args.out, saved["results"], saved["build_s"], saved["quick"])
        return
    sizes = [10, 100] if args.quick else [10, 100, 1000]
    reps = 3 if args.quick else 7
    cores = os.cpu_count() or 1
    if args.install_peers:
        install_peers()

    sample_load()
    print("building release binaries ...", file=sys.stderr)
    build_start = time.perf_counter()
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "dpa", "--example", "bare_compile"], cwd=ROOT, check=True)
    build_s = time.perf_counter() - build_start

    work = tempfile.mkdtemp(prefix="dpa-bench-")
    results = {"machine": machine(), "sizes": {}, "cores": cores}
    gen = os.path.join(ROOT, "bench", "generate.py")

    for n in sizes:
        sample_load()
        ws = os.path.join(work, f"ws{n}")
        subprocess.run([sys.executable, gen, str(n), ws], check=True)
        clean = lambda: shutil.rmtree(os.path.join(ws, "out"), ignore_errors=True)
        runs = 2 if n >= 1000 else (3 if n >= 100 else reps)
        print(f"cold render --all, {n} vendors x{runs} ...", file=sys.stderr)
        t, rss = median_of(runs, [DPA, "-C", ws, "render", "--all", "-q"], before=clean)
        results["sizes"][n] = {"seconds": t, "per_second": n / t, "rss_mb": rss / 1024}

    # Incremental runs on the largest workspace, whose outputs are current now.
    top = max(sizes)
    ws = os.path.join(work, f"ws{top}")
    inc = results["incremental"] = {"n": top}
    print(f"incremental render --all, {top} vendors ...", file=sys.stderr)
    sample_load()
    noop = [timed_render_all(ws) for _ in range(reps)]
    assert all(x[2] == 0 for x in noop), "a no-op run rendered something"
    inc["noop"] = {"seconds": statistics.median(x[0] for x in noop), "rss_mb": max(x[1] for x in noop) / 1024,
                   "open_ms": statistics.median(x[4][0] for x in noop), "plan_ms": statistics.median(x[4][1] for x in noop)}
    vid = sorted(os.listdir(os.path.join(ws, "vendors")))[top // 2][:-5]
    path = os.path.join(ws, "vendors", f"{vid}.toml")
    text = open(path).read()
    open(path, "w").write(text.replace('retention = "', 'retention = "Edited: ', 1))
    t, rss, rendered, _, _ = timed_render_all(ws)
    inc["record"] = {"seconds": t, "rendered": rendered, "rss_mb": rss / 1024}
    cid, users = clause_near(ws, 0.10)
    rel = clause_file(cid)
    os.makedirs(os.path.dirname(os.path.join(ws, rel)), exist_ok=True)
    open(os.path.join(ws, rel), "w").write(open(os.path.join(ROOT, rel)).read().rstrip() + "\n\nThis sentence was added.\n")
    t, rss, rendered, _, _ = timed_render_all(ws)
    inc["clause"] = {"seconds": t, "rendered": rendered, "users": users, "id": cid, "rss_mb": rss / 1024}
    os.makedirs(os.path.join(ws, "templates"), exist_ok=True)
    open(os.path.join(ws, "templates", "dpa.typ"), "w").write(open(os.path.join(ROOT, "templates", "dpa.typ")).read() + "\n// edited\n")
    sample_load()
    t, rss, rendered, _, _ = timed_render_all(ws)
    inc["template"] = {"seconds": t, "rendered": rendered, "rss_mb": rss / 1024}
    shutil.rmtree(os.path.join(ws, "templates"))

    ws = os.path.join(work, "ws10")
    vid = sorted(os.listdir(os.path.join(ws, "vendors")))[0][:-5]
    print("single render ...", file=sys.stderr)
    sample_load()
    single, single_rss = median_of(reps * 2, [DPA, "-C", ws, "render", vid, "-q"])
    typ = os.path.join(ws, "out", vid, f"{vid}.typ")
    bare, _ = median_of(reps * 2, [BARE, typ, os.path.join(work, "bare.pdf")])
    pages = subprocess.run(["pdfinfo", os.path.join(ws, "out", vid, f"{vid}.pdf")], capture_output=True, text=True).stdout if shutil.which("pdfinfo") else ""
    pages = re.search(r"Pages:\s+(\d+)", pages)
    results["single"] = {"seconds": single, "bare": bare, "ratio": single / bare, "rss_mb": single_rss / 1024, "pages": int(pages.group(1)) if pages else None}

    print("dpa watch ...", file=sys.stderr)
    sample_load()
    # The 15-page agreement of the issue: the vendor of the 10-vendor workspace nearest to 15 pages.
    best = None
    for v in sorted(os.listdir(os.path.join(ws, "out"))):
        info = subprocess.run(["pdfinfo", os.path.join(ws, "out", v, f"{v}.pdf")], capture_output=True, text=True).stdout
        m = re.search(r"Pages:\s+(\d+)", info)
        if m and (best is None or abs(int(m.group(1)) - 15) < abs(best[1] - 15)):
            best = (v, int(m.group(1)))
    outside, inside = watch_latency(ws, best[0], 5 if args.quick else 15)
    results["watch"] = {"outside": outside, "inside": inside, "pages": best[1]}

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
    huge, n_ret = re.subn(r'(?m)^retention = ".*"$', lambda _: f'retention = "{filler * 10}"', record, count=1)
    assert n_ret == 1, "the example record has no retention line to lengthen"
    huge += "\n" + subs
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
    vids = sorted(os.listdir(os.path.join(ws100, "out")))
    typs = [os.path.join(ws100, "out", v, f"{v}.typ") for v in vids]
    peers = results["peers"] = {}
    # dpa itself, one and `cores` agreements at once, over the same 100 vendors.
    print("dpa render --all, -j 1 and -j cores ...", file=sys.stderr)
    sample_load()
    clean = lambda: shutil.rmtree(os.path.join(ws100, "out-peer"), ignore_errors=True)
    seq, _ = median_of(3, [DPA, "-C", ws100, "render", "--all", "-q", "--out", "out-peer", "-j", "1"], before=clean)
    par, _ = median_of(3, [DPA, "-C", ws100, "render", "--all", "-q", "--out", "out-peer", "-j", str(cores)], before=clean)
    peers["dpa"] = {"seq": len(vids) / seq, "par": len(vids) / par}
    # The two-core limit: cores / bare compile-and-export time, every document from scratch, in one
    # process on one core. Typst spreads some of its work over every core with rayon; one rayon thread
    # gives the time a document costs one core, which is what `cores` documents at once each get.
    print("bare compile and layout reuse ...", file=sys.stderr)
    reuse = results["reuse"] = {}
    one_core = dict(os.environ, RAYON_NUM_THREADS="1")
    for age in [0, 2, 10, 1000]:
        fd, path = tempfile.mkstemp()
        os.close(fd)
        out = subprocess.run(["/usr/bin/time", "-o", path, "-f", "%M", BARE, "--many", str(age), *typs], capture_output=True, text=True,
                             check=True, env=one_core)
        reuse[age] = {"ms": float(out.stdout.strip()), "rss_mb": int(open(path).read().strip().splitlines()[-1]) / 1024}
        os.unlink(path)
    results["limit"] = cores * 1000 / reuse[0]["ms"]
    typst = typst_cli()
    if typst:
        print("peer: typst CLI ...", file=sys.stderr)
        sample_load()
        # The same work as dpa: PDF/A-2b with PDF/UA-1, from the embedded fonts (no font scan).
        cmd = [typst, "compile", "--root", ws100, "--pdf-standard", "a-2b,ua-1", "--ignore-system-fonts"]
        s1, _ = xargs(1, cmd, typs)
        sp, rss = xargs(cores, cmd, typs)
        version = subprocess.run([typst, "--version"], capture_output=True, text=True).stdout.strip()
        peers["typst"] = {"seq": len(typs) / s1, "par": len(typs) / sp, "version": version, "rss_mb": rss / 1024}
    pandoc, pdflatex = shutil.which("pandoc"), shutil.which("pdflatex")
    if pandoc and pdflatex:
        print("peer: pandoc + pdflatex ...", file=sys.stderr)
        sample_load()
        small = vids[: 4 if args.quick else 10]
        mds = []
        for v in small:
            md = os.path.join(work, f"{v}.md")
            open(md, "w").write(markdown_of(os.path.join(ws100, "out", v, "manifest.json")))
            mds.append(md)
        script = os.path.join(work, "pandoc.sh")
        open(script, "w").write(f'#!/bin/sh\nexec {pandoc} "$1" -o "${{1%.md}}.pdf" --pdf-engine=pdflatex\n')
        os.chmod(script, 0o755)
        s1, _ = xargs(1, [script], mds)
        sp, _ = xargs(cores, [script], mds)
        peers["pandoc"] = {"seq": len(mds) / s1, "par": len(mds) / sp}

    print("profile: compile and export per document ...", file=sys.stderr)
    shutil.rmtree(os.path.join(ws100, "out"), ignore_errors=True)
    env = dict(os.environ, DPA_TIMINGS="1", DPA_RENDER_WORKER="1")
    prof = subprocess.run([DPA, "-C", ws100, "render", "--all", "-q", "-j", "1"], env=env, capture_output=True, text=True, check=True)
    pairs = re.findall(r"compile (\S+) export (\S+)", prof.stderr)
    compile_ms = [ms(c) for c, _ in pairs]
    export_ms = [ms(e) for _, e in pairs]
    results["profile"] = {"compile": statistics.median(compile_ms), "export": statistics.median(export_ms), "n": len(pairs)}
    same = os.path.join(work, "same")
    os.makedirs(os.path.join(same, "vendors"))
    shutil.copy(os.path.join(ROOT, "dpa.toml"), same)
    for i in range(30):
        shutil.copy(os.path.join(ROOT, "vendors", "nordhost.toml"), os.path.join(same, "vendors", f"n{i:02d}.toml"))
    subprocess.run([DPA, "-C", same, "render", "--all", "-q", "-j", "1"], env=env, capture_output=True, text=True, check=True)
    # The same agreement compiled 30 times in one process: from scratch, and keeping the memoised
    # results of the last 10 documents, as `dpa watch` does.
    copies = [os.path.join(same, "out", v, f"{v}.typ") for v in sorted(os.listdir(os.path.join(same, "out")))]
    for age, key in [(0, "repeat_scratch"), (10, "repeat")]:
        out = subprocess.run([BARE, "--many", str(age), *copies], capture_output=True, text=True, check=True, env=one_core)
        results["profile"][key] = float(out.stdout.strip())
    # `dpa check` loads, selects and assembles every agreement without compiling: the cost before Typst.
    t, _ = median_of(3, [DPA, "-C", ws100, "check", "-q"])
    results["profile"]["assemble"] = t * 1000 / 100

    sample_load()
    results["load"] = LOADS
    shutil.rmtree(work, ignore_errors=True)
    saved = os.path.join(tempfile.gettempdir(), "dpa-bench-results.json")
    json.dump({"results": results, "build_s": build_s, "quick": args.quick}, open(saved, "w"))
    print(f"results saved in {saved} (--from-json rewrites the report from them)", file=sys.stderr)
    results = json.load(open(saved))["results"]
    write_report(args.out, results, build_s, args.quick)
    print(f"wrote {args.out}", file=sys.stderr)
    site_policy(args.out)


SITE_POLICY_BEGIN, SITE_POLICY_END = "<!-- site-policy:begin -->", "<!-- site-policy:end -->"


def site_policy(out):
    """The diff on the 521 revision pairs of tests/fixtures/site-policy, judged against the visible
    text (the corpus test prints its figures); writes its section of BENCHMARKS.md."""
    print("site-policy corpus: dpa diff of 521 revision pairs against the visible text ...", file=sys.stderr)
    test = "sitepolicy::every_revision_pair_diffs_as_a_reader_sees_it"
    start = time.perf_counter()
    proc = subprocess.run(["cargo", "test", "--quiet", "--test", "it", test, "--", "--exact", "--nocapture"],
                          cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    m = re.search(r"site-policy corpus: (\d+) pairs; false-change clauses per pair ([\d.]+) \((\d+) in all, (\d+) with identical visible words\); "
                  r"no-visible-change revisions with any false change ([\d.]+)% \((\d+) of (\d+)\); "
                  r"silent misses (\d+); refused pairs (\d+)", proc.stdout)
    if not m:
        sys.exit(f"the site-policy corpus test printed no figures (exit {proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    pairs, per_pair, false_all, identical, share, with_false, no_change, misses, refused = m.groups()
    goal = float(per_pair) == 0 and float(share) == 0 and int(misses) == 0 and int(refused) == 0
    lines = [SITE_POLICY_BEGIN, "", "## Diff on real legal pages (site-policy corpus)", "",
             f"Measured by `python3 bench/run.py --site-policy` (this step only; {time.strftime('%Y-%m-%d')}, "
             f"commit {git_head()}), which runs the corpus test `{test}`: `dpa diff` of every consecutive revision "
             f"pair of 16 published GitHub legal pages (`tests/fixtures/site-policy`, CC0), each clause it reports "
             f"changed judged against the visible text of both revisions (a port of the corpus's reference oracle).", "",
             "| figure | goal | measured |", "|---|---|---|",
             f"| false-change clauses per pair | 0 | {float(per_pair):.3f} ({false_all} clauses in {pairs} pairs) |",
             f"| of which: same visible words on both sides | 0 | {identical} |",
             f"| no-visible-change revisions with any false change | 0% | {float(share):.1f}% ({with_false} of {no_change}) |",
             f"| silent misses (a visible change, no clause reported) | 0 | {misses} |",
             f"| pairs refused (\"no clauses found\" or similar) | 0 | {refused} |", "",
             f"Goal {met(goal)}. Test run, build included: {seconds:.0f} s.", "", SITE_POLICY_END]
    section = "\n".join(lines)
    text = open(out).read() if os.path.exists(out) else "# Benchmarks\n"
    a, b = text.find(SITE_POLICY_BEGIN), text.find(SITE_POLICY_END)
    if a >= 0 and b > a:
        text = text[:a] + section + text[b + len(SITE_POLICY_END):]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    with open(out, "w") as f:
        f.write(text)
    print(f"wrote the site-policy section of {out}", file=sys.stderr)


def git_head():
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return proc.stdout.strip() or "unknown"


def met(ok):
    return "**met**" if ok else "**missed**"


def verdicts(r):
    """The issue's goals, each met or not, and the peak RSS of any process: one judgement for
    BENCHMARKS.md and the README table."""
    sizes = {int(k): v for k, v in r["sizes"].items()}
    inc, peers, w, s = r["incremental"], r["peers"], r["watch"], r["single"]
    rate, clause = sizes[max(sizes)]["per_second"], inc["clause"]
    peak = max([v["rss_mb"] for v in sizes.values()] + [inc[k]["rss_mb"] for k in ("noop", "record", "clause", "template")]
               + [s["rss_mb"], r["status"]["rss_mb"]])
    return {
        "noop": inc["noop"]["seconds"] <= 0.5,
        "clause": clause["rendered"] == clause["users"] and clause["seconds"] <= 6 * clause["users"] / 100,
        "rate": rate >= 0.95 * r["limit"],
        "typst": "typst" in peers and peers["dpa"]["par"] > peers["typst"]["par"],
        "watch": w["outside"] <= 0.1,
        "memory": peak <= 500,
        "peak": peak,
    }


def write_report(path, r, build_s, quick):
    s, cores = r["single"], r["cores"]
    sizes = {int(k): v for k, v in r["sizes"].items()}
    top = max(sizes)
    rate = sizes[top]["per_second"]
    inc, peers, w = r["incremental"], r["peers"], r["watch"]
    reuse = {int(k): v for k, v in r["reuse"].items()}
    load = r["load"]
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python3 bench/run.py` in one run; do not edit by hand.",
        "",
        f"Machine: {r['machine']}. One-minute load average during the run: {min(load):.1f} to {max(load):.1f} "
        f"(sampled {len(load)} times; {cores} cores" + ("; other work shared the cores, which slows every figure" if max(load) > cores * 0.75 + 1 else "") + ").",
        f"Mode: {'quick (smoke test)' if quick else 'full'}. Every figure is the median of several runs of the whole `dpa` process "
        "(release build), on synthetic workspaces from `bench/generate.py` (realistic records: every CCPA and GDPR role, "
        "EEA/UK/Swiss/Californian data, 0-12 sub-processors).",
        "",
    ]
    # The goals, each next to its figure.
    limit = r["limit"]
    noop, clause = inc["noop"], inc["clause"]
    goal = verdicts(r)
    peak = goal["peak"]
    lines += ["## Goals", "", "| goal | figure | |", "|---|---|---|"]
    lines.append(f"| no-op `render --all` over {inc['n']:,} vendors: 0.5 s or less, nothing stale | {noop['seconds']:.2f} s "
                 f"(0 rendered, {inc['n']:,} unchanged) | {met(goal['noop'])} |")
    lines.append(f"| one clause edited, used by 100 of 1,000 vendors: those rendered, 6 s or less | `{clause['id']}`, used by {clause['users']}: "
                 f"{clause['rendered']} rendered in {clause['seconds']:.2f} s | {met(goal['clause'])} |")
    lines.append(f"| cold `render --all`: at least 95% of the {cores}-core limit ({cores} / bare compile-and-export time on one core) | "
                 f"{rate:.1f} agreements/s of {limit:.1f}/s: {100 * rate / limit:.0f}% | {met(goal['rate'])} |")
    if "typst" in peers:
        t = peers["typst"]
        lines.append(f"| cold `render --all` faster than the typst CLI with the same parallelism | dpa {peers['dpa']['par']:.1f}/s, "
                     f"typst CLI {t['par']:.1f}/s (`xargs -P {cores}`) | {met(goal['typst'])} |")
    else:
        lines.append("| cold `render --all` faster than the typst CLI with the same parallelism | typst CLI not installed: not measured "
                     "(`--install-peers`) | **not measured** |")
    lines.append(f"| `dpa watch`: 100 ms or less from save to the new PDF ({w['pages']} pages) | {w['outside'] * 1000:.0f} ms "
                 f"(dpa's own figure, first file event to manifest written: {w['inside']:.0f} ms) | {met(goal['watch'])} |")
    lines.append(f"| peak RSS of any process at most 500 MB, whatever the vendor count | {peak:.0f} MB | {met(goal['memory'])} |")
    lines += ["", "Why, where a goal is missed or close:", ""]
    lines.append(f"- No-op run: the process opened the workspace (clause library, templates, hashing `templates/` and `fonts/`) in "
                 f"{noop['open_ms']:.0f} ms and checked the {inc['n']:,} agreements (read and parse each record, select its clauses, "
                 f"read the manifest, hash the PDF and Typst source against their recorded size and hash, on {cores} threads) in "
                 f"{noop['plan_ms']:.0f} ms; the rest of {noop['seconds'] * 1000:.0f} ms is process start and exit.")
    lines.append(f"- Clause edit: {clause['rendered']} agreements at the cold rate of {rate:.1f}/s take {clause['rendered'] / rate:.1f} s; "
                 f"the run took {clause['seconds']:.2f} s (checking all {inc['n']:,} included).")
    lines.append(f"- Cold rate: in one process on one core (one rayon thread), a bare compile and PDF/A-2b + PDF/UA-1 export takes "
                 f"{reuse[0]['ms']:.0f} ms per document (every document from scratch), so {cores} cores allow {limit:.1f}/s. dpa "
                 "links mimalloc, which serves Typst's many small allocations faster than the system allocator the bare compile "
                 "uses. dpa on one worker renders "
                 f"{peers['dpa']['seq']:.1f}/s ({1000 / peers['dpa']['seq']:.0f} ms per agreement, "
                 + (f"{over:.0f} ms more than the bare compile" if (over := 1000 / peers['dpa']['seq'] - reuse[0]['ms']) >= 0.5 else
                    f"{-over:.0f} ms less than the bare compile, the allocator saving more than dpa's own work costs")
                 + ": dpa's own work is reading the record, selecting and assembling the clauses, the manifest, writing three "
                 "files, and a worker process per batch of at most 32 agreements, the batches split evenly between the "
                 f"workers), and on {cores} {peers['dpa']['par']:.1f}/s ({peers['dpa']['par'] / peers['dpa']['seq']:.2f}x). "
                 "One at a time, the typst CLI spreads parts of each document over every core, while each dpa worker keeps "
                 "to one.")
    lines.append(f"- Watch: dpa measures {w['inside']:.0f} ms from the first file event to the manifest written, of which 30 ms is "
                 "the settling time that merges the events of one save (truncate, write, close; or a temporary file renamed).")
    lines += ["", "## Figures", "",
              "| measure | figure | target |",
              "|---|---|---|",
              f"| one `dpa render ID` ({s['pages']} pages, whole process) | {s['seconds'] * 1000:.0f} ms | |",
              f"| bare embedded Typst compile + PDF export of the same source (whole process) | {s['bare'] * 1000:.0f} ms | |",
              f"| ratio render / bare compile | {s['ratio']:.2f}x | at most 1.2x |"]
    for n in sorted(sizes):
        v = sizes[n]
        lines.append(f"| cold `render --all`, {n:,} vendors | {v['seconds']:.2f} s, **{v['per_second']:.1f} agreements/s**, peak RSS {v['rss_mb']:.0f} MB | "
                     + ("at least 95% of the core limit, under 500 MB" if n == top else "") + " |")
    lines.append(f"| no-op `render --all`, {inc['n']:,} vendors | {noop['seconds']:.2f} s, peak RSS {noop['rss_mb']:.0f} MB | 0.5 s |")
    lines.append(f"| one record edited, then `render --all` | {inc['record']['seconds']:.2f} s, {inc['record']['rendered']} rendered | |")
    lines.append(f"| one clause used by {clause['users']} vendors edited, then `render --all` | {clause['seconds']:.2f} s, {clause['rendered']} rendered | 6 s for 100 |")
    lines.append(f"| one template edited, then `render --all` | {inc['template']['seconds']:.2f} s, {inc['template']['rendered']} rendered | |")
    lines.append(f"| `dpa watch`, save to new PDF, {w['pages']} pages (median of the saves) | {w['outside'] * 1000:.0f} ms | 100 ms |")
    lines.append(f"| `dpa status` over 10,000 records | {r['status']['seconds'] * 1000:.0f} ms, peak RSS {r['status']['rss_mb']:.0f} MB | under 1 s |")
    lines.append(f"| `dpa diff` of two contracts of {r['diff']['bytes'][0] // 1000} KB and {r['diff']['bytes'][1] // 1000} KB (whole process) | {r['diff']['seconds'] * 1000:.0f} ms | under 50 ms |")
    lines += ["", "## Peers, same generated sources, same parallelism", "",
              f"100 agreements of the 100-vendor workspace. Peers run one document per process, one at a time (`xargs -P 1`) and "
              f"{cores} at once (`xargs -P {cores}`); dpa runs `render --all -j 1` and `-j {cores}`. The typst CLI makes the same PDF "
              "as dpa (`--pdf-standard a-2b,ua-1`) from its embedded fonts (`--ignore-system-fonts`, which spares it the scan "
              "of the system's fonts); the bare compile also exports PDF/A-2b with PDF/UA-1.", "",
              f"| tool | one at a time | {cores} at once | dpa is, one at a time | dpa is, {cores} at once |", "|---|---|---|---|---|"]
    d = peers["dpa"]
    lines.append(f"| dpa `render --all` | {d['seq']:.1f}/s | {d['par']:.1f}/s | | |")
    if "typst" in peers:
        t = peers["typst"]
        lines.append(f"| {t['version']} (`typst compile`) | {t['seq']:.1f}/s | {t['par']:.1f}/s | {d['seq'] / t['seq']:.2f}x | {d['par'] / t['par']:.2f}x |")
    else:
        lines.append("| typst CLI | not installed (`--install-peers`): skipped | | | |")
    if "pandoc" in peers:
        p = peers["pandoc"]
        lines.append(f"| pandoc + pdflatex on equivalent Markdown | {p['seq']:.2f}/s | {p['par']:.2f}/s | {d['seq'] / p['seq']:.1f}x | {d['par'] / p['par']:.1f}x |")
    else:
        lines.append("| pandoc + pdflatex | not installed (`--install-peers`): skipped | | | |")
    p = r["profile"]
    lines += ["", "## Layout reuse across the documents of a worker", "",
              "The same 100 generated sources compiled and exported in one process, keeping Typst's memoised results "
              "for the given number of documents (evicted by age after each document):", "",
              "| cache kept for | per document | peak RSS |", "|---|---|---|"]
    for age in sorted(reuse, key=int):
        label = "none (from scratch)" if int(age) == 0 else ("all 100 documents" if int(age) >= 1000 else f"{age} documents")
        lines.append(f"| {label} | {reuse[age]['ms']:.1f} ms | {reuse[age]['rss_mb']:.0f} MB |")
    gain = 100 * (1 - reuse[2]["ms"] / reuse[0]["ms"])
    lines += ["",
              f"Keeping the last 2 documents' work changes the time per document by {-gain:+.0f}% against from scratch; keeping it "
              f"all by {-100 * (1 - reuse[1000]['ms'] / reuse[0]['ms']):+.0f}%, at {reuse[1000]['rss_mb']:.0f} MB. "
              + ("Reuse does not pay across different agreements, so `render --all` lays out every agreement from scratch: it "
                 "evicts all of Typst's memoised results after each. " if gain <= 0 else
                 "`render --all` nevertheless lays out every agreement from scratch, as it did when this was last measured "
                 "without a gain; revisit that choice. ")
              + "Worker processes render batches of at most 32 agreements and exit, which caps memory. `dpa watch` keeps 10 "
              "renders' work: there the next document is the same agreement with one change, which is where reuse pays.", ""]
    lines += ["## Where the time goes", "",
              f"Per document, in one worker ({p['n']} documents of the 100-vendor workspace, medians): Typst layout "
              f"{p['compile']:.0f} ms, PDF export {p['export']:.0f} ms; loading the record, selecting the clauses and assembling "
              f"the Typst source take {p['assemble']:.1f} ms (measured as `dpa check` over the 100 vendors, which also reads "
              f"every agreement as a signatory). When the next document is the same agreement again (one record's source "
              f"compiled 30 times in one process, on one core), keeping Typst's memoised results brings a document from "
              f"{p.get('repeat_scratch', float('nan')):.0f} ms to {p['repeat']:.0f} ms: that is what `dpa watch` gains. Real vendors differ in frameworks, "
              "clause sets, annex tables and page breaks, and every paragraph names the vendor, so most paragraphs are laid "
              "out afresh; PDF export is never cached.",
              ]
    b = r["big"]
    lines += ["", "## Big inputs", "", "| input | time | peak RSS |", "|---|---|---|",
              f"| `dpa check` of a {b['record']['bytes'] / 1e6:.1f} MB record with 10,000 sub-processors | {b['record']['seconds']:.2f} s | {b['record']['rss_mb']:.0f} MB |",
              f"| `dpa check` with a {b['clause']['bytes'] / 1e6:.1f} MB clause file in the workspace | {b['clause']['seconds']:.2f} s | {b['clause']['rss_mb']:.0f} MB |",
              f"| `dpa diff` of two {b['diff']['bytes'] / 1e6:.1f} MB contracts | {b['diff']['seconds']:.2f} s | {b['diff']['rss_mb']:.0f} MB |"]
    lines += ["", f"Release build of dpa before the run (incremental): {build_s:.0f} s.", ""]
    text = "\n".join(lines)
    # Keep the review-accuracy section that bench/accuracy.py maintains.
    if os.path.exists(path):
        old = open(path).read()
        k = old.find("<!-- accuracy:begin -->")
        if k >= 0:
            text = text + "\n" + old[k:]
    with open(path, "w") as f:
        f.write(text)
    if not quick:
        write_readme_table(r, load)


def write_readme_table(r, load):
    """Replaces the README's performance table (between its bench markers) with this run's figures."""
    readme = os.path.join(ROOT, "README.md")
    text = open(readme).read()
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    if begin not in text or end not in text:
        print("README.md has no bench markers: its table was not updated", file=sys.stderr)
        return
    sizes = {int(k): v for k, v in r["sizes"].items()}
    top, cores = max(sizes), r["cores"]
    inc, peers, w, s = r["incremental"], r["peers"], r["watch"], r["single"]
    rate, limit, d = sizes[top]["per_second"], r["limit"], peers["dpa"]
    clause = inc["clause"]
    goal = verdicts(r)
    said = lambda ok: "met" if ok else "missed"
    busy = max(load) > cores * 0.75 + 1
    rows = [f"From the last run, on {r['machine']}; one-minute load average {min(load):.1f} to {max(load):.1f}"
            + (" (other work shared the cores, which slows every figure)." if busy else "."), "",
            "| measure | figure | goal |", "|---|---|---|",
            f"| no-op `render --all`, {inc['n']:,} vendors | {inc['noop']['seconds']:.2f} s (nothing rendered, every output verified) | "
            f"0.5 s: {said(goal['noop'])} |",
            f"| one record edited, then `render --all` | {inc['record']['seconds']:.2f} s, {inc['record']['rendered']} rendered | |",
            f"| one clause used by {clause['users']} of {inc['n']:,} vendors edited, then `render --all` | {clause['seconds']:.2f} s, "
            f"{clause['rendered']} rendered | 6 s for 100: "
            f"{said(goal['clause'])} |",
            f"| one template edited, then `render --all` | {inc['template']['seconds']:.1f} s, {inc['template']['rendered']:,} rendered | |",
            f"| cold `render --all`, {top:,} vendors | {sizes[top]['seconds']:.1f} s, {rate:.1f} agreements/s, peak RSS "
            f"{sizes[top]['rss_mb']:.0f} MB | 95% of the {cores}-core limit ({limit:.1f}/s): "
            f"{said(goal['rate'])}, {100 * rate / limit:.0f}% |",
            f"| `dpa watch`, save to new PDF, {w['pages']} pages | {w['outside'] * 1000:.0f} ms | 100 ms: "
            f"{said(goal['watch'])} |",
            f"| one `dpa render ID`, {s['pages']} pages, whole process | {s['seconds'] * 1000:.0f} ms (a bare embedded Typst "
            f"compile of the same source: {s['bare'] * 1000:.0f} ms) | |",
            f"| `dpa status` over 10,000 records | {r['status']['seconds']:.2f} s | |",
            f"| `dpa diff` of two {r['diff']['bytes'][0] // 1000} KB contracts | {r['diff']['seconds'] * 1000:.0f} ms | |"]
    if "typst" in peers:
        t = peers["typst"]
        rows.append(f"| dpa / typst CLI, one at a time | {d['seq']:.1f}/s vs {t['seq']:.1f}/s: {d['seq'] / t['seq']:.2f}x | |")
        rows.append(f"| dpa / typst CLI, {cores} at once | {d['par']:.1f}/s vs {t['par']:.1f}/s: {d['par'] / t['par']:.2f}x | "
                    f"faster: {said(goal['typst'])} |")
    if "pandoc" in peers:
        p = peers["pandoc"]
        rows.append(f"| dpa / pandoc + pdflatex, one at a time and {cores} at once | {d['seq'] / p['seq']:.1f}x and "
                    f"{d['par'] / p['par']:.1f}x | |")
    rows.append(f"| peak RSS of any process | {goal['peak']:.0f} MB | 500 MB: {said(goal['memory'])} |")
    k, e = text.index(begin) + len(begin), text.index(end)
    with open(readme, "w") as f:
        f.write(text[:k] + "\n" + "\n".join(rows) + "\n" + text[e:])


if __name__ == "__main__":
    main()
