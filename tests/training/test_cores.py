import threading
import time

from lib.training import cores
from lib.training.cores import reserved_cores


def test_a_request_is_capped_at_the_cores_there_are(tmp_path, monkeypatch):
    monkeypatch.setattr(cores, "available_cores", lambda: 2)
    with reserved_cores(tmp_path, 8) as count:
        assert count == 2
    with reserved_cores(tmp_path, 0) as count:
        assert count == 1


def test_no_more_trainings_hold_cores_than_there_are(tmp_path, monkeypatch):
    monkeypatch.setattr(cores, "available_cores", lambda: 2)
    running, peak, lock = [0], [0], threading.Lock()

    def training():
        with reserved_cores(tmp_path, 1):
            with lock:
                running[0] += 1
                peak[0] = max(peak[0], running[0])
            time.sleep(0.3)
            with lock:
                running[0] -= 1

    threads = [threading.Thread(target=training) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak[0] == 2


def test_a_two_core_request_waits_for_both_and_is_not_overtaken(tmp_path, monkeypatch):
    monkeypatch.setattr(cores, "available_cores", lambda: 2)
    order = []
    holding = threading.Event()

    def one_core(name, hold):
        with reserved_cores(tmp_path, 1):
            order.append(f"{name} starts")
            holding.set()
            time.sleep(hold)

    def two_cores():
        with reserved_cores(tmp_path, 2):
            order.append("two-core starts")

    first = threading.Thread(target=one_core, args=("first", 0.5))
    first.start()
    holding.wait()
    big = threading.Thread(target=two_cores)
    big.start()
    time.sleep(0.1)  # the two-core request is queued now, one core is free
    late = threading.Thread(target=one_core, args=("late", 0.0))
    late.start()
    for thread in (first, big, late):
        thread.join()
    assert order == ["first starts", "two-core starts", "late starts"]
