"""The dev server's watcher wakes when a file is saved, also in a folder made after it started."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from guidesite import watch


def woken_by(wakeup: watch.Wakeup, save) -> float:
    """Seconds `wakeup.wait()` took while `save` ran 50 ms after it started waiting."""
    timer = threading.Timer(0.05, save)
    started = time.perf_counter()
    timer.start()
    wakeup.wait()
    timer.join()
    return time.perf_counter() - started


@pytest.mark.skipif(watch._LIBC is None or watch._inotify() is None,
                    reason="inotify is Linux only; elsewhere the folders are polled")
def test_a_save_wakes_the_watcher_before_its_safety_interval(tmp_path: Path) -> None:
    (tmp_path / "sv").mkdir()
    article = tmp_path / "sv/article.md"
    article.write_text("one", "utf-8")
    wakeup = watch.Wakeup([tmp_path])
    try:
        assert woken_by(wakeup, lambda: article.write_text("two", "utf-8")) < \
            watch.SAFETY_SECONDS / 2
        (tmp_path / "en").mkdir()  # a new folder is watched from the next wake-up on
        wakeup.wait()
        assert woken_by(wakeup, lambda: (tmp_path / "en/new.md").write_text("x", "utf-8")) < \
            watch.SAFETY_SECONDS / 2
    finally:
        wakeup.close()


@pytest.mark.skipif(watch._LIBC is None or watch._inotify() is None,
                    reason="inotify is Linux only; elsewhere the folders are polled")
def test_a_file_still_being_written_is_looked_at_once_closed(tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    article.write_text("---\ntitle: Hej\n---\nText.\n", "utf-8")
    wakeup = watch.Wakeup([tmp_path])
    try:
        with open(article, "w", encoding="utf-8") as editor:  # emptied, half written, open
            took = woken_by(wakeup, lambda: (editor.write("---\ntit"), editor.flush()))
            assert took >= watch.SAFETY_SECONDS * 0.9  # only the safety look, no wake-up
            timer = threading.Timer(0.05, editor.close)
            started = time.perf_counter()
            timer.start()
            wakeup.wait()
            timer.join()
            assert time.perf_counter() - started < watch.SAFETY_SECONDS / 2
    finally:
        wakeup.close()


def test_without_inotify_the_watcher_polls(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(watch, "_LIBC", None)
    wakeup = watch.Wakeup([tmp_path])
    assert wakeup.fd is None
    started = time.perf_counter()
    wakeup.wait()
    assert time.perf_counter() - started >= watch.POLL_SECONDS * 0.9


@pytest.mark.skipif(watch._LIBC is None or watch._inotify() is None,
                    reason="inotify is Linux only; elsewhere the folders are polled")
def test_when_the_system_refuses_a_watch_the_watcher_polls(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(watch._LIBC, "inotify_add_watch", lambda *args: -1)  # limit reached
    wakeup = watch.Wakeup([tmp_path])
    assert wakeup.fd is None
    started = time.perf_counter()
    wakeup.wait()
    assert watch.POLL_SECONDS * 0.9 <= time.perf_counter() - started < watch.SAFETY_SECONDS


@pytest.mark.skipif(watch._LIBC is None or watch._inotify() is None,
                    reason="inotify is Linux only; elsewhere the folders are polled")
def test_a_wake_up_names_the_file_saved_and_asks_for_everything_when_a_folder_changes(
        tmp_path: Path) -> None:
    """So the dev server looks at the saved file, not at every file of a big site."""
    (tmp_path / "sv").mkdir()
    article = tmp_path / "sv/article.md"
    article.write_text("one", "utf-8")
    wakeup = watch.Wakeup([tmp_path])
    try:
        named: list = []
        timer = threading.Timer(0.05, lambda: article.write_text("two", "utf-8"))
        timer.start()
        named.append(wakeup.wait())
        timer.join()
        assert named == [{str(article)}]
        timer = threading.Timer(0.05, lambda: (tmp_path / "en").mkdir())
        timer.start()
        assert wakeup.wait() is None  # a new folder: look at everything
        timer.join()
    finally:
        wakeup.close()
