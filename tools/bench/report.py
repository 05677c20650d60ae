#!/usr/bin/python3
"""Turns the benchmark's raw run files into a Markdown table and chart data.

Usage: report.py RAW_DIR OUT_DIR

RAW_DIR holds, per scenario, producer and run N (guest-bench --repeat),
SCENARIO.PRODUCER.rN.capture.json (v4l2-dmabuf-capture or raw-capture),
SCENARIO.PRODUCER.rN.daemon.json (tools/bench/guest-bench) and, for the
daemon's producers, SCENARIO.PRODUCER.rN.trace (v4l2_dqbuf events and the
sampler's CPU readings of the daemon's threads), plus guest.json and
host.json. Files without .rN are read as run 1. Writes OUT_DIR/results.md,
OUT_DIR/results.json and OUT_DIR/chart.tsv. Exit status 1 when a producer
that should stream did not, in any run (the table still says which).
"""
import glob
import json
import os
import re
import statistics
import sys
from collections import Counter

SCENARIOS = [
    ("yuyv-480p25", "YUYV 640x480 @25, /dev/video0 (webcam input)"),
    ("memfd-480p25", "YUYV 640x480 @25, consumer takes only MemFd/MemPtr"),
    ("nv12-720p60", "NV12 1280x720 @60, /dev/video0 (HDMI input)"),
    ("nv12m-720p60", "NV12M 1280x720 @60, /dev/video4 multi-planar (HDMI input)"),
    ("nv12-1080p60", "NV12 1920x1080 @60, /dev/video0 (HDMI input): the highest rate"),
]
PRODUCERS = [
    ("dmabuf", "plugin dmabuf"),
    ("mmap", "plugin mmap"),
    ("dmabuf-import", "plugin dmabuf-import"),
    ("userptr", "plugin userptr"),
    ("stock", "stock api.v4l2.source"),
    ("raw", "raw V4L2 loop"),
]
PLUGIN = [p for p, _ in PRODUCERS[:4]]

# The streaming window of a run: from the first CPU sample taken after the
# daemon dequeued WARMUP_FRAMES frames to the last one taken before it
# dequeued the consumer's frame count less TAIL_FRAMES. Every frame the
# consumer receives was dequeued by the daemon first, so the window ends
# while the consumer still takes frames: not in its disconnect, during which
# the daemon may go on dequeuing for a second or more under emulation.
# Fewer than MIN_WINDOW_FRAMES frames in it: no streaming figure.
WARMUP_FRAMES = 30
TAIL_FRAMES = 10
MIN_WINDOW_FRAMES = 20

# A run during which other processes on the host (run-benchmark's
# host-cpu.txt: all busy CPU less the VM's own) took more than BUSY_CORES
# cores on average, from a second before to a second after it, is left out
# of the medians when runs without that are left; the table says how many.
BUSY_CORES = 0.25
CLOCK_SLACK_S = 1.0  # the guest's wall clock against the host's

# Figures aggregated over runs: median, min and max.
NUMERIC = ["delivered_ratio", "gaps", "daemon_stream", "dataloop_stream", "daemon_run",
           "consumer_cpu", "lat_p50", "lat_p99", "ttff", "stream_frames"]


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


# One line of the ftrace text format: "COMM-TID [CPU] FLAGS TIMESTAMP: EVENT: TEXT".
TRACE_LINE = re.compile(r"^\s*(?P<comm>.*?)-(?P<tid>\d+)\s+(?:\(\s*[\d-]+\)\s+)?\[\d+\]\s+\S+\s+"
                        r"(?P<ts>\d+\.\d+):\s+(?P<event>\w+):\s?(?P<text>.*)$")


def parse_trace(lines):
    """The events of a guest-bench trace, in order, as tuples:
    ("dq", ts, tid) for a v4l2_dqbuf event (a frame dequeued by thread tid),
    ("sample", ts, {tid: cpu_ns}) for a sampler reading of the daemon's threads,
    ("threads", ts, {tid: name}) for the sampler's list of thread names.
    Other lines are skipped."""
    events = []
    for line in lines:
        m = TRACE_LINE.match(line)
        if not m:
            continue
        ts = float(m.group("ts"))
        if m.group("event") == "v4l2_dqbuf":
            events.append(("dq", ts, int(m.group("tid"))))
            continue
        if m.group("event") != "tracing_mark_write":
            continue
        words = m.group("text").split()
        if not words or words[0] not in ("bench-sample", "bench-threads"):
            continue
        pairs = {}
        for w in words[1:]:
            k, sep, v = w.partition("=")
            if sep and k.isdigit():
                pairs[int(k)] = v
        if words[0] == "bench-threads":
            events.append(("threads", ts, pairs))
        else:
            try:
                events.append(("sample", ts, {k: int(v) for k, v in pairs.items()}))
            except ValueError:
                continue
    return events


def streaming_cpu(events, consumer_frames=None, warmup=WARMUP_FRAMES, tail=TAIL_FRAMES,
                  min_frames=MIN_WINDOW_FRAMES):
    """Daemon CPU per streamed frame from parse_trace() events of a run in
    which the consumer took consumer_frames frames (None: as many as the
    daemon dequeued).

    Only frames dequeued by the daemon's threads (those the sampler read)
    count. Returns a dict: frames and seconds of the window, daemon_ms and
    data_loop_ms per frame (the data loop: the thread that dequeued most
    frames in the window), its name and the frames dequeued in the run; or
    {"error": why} when the trace holds no usable window."""
    names = {}
    daemon = set()
    for kind, _, data in events:
        if kind == "sample":
            daemon.update(data)
        elif kind == "threads":
            names.update(data)
    samples = []  # (frames dequeued before the sample, ts, cpu)
    dequeuers = []  # (frames dequeued before this one, tid)
    count = 0
    for kind, ts, data in events:
        if kind == "dq" and data in daemon:
            dequeuers.append((count, data))
            count += 1
        elif kind == "sample":
            samples.append((count, ts, data))
    if not samples:
        return {"error": "no CPU samples of the daemon in the trace"}
    if count == 0:
        return {"error": "no frame dequeued by the daemon in the trace"}
    last = count if consumer_frames is None else min(count, consumer_frames)
    start = next((s for s in samples if s[0] >= warmup), None)
    end = next((s for s in reversed(samples) if s[0] <= last - tail), None)
    if start is None or end is None or end[0] - start[0] < min_frames:
        return {"error": f"fewer than {min_frames} frames between the warm-up ({warmup}) "
                         f"and the tail ({tail}) of {last}"}
    frames = end[0] - start[0]
    total_ns = sum(ns - start[2].get(tid, 0) for tid, ns in end[2].items())
    loop_tid = Counter(tid for n, tid in dequeuers if start[0] <= n < end[0]).most_common(1)[0][0]
    loop_ns = end[2].get(loop_tid, 0) - start[2].get(loop_tid, 0)
    return {
        "frames": frames,
        "seconds": end[1] - start[1],
        "daemon_ms": total_ns / 1e6 / frames,
        "data_loop_ms": loop_ns / 1e6 / frames,
        "data_loop_thread": names.get(loop_tid, str(loop_tid)),
        "dequeued": count,
    }


def load_host_cpu(path):
    """run-benchmark's host monitor samples: [(epoch s, busy ticks, steal
    ticks, own ticks)], in time order; [] without the file."""
    samples = []
    try:
        with open(path) as f:
            for line in f:
                w = line.split()
                if len(w) == 4:
                    try:
                        samples.append((float(w[0]), int(w[1]), int(w[2]), int(w[3])))
                    except ValueError:
                        continue
    except OSError:
        return []
    return sorted(samples)


def others_cores(samples, start, end, hz=100):
    """Average cores other processes on the host used from start to end
    (epoch seconds, widened by CLOCK_SLACK_S), from the samples bracketing
    that span; None when the samples do not cover it."""
    if len(samples) < 2:
        return None
    start, end = start - CLOCK_SLACK_S, end + CLOCK_SLACK_S
    before = [x for x in samples if x[0] <= start]
    after = [x for x in samples if x[0] >= end]
    if not before or not after:
        return None
    a, b = before[-1], after[0]
    if b[0] <= a[0]:
        return None
    others = (b[1] - a[1]) - (b[3] - a[3])
    return max(others, 0) / hz / (b[0] - a[0])


def run_files(raw_dir, scen, producer):
    """{run number: path prefix} of the runs recorded for scen/producer."""
    runs = {}
    for path in glob.glob(os.path.join(raw_dir, f"{glob.escape(scen)}.{glob.escape(producer)}.r*.*.json")):
        m = re.match(r"r(\d+)\.", os.path.basename(path)[len(scen) + len(producer) + 2:])
        if m:
            runs[int(m.group(1))] = os.path.join(raw_dir, f"{scen}.{producer}.r{m.group(1)}")
    if not runs:
        legacy = os.path.join(raw_dir, f"{scen}.{producer}")
        if os.path.exists(legacy + ".capture.json") or os.path.exists(legacy + ".daemon.json"):
            runs[1] = legacy
    return dict(sorted(runs.items()))


def figures(scen, producer, prefix, host_cpu=(), hz=100):
    """The figures of one run (files PREFIX.*) as a dict, with 'status' ok |
    unsupported | failed | missing, and with host_cpu (load_host_cpu()) the
    cores other processes on the host used during it ('host_others') and
    whether that makes it a busy-host run ('host_busy')."""
    cap = load(prefix + ".capture.json")
    dmn = load(prefix + ".daemon.json")
    f = {"scenario": scen, "producer": producer}
    if dmn and dmn.get("start_ns") and dmn.get("end_ns"):
        o = others_cores(host_cpu, dmn["start_ns"] / 1e9, dmn["end_ns"] / 1e9, hz)
        if o is not None:
            f["host_others"] = o
            f["host_busy"] = o > BUSY_CORES
    if dmn is None and cap is None:
        f["status"] = "missing"
        f["why"] = "no run recorded"
        return f
    dmn = dmn or {}
    if dmn.get("unsupported"):
        f["status"] = "unsupported"
        f["why"] = dmn["unsupported"]
        return f
    if cap is None or not cap.get("ok") or dmn.get("exit_status", 0) != 0:
        f["status"] = "failed"
        f["why"] = (cap or {}).get("error") or f"exit status {dmn.get('exit_status')}"
        return f
    f["status"] = "ok"
    frames = cap["frames"]
    gaps = cap["sequence_gaps"]
    f["frames"] = frames
    f["captured"] = frames + gaps  # the sequence span: first..last sequence number
    f["delivered_ratio"] = frames / (frames + gaps) if frames + gaps else None
    f["gaps"] = gaps
    lat = cap.get("latency_ms") or {}
    f["lat_p50"] = lat.get("p50")
    f["lat_p99"] = lat.get("p99")
    f["ttff"] = cap.get("time_to_first_frame_ms")
    cpu = cap.get("consumer_cpu_ms") or {}
    if cpu.get("streaming") is not None and frames > 1:
        f["consumer_cpu"] = cpu["streaming"] / (frames - 1)
    if producer == "raw":
        f["memory"] = cap.get("memory", "MMAP") + " (no PipeWire)"
        f["planes"] = (cap.get("datas_per_buffer") or [None])[0]
        f["copied"] = 0
        f["evidence"] = "DQBUF/QBUF only; nothing is mapped"
        return f
    if "daemon_cpu_ms" not in dmn:
        return {"scenario": scen, "producer": producer, "status": "missing",
                "why": "the daemon figures of the run were not recorded"}
    f["daemon_run"] = dmn["daemon_cpu_ms"] / frames
    try:
        with open(prefix + ".trace") as t:
            s = streaming_cpu(parse_trace(t), frames)
    except OSError:
        s = {"error": "no trace (tracefs missing in the guest?)"}
    if "error" in s:
        f["stream_note"] = s["error"]
    else:
        f["daemon_stream"] = s["daemon_ms"]
        f["dataloop_stream"] = s["data_loop_ms"]
        f["stream_frames"] = s["frames"]
        f["stream_seconds"] = s["seconds"]
        f["data_loop_thread"] = s["data_loop_thread"]
    f["memory"] = "/".join(cap.get("data_types") or []) or "?"
    f["planes"] = (cap.get("datas_per_buffer") or [None])[0]
    exporters = sorted({p.get("exporter", "") for p in cap.get("planes", [])})
    dmaps = dmn.get("daemon_dmabuf_maps_max", 0)
    vmaps = dmn.get("daemon_video_maps_max", 0)
    daemon = f"daemon maps {dmaps} dma-buf, {vmaps} /dev/video"
    if exporters and all(exporters):
        # The consumer's planes are the exporting driver's own memory (V4L2's
        # vb2 or, imported, the DRM device's): what it reads is what the
        # device wrote; nobody copied.
        f["copied"] = 0
        f["evidence"] = f"consumer planes exported by {'+'.join(exporters)}; {daemon}"
    elif producer == "userptr":
        f["copied"] = 0
        f["evidence"] = f"USERPTR: the driver writes PipeWire's memfd; {daemon}"
    else:
        f["copied"] = None
        f["evidence"] = f"planes not fd-backed by a driver: a copy cannot be ruled out; {daemon}"
    return f


def stats(values):
    """{"median", "min", "max", "n"} of the values that are not None; None if none."""
    vals = [v for v in values if v is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals)}


def aggregate(scen, producer, runs):
    """One row from the per-run figures: status ok (every run streamed),
    partial (some did), failed, unsupported or missing; for ok and partial
    rows the stats() of every NUMERIC figure over the runs that streamed."""
    a = {"scenario": scen, "producer": producer, "runs": runs}
    ok = [r for r in runs if r["status"] == "ok"]
    bad = [r for r in runs if r["status"] in ("failed", "missing")]
    a["n_runs"] = len(runs)
    a["n_ok"] = len(ok)
    if not runs:
        a.update(status="missing", why="no run recorded")
        return a
    if not ok:
        first = next((r for r in runs if r["status"] == "unsupported"), runs[0])
        a.update(status=first["status"], why=first.get("why"))
        return a
    a["status"] = "partial" if bad else "ok"
    if bad:
        a["why"] = "; ".join(sorted({r.get("why", "?") for r in bad}))
    quiet = [r for r in ok if not r.get("host_busy")]
    a["n_busy"] = len(ok) - len(quiet)
    if quiet:
        ok = quiet
    a["n_used"] = len(ok)
    for k in NUMERIC:
        a[k] = stats(r.get(k) for r in ok)
    a["frames"] = sum(r["frames"] for r in ok)
    a["captured"] = sum(r["captured"] for r in ok)
    copied = {r["copied"] for r in ok}
    a["copied"] = copied.pop() if len(copied) == 1 else None
    for k in ("evidence", "memory", "planes", "data_loop_thread"):
        a[k] = next((r[k] for r in ok if r.get(k) is not None), None)
    notes = sorted({r["stream_note"] for r in ok if r.get("stream_note")})
    if notes:
        a["stream_note"] = "; ".join(notes)
    return a


def build(raw_dir, hz=100):
    rows = {}
    host_cpu = load_host_cpu(os.path.join(raw_dir, "host-cpu.txt"))
    for scen, _ in SCENARIOS:
        for producer, _ in PRODUCERS:
            runs = [figures(scen, producer, prefix, host_cpu, hz)
                    for prefix in run_files(raw_dir, scen, producer).values()]
            rows[(scen, producer)] = aggregate(scen, producer, runs)
    return rows


def median_of(row, key):
    """The median of figure key in row, or None (row did not stream, no value)."""
    if row is None or row["status"] not in ("ok", "partial"):
        return None
    s = row.get(key)
    return s["median"] if s else None


def fmt_num(v, digits=3):
    if v is None:
        return "–"
    return f"{v:.{digits}f}"


def cell(s, stock, raw, digits=3, signed_diff=False):
    """'median (min..max) (s ×r1, r ×r2)': the median over the runs, its
    spread, and its ratio to the stock plugin's and the raw loop's medians.

    Where a ratio means nothing (a baseline <= 0, e.g. vivid's negative
    latencies, or signed_diff) the difference is given instead, in the
    figure's unit."""
    if s is None:
        return "–"
    value = s["median"]
    text = fmt_num(value, digits)
    if s["n"] > 1:
        text += f" ({fmt_num(s['min'], digits)}..{fmt_num(s['max'], digits)})"
    parts = []
    for tag, base in (("s", stock), ("r", raw)):
        if base is None:
            continue
        if not signed_diff and base > 0 and value >= 0:
            parts.append(f"{tag} ×{value / base:.2f}")
        else:
            parts.append(f"{tag} {value - base:+.{min(digits, 2)}f}")
    return text + (f" ({', '.join(parts)})" if parts else "")


def status_text(f):
    return {"unsupported": f"unsupported: {f.get('why')}",
            "failed": f"**FAILED**: {f.get('why')}",
            "missing": "not run"}[f["status"]]


def compare(f, base, key, detail_digits=3, unit=" ms"):
    """(met, detail) for 'median of f[key] <= median of base[key]'. A miss
    whose min..max overlaps the baseline's is said to be within the runs'
    spread."""
    a, b = f.get(key), base.get(key)
    if a is None or b is None:
        return None
    met = a["median"] <= b["median"]
    detail = f"{a['median']:.{detail_digits}f} vs {b['median']:.{detail_digits}f}{unit}"
    if not met and a["n"] > 1 and b["n"] > 1 and a["min"] <= b["max"]:
        detail += ", within the runs' spread"
    return met, detail


def targets(rows):
    """Lines saying which targets each scenario met (medians over the runs)."""
    out = []
    for scen, _ in SCENARIOS:
        stock = rows[(scen, "stock")]
        raw = rows[(scen, "raw")]
        for p in PLUGIN:
            f = rows[(scen, p)]
            if f["status"] not in ("ok", "partial"):
                continue
            checks = []
            if f["status"] == "partial":
                checks.append(("every run streamed", False, f"{f['n_ok']} of {f['n_runs']}"))
            if stock["status"] in ("ok", "partial"):
                for name, key, digits in (("daemon CPU/frame streaming ≤ stock", "daemon_stream", 3),
                                          ("latency p50 ≤ stock", "lat_p50", 2),
                                          ("latency p99 ≤ stock", "lat_p99", 2)):
                    c = compare(f, stock, key, digits)
                    if c:
                        checks.append((name, c[0], c[1]))
            gaps = f.get("gaps")
            if gaps:
                checks.append(("0 sequence gaps in every run", gaps["max"] == 0,
                               f"{gaps['median']:g} median, {gaps['max']:g} max"))
            rd, fd = median_of(raw, "delivered_ratio"), median_of(f, "delivered_ratio")
            if rd and fd is not None:
                checks.append(("delivered ≥ 0.99 × raw", fd >= 0.99 * rd, f"{fd:.3f} vs {rd:.3f}"))
            missed = [f"{name} ({detail})" for name, ok, detail in checks if not ok]
            out.append(f"- {scen} / {p}: " + ("all met" if not missed else "MISSED " + "; ".join(missed)))
    return out


def runs_text(f):
    """The runs cell: runs that streamed, those left out for a busy host,
    those that failed."""
    text = f"{f['n_ok']}"
    if f["status"] == "partial":
        text += f" of {f['n_runs']} (**FAILED**: {f['why']})"
    if f.get("n_busy"):
        text += (f", {f['n_busy']} left out (host busy)" if f["n_used"] < f["n_ok"]
                 else ", all with the host busy")
    return text


def cpu_summary(rows):
    """Markdown table: each plugin method's daemon CPU per frame against the
    stock plugin's, medians over the runs, streaming-only and whole-run."""
    lines = ["| scenario | producer | streaming, daemon | streaming, data-loop thread "
             "| whole run, daemon | frames in the window |",
             "|---|---|---|---|---|---|"]
    for scen, _ in SCENARIOS:
        stock = rows[(scen, "stock")]
        for p in PLUGIN + ["stock"]:
            f = rows[(scen, p)]
            if f["status"] not in ("ok", "partial"):
                continue
            cells = []
            for key in ("daemon_stream", "dataloop_stream", "daemon_run"):
                s = f.get(key)
                base = median_of(stock, key) if p != "stock" else None
                cells.append(cell(s, base, None))
            frames = f.get("stream_frames")
            cells.append(f"{frames['median']:.0f}" if frames else "–")
            lines.append(f"| {scen} | {p} | " + " | ".join(cells) + " |")
    return lines


def host_cpu_text(c):
    """What the host's CPUs did during the VM run (run-benchmark's host_cpu), as a sentence."""
    if not c:
        return ""
    return (f" During the VM run ({c['wall_s']} s) the host's CPUs were busy {c['busy_s']:.0f} s: "
            f"{c['own_s']:.0f} s this run's VM, {c['others_s']:.0f} s other processes; "
            f"steal {c['steal_s']:.0f} s.")


def markdown(rows, guest, host):
    repeat = host.get("repeat", guest.get("repeat", 1))
    lines = []
    lines.append(f"Measured {host.get('date', '?')} at commit {host.get('commit', '?')} "
                 f"on {host.get('machine', '?')}, "
                 f"in the test VM (qemu TCG, {guest.get('cpus', '?')} vCPUs, kernel "
                 f"{guest.get('kernel', '?')}, PipeWire {guest.get('pipewire', '?')}), "
                 f"{repeat} run(s) of every producer, interleaved, in one VM boot"
                 + (f", {host['seconds']} s in all" if host.get("seconds") else "") + ". "
                 f"Host load average {host.get('load_before', '?')} before, "
                 f"{host.get('load_after', '?')} after the run{host.get('busy_note', '')}."
                 + host_cpu_text(host.get("host_cpu")))
    busy = sum(f.get("n_busy", 0) for f in rows.values())
    used = sum(f.get("n_ok", 0) for f in rows.values())
    if busy:
        lines[-1] += (f" {busy} of {used} runs overlapped other processes on the host using more "
                      f"than {BUSY_CORES} of a core (run-benchmark's host-cpu.txt): each is left out "
                      "of its producer's medians where runs without that are left (column runs).")
    elif any("host_others" in r for f in rows.values() for r in f.get("runs", [])):
        lines[-1] += (f" No run overlapped other processes on the host using more than {BUSY_CORES} "
                      "of a core.")
    lines.append("")
    lines.append("Under software emulation absolute times mean little (the emulated CPU is "
                 "many times slower than the host and shared with vivid's pattern generator): "
                 "compare the ratios, which were all measured in this one VM boot. "
                 "Each cell is `median (min..max) (s ×ratio to the stock plugin's median, "
                 "r ×ratio to the raw V4L2 loop's)` over the runs; "
                 "where the baseline is ≤ 0 the difference is given instead (`s +1.2`). "
                 "Latency is consumer arrival (CLOCK_MONOTONIC) minus the V4L2 buffer timestamp; "
                 "vivid stamps a frame before it is handed out, so values are negative and given "
                 "as measured, with differences (not ratios) to the baselines.")
    lines.append("")
    lines.append("Columns: delivered/captured = frames received / sequence span of V4L2 "
                 "sequence numbers (first..last), summed over the runs; "
                 "**daemon CPU, streaming** = CPU time of all threads of the pipewire process "
                 "(/proc/PID/task/*/schedstat, nanoseconds) while frames flow, per frame the "
                 f"daemon dequeued: from the first sample after it dequeued {WARMUP_FRAMES} frames "
                 f"to the last one before it dequeued the consumer's frame count less {TAIL_FRAMES} "
                 "(so while the consumer still takes frames), samples every 0.1 s, frames counted "
                 "by the kernel's v4l2_dqbuf trace event; **data-loop** = the same for the thread "
                 "that dequeues (PipeWire's data loop) alone; **whole run** = utime+stime of the "
                 "process (/proc/PID/stat, 10 ms ticks) from before the client connects to after "
                 "it exits (connect, negotiation, buffer set-up, streaming, disconnect) / frames "
                 "received, the figure earlier runs gave; consumer CPU = getrusage(RUSAGE_SELF) "
                 "user+sys of the client from its first to its last frame / (frames - 1); "
                 "copied = bytes copied per frame, with how that is known. Each PipeWire "
                 "producer runs in a session (daemon, WirePlumber) that holds its nodes only; "
                 "the raw loop runs with no daemon.")
    lines.append("")
    lines.append("### Daemon CPU per frame, plugin against the stock plugin")
    lines.append("")
    lines.append("Medians (min..max) in ms per frame, ratio to the stock plugin's median:")
    lines.append("")
    lines.extend(cpu_summary(rows))
    for scen, title in SCENARIOS:
        stock = rows[(scen, "stock")]
        raw = rows[(scen, "raw")]
        lines.append("")
        lines.append(f"### {scen}: {title}")
        lines.append("")
        lines.append("| producer | runs | delivered/captured | gaps per run | daemon CPU ms/frame, streaming "
                     "| data-loop ms/frame, streaming | daemon CPU ms/frame, whole run "
                     "| consumer CPU ms/frame | latency p50 ms | latency p99 ms | first frame ms "
                     "| copied B/frame | memory, planes |")
        lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for producer, label in PRODUCERS:
            f = rows[(scen, producer)]
            if f["status"] not in ("ok", "partial"):
                lines.append(f"| {label} | {f['n_runs']} | {status_text(f)} | | | | | | | | | | |")
                continue
            s = lambda k: median_of(stock, k)
            r = lambda k: median_of(raw, k)
            runs = runs_text(f)
            ratio = f["frames"] / f["captured"] if f["captured"] else None
            delivered = f"{f['frames']}/{f['captured']} = {fmt_num(ratio)}"
            rd = r("delivered_ratio")
            if ratio is not None and rd:
                delivered += f" (r ×{ratio / rd:.2f})"
            copied = "?" if f["copied"] is None else str(f["copied"])
            stream = cell(f.get("daemon_stream"), s("daemon_stream"), None)
            if f.get("stream_note"):
                stream += f" ({f['stream_note']})"
            lines.append(
                f"| {label} | {runs} | {delivered} | {cell(f['gaps'], None, None, 0)} "
                f"| {stream} "
                f"| {cell(f.get('dataloop_stream'), s('dataloop_stream'), None)} "
                f"| {cell(f.get('daemon_run'), s('daemon_run'), None)} "
                f"| {cell(f.get('consumer_cpu'), s('consumer_cpu'), r('consumer_cpu'))} "
                f"| {cell(f['lat_p50'], s('lat_p50'), r('lat_p50'), 2, True)} "
                f"| {cell(f['lat_p99'], s('lat_p99'), r('lat_p99'), 2, True)} "
                f"| {cell(f['ttff'], s('ttff'), r('ttff'), 1)} "
                f"| {copied} ({f['evidence']}) | {f['memory']}, {f['planes']} |")
    lines.append("")
    lines.append("### Targets")
    lines.append("")
    lines.append("Medians over the runs; a miss by less than the runs' spread says so.")
    lines.append("")
    lines.extend(targets(rows))
    return "\n".join(lines) + "\n"


CHART_KEYS = ["delivered_ratio", "daemon_stream", "consumer_cpu", "lat_p50", "lat_p99"]


def chart_tsv(rows):
    """One row per scenario, one column per figure and producer: the medians
    ('?' = none)."""
    head = ["scenario"] + [f"{k}:{p}" for k in CHART_KEYS for p, _ in PRODUCERS]
    out = ["\t".join(head)]
    for scen, _ in SCENARIOS:
        vals = [scen]
        for k in CHART_KEYS:
            for p, _ in PRODUCERS:
                v = median_of(rows[(scen, p)], k)
                if k == "delivered_ratio" and v is not None:
                    v *= 100
                vals.append("?" if v is None else f"{v:.4f}")
        out.append("\t".join(vals))
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: report.py RAW_DIR OUT_DIR")
    raw_dir, out_dir = sys.argv[1], sys.argv[2]
    guest = load(os.path.join(raw_dir, "guest.json")) or {}
    host = load(os.path.join(raw_dir, "host.json")) or {}
    rows = build(raw_dir, host.get("clk_tck", 100))
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write("# Benchmark: this plugin vs PipeWire's v4l2 plugin vs a raw V4L2 loop\n\n")
        f.write(markdown(rows, guest, host))
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump([rows[k] for k in rows], f, indent=1)
    with open(os.path.join(out_dir, "chart.tsv"), "w") as f:
        f.write(chart_tsv(rows))
    # A run of some input settings only (run-benchmark --phases) misses the others.
    every_phase = set(host.get("phases", "webcam hdmi720 hdmi1080").split()) >= {
        "webcam", "hdmi720", "hdmi1080"}
    bad = []
    for (s, p), f in rows.items():
        if f["status"] in ("failed", "partial") or (f["status"] == "missing" and every_phase):
            bad.append(f"{s}/{p}: " + (f"{f['n_ok']} of {f['n_runs']} runs streamed: {f['why']}"
                                        if f["status"] == "partial" else status_text(f)))
    for b in bad:
        print(f"report: producer did not stream: {b}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
