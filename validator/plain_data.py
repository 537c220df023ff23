"""The fast path of the loader: a composed YAML node tree to plain data, for ordinary files.

Nearly every policy file is ordinary: plain mappings, lists, texts and numbers, no duplicate key,
no tag, nothing near a limit. Such a file needs no positions unless a later stage reports a
finding in it, so this walk builds only the data. Anything unusual raises :class:`Unusual`, and
the loader then takes its precise path, which explains the problem at its line; the positions of
an ordinary file are worked out again from its text when something first asks for one.
"""

from __future__ import annotations

from typing import Any

import yaml

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
MAP = "tag:yaml.org,2002:map"
SEQ = "tag:yaml.org,2002:seq"
LARGEST = 2**53
"""JSON readers (JavaScript among them) lose precision above 2**53; no policy number comes close."""

_SCALAR = yaml.ScalarNode
_MAPPING = yaml.MappingNode
_SEQUENCE = yaml.SequenceNode


class Unusual(Exception):
    """The file needs the loader's precise path (a problem to locate, or a value to refuse)."""


def plain(root: yaml.Node, max_depth: int, max_nodes: int) -> Any:
    """The data of ``root``; raises :class:`Unusual` for anything the precise path must judge.

    The caller has made sure the text holds no explicit tag and no control character.
    """
    count = 0

    # Recursive, unlike the rest of the validator: the depth is bounded by ``max_depth`` (checked
    # before descending), and a closure keeps the per-value cost low on a national group's tree.
    def value(node: yaml.Node, depth: int) -> Any:
        nonlocal count
        count += 1
        if depth > max_depth or count > max_nodes:
            raise Unusual
        kind = node.__class__
        tag = node.tag
        if kind is _SCALAR:
            if tag == STR:
                return node.value
            return _number_or_word(node.value, tag)
        if kind is _MAPPING:
            if tag != MAP:
                raise Unusual
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.__class__ is not _SCALAR or key_node.tag != STR:
                    raise Unusual
                key = key_node.value
                if key in mapping:
                    raise Unusual
                mapping[key] = value(value_node, depth + 1)
            return mapping
        if kind is _SEQUENCE and tag == SEQ:
            return [value(item, depth + 1) for item in node.value]
        raise Unusual

    return value(root, 0)


def _number_or_word(text: str, tag: str) -> Any:
    if tag == INT:
        if len(text) > 16:  # int() of thousands of digits is slow; the precise path refuses it
            raise Unusual
        number: int | float = int(text)
    elif tag == FLOAT:
        if "n" in text or "N" in text:  # .inf, .nan: not numbers to a policy
            raise Unusual
        number = float(text)
    elif tag == BOOL:
        return text.lower() == "true"
    elif tag == NULL:
        return None
    else:
        raise Unusual
    if abs(number) > LARGEST:
        raise Unusual
    return number
