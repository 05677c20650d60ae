#!/usr/bin/python3
"""Turns the benchmark's raw run files into a Markdown table and chart data.

Usage: report.py RAW_DIR OUT_DIR

RAW_DIR holds, per scenario and producer, SCENARIO.PRODUCER.capture.json
(v4l2-dmabuf-capture or raw-capture) and SCENARIO.PRODUCER.daemon.json
(tools/bench/guest-bench), plus guest.json and host.json. Writes
OUT_DIR/results.md, OUT_DIR/results.json and OUT_DIR/chart.tsv. Exit status 1
when a producer that should stream did not (the table still says which).
"""
import json
import os
import sys

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


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def ratio(value, base):
    """value / base as 'x0.95', or None when it means nothing (base <= 0)."""
    if value is None or base is None or base <= 0 or value < 0:
        return None
    return value / base


def fmt_num(v, digits=3):
    if v is None:
        return "–"
    return f"{v:.{digits}f}"


def cell(value, stock, raw, digits=3, signed_diff=False):
    """'value (s ×r1, r ×r2)': the figure with its ratio to stock and to raw.

    Where a ratio means nothing (a baseline <= 0, e.g. vivid's negative
    latencies) the difference is given instead, in the figure's unit.
    """
    if value is None:
        return "–"
    parts = []
    for tag, base in (("s", stock), ("r", raw)):
        if base is None:
            continue
        r = None if signed_diff else ratio(value, base)
        if r is not None:
            parts.append(f"{tag} ×{r:.2f}")
        elif signed_diff or base <= 0:
            parts.append(f"{tag} {value - base:+.{min(digits, 2)}f}")
    return fmt_num(value, digits) + (f" ({', '.join(parts)})" if parts else "")


def figures(scen, producer, raw_dir):
    """The figures of one run as a dict, with 'status' ok | unsupported | failed."""
    cap = load(os.path.join(raw_dir, f"{scen}.{producer}.capture.json"))
    dmn = load(os.path.join(raw_dir, f"{scen}.{producer}.daemon.json"))
    f = {"scenario": scen, "producer": producer}
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
        f["daemon_cpu"] = None
        f["memory"] = cap.get("memory", "MMAP") + " (no PipeWire)"
        f["planes"] = (cap.get("datas_per_buffer") or [None])[0]
        f["copied"] = 0
        f["evidence"] = "DQBUF/QBUF only; nothing is mapped"
        return f
    if "daemon_cpu_ms" not in dmn:
        return {"scenario": scen, "producer": producer, "status": "missing",
                "why": "the daemon figures of the run were not recorded"}
    f["daemon_cpu"] = dmn["daemon_cpu_ms"] / frames
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


def build(raw_dir):
    rows = {}
    for scen, _ in SCENARIOS:
        for producer, _ in PRODUCERS:
            rows[(scen, producer)] = figures(scen, producer, raw_dir)
    return rows


def status_text(f):
    return {"unsupported": f"unsupported: {f.get('why')}",
            "failed": f"**FAILED**: {f.get('why')}",
            "missing": "not run"}[f["status"]]


def targets(rows):
    """Lines saying which targets each scenario met."""
    out = []
    for scen, _ in SCENARIOS:
        stock = rows[(scen, "stock")]
        raw = rows[(scen, "raw")]
        for p in PLUGIN:
            f = rows[(scen, p)]
            if f["status"] != "ok":
                continue
            checks = []
            if stock["status"] == "ok":
                checks.append(("daemon CPU/frame ≤ stock", f["daemon_cpu"] <= stock["daemon_cpu"],
                               f"{f['daemon_cpu']:.3f} vs {stock['daemon_cpu']:.3f} ms"))
                checks.append(("latency p50 ≤ stock", f["lat_p50"] <= stock["lat_p50"],
                               f"{f['lat_p50']:.2f} vs {stock['lat_p50']:.2f} ms"))
                checks.append(("latency p99 ≤ stock", f["lat_p99"] <= stock["lat_p99"],
                               f"{f['lat_p99']:.2f} vs {stock['lat_p99']:.2f} ms"))
            checks.append(("0 sequence gaps", f["gaps"] == 0, f"{f['gaps']} gaps"))
            if raw["status"] == "ok" and raw["delivered_ratio"]:
                checks.append(("delivered ≥ 0.99 × raw",
                               f["delivered_ratio"] >= 0.99 * raw["delivered_ratio"],
                               f"{f['delivered_ratio']:.3f} vs {raw['delivered_ratio']:.3f}"))
            missed = [f"{name} ({detail})" for name, ok, detail in checks if not ok]
            out.append(f"- {scen} / {p}: " + ("all met" if not missed else "MISSED " + "; ".join(missed)))
    return out


def markdown(rows, guest, host):
    lines = []
    lines.append(f"Measured {host.get('date', '?')} at commit {host.get('commit', '?')} "
                 f"on {host.get('machine', '?')}, "
                 f"in the test VM (qemu TCG, {guest.get('cpus', '?')} vCPUs, kernel "
                 f"{guest.get('kernel', '?')}, PipeWire {guest.get('pipewire', '?')}). "
                 f"Host load average {host.get('load_before', '?')} before, "
                 f"{host.get('load_after', '?')} after the run{host.get('busy_note', '')}.")
    lines.append("")
    lines.append("Under software emulation absolute times mean little (the emulated CPU is "
                 "many times slower than the host and shared with vivid's pattern generator): "
                 "compare the ratios, which were all measured in this one VM boot. "
                 "Each cell is `value (s ×ratio to the stock plugin, r ×ratio to the raw V4L2 loop)`; "
                 "where the baseline is ≤ 0 the difference is given instead (`s +1.2`). "
                 "Latency is consumer arrival (CLOCK_MONOTONIC) minus the V4L2 buffer timestamp; "
                 "vivid stamps a frame before it is handed out, so values are negative and given "
                 "as measured, with differences (not ratios) to the baselines.")
    lines.append("")
    lines.append("Columns: delivered/captured = frames received / sequence span of V4L2 "
                 "sequence numbers (first..last); daemon CPU = utime+stime of the pipewire "
                 "process (/proc/PID/stat) over the whole run (connect, negotiation, streaming, "
                 "disconnect) / frames; consumer CPU = getrusage(RUSAGE_SELF) user+sys of the "
                 "client from its first to its last frame / (frames - 1); "
                 "copied = bytes copied per frame, with how that is known.")
    for scen, title in SCENARIOS:
        stock = rows[(scen, "stock")]
        raw = rows[(scen, "raw")]
        sv = lambda k: stock.get(k) if stock["status"] == "ok" else None
        rv = lambda k: raw.get(k) if raw["status"] == "ok" else None
        lines.append("")
        lines.append(f"### {scen}: {title}")
        lines.append("")
        lines.append("| producer | delivered/captured | gaps | daemon CPU ms/frame | consumer CPU ms/frame "
                     "| latency p50 ms | latency p99 ms | first frame ms | copied B/frame | memory, planes |")
        lines.append("|---|---|---|---|---|---|---|---|---|---|")
        for producer, label in PRODUCERS:
            f = rows[(scen, producer)]
            if f["status"] != "ok":
                lines.append(f"| {label} | {status_text(f)} | | | | | | | | |")
                continue
            delivered = (f"{f['frames']}/{f['captured']} = "
                         + cell(f["delivered_ratio"], sv("delivered_ratio"), rv("delivered_ratio")))
            copied = "?" if f["copied"] is None else str(f["copied"])
            lines.append(
                f"| {label} | {delivered} | {f['gaps']} "
                f"| {cell(f['daemon_cpu'], sv('daemon_cpu'), None)} "
                f"| {cell(f.get('consumer_cpu'), sv('consumer_cpu'), rv('consumer_cpu'))} "
                f"| {cell(f['lat_p50'], sv('lat_p50'), rv('lat_p50'), 2, True)} "
                f"| {cell(f['lat_p99'], sv('lat_p99'), rv('lat_p99'), 2, True)} "
                f"| {cell(f['ttff'], sv('ttff'), rv('ttff'), 1)} "
                f"| {copied} ({f['evidence']}) | {f['memory']}, {f['planes']} |")
    lines.append("")
    lines.append("### Targets")
    lines.append("")
    lines.extend(targets(rows))
    return "\n".join(lines) + "\n"


def chart_tsv(rows):
    """One row per scenario, one column per producer and figure ('?' = none)."""
    keys = ["delivered_ratio", "daemon_cpu", "consumer_cpu", "lat_p50", "lat_p99"]
    head = ["scenario"] + [f"{k}:{p}" for k in keys for p, _ in PRODUCERS]
    out = ["\t".join(head)]
    for scen, _ in SCENARIOS:
        vals = [scen]
        for k in keys:
            for p, _ in PRODUCERS:
                f = rows[(scen, p)]
                v = f.get(k) if f["status"] == "ok" else None
                if k == "delivered_ratio" and v is not None:
                    v *= 100
                vals.append("?" if v is None else f"{v:.4f}")
        out.append("\t".join(vals))
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: report.py RAW_DIR OUT_DIR")
    raw_dir, out_dir = sys.argv[1], sys.argv[2]
    rows = build(raw_dir)
    guest = load(os.path.join(raw_dir, "guest.json")) or {}
    host = load(os.path.join(raw_dir, "host.json")) or {}
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "results.md"), "w") as f:
        f.write("# Benchmark: this plugin vs PipeWire's v4l2 plugin vs a raw V4L2 loop\n\n")
        f.write(markdown(rows, guest, host))
    with open(os.path.join(out_dir, "results.json"), "w") as f:
        json.dump([rows[k] for k in rows], f, indent=1)
    with open(os.path.join(out_dir, "chart.tsv"), "w") as f:
        f.write(chart_tsv(rows))
    bad = [f"{s}/{p}: {status_text(f)}" for (s, p), f in rows.items()
           if f["status"] in ("failed", "missing")]
    for b in bad:
        print(f"report: producer did not stream: {b}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
