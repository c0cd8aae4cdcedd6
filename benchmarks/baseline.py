"""The naive baseline: load every document of a tree with PyYAML's C loader, in one process.

    python -m benchmarks.baseline TREE
"""
from __future__ import annotations

import os
import sys

import yaml


def load_tree(root: str) -> int:
    """Load every *.yaml/*.yml/*.json file below ``root`` with ``yaml.load_all(CSafeLoader)``."""
    documents = 0
    for folder, subfolders, names in os.walk(root):
        subfolders.sort()
        for name in sorted(names):
            if name.endswith((".yaml", ".yml", ".json")):
                with open(os.path.join(folder, name), "rb") as stream:
                    documents += sum(1 for _ in yaml.load_all(stream.read(), Loader=yaml.CSafeLoader))
    return documents


if __name__ == "__main__":
    print(f"{load_tree(sys.argv[1])} documents")
