#!/usr/bin/python3
"""Unit tests of bench/report.py: the trace parser, the streaming window,
syscall kinds, cells and targets. Run: python3 test_report.py [report.py]."""
import os
import sys
import unittest

REPORT = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "report.py")
sys.path.insert(0, os.path.dirname(os.path.abspath(REPORT)))
import report  # noqa: E402

LOOP, MAIN = 201, 200


def dq(ts, tid=LOOP, comm="data-loop.0", seq=0):
    return (f"     {comm}-{tid}     [000] .....    {ts:.6f}: v4l2_dqbuf: minor = 0, "
            f"index = {seq % 4}, sequence = {seq}")


def mark(ts, text, tid=300):
    return f"    run-benchmark-{tid}     [000] .....    {ts:.6f}: tracing_mark_write: {text}"


def sys_enter(ts, nr, args, tid=LOOP):
    return f"     data-loop.0-{tid}     [000] .....    {ts:.6f}: sys_enter: NR {nr} ({args})"


def trace(frames, loop_ns, main_ns=0, every=6, startup_ns=5_000_000, calls=()):
    """frames dequeues at 60/s, a sample every `every` frames, the data loop
    costing loop_ns a frame (main_ns the main thread), startup_ns before the
    first; after each dequeue the syscall lines `calls` (nr, args)."""
    lines = [mark(0.0, f"bench-threads {MAIN}=pipewire {LOOP}=data-loop.0")]
    for i in range(frames + 1):
        ts = 1.0 + i / 60
        if i % every == 0:
            lines.append(mark(ts - 0.001, f"bench-sample {i // every} {MAIN}={startup_ns + i * main_ns} "
                                          f"{LOOP}={startup_ns + i * loop_ns}"))
        if i < frames:
            lines.append(dq(ts, seq=i))
            lines += [sys_enter(ts + 0.0001, nr, args) for nr, args in calls]
    return lines


class ParseTrace(unittest.TestCase):
    def test_events_in_order(self):
        ev = report.parse_trace(["# tracer: nop", mark(1.0, "bench-threads 200=pipewire 201=data-loop.0"),
                                 dq(1.5), sys_enter(1.6, 16, "b, c0585611, 7ffd0, 0, 0, 0"),
                                 mark(2.0, "bench-sample 0 200=1000 201=2000"), mark(2.1, "other"), "junk"])
        self.assertEqual(ev, [("threads", 1.0, {200: "pipewire", 201: "data-loop.0"}), ("dq", 1.5, LOOP),
                              ("sys", 1.6, LOOP, (16, 0xB, 0xC0585611, 0x7FFD0, 0, 0, 0)),
                              ("sample", 2.0, {200: 1000, 201: 2000})])

    def test_command_names_with_dashes_and_spaces(self):
        self.assertEqual(report.parse_trace([dq(3.25, tid=77, comm="pw data-loop-x")]), [("dq", 3.25, 77)])


class Streaming(unittest.TestCase):
    def test_per_frame_cost_excludes_startup(self):
        s = report.streaming(report.parse_trace(trace(300, 400_000, main_ns=100_000)))
        self.assertAlmostEqual(s["daemon_us"], 500.0)
        self.assertAlmostEqual(s["data_loop_us"], 400.0)
        self.assertEqual(s["data_loop_thread"], "data-loop.0")
        self.assertNotIn("syscalls", s)

    def test_window_ends_before_the_consumer_has_its_frames(self):
        s = report.streaming(report.parse_trace(trace(300, 400_000)), consumer_frames=200)
        self.assertLessEqual(s["window_frames"], 200 - report.TAIL - report.WARMUP)

    def test_frames_of_other_processes_do_not_count(self):
        lines = trace(120, 400_000) + [dq(9.0 + i / 100, tid=999) for i in range(100)]
        self.assertLessEqual(report.streaming(report.parse_trace(lines))["window_frames"], 120)

    def test_too_short(self):
        self.assertIn("error", report.streaming(report.parse_trace(trace(40, 1000))))
        self.assertIn("error", report.streaming([]))

    def test_syscalls_per_frame_by_kind(self):
        calls = [(16, "b, c0585611, 0, 0, 0, 0"), (16, "b, c058560f, 0, 0, 0, 0"), (281, "4, 0, 10, 0, 0, 0"),
                 (0, "7, 7ffd0, 8, 0, 0, 0"), (1, "7, 7ffd0, 8, 0, 0, 0"), (202, "0, 0, 0, 0, 0, 0")]
        s = report.streaming(report.parse_trace(trace(300, 400_000, calls=calls)))
        self.assertEqual({k: round(v, 2) for k, v in s["syscalls"].items()},
                         {"DQBUF": 1, "QBUF": 1, "poll/epoll": 1, "eventfd": 2, "other": 1, "total": 6})
        self.assertEqual(list(s["other_names"]), ["futex"])


class Kinds(unittest.TestCase):
    def test_kinds(self):
        self.assertEqual(report.syscall_kind((16, 3, 0xC05C5604)), "other")  # another ioctl
        self.assertEqual(report.syscall_kind((0, 3, 0, 4096)), "other")  # a read, not of a counter
        self.assertEqual(report.syscall_kind((7,)), "poll/epoll")


class Cells(unittest.TestCase):
    def test_single_run_has_no_range(self):
        self.assertEqual(report.cell(report.stats([12.0])), "12")

    def test_range_and_ratios(self):
        self.assertEqual(report.cell(report.stats([10.0, 12.0, 11.0]), ("s", 22.0), ("f", None)),
                         "11 (10..12, n=3) s ×0.50")

    def test_none(self):
        self.assertEqual(report.cell(None), "–")
        self.assertIsNone(report.stats([None]))


class Targets(unittest.TestCase):
    def row(self, us, total=None, exporters=("videobuf2_vmalloc",)):
        return {"daemon_us": report.stats([us]), "syscalls": {"total": total} if total else None,
                "exporters": list(exporters), "data_types": ["DmaBuf"], "latency": None}

    def test_met_and_missed(self):
        rows = {("yuyv-180p60", "dmabuf"): self.row(90, 5), ("yuyv-180p60", "stock"): self.row(100, 6),
                ("yuyv-180p60", "floor"): self.row(80)}
        (line,) = report.targets(rows)
        self.assertIn("≤ 0.8 × stock: **missed** (×0.90)", line)
        self.assertIn("≤ 1.1 × floor: **missed** (×1.12)", line)
        self.assertIn("syscalls/frame ≤ stock: met", line)
        self.assertIn("0 bytes copied: met", line)


if __name__ == "__main__":
    unittest.main()
