"""Work shared out to forked processes: results come back in order, failures are not lost."""

from __future__ import annotations

import os
import time

import pytest

from guidesite.parallel import forked_map


def test_results_come_back_in_order_and_the_first_share_runs_here() -> None:
    here = os.getpid()
    calls: list[str] = []
    results = forked_map(lambda n: (n, os.getpid() == here, "x" * 100_000 * n), 3,
                         meanwhile=lambda: calls.append("meanwhile"))
    assert [(n, local) for n, local, _ in results] == [(0, True), (1, False), (2, False)]
    assert [len(big) for _, _, big in results] == [0, 100_000, 200_000]  # beyond a pipe's size
    assert calls == ["meanwhile"]
    elsewhere = forked_map(lambda n: (n, os.getpid() == here), 2, here=False)
    assert elsewhere == [(0, False), (1, False)]


def test_a_failing_share_is_reported_with_its_traceback() -> None:
    def work(number: int) -> int:
        if number == 1:
            raise ValueError("share one went wrong")
        return number

    with pytest.raises(RuntimeError, match="share one went wrong"):
        forked_map(work, 2)


def test_a_worker_that_dies_is_an_error_not_a_missing_result() -> None:
    def work(number: int) -> int:
        if number == 1:
            os._exit(3)  # as if killed
        return number

    with pytest.raises(RuntimeError, match="ended without a result"):
        forked_map(work, 2)


def test_workers_are_gone_when_this_process_fails(tmp_path) -> None:
    def work(number: int) -> None:
        if number == 0:
            deadline = time.monotonic() + 10
            while not (tmp_path / "ready").exists() and time.monotonic() < deadline:
                time.sleep(0.01)  # until the worker has started
            raise KeyError("here")
        (tmp_path / "worker").write_text(str(os.getpid()))
        (tmp_path / "ready").touch()
        time.sleep(30)

    with pytest.raises(KeyError):
        forked_map(work, 2)
    with pytest.raises(ProcessLookupError):  # killed and reaped: not even a zombie
        os.kill(int((tmp_path / "worker").read_text()), 0)
