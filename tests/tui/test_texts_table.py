"""The TUI's message table: each key once (a key written twice silently replaces the first)."""

from __future__ import annotations

import ast
import inspect

from akhlak_tui.tui import texts


def test_every_key_of_the_message_table_is_written_once():
    tree = ast.parse(inspect.getsource(texts))
    table = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "TEXTS"
    )
    assert isinstance(table, ast.Dict)
    keys = [key.value for key in table.keys if isinstance(key, ast.Constant)]
    assert len(keys) == len(table.keys) > 100
    twice = sorted({key for key in keys if keys.count(key) > 1})
    assert not twice, f"written more than once in tui/texts.py: {twice}"
