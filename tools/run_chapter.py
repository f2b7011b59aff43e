r"""Execute one chapter notebook with papermill into the build folder, ready for rendering.

    python -m tools.run_chapter chapters/02-counting.ipynb \
        build/chapters/02-counting.ipynb [--quick]

The executed copy keeps the rendered outputs and drops what a reader should not see: progress
bars and other stderr output (already shown in the terminal while the chapter ran) and the
parameters cells, papermill's injected one included (removed outright rather than tagged, so that
no renderer has to know a tag convention). The `{{name}}` placeholders of the Markdown cells are
filled with the values the chapter glued (lib/report/glue.py); an unknown name stops the build.
The copy is written atomically; a failed run leaves the partial notebook under `<build>/failed/`.

The kernel talks to papermill over local IPC sockets in a private temporary folder rather than
TCP ports (no open ports, and no "running over TCP without encryption" warning), and is shut down
without the SIGINT that jupyter_client sends first by default (which made an idle kernel log
"KeyboardInterrupt caught in kernel"). What the chapter writes to stderr, warnings included,
still reaches the terminal through papermill's log.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import papermill
from jupyter_client.manager import AsyncKernelManager
from traitlets.config import Config

from lib.report.glue import PlaceholderError, fill_notebook

PARAMETER_TAGS = {"parameters", "injected-parameters"}


class ChapterKernelManager(AsyncKernelManager):
    """A kernel manager whose shutdown asks the kernel to quit without interrupting it first.

    jupyter_client interrupts the kernel (SIGINT) before every shutdown request, in case a cell is
    still running. A chapter's kernel is idle by then, and an interrupt that lands while it is
    still finishing its last reply is logged as an error. The shutdown request alone stops an
    idle kernel; one that does not stop is killed after `shutdown_wait_time`.
    """

    async def _async_interrupt_kernel(self) -> None:
        if not self.shutting_down:
            await super()._async_interrupt_kernel()

    interrupt_kernel = _async_interrupt_kernel


# Under make -jN the chapters run side by side, and Linux puts each kernel in a scheduling group of
# its own (an autogroup: one per session, and jupyter starts each kernel in a new session), then
# shares the cores equally between the groups: a chapter's pool of one-thread trainings gets the
# same share as another chapter's, however long its trainings. A chapter started with
# --yield-cores lowers its kernel's group to this nice value, so that the chapter holding the
# build's longest training keeps a core for each of its trainings; the scheduler still lends any
# idle core to the others, so no core waits. Priority never changes what a training computes.
YIELD_NICE = 10


def yield_cores(pid: int, nice: int = YIELD_NICE) -> list[str]:
    """Lower the scheduling priority of process `pid`, which the processes it starts later inherit,
    and of its autogroup where Linux has them; what was lowered ("process", "autogroup")."""
    lowered = []
    if hasattr(os, "setpriority"):  # not on Windows
        try:
            os.setpriority(os.PRIO_PROCESS, pid, max(nice, os.getpriority(os.PRIO_PROCESS, pid)))
            lowered.append("process")
        except OSError:
            pass
    try:
        Path(f"/proc/{pid}/autogroup").write_text(f"{nice}\n")
        lowered.append("autogroup")
    except OSError:  # no autogroups (another OS, or a kernel built without them)
        pass
    return lowered


class YieldingKernelManager(ChapterKernelManager):
    """A chapter kernel that yields the cores (`yield_cores`) as soon as it has started."""

    async def _async_post_start_kernel(self, **kw) -> None:
        await super()._async_post_start_kernel(**kw)
        pid = getattr(self.provisioner, "pid", None)  # the local provisioner's kernel process
        if pid:
            lowered = yield_cores(pid)
            print(
                f"  kernel at nice {YIELD_NICE} ({', '.join(lowered) or 'not lowered'}): it "
                "yields the cores to the chapter with the longest training",
                file=sys.stderr,
            )


def kernel_config(folder: Path) -> Config:
    """Kernel settings: IPC sockets and the connection file in `folder` (private to the user)."""
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.connection_file = str(folder / "kernel.json")
    return config


def run_chapter(
    source: Path, executed: Path, parameters: dict, yield_to_others: bool = False
) -> None:
    """Run `source` with `parameters` and write the cleaned, executed notebook to `executed`; with
    `yield_to_others`, its kernel yields the cores to chapters of normal priority."""
    executed.parent.mkdir(parents=True, exist_ok=True)
    partial = executed.with_name(executed.stem + ".partial.ipynb")
    try:
        # A short folder name: a socket path must stay under about 100 characters.
        with tempfile.TemporaryDirectory(prefix="kernel-") as sockets:
            papermill.execute_notebook(
                str(source),
                str(partial),
                parameters=parameters,
                cwd=str(Path.cwd()),
                kernel_name="python3",
                log_output=True,
                progress_bar=False,
                kernel_manager_class=(
                    YieldingKernelManager if yield_to_others else ChapterKernelManager
                ),
                config=kernel_config(Path(sockets)),
            )
    except papermill.PapermillExecutionError as error:
        failed = _keep_failed(partial, executed)
        raise SystemExit(
            f"error: {source} failed in cell {error.exec_count} "
            f"({error.ename}: {error.evalue}); executed copy kept at {failed}"
        ) from None
    notebook = nbformat.read(partial, as_version=4)
    clean(notebook)
    try:
        fill_notebook(notebook)
    except PlaceholderError as error:
        raise SystemExit(
            f"error: {source}: {error}; executed copy kept at {_keep_failed(partial, executed)}"
        ) from None
    nbformat.write(notebook, partial)
    os.replace(partial, executed)


def _keep_failed(partial: Path, executed: Path) -> Path:
    """Move a failed chapter's executed copy to `<build>/failed/`, for the reader of the error."""
    failed = executed.parent.parent / "failed" / executed.name
    failed.parent.mkdir(parents=True, exist_ok=True)
    os.replace(partial, failed)
    return failed


def clean(notebook: nbformat.NotebookNode) -> None:
    """Drop the parameters cells and all stderr outputs, in place."""
    notebook.cells = [
        cell for cell in notebook.cells if not set(cell.metadata.get("tags", [])) & PARAMETER_TAGS
    ]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                out
                for out in cell.outputs
                if not (out.output_type == "stream" and out.name == "stderr")
            ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("executed", type=Path)
    parser.add_argument("--quick", action="store_true", help="tiny data and 1 epoch: a preview")
    parser.add_argument("--data-dir", default="data")
    parser.add_argument("--cache-dir", default="cache")
    parser.add_argument("--results-dir", default="build/results")
    parser.add_argument(
        "--yield-cores",
        action="store_true",
        help="run the kernel at a lower priority, so that a chapter beside it keeps the cores",
    )
    args = parser.parse_args(argv)
    parameters = {
        "quick": args.quick,
        "data_dir": args.data_dir,
        "cache_dir": args.cache_dir,
        "results_dir": args.results_dir,
    }
    started = time.perf_counter()
    print(
        f"Executing {args.source} -> {args.executed}" + (" (quick preview)" if args.quick else ""),
        file=sys.stderr,
        flush=True,
    )
    run_chapter(args.source, args.executed, parameters, yield_to_others=args.yield_cores)
    print(f"Executed {args.source} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
