#!/usr/bin/python3
"""Unit tests of report.py: the trace parser, the streaming window, the
aggregation over runs and the table cells. Run: python3 test_report.py."""
import json
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

DATA_LOOP = 201
MAIN = 200


def dq_line(ts, tid=DATA_LOOP, comm="data-loop.0", seq=0):
    return (f"     {comm}-{tid}     [001] .....    {ts:.6f}: v4l2_dqbuf: minor = 0, "
            f"index = {seq % 8}, sequence = {seq}")


def mark_line(ts, text, tid=300):
    return f"    guest-bench-{tid}     [000] .....    {ts:.6f}: tracing_mark_write: {text}"


def synthetic_trace(frames, per_frame_ns, main_ns=0, fps=60.0, sample_every=6, startup_ns=5_000_000):
    """A trace of `frames` dequeues at `fps`, with a sample every
    `sample_every` frames; the data loop costs per_frame_ns a frame, the main
    thread main_ns a frame, and startup_ns each before the first frame."""
    lines = [mark_line(0.0, f"bench-threads {MAIN}=pipewire {DATA_LOOP}=data-loop.0")]
    for i in range(frames + 1):
        ts = 1.0 + i / fps
        if i % sample_every == 0:
            loop = startup_ns + i * per_frame_ns
            main = startup_ns + i * main_ns
            lines.append(mark_line(ts - 0.001, f"bench-sample {i // sample_every} {MAIN}={main} {DATA_LOOP}={loop}"))
        if i < frames:
            lines.append(dq_line(ts, seq=i))
    return lines


class ParseTrace(unittest.TestCase):
    def test_events_in_order(self):
        lines = [
            "# tracer: nop",
            mark_line(1.0, "bench-threads 200=pipewire 201=data-loop.0"),
            dq_line(1.5),
            mark_line(2.0, "bench-sample 0 200=1000 201=2000"),
            mark_line(2.1, "something else"),
            "garbage",
        ]
        ev = report.parse_trace(lines)
        self.assertEqual(ev, [("threads", 1.0, {200: "pipewire", 201: "data-loop.0"}),
                              ("dq", 1.5, DATA_LOOP),
                              ("sample", 2.0, {200: 1000, 201: 2000})])

    def test_command_names_with_dashes_and_spaces(self):
        ev = report.parse_trace([dq_line(3.25, tid=77, comm="pw data-loop-x")])
        self.assertEqual(ev, [("dq", 3.25, 77)])


class StreamingCpu(unittest.TestCase):
    def test_per_frame_cost_excludes_startup(self):
        ev = report.parse_trace(synthetic_trace(300, per_frame_ns=400_000, main_ns=100_000,
                                                startup_ns=900_000_000))
        s = report.streaming_cpu(ev)
        self.assertNotIn("error", s)
        self.assertAlmostEqual(s["data_loop_ms"], 0.4, places=6)
        self.assertAlmostEqual(s["daemon_ms"], 0.5, places=6)
        self.assertEqual(s["data_loop_thread"], "data-loop.0")
        self.assertEqual(s["dequeued"], 300)
        # The window starts at the first sample after the warm-up and ends
        # before the tail.
        self.assertGreaterEqual(s["frames"], 300 - report.WARMUP_FRAMES - report.TAIL_FRAMES - 12)
        self.assertLessEqual(s["frames"], 300 - report.WARMUP_FRAMES - report.TAIL_FRAMES)

    def test_window_ends_before_the_consumer_has_its_frames(self):
        # The daemon goes on dequeuing (dearer frames) after the consumer
        # took its 150: none of them is in the window.
        lines = synthetic_trace(150, per_frame_ns=500_000)
        t0 = 1.0 + 151 / 60
        base = 5_000_000 + 150 * 500_000
        for i in range(60):
            lines.append(dq_line(t0 + i / 60, seq=150 + i))
            if i % 6 == 0:
                lines.append(mark_line(t0 + i / 60 + 0.001,
                                       f"bench-sample {100 + i} {MAIN}=5000000 {DATA_LOOP}={base + i * 4_000_000}"))
        ev = report.parse_trace(lines)
        self.assertAlmostEqual(report.streaming_cpu(ev, 150)["data_loop_ms"], 0.5, places=6)
        self.assertGreater(report.streaming_cpu(ev)["data_loop_ms"], 0.6)

    def test_frames_of_other_processes_do_not_count(self):
        lines = synthetic_trace(120, per_frame_ns=1_000_000)
        # A second process dequeuing (e.g. a raw loop) at the same time.
        lines += [dq_line(1.0 + i / 60 + 0.002, tid=999, comm="raw-capture") for i in range(120)]
        lines.sort(key=lambda l: float(l.split(":")[0].split()[-1]))
        s = report.streaming_cpu(report.parse_trace(lines))
        self.assertAlmostEqual(s["data_loop_ms"], 1.0, places=6)
        self.assertEqual(s["dequeued"], 120)

    def test_too_short_or_empty(self):
        self.assertIn("error", report.streaming_cpu(report.parse_trace(synthetic_trace(40, 1000))))
        self.assertIn("error", report.streaming_cpu([]))
        self.assertIn("error", report.streaming_cpu([("sample", 1.0, {1: 5})]))


def write_run(raw_dir, scen, producer, rnd, cpu_ms=60, frames=300, gaps=0, ok=True,
              unsupported=None, per_frame_ns=None, span=None):
    prefix = os.path.join(raw_dir, f"{scen}.{producer}.r{rnd}")
    cap = {"ok": ok, "error": "" if ok else "timeout", "frames": frames, "sequence_gaps": gaps,
           "latency_ms": {"p50": -9.0, "p99": -5.0}, "time_to_first_frame_ms": 100.0,
           "consumer_cpu_ms": {"streaming": 299.0}, "data_types": ["DmaBuf"],
           "datas_per_buffer": [1], "planes": [{"exporter": "videobuf2_vmalloc"}]}
    dmn = {"scenario": scen, "producer": producer, "round": rnd,
           "exit_status": 0 if ok else 1, "unsupported": unsupported, "daemon_cpu_ms": cpu_ms}
    if span:
        dmn["start_ns"], dmn["end_ns"] = int(span[0] * 1e9), int(span[1] * 1e9)
    with open(prefix + ".capture.json", "w") as f:
        json.dump(cap, f)
    with open(prefix + ".daemon.json", "w") as f:
        json.dump(dmn, f)
    if per_frame_ns is not None:
        with open(prefix + ".trace", "w") as f:
            f.write("\n".join(synthetic_trace(frames, per_frame_ns)) + "\n")


class Aggregate(unittest.TestCase):
    def test_medians_and_ratios_over_runs(self):
        with tempfile.TemporaryDirectory() as d:
            for rnd, ns in ((1, 500_000), (2, 700_000), (3, 600_000)):
                write_run(d, "nv12-720p60", "dmabuf", rnd, cpu_ms=300, per_frame_ns=ns, gaps=rnd)
                write_run(d, "nv12-720p60", "stock", rnd, cpu_ms=240, per_frame_ns=500_000)
            rows = report.build(d)
            row = rows[("nv12-720p60", "dmabuf")]
            self.assertEqual(row["status"], "ok")
            self.assertEqual(row["n_ok"], 3)
            self.assertAlmostEqual(row["dataloop_stream"]["median"], 0.6, places=6)
            self.assertAlmostEqual(row["dataloop_stream"]["min"], 0.5, places=6)
            self.assertAlmostEqual(row["dataloop_stream"]["max"], 0.7, places=6)
            self.assertEqual(row["gaps"]["median"], 2)
            self.assertAlmostEqual(row["daemon_run"]["median"], 1.0)
            self.assertEqual(row["frames"], 900)
            self.assertEqual(row["captured"], 906)
            text = report.cell(row["dataloop_stream"], report.median_of(rows[("nv12-720p60", "stock")],
                                                                         "dataloop_stream"), None)
            self.assertEqual(text, "0.600 (0.500..0.700) (s ×1.20)")
            md = report.markdown(rows, {}, {"repeat": 3})
            self.assertIn("| nv12-720p60 | dmabuf | ", md)
            self.assertIn("within the runs' spread", md)

    def test_a_failed_run_makes_the_row_partial(self):
        with tempfile.TemporaryDirectory() as d:
            write_run(d, "yuyv-480p25", "mmap", 1)
            write_run(d, "yuyv-480p25", "mmap", 2, ok=False)
            row = report.build(d)[("yuyv-480p25", "mmap")]
            self.assertEqual(row["status"], "partial")
            self.assertEqual((row["n_ok"], row["n_runs"]), (1, 2))
            self.assertIn("timeout", row["why"])
            # No trace: the whole-run figure stays, the streaming one says why.
            self.assertIsNone(row["daemon_stream"])
            self.assertIn("no trace", row["stream_note"])

    def test_unsupported_and_missing(self):
        with tempfile.TemporaryDirectory() as d:
            write_run(d, "memfd-480p25", "dmabuf-import", 1, ok=False, unsupported="DmaBuf only")
            rows = report.build(d)
            self.assertEqual(rows[("memfd-480p25", "dmabuf-import")]["status"], "unsupported")
            self.assertEqual(rows[("memfd-480p25", "mmap")]["status"], "missing")

    def test_legacy_files_without_run_number(self):
        with tempfile.TemporaryDirectory() as d:
            write_run(d, "nv12-1080p60", "userptr", 1)
            for ext in ("capture.json", "daemon.json"):
                os.rename(os.path.join(d, f"nv12-1080p60.userptr.r1.{ext}"),
                          os.path.join(d, f"nv12-1080p60.userptr.{ext}"))
            row = report.build(d)[("nv12-1080p60", "userptr")]
            self.assertEqual((row["status"], row["n_runs"]), ("ok", 1))


class BusyHost(unittest.TestCase):
    # Samples every 2 s from t=1000: the VM (own) takes 1 core throughout,
    # other processes 0.75 of a core from t=1020 to t=1030.

    @classmethod
    def setUpClass(cls):
        busy = own = 0
        cls.samples = []
        for i in range(25):
            t = 1000.0 + 2 * i
            cls.samples.append((t, busy, 0, own))
            others = 150 if 1020 <= t < 1030 else 0  # ticks per 2 s
            busy += 200 + others  # the VM: 200 ticks per 2 s, one core
            own += 200

    def test_others_cores(self):
        self.assertAlmostEqual(report.others_cores(self.samples, 1004, 1010), 0.0)
        self.assertGreater(report.others_cores(self.samples, 1022, 1026), 0.7)
        self.assertIsNone(report.others_cores(self.samples, 990, 995))
        self.assertIsNone(report.others_cores([], 1004, 1010))

    def test_busy_runs_are_left_out_of_the_medians(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "host-cpu.txt"), "w") as f:
                f.write("".join(f"{t:.3f} {b} {st} {o}\n" for t, b, st, o in self.samples))
            write_run(d, "nv12-720p60", "mmap", 1, cpu_ms=300, span=(1004, 1009))
            write_run(d, "nv12-720p60", "mmap", 2, cpu_ms=900, span=(1022, 1027))
            write_run(d, "nv12-720p60", "mmap", 3, cpu_ms=330, span=(1034, 1039))
            write_run(d, "nv12-720p60", "stock", 1, cpu_ms=900, span=(1022, 1027))
            rows = report.build(d)
            row = rows[("nv12-720p60", "mmap")]
            self.assertEqual((row["n_ok"], row["n_busy"], row["n_used"]), (3, 1, 2))
            self.assertAlmostEqual(row["daemon_run"]["max"], 1.1)
            self.assertEqual(report.runs_text(row), "3, 1 left out (host busy)")
            stock = rows[("nv12-720p60", "stock")]
            self.assertEqual(report.runs_text(stock), "1, all with the host busy")
            self.assertAlmostEqual(stock["daemon_run"]["median"], 3.0)


class HostCpu(unittest.TestCase):
    def test_sentence(self):
        text = report.host_cpu_text({"wall_s": 1200, "busy_s": 1500.4, "own_s": 1490.0,
                                     "others_s": 10.4, "steal_s": 0.2})
        self.assertEqual(text, " During the VM run (1200 s) the host's CPUs were busy 1500 s: "
                               "1490 s this run's VM, 10 s other processes; steal 0 s.")
        self.assertEqual(report.host_cpu_text(None), "")


class Cells(unittest.TestCase):
    def test_single_run_has_no_range(self):
        self.assertEqual(report.cell(report.stats([0.5]), 0.25, None), "0.500 (s ×2.00)")

    def test_negative_baseline_gives_a_difference(self):
        s = report.stats([-9.0, -8.0, -10.0])
        self.assertEqual(report.cell(s, -9.5, None, 2, True), "-9.00 (-10.00..-8.00) (s +0.50)")

    def test_none(self):
        self.assertEqual(report.cell(None, 1.0, 1.0), "–")
        self.assertIsNone(report.stats([None, None]))


if __name__ == "__main__":
    unittest.main()
