import pytest
import torch

from lib.training.checkpoint import CorruptCheckpointError, load_checkpoint, save_checkpoint


def test_round_trip_leaves_no_temporary_file(tmp_path):
    path = tmp_path / "sub" / "state.pt"
    save_checkpoint(path, {"epoch": 3, "weights": torch.ones(2)})
    state = load_checkpoint(path)
    assert state["epoch"] == 3 and torch.equal(state["weights"], torch.ones(2))
    assert [p.name for p in path.parent.iterdir()] == ["state.pt"]


@pytest.mark.parametrize("content", [b"", b"garbage", None])
def test_unreadable_file_gives_one_line_naming_it(tmp_path, content):
    path = tmp_path / "state.pt"
    if content is None:  # a real checkpoint cut short, as a kill during a copy would leave it
        save_checkpoint(path, {"weights": torch.ones(1000)})
        content = path.read_bytes()[:200]
    path.write_bytes(content)
    with pytest.raises(CorruptCheckpointError) as error:
        load_checkpoint(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)
