import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from tools.run_chapter import clean


def test_clean_drops_parameter_cells_and_stderr_but_keeps_the_rest():
    parameters = new_code_cell("quick = False", metadata={"tags": ["parameters"]})
    injected = new_code_cell("quick = True", metadata={"tags": ["injected-parameters"]})
    figure = new_code_cell("plot()", outputs=[
        new_output("stream", name="stderr", text="epoch 1: 100%|####|"),
        new_output("stream", name="stdout", text="Total params: 84,467"),
        new_output("display_data", data={"text/markdown": "**bold**"})])
    notebook = new_notebook(cells=[parameters, injected, new_markdown_cell("# Title"), figure])
    clean(notebook)
    assert [c.source for c in notebook.cells] == ["# Title", "plot()"]
    outputs = notebook.cells[1].outputs
    assert [o.get("name", o.output_type) for o in outputs] == ["stdout", "display_data"]
    nbformat.validate(notebook)
