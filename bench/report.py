#!/usr/bin/python3
"""The benchmark's report: bench/run-benchmark's raw files to Markdown.

Usage: report.py RAW_DIR OUT_DIR [EARLIER_RAW_DIR]   (writes OUT_DIR/results.md, results.json)
EARLIER_RAW_DIR: another run's raw files, to show how far the CPU figures moved.

RAW_DIR: cpu.SCEN.PROD.rN.* (instruction-counted guest: CPU runs; .trace
holds the kernel's v4l2_dqbuf events and the sampler's readings of the
daemon's threads), syscalls.SCEN.PROD.* (one more run with the daemon's
syscalls traced), latency.SCEN.PROD.r1.* (normal guest), guest.*.json,
host.*.json and host.json. Exit status 1 when a producer did not stream.
"""
import glob
import json
import os
import re
import statistics
import sys
from collections import Counter

PRODUCERS = ["dmabuf", "mmap", "userptr", "stock", "floor", "raw"]
SCENARIOS = [("yuyv-180p60", "YUYV 320x180 @60 (webcam input)"),
             ("yuyv-180p30", "YUYV 320x180 @30 (webcam input)"),
             ("yuyv-720p60", "YUYV 1280x720 @60 (HDMI input)"),
             ("yuyv-1080p60", "YUYV 1920x1080 @60 (HDMI input)")]
# The streaming window: from the first CPU sample after the daemon dequeued
# WARMUP frames to the last one before it dequeued the consumer's count less
# TAIL (the consumer still takes frames then). Below MIN_FRAMES: no figure.
WARMUP, TAIL, MIN_FRAMES = 30, 10, 20
VIDIOC_DQBUF, VIDIOC_QBUF = 0xC0585611, 0xC058560F
POLL = {7: "poll", 23: "select", 232: "epoll_wait", 270: "pselect6", 271: "ppoll",
        281: "epoll_pwait", 441: "epoll_pwait2"}
NAMES = {0: "read", 1: "write", 3: "close", 9: "mmap", 11: "munmap", 16: "ioctl", 19: "readv",
         20: "writev", 46: "sendmsg", 47: "recvmsg", 72: "fcntl", 202: "futex",
         228: "clock_gettime", 230: "clock_nanosleep", 233: "epoll_ctl", 257: "openat"}
KINDS = ["DQBUF", "QBUF", "poll/epoll", "eventfd", "other"]

TRACE_LINE = re.compile(r"^\s*(?P<comm>.*?)-(?P<tid>\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[\d+\]\s+\S+\s+"
                        r"(?P<ts>\d+\.\d+):\s+(?P<event>\w+):\s?(?P<text>.*)$")
SYS_ENTER = re.compile(r"NR (\d+) \(([0-9a-f, ]*)\)")


def parse_trace(lines):
    """Trace events in order: ("dq", ts, tid) a frame dequeued by thread tid;
    ("sample", ts, {tid: cpu_ns}); ("threads", ts, {tid: name});
    ("sys", ts, tid, (nr, args...)) a syscall entered. Other lines are skipped."""
    events = []
    for line in lines:
        m = TRACE_LINE.match(line)
        if not m:
            continue
        ts, tid, event, text = float(m["ts"]), int(m["tid"]), m["event"], m["text"]
        if event == "v4l2_dqbuf":
            events.append(("dq", ts, tid))
        elif event == "sys_enter":
            s = SYS_ENTER.search(text)
            if s:
                args = tuple(int(a, 16) for a in s[2].split(",") if a.strip())
                events.append(("sys", ts, tid, (int(s[1]),) + args))
        elif event == "tracing_mark_write":
            words = text.split()
            if not words or words[0] not in ("bench-sample", "bench-threads"):
                continue
            pairs = dict(w.split("=", 1) for w in words[1:] if "=" in w and w.split("=")[0].isdigit())
            if words[0] == "bench-threads":
                events.append(("threads", ts, {int(k): v for k, v in pairs.items()}))
            else:
                events.append(("sample", ts, {int(k): int(v) for k, v in pairs.items() if v.isdigit()}))
    return events


def syscall_kind(call):
    """The table's kind of a syscall (nr, args...)."""
    nr = call[0]
    if nr == 16 and len(call) > 2:
        return {VIDIOC_DQBUF: "DQBUF", VIDIOC_QBUF: "QBUF"}.get(call[2] & 0xFFFFFFFF, "other")
    if nr in POLL:
        return "poll/epoll"
    if nr in (0, 1) and len(call) > 3 and call[3] == 8:
        return "eventfd"  # an 8-byte read or write: eventfd (or timerfd) counters
    return "other"


def streaming(events, consumer_frames=None):
    """The daemon's figures over the streaming window of one run's events:
    frames, daemon_us and data_loop_us per frame, syscalls per frame by kind
    (when traced) and the other syscalls by name; or {"error": why}."""
    daemon, names = set(), {}
    for e in events:
        if e[0] == "sample":
            daemon.update(e[2])
        elif e[0] == "threads":
            names.update(e[2])
    samples, dq, calls, count = [], [], [], 0
    for e in events:
        if e[0] == "dq" and e[2] in daemon:
            dq.append((count, e[2]))
            count += 1
        elif e[0] == "sample":
            samples.append((count, len(calls), e[2]))
        elif e[0] == "sys":
            calls.append(e[3])
    last = count if consumer_frames is None else min(count, consumer_frames)
    start = next((s for s in samples if s[0] >= WARMUP), None)
    end = next((s for s in reversed(samples) if s[0] <= last - TAIL), None)
    if start is None or end is None or end[0] - start[0] < MIN_FRAMES:
        return {"error": f"under {MIN_FRAMES} frames between warm-up and tail ({count} dequeued)"}
    frames = end[0] - start[0]
    loop = Counter(t for n, t in dq if start[0] <= n < end[0]).most_common(1)[0][0]
    out = {"window_frames": frames, "data_loop_thread": names.get(loop, str(loop)),
           "daemon_us": sum(ns - start[2].get(t, 0) for t, ns in end[2].items()) / 1e3 / frames,
           "data_loop_us": (end[2].get(loop, 0) - start[2].get(loop, 0)) / 1e3 / frames}
    window = calls[start[1]:end[1]]
    if calls:
        kinds = Counter(syscall_kind(c) for c in window)
        out["syscalls"] = {k: kinds[k] / frames for k in KINDS}
        out["syscalls"]["total"] = len(window) / frames
        other = Counter(NAMES.get(c[0], str(c[0])) for c in window if syscall_kind(c) == "other")
        out["other_names"] = {k: v / frames for k, v in other.most_common(4)}
    return out


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def run(prefix, producer):
    """One run's figures (files PREFIX.*): status ok|failed, capture figures,
    CPU per frame in µs (the daemon's, or the raw loop's own process)."""
    cap = load(prefix + ".capture.json")
    if not cap or not cap.get("ok"):
        return {"status": "failed", "why": (cap or {}).get("error") or "no capture result"}
    frames, gaps = cap["frames"], cap["sequence_gaps"]
    r = {"status": "ok", "frames": frames, "captured": frames + gaps, "gaps": gaps,
         "p50": cap["latency_ms"]["p50"], "p99": cap["latency_ms"]["p99"],
         "latency_samples": cap["latency_ms"]["samples"],
         "exporters": sorted({p.get("exporter") or "" for p in cap.get("planes", [])}),
         "data_types": cap.get("data_types") or ["MMAP, no PipeWire"]}
    cpu = (cap.get("consumer_cpu_ms") or {}).get("streaming")
    if cpu is not None and frames > 1:
        r["consumer_us"] = cpu * 1e3 / (frames - 1)
    if producer == "raw":
        r["daemon_us"] = r.get("consumer_us")  # the whole loop is one process
        return r
    try:
        with open(prefix + ".trace") as t:
            r.update(streaming(parse_trace(t), frames))
    except OSError:
        r["error"] = "no trace"
    return r


def stats(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals),
            "spread": (max(vals) - min(vals)) / statistics.median(vals) if statistics.median(vals) else 0}


def build(raw):
    """{(scenario, producer): row} with the CPU runs' stats, the syscall run
    and the latency run."""
    rows = {}
    for scen, _ in SCENARIOS:
        for p in PRODUCERS:
            runs = [run(x[:-len(".capture.json")], p)
                    for x in sorted(glob.glob(f"{raw}/cpu.{scen}.{p}.r*.capture.json"))]
            sysrun = run(f"{raw}/syscalls.{scen}.{p}", p) if os.path.exists(
                f"{raw}/syscalls.{scen}.{p}.capture.json") else None
            lat = run(f"{raw}/latency.{scen}.{p}.r1", p) if os.path.exists(
                f"{raw}/latency.{scen}.{p}.r1.capture.json") else None
            if not runs and not lat:
                continue
            ok = [r for r in runs if r["status"] == "ok"]
            row = {"runs": len(runs), "ok": len(ok), "why": sorted({r.get("why") or r.get("error", "")
                                                                  for r in runs if r not in ok or "error" in r}),
                   "syscalls": (sysrun or {}).get("syscalls"), "other_names": (sysrun or {}).get("other_names"),
                   "latency": lat, "exporters": next((r["exporters"] for r in ok), None),
                   "data_types": next((r["data_types"] for r in ok), None),
                   "frames": sum(r["frames"] for r in ok), "captured": sum(r["captured"] for r in ok)}
            for k in ("daemon_us", "data_loop_us", "consumer_us", "gaps"):
                row[k] = stats(r.get(k) for r in ok)
            rows[(scen, p)] = row
    return rows


def med(row, key):
    s = row.get(key) if row else None
    return s["median"] if s else None


def cell(s, *bases, digits=0):
    """'median (min..max, ±spread%) ×ratio...' of stats s against base medians."""
    if not s:
        return "–"
    text = f"{s['median']:.{digits}f}"
    if s["n"] > 1:
        text += f" ({s['min']:.{digits}f}..{s['max']:.{digits}f}, n={s['n']})"
    ratios = [f"{tag} ×{s['median'] / b:.2f}" for tag, b in bases if b]
    return text + (" " + ", ".join(ratios) if ratios else "")


def zero_copy(row, producer):
    """(bytes copied per frame, how that is known) for DMA-BUF paths."""
    if producer == "raw":
        return 0, "DQBUF/QBUF only, nothing mapped"
    ex = row.get("exporters") or []
    if ex and all(ex) and row.get("data_types") == ["DmaBuf"]:
        return 0, f"consumer's DmaBuf planes exported by {'+'.join(ex)}"
    return None, f"{'/'.join(row.get('data_types') or ['?'])}: not a DMA-BUF path"


def targets(rows):
    out = []
    for scen, _ in SCENARIOS:
        f, s, fl = rows.get((scen, "dmabuf")), rows.get((scen, "stock")), rows.get((scen, "floor"))
        if not f or not med(f, "daemon_us"):
            continue
        checks = []
        if med(s, "daemon_us"):
            r = med(f, "daemon_us") / med(s, "daemon_us")
            why = f"×{r:.2f}"
            if r > 0.8 and med(fl, "daemon_us"):
                # The floor is the least any producer can do in this graph.
                sf = med(s, "daemon_us") / med(fl, "daemon_us")
                if sf < 1 / 0.8:
                    why += (f"; the stock plugin is at ×{sf:.2f} of the floor, so 0.8 × stock "
                            f"({0.8 * med(s, 'daemon_us'):.0f} µs) is below what any producer can do "
                            f"({med(fl, 'daemon_us'):.0f} µs)")
            checks.append((f"daemon CPU/frame ≤ 0.8 × stock", r <= 0.8, why))
        if med(fl, "daemon_us"):
            r = med(f, "daemon_us") / med(fl, "daemon_us")
            checks.append((f"daemon CPU/frame ≤ 1.1 × floor", r <= 1.1, f"×{r:.2f}"))
        if f.get("syscalls") and s and s.get("syscalls"):
            a, b = f["syscalls"]["total"], s["syscalls"]["total"]
            checks.append(("syscalls/frame ≤ stock", a <= b, f"{a:.2f} vs {b:.2f}"))
        copied, how = zero_copy(f, "dmabuf")
        checks.append(("0 bytes copied", copied == 0, how))
        fl_lat, s_lat = f.get("latency"), (s or {}).get("latency")
        if fl_lat and s_lat and fl_lat["status"] == s_lat["status"] == "ok":
            for k in ("p50", "p99"):
                checks.append((f"latency {k} ≤ stock", fl_lat[k] <= s_lat[k],
                               f"{fl_lat[k]:.2f} vs {s_lat[k]:.2f} ms"))
        out.append(f"- {scen}: " + "; ".join(f"{n}: {'met' if ok else '**missed**'} ({d})"
                                              for n, ok, d in checks))
    return out


def summary(rows, scen="yuyv-180p60"):
    """The README's table: the first scenario, one line per producer."""
    s, fl = rows.get((scen, "stock")), rows.get((scen, "floor"))
    lines = [f"| {scen} | daemon µs/frame (min..max) | ×stock | ×floor | data loop µs/frame | syscalls/frame "
             "| latency p50 / p99 ms | delivered/captured (latency run) |", "|---|---|---|---|---|---|---|---|"]
    for p in PRODUCERS:
        r = rows.get((scen, p))
        if not r or not r["ok"]:
            continue
        d = r["daemon_us"]
        ratio = lambda b: f"{d['median'] / med(b, 'daemon_us'):.2f}" if d and med(b, "daemon_us") else "–"
        lat = r.get("latency") or {}
        late = (f"{lat['p50']:.2f} / {lat['p99']:.2f}", f"{lat['frames']}/{lat['captured']}") \
            if lat.get("status") == "ok" else ("–", "–")
        sc = f"{r['syscalls']['total']:.2f}" if r.get("syscalls") else "–"
        dl = f"{med(r, 'data_loop_us'):.0f}" if med(r, "data_loop_us") else "–"
        cpu = f"{d['median']:.0f} ({d['min']:.0f}..{d['max']:.0f})" if d else "–"
        lines.append(f"| {p} | {cpu} | {ratio(s)} | {ratio(fl)} "
                     f"| {dl} | {sc} | {late[0]} | {late[1]} |")
    return lines


def markdown(rows, raw):
    host = load(f"{raw}/host.json") or {}
    lines = ["# Benchmark: this plugin, PipeWire's api.v4l2.source, the floor node, the raw V4L2 loop", ""]
    lines.append(f"Run {host.get('date', '?')}, commit {host.get('commit', '?')}, {host.get('machine', '?')}; "
                 f"{host.get('repeat', '?')} interleaved runs of {host.get('frames', '?')} frames per "
                 f"producer and scenario; {host.get('seconds', '?')} s in all.")
    for path in sorted(glob.glob(f"{raw}/host.*.json")):
        h = load(path)
        g = load(f"{raw}/guest.{h.get('mode')}.json") if h else None
        if g and "wall_s" in h:
            kind = ("instruction-counted (qemu TCG -icount shift=1,sleep=off, 1 vCPU)" if h["icount"]
                    else f"normal (qemu TCG, {g['cpus']} vCPUs)")
            lines.append(f"- {h.get('scenarios')}, {h['mode']} figures: {kind} guest, kernel {g['kernel']}, "
                         f"PipeWire {g['pipewire']}; {h['wall_s']} s; host load average {h['load']} (start, "
                         f"end); the host's CPUs were busy {h['host_busy_s']} s in that time, this VM's "
                         f"qemu {h['vm_s']} s of it.")
    lines += ["", "CPU figures are from the instruction-counted guest: its CPU times count emulated "
              "instructions (1 ns = 2 instructions), the same on an idle and a busy host. Daemon CPU = "
              "all threads of the pipewire process (schedstat), data loop = the thread that dequeued, "
              f"per frame the daemon dequeued from frame {WARMUP} to the consumer's last less {TAIL}; for "
              "the raw loop, its own process. Cells: median (min..max, n runs) ×ratio to the stock "
              "plugin (s) and the floor (f); µs of guest CPU per frame.", ""]
    lines += ["### Summary", ""] + summary(rows) + ["", "(raw: no daemon; the raw loop's own process.)", ""]
    lines += ["### Daemon CPU per frame (instruction-counted guest)", "",
              "| scenario | producer | daemon µs/frame | data-loop µs/frame | consumer µs/frame "
              "| delivered/captured | gaps per run |", "|---|---|---|---|---|---|---|"]
    for scen, _ in SCENARIOS:
        s, fl = rows.get((scen, "stock")), rows.get((scen, "floor"))
        for p in PRODUCERS:
            r = rows.get((scen, p))
            if not r or not r["runs"]:
                continue
            if not r["ok"]:
                lines.append(f"| {scen} | {p} | **failed**: {'; '.join(r['why'])} | | | | |")
                continue
            b = lambda k: [("s", med(s, k)), ("f", med(fl, k))]
            lines.append(f"| {scen} | {p} | {cell(r['daemon_us'], *b('daemon_us'))} "
                         f"| {cell(r['data_loop_us'], *b('data_loop_us')) if p != 'raw' else '–'} "
                         f"| {cell(r['consumer_us'], *b('consumer_us')) if p != 'raw' else '–'} "
                         f"| {r['frames']}/{r['captured']} | {cell(r['gaps'])} |")
    lines += ["", "### Daemon syscalls per frame (instruction-counted guest, one traced run)", "",
              "Counted by the kernel (raw_syscalls:sys_enter, filtered to the daemon's threads) over the "
              "same window; eventfd = 8-byte read/write.", "",
              "| scenario | producer | " + " | ".join(KINDS) + " | total | most frequent others |",
              "|---|---|" + "---|" * (len(KINDS) + 2)]
    for (scen, p), r in rows.items():
        if r.get("syscalls"):
            sc = r["syscalls"]
            others = ", ".join(f"{k} {v:.2f}" for k, v in (r.get("other_names") or {}).items())
            lines.append(f"| {scen} | {p} | " + " | ".join(f"{sc[k]:.2f}" for k in KINDS)
                         + f" | {sc['total']:.2f} | {others} |")
    lines += ["", "### Scaling: daemon µs per frame against frame size and rate", "",
              "| producer | " + " | ".join(s for s, _ in SCENARIOS) + " |", "|---|" + "---|" * len(SCENARIOS)]
    for p in PRODUCERS:
        vals = [med(rows.get((s, p)), "daemon_us") for s, _ in SCENARIOS]
        if any(vals):
            base = vals[0]
            lines.append(f"| {p} | " + " | ".join("–" if v is None else f"{v:.0f}" + (
                f" (×{v / base:.2f})" if base else "") for v in vals) + " |")
    lines += ["", "### Latency, rate and gaps (normal guest, one long run)", "",
              "Latency = consumer arrival minus the V4L2 buffer timestamp (vivid stamps frames ahead: "
              "negative values are as measured).", "",
              "| scenario | producer | frames | delivered/captured | latency p50 ms | latency p99 ms "
              "| consumer µs/frame | bytes copied |", "|---|---|---|---|---|---|---|---|"]
    for (scen, p), r in rows.items():
        lat = r.get("latency")
        if lat and lat["status"] == "ok":
            copied, how = zero_copy(lat, p)
            lines.append(f"| {scen} | {p} | {lat['frames']} | {lat['frames'] / lat['captured']:.3f} "
                         f"| {lat['p50']:.2f} | {lat['p99']:.2f} | {lat.get('consumer_us', 0):.0f} "
                         f"| {'?' if copied is None else copied} ({how}) |")
        elif lat:
            lines.append(f"| {scen} | {p} | **failed**: {lat.get('why')} | | | | | |")
    lines += ["", "### Targets (plugin dmabuf)", ""] + targets(rows)
    return "\n".join(lines) + "\n"


def repeat_table(rows, earlier_raw):
    """Markdown lines: this run's CPU medians against those of an earlier
    run (its raw files), and how far apart they are."""
    earlier = {f"{s}/{p}": r for (s, p), r in build(earlier_raw).items()}
    host = load(f"{earlier_raw}/host.json") or {}
    guests = [load(x) or {} for x in sorted(glob.glob(f"{earlier_raw}/host.*.json"))]
    loads = "; ".join(f"{h.get('tag')}: {h.get('load')}" for h in guests)
    lines = ["", f"### Against the earlier run ({host.get('date', '?')}, commit {host.get('commit', '?')}, "
             f"{host.get('seconds', '?')} s; host load average at start and end of each guest: {loads})", "",
             "| scenario | producer | daemon µs/frame: this run | earlier | difference "
             "| data loop: this run | earlier | difference |", "|---|---|---|---|---|---|---|---|"]
    for (scen, p), r in rows.items():
        e = earlier.get(f"{scen}/{p}")
        cells = []
        for k in ("daemon_us", "data_loop_us"):
            a, b = med(r, k), med(e, k)
            cells += ["–"] * 3 if a is None or b is None else [f"{a:.1f}", f"{b:.1f}", f"{(a - b) / b:+.1%}"]
        if any(c != "–" for c in cells):
            lines.append(f"| {scen} | {p} | " + " | ".join(cells) + " |")
    return lines


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: report.py RAW_DIR OUT_DIR [EARLIER_RAW_DIR]")
    raw, out = sys.argv[1], sys.argv[2]
    rows = build(raw)
    os.makedirs(out, exist_ok=True)
    text = markdown(rows, raw)
    if len(sys.argv) == 4:
        text += "\n".join(repeat_table(rows, sys.argv[3])) + "\n"
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(text)
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({f"{s}/{p}": r for (s, p), r in rows.items()}, f, indent=1)
    bad = [f"{s}/{p}" for (s, p), r in rows.items() if r["runs"] and r["ok"] < r["runs"]]
    bad += [f"{s}/{p} (latency)" for (s, p), r in rows.items()
            if r.get("latency") and r["latency"]["status"] != "ok"]
    for b in bad:
        print(f"report: did not stream in every run: {b}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
