import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools import run_chapter as runner
from tools.run_chapter import ChapterKernelManager, clean, kernel_config

ROOT = Path(__file__).resolve().parents[2]


def test_clean_drops_parameter_cells_and_stderr_but_keeps_the_rest():
    parameters = new_code_cell("quick = False", metadata={"tags": ["parameters"]})
    injected = new_code_cell("quick = True", metadata={"tags": ["injected-parameters"]})
    figure = new_code_cell(
        "plot()",
        outputs=[
            new_output("stream", name="stderr", text="epoch 1: 100%|####|"),
            new_output("stream", name="stdout", text="Total params: 84,467"),
            new_output("display_data", data={"text/markdown": "**bold**"}),
        ],
    )
    notebook = new_notebook(cells=[parameters, injected, new_markdown_cell("# Title"), figure])
    clean(notebook)
    assert [c.source for c in notebook.cells] == ["# Title", "plot()"]
    outputs = notebook.cells[1].outputs
    assert [o.get("name", o.output_type) for o in outputs] == ["stdout", "display_data"]
    nbformat.validate(notebook)


def _notebook_with(path, *sources):
    notebook = new_notebook(
        cells=[
            new_code_cell("quick = False", metadata={"tags": ["parameters"]}),
            *(new_code_cell(source) for source in sources),
        ]
    )
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, path)


@pytest.mark.slow
def test_a_chapter_runs_over_ipc_with_a_quiet_kernel_log_and_its_warnings_visible(tmp_path):
    """The terminal log carries the chapter's own warnings and no kernel chatter."""
    source, executed = tmp_path / "chapter.ipynb", tmp_path / "build" / "chapter.ipynb"
    _notebook_with(
        source,
        "import json, warnings\n"
        "from ipykernel import get_connection_file\n"
        "print(json.load(open(get_connection_file()))['transport'])",
        "warnings.warn('a real warning from the chapter')",
    )
    # as a user runs it
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.run_chapter",
            str(source),
            str(executed),
            "--data-dir",
            str(tmp_path),
            "--cache-dir",
            str(tmp_path),
            "--results-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"},
    )
    log = run.stdout + run.stderr
    assert run.returncode == 0, log
    assert "IPKernelApp" not in log, log  # no TCP warning, no KeyboardInterrupt error
    assert "UserWarning: a real warning from the chapter" in log
    cells = nbformat.read(executed, as_version=4).cells
    assert cells[0].outputs[0].text == "ipc\n"  # local sockets, no TCP port
    assert cells[1].outputs == []  # stderr is kept out of the executed copy


def test_shutting_the_kernel_down_sends_it_no_interrupt(tmp_path, monkeypatch):
    """jupyter_client's SIGINT before a shutdown made an idle kernel log a KeyboardInterrupt."""
    signals = []

    async def record(self, signum):
        signals.append(signum)

    monkeypatch.setattr(ChapterKernelManager, "_async_signal_kernel", record)

    async def start_and_stop():
        manager = ChapterKernelManager(kernel_name="python3", config=kernel_config(tmp_path))
        await manager.start_kernel()
        client = manager.client()
        client.start_channels()
        await client.wait_for_ready(timeout=60)
        client.stop_channels()
        started = time.perf_counter()
        await manager.shutdown_kernel()
        return manager, time.perf_counter() - started

    manager, seconds = asyncio.run(start_and_stop())
    assert signal.SIGINT not in signals
    assert not manager.has_kernel
    assert seconds < manager.shutdown_wait_time  # it quit when asked, nothing had to kill it
    assert list(tmp_path.iterdir()) == []  # connection file and sockets removed


def _run(source, executed, tmp_path):
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "tools.run_chapter",
            str(source),
            str(executed),
            "--data-dir",
            str(tmp_path),
            "--cache-dir",
            str(tmp_path),
            "--results-dir",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"},
    )


@pytest.mark.slow
def test_placeholders_are_filled_in_the_executed_copy_and_an_unknown_one_stops_the_build(tmp_path):
    source, executed = tmp_path / "chapter.ipynb", tmp_path / "build" / "chapter.ipynb"
    _notebook_with(source, "from lib.report.glue import glue\nglue(answer=f'{6 * 7}')")
    notebook = nbformat.read(source, as_version=4)
    notebook.cells.append(new_markdown_cell("The answer is {{answer}}. {#sec-answer}"))
    nbformat.write(notebook, source)
    run = _run(source, executed, tmp_path)
    assert run.returncode == 0, run.stderr
    cells = nbformat.read(executed, as_version=4).cells
    assert cells[-1].source == "The answer is 42. {#sec-answer}"
    assert cells[0].outputs == []  # the glue output itself is not rendered

    notebook.cells.append(new_markdown_cell("And {{question}}?"))
    nbformat.write(notebook, source)
    run = _run(source, executed, tmp_path)
    assert run.returncode == 1
    assert (
        run.stderr.strip()
        .splitlines()[-1]
        .startswith(f"error: {source}: unknown placeholder {{{{question}}}}")
    )
    assert (tmp_path / "failed" / "chapter.ipynb").exists()


@pytest.mark.skipif(not Path("/proc/self/autogroup").exists(), reason="Linux autogroups only")
def test_a_chapter_that_yields_the_cores_runs_its_kernel_and_what_it_starts_at_a_lower_priority(
    tmp_path,
):
    source, executed = tmp_path / "chapter.ipynb", tmp_path / "build" / "chapter.ipynb"
    _notebook_with(
        source,
        "import os, subprocess, sys\n"
        "child = subprocess.run([sys.executable, '-c', 'import os; print(os.nice(0))'],\n"
        "                       capture_output=True, text=True).stdout.strip()\n"
        "print(os.nice(0), child, open('/proc/self/autogroup').read().split()[-1])",
    )
    runner.run_chapter(source, executed, {}, yield_to_others=True)
    kernel_nice, child_nice, group_nice = (
        nbformat.read(executed, 4).cells[0].outputs[0].text.split()
    )
    assert int(kernel_nice) == int(child_nice) == int(group_nice) == runner.YIELD_NICE
