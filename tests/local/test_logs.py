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


def test_a_write_the_read_only_guard_refused_is_explained_once_after_its_request_even_when_the_app_answered():
    # pypiserver saving an upload into the code directory: Bottle catches the OSError and answers 500, so no
    # invocation fails; the traceback it logs ends in the guard's frames, which would read as shoehorn's bug
    recorder = Recorder()
    log = LambdaLog(recorder)
    traceback = ('Traceback (most recent call last):\r  File "/x/pypiserver/backend.py", line 210, in write_file\r'
                 '  File "/y/shoehorn/local/readonly.py", line 159, in refuse\r'
                 "OSError: [Errno 30] Read-only file system: '/x/packages/a.tar.gz'\r")
    for request_id in ("r-1", "r-2"):
        log.start(request_id)
        log.output(request_id, traceback)
        log.finish(Report(request_id, 1.0, 512, 50))
    said = [e.message for e in recorder.events]
    hints = [line for line in said if line.startswith("hint: the app wrote into its code directory")]
    assert len(hints) == 1 and said.index(hints[0]) == said.index("REPORT RequestId: r-1\tDuration: 1.00 ms\t"
                                                                  "Billed Duration: 1 ms\tMemory Size: 512 MB\t"
                                                                  "Max Memory Used: 50 MB") + 1
    assert "only /tmp is writable" in hints[0]


def test_a_refused_session_key_file_gets_the_fasthtml_fix_build_gives_not_the_tmp_advice():
    from shoehorn.bundle.check import FASTHTML_KEY

    recorder = Recorder()
    log = LambdaLog(recorder)
    log.start("r-1")
    log.output("r-1", 'Traceback (most recent call last):\r  File "/y/shoehorn/local/readonly.py", line 159, in '
                      "refuse\rOSError: [Errno 30] Read-only file system: '/code/.sesskey'\r")
    log.finish(Report("r-1", 1.0, 512, 50))
    hints = [e.message for e in recorder.events if e.message.startswith("hint:")]
    assert len(hints) == 1 and hints[0].endswith(FASTHTML_KEY)


def test_a_request_that_wrote_nothing_gets_no_hint():
    recorder = Recorder()
    log = LambdaLog(recorder)
    log.start("r-1")
    log.output("r-1", "OSError: [Errno 30] Read-only file system: '/etc/x'")  # not the guard: a real one
    log.finish(Report("r-1", 1.0, 512, 50))
    assert not any(e.message.startswith("hint:") for e in recorder.events)
