"""The runner, the one owner of worker threads: background jobs report, cancel, fail cleanly."""

import time

from gmm_explorer.app.model.runner import Runner


def test_a_job_reports_progress_and_its_result(qapp, qtbot):
    runner = Runner()
    seen, done = [], []
    runner.jobProgress.connect(seen.append)

    def job(cancelled, progress, report):
        for i in range(4):
            progress((i + 1) / 4)
        return "finished"

    runner.start_job(job, lambda result, error: done.append((result, error)))
    runner.wait_job()
    assert done == [("finished", None)] and seen == [0.25, 0.5, 0.75, 1.0]
    assert not runner.job_running()


def test_a_cancelled_job_ends_and_never_reports_its_result(qapp):
    runner = Runner()
    done = []

    def endless(cancelled, progress, report):
        while not cancelled():
            time.sleep(0.001)
        return "late"

    runner.start_job(endless, lambda result, error: done.append(result))
    time.sleep(0.02)
    runner.shutdown()  # waits for the thread
    qapp.processEvents()
    assert done == [] and not runner.job_running()


def test_a_failing_job_hands_its_error_to_the_gui_thread(qapp):
    runner = Runner()
    done = []

    def failing(cancelled, progress, report):
        raise RuntimeError("no luck")

    runner.start_job(failing, lambda result, error: done.append((result, error)))
    runner.wait_job()
    (result, error), = done
    assert result is None and isinstance(error, RuntimeError) and str(error) == "no luck"


def test_a_new_job_replaces_the_running_one(qapp):
    runner = Runner()
    done = []

    def endless(cancelled, progress, report):
        while not cancelled():
            time.sleep(0.001)
        return "first"

    runner.start_job(endless, lambda result, error: done.append(result))
    runner.start_job(lambda cancelled, progress, report: "second",
                     lambda result, error: done.append(result))
    runner.wait_job()
    assert done == ["second"]


def test_named_jobs_run_side_by_side_and_stream_their_results(qapp):
    runner = Runner()
    reports, done, progress_seen = [], [], []
    runner.jobProgressed.connect(lambda name, f: progress_seen.append((name, f)))

    def endless(cancelled, progress, report):
        while not cancelled():
            time.sleep(0.001)
        return "never seen"

    def streaming(cancelled, progress, report):
        for i in range(3):
            report(i)
            progress((i + 1) / 3)
        return "grid done"

    runner.start_job(endless, lambda result, error: done.append(result), name="atlas")
    runner.start_job(streaming, lambda result, error: done.append(result), name="grid",
                     on_report=reports.append)
    runner.wait_job(name="grid")
    assert reports == [0, 1, 2] and done == ["grid done"]
    assert ("grid", 1.0) in progress_seen
    assert runner.job_running("atlas") and not runner.job_running("grid")
    runner.shutdown()
    qapp.processEvents()
    assert done == ["grid done"] and not runner.job_running("atlas")
