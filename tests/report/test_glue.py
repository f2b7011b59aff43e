import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lib.report.glue import MIME_TYPE, PlaceholderError, fill, fill_notebook, glue, glued_values


def glue_output(**values):
    return new_output("display_data", data={MIME_TYPE: values})


def test_fill_replaces_double_brace_names():
    assert (
        fill("scores {{acc}} on {{n}} seeds", {"acc": "91.0%", "n": "5"})
        == "scores 91.0% on 5 seeds"
    )


@pytest.mark.parametrize(
    "quarto",
    [
        "# Data {#sec-data}",
        "# Preface {.unnumbered}",
        "$x^{2}$",
        "{{< pagebreak >}}",
        "`{python} x`",
        "{{ spaced }}",
        "{{3d}}",
    ],
)
def test_fill_leaves_quarto_braces_and_tex_groups_alone(quarto):
    assert fill(quarto, {}) == quarto


def test_an_unknown_name_is_an_error_naming_it():
    with pytest.raises(PlaceholderError, match=r"\{\{missing\}\}"):
        fill("a {{missing}} value", {"other": "1"})


def test_glued_values_collects_all_cells_and_rejects_a_name_glued_twice():
    cells = [
        new_code_cell("", outputs=[glue_output(a="1")]),
        new_markdown_cell("{{a}}"),
        new_code_cell(
            "", outputs=[new_output("stream", name="stdout", text="x"), glue_output(b="2")]
        ),
    ]
    assert glued_values(cells) == {"a": "1", "b": "2"}
    with pytest.raises(PlaceholderError, match="'a' is glued twice"):
        glued_values([*cells, new_code_cell("", outputs=[glue_output(a="3")])])


def test_fill_notebook_fills_markdown_before_and_after_the_glue_and_drops_glue_outputs():
    figure = new_output("display_data", data={"text/plain": "figure"})
    notebook = new_notebook(
        cells=[
            new_markdown_cell("before {{late}}"),
            new_code_cell("", outputs=[glue_output(late="7"), figure]),
            new_markdown_cell("after {{late}} {#sec-x}"),
        ]
    )
    fill_notebook(notebook)
    assert [c.source for c in notebook.cells if c.cell_type == "markdown"] == [
        "before 7",
        "after 7 {#sec-x}",
    ]
    assert notebook.cells[1].outputs == [figure]


def test_glue_publishes_strings_and_ints_and_refuses_unformatted_floats(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda data, raw: shown.append(data))
    glue(accuracy="91.0%", seeds=5, beats=True, collapsed=False)
    assert shown == [
        {MIME_TYPE: {"accuracy": "91.0%", "seeds": "5", "beats": "yes", "collapsed": "no"}}
    ]
    with pytest.raises(TypeError, match="formatted string"):
        glue(accuracy=0.91)


def test_fill_keeps_the_variant_the_decision_picks_and_fills_only_its_names():
    text = "Run: [it gains {{gain}} dB.]{when=beats:yes}[it does not gain.]{when=beats:no} End."
    assert fill(text, {"beats": "yes", "gain": "1.5"}) == "Run: it gains 1.5 dB. End."
    assert fill(text, {"beats": "no"}) == "Run: it does not gain. End."
    assert fill("[a\nb]{when=kind:par} c", {"kind": "add"}) == " c"
    with pytest.raises(PlaceholderError, match="beats"):
        fill(text, {"gain": "1.5"})
