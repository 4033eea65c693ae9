from __future__ import annotations

from shoehorn.local.logs import LambdaLog, Report, end_line, output_line, report_line, start_line
from shoehorn.progress import Info, Recorder


def test_platform_lines_have_lambdas_shape():
    assert start_line("r-1") == "START RequestId: r-1 Version: $LATEST"
    assert end_line("r-1") == "END RequestId: r-1"
    warm = Report("r-1", duration_ms=12.341, memory_size_mb=512, max_memory_used_mb=61)
    assert report_line(warm) == (
        "REPORT RequestId: r-1\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 512 MB\tMax Memory Used: 61 MB"
    )
    cold = Report("r-2", duration_ms=0.2, memory_size_mb=128, max_memory_used_mb=40, init_duration_ms=250.5)
    assert report_line(cold).endswith("Billed Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\tInit Duration: 250.50 ms")


def test_output_is_tagged_with_its_request_and_init_output_with_init():
    assert output_line("r-1", "hello") == "r-1\thello"
    assert output_line(None, "loading") == "INIT\tloading"


def test_the_log_emits_progress_events_in_lambdas_order():
    recorder = Recorder()
    log = LambdaLog(recorder)
    log.start("r-1")
    log.output("r-1", "hi")
    log.finish(Report("r-1", 1.0, 512, 50))
    assert all(isinstance(e, Info) for e in recorder.events)
    assert [e.message.split()[0] for e in recorder.events] == ["START", "r-1", "END", "REPORT"]


def test_a_multi_line_record_from_awslambdaric_becomes_tagged_lines():
    recorder = Recorder()
    LambdaLog(recorder).output(None, "[ERROR] Runtime.ImportModuleError: no flask\rTraceback (most recent call last):\r")
    assert [e.message for e in recorder.events] == [
        "INIT\t[ERROR] Runtime.ImportModuleError: no flask",
        "INIT\tTraceback (most recent call last):",
    ]


def test_the_access_line_of_a_cold_start_carries_its_init_duration():
    recorder = Recorder()
    log = LambdaLog(recorder)
    log.access("GET", "/", 200, 301.26, True, init_ms=250.5)
    log.access("GET", "/", 200, 1.5, False, init_ms=None)
    log.access("GET", "/", 200, 301.26, True)  # a caller that does not know it
    assert [e.message for e in recorder.events] == [
        "GET / 200 301.3 ms (cold start, Init Duration 250 ms)", "GET / 200 1.5 ms (warm)",
        "GET / 200 301.3 ms (cold start)"]
