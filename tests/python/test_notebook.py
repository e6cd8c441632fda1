"""notebooks/sweep_analysis.ipynb executed headless (nbclient) on the small
sweep: no cell fails, and it shows the comparison table, the heatmap and the
per-epoch plot. The executed copy is left in target/py-tests/."""

import nbformat
from nbclient import NotebookClient

from conftest import ROOT, WORK

NOTEBOOK = ROOT / "notebooks/sweep_analysis.ipynb"


def test_the_committed_notebook_has_no_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, "clear the notebook's outputs before committing"


def test_the_notebook_runs_on_a_sweep(grid, monkeypatch):
    monkeypatch.setenv("SWEEP_RESULTS", str(grid))
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    nbformat.write(nb, WORK / "sweep_analysis.ipynb")

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "40 runs = 10 configurations × 4 seeds; 400 epoch rows" in text, text
    tables = [o for o in outputs if o.output_type == "execute_result" and "text/html" in o.data]
    assert len(tables) == 1 and "mean_variant" in tables[0].data["text/html"]
    assert tables[0].data["text/html"].count("<tr") == 1 + 9  # header + one row per variant
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 2, "a heatmap and a per-epoch plot"
