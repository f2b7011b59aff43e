import sys
from pathlib import Path

# Tests import `lib` and `tools` from the repository root without installing anything.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
