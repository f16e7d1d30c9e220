"""Safe YAML loading that keeps source marks, rejects duplicate keys, aliases and non-standard tags.

``load_yaml`` returns plain Python values (dict, list, str, int, Decimal, bool, None, date) and a
``Marks`` table from a value's path (a tuple of keys and indexes) to where it sits in the file.
Floats become exact ``Decimal``s; NaN and Infinity are rejected.
"""

from __future__ import annotations

import datetime
import errno
import itertools
import re
from collections.abc import Callable, Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.reader import ReaderError
from yaml.resolver import Resolver
from yaml.tokens import Token

from .errors import Diagnostic, WQError
from .source import ScalarMark, Span, line_of

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

    _ComposerHooks = yaml.SafeLoader  # what _Checks is mixed into: a parser and a composer (the C one or PyYAML's)
else:
    _ComposerHooks = object

# Limits on what a file may hold, so that hostile input fails fast (engine limits, not numbers of any policy):
MAX_BYTES = 5_000_000  # bytes in one file
MAX_DEPTH = 200  # nesting of mappings and lists
MAX_NUMBER_DIGITS = 40  # digits in one number
MAX_VALUES = 500_000  # keys and values in one document (an input; reading 500,000 takes some 450 MB)
MAX_POLICY_VALUES = 100_000  # keys and values in one policy file (the bundled one has some 6,000)

_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STD = "tag:yaml.org,2002:"


class Marks(dict):
    """path tuple -> ScalarMark (for every node: scalars, and the start of mappings and sequences)."""

    def span(self, path: tuple, offset: int = 0, length: int = 1, value: str | None = None) -> Span | None:
        """Span of ``path`` or of its nearest ancestor that has a mark."""
        path = tuple(path)
        while path not in self and path:
            path = path[:-1]
        mark = self.get(path)
        return mark.span(offset, length, value) if mark else None

    def key_span(self, path: tuple) -> Span | None:
        """Span of the mapping key that holds ``path`` (falls back to the value)."""
        mark = self.get(("<key>",) + tuple(path))
        return mark.span() if mark else self.span(path)

    def schema_span(self, error: ValidationError) -> Span | None:
        """Where a jsonschema ``error`` is best shown: an unknown or badly named key at that key, a missing
        key at the key of the mapping that lacks it, anything else at the value."""
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {})
            extra = next((k for k in error.instance if k not in allowed), None)
            if extra is not None:
                return self.key_span(path + (extra,))
        if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
            return self.key_span(path + (error.instance,))
        if error.validator == "required" and path:
            return self.key_span(path)
        return self.span(path)


class LazyMarks:
    """The marks of a document read without them (``inputs.load_input`` reads JSON with ``json.loads``, many
    times faster), found by ``load`` the first time an error asks where something is."""

    def __init__(self, load: Callable[[], Marks]) -> None:
        self._load = load
        self._marks: Marks | None = None

    def _real(self) -> Marks:
        if self._marks is None:
            self._marks = self._load()
        return self._marks

    def span(self, path: tuple, offset: int = 0, length: int = 1, value: str | None = None) -> Span | None:
        return self._real().span(path, offset, length, value)

    def key_span(self, path: tuple) -> Span | None:
        return self._real().key_span(path)

    def schema_span(self, error: ValidationError) -> Span | None:
        return self._real().schema_span(error)


# The marks a document's reader gives: found as it read (Marks, JsonMarks), or when first asked for (LazyMarks).
MarksLike = Marks | LazyMarks


class _TooMany(yaml.MarkedYAMLError):
    """A file holds more keys and values than a reader allows."""


class _Said(yaml.MarkedYAMLError):
    """A refusal of our own while reading YAML, with its Chinese words (``zh``)."""

    def __init__(self, context, context_mark, problem, problem_mark, zh: str):
        super().__init__(context, context_mark, problem, problem_mark)
        self.zh = zh


class NumberError(ValueError):
    """A number that cannot be read (too long, not finite, out of range): ``str()`` in English, ``zh`` in
    Chinese."""

    def __init__(self, message: str, zh: str):
        super().__init__(message)
        self.zh = zh


class _Checks(_ComposerHooks):
    """Composer hooks shared by both parsers: no aliases, bounded depth and size."""

    max_values = MAX_VALUES

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:  # noqa: D401 - PyYAML hook
        if self.check_event(yaml.events.AliasEvent):
            event = self.peek_event()
            raise _Said(
                None,
                None,
                "YAML aliases (*name) are not allowed in wqpolicy files; write the value out",
                event.start_mark,
                zh="wqpolicy 文件中不能使用 YAML 别名（*名称）：请把取值完整写出",
            )
        self._values = getattr(self, "_values", 0) + 1
        if self._values > self.max_values:  # refused before more is read: memory grows with every value
            raise _TooMany(
                None, None, f"more than {self.max_values:,} keys and values in one file", self.peek_event().start_mark
            )
        self._depth = getattr(self, "_depth", 0) + 1
        if self._depth > MAX_DEPTH:
            raise _Said(
                None,
                None,
                f"nesting deeper than {MAX_DEPTH} levels",
                self.peek_event().start_mark,
                zh=f"嵌套超过 {MAX_DEPTH} 层",
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _PyComposer(_Checks, yaml.SafeLoader):
    """The pure-Python parser, when PyYAML was built without libyaml."""

    def fetch_flow_collection_start(self, token_class: type[Token]) -> None:  # noqa: D401 - PyYAML hook
        # The scanner reads `[[[[…` ahead to the end, each step costing the depth so far: stop it early.
        if self.flow_level >= MAX_DEPTH:
            raise _Said(
                None, None, f"nesting deeper than {MAX_DEPTH} levels", self.get_mark(), zh=f"嵌套超过 {MAX_DEPTH} 层"
            )
        super().fetch_flow_collection_start(token_class)


# libyaml's parser where PyYAML has it (its wheels do), else the pure-Python one
_Composer: type[_CComposer] | type[_PyComposer]
if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _CComposer(_Checks, Composer, CParser, Resolver):
        """libyaml's parser (six times faster) with PyYAML's Python composer, so the hooks and the nodes'
        marks (character indexes, lines, columns) are the same as with the pure-Python parser."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            Composer.__init__(self)
            Resolver.__init__(self)

        def compose_scalar_node(self, anchor: Any) -> ScalarNode:
            node = super().compose_scalar_node(anchor)
            node.style = node.style or None  # libyaml says '' for a plain scalar, PyYAML None
            return node

    _Composer = _CComposer
else:  # pragma: no cover - PyYAML wheels ship libyaml
    _Composer = _PyComposer

# YAML 1.1 reads `1e5` (no point) as text; JSON and YAML 1.2 read it as a number, and so do we.
for _cls in {_Composer, _PyComposer}:
    _cls.add_implicit_resolver(
        _STD + "float", re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789")
    )


def read_text(
    path: str | Path,
    *,
    regular: bool = False,
    hint: str | None = None,
    hint_zh: str | None = None,
    notes: list[Diagnostic] | None = None,
) -> str:
    """Read a UTF-8 file (or one ``decode_text`` reads as GB18030, a warning then added to ``notes``), turning every
    I/O problem into a WQ-FILE diagnostic. A pipe or socket is refused (reading it would block); so is a device
    (/dev/stdin, /dev/null) when the file must be ``regular``, ``hint`` saying what to give instead."""
    name = str(path)
    p = Path(path)
    try:
        if p.is_dir():
            raise WQError(
                [
                    Diagnostic(
                        "WQ-FILE",
                        "is a directory, not a file",
                        Span(name, 1, 1),
                        hint="give a .yaml file, or use `wqpolicy check DIR` for a folder",
                        zh="这是文件夹，不是文件",
                        hint_zh="请给出一个 .yaml 文件；检查整个文件夹请用 `wqpolicy check 文件夹`",
                    )
                ]
            )
        not_special(p, hint, devices_ok=not regular, hint_zh=hint_zh)
        with p.open("rb") as f:
            data = f.read(MAX_BYTES + 1)  # no more: the file may be huge, or endless (/dev/zero)
    except OSError as e:
        if e.errno == errno.ELOOP:
            raise WQError(
                [
                    Diagnostic(
                        "WQ-FILE",
                        "cannot read: a symbolic link that leads round in a loop",
                        Span(name, 1, 1),
                        "remove it, or point it at a file",
                        zh="无法读取：这是一个循环指向自身的符号链接",
                        hint_zh="删除它，或让它指向一个文件",
                    )
                ]
            ) from None
        raise WQError([cannot_read(e, name)]) from None
    except ValueError:  # a NUL character in the name
        raise WQError(
            [
                Diagnostic(
                    "WQ-FILE",
                    "a file name cannot hold the NUL character",
                    Span(name, 1, 1),
                    zh="文件名中不能含有 NUL 字符",
                    hint_zh="检查文件名是否写对",
                )
            ]
        ) from None
    return decode_text(data, name, notes)


# What the system says when a file cannot be read, as people say it; any other errno in the system's words.
_CANNOT_READ = {
    errno.ENOENT: "文件不存在：检查路径和文件名是否写对",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.EISDIR: "这是文件夹，不是文件",
    errno.ENOTDIR: "路径中的某一级不是文件夹",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EIO: "输入输出错误",
}


def cannot_read(e: OSError, name: str) -> Diagnostic:
    """WQ-FILE for a file the system would not read, in both languages."""
    why = _CANNOT_READ.get(e.errno or 0, f"系统错误（{e.strerror or e}）")
    return Diagnostic("WQ-FILE", f"cannot read: {e.strerror or e}", Span(name, 1, 1), zh=f"无法读取：{why}")


def not_special(
    path: str | Path,
    hint: str | None = "give a .yaml file",
    devices_ok: bool = False,
    hint_zh: str | None = "请给出一个 .yaml 文件",
) -> None:
    """Refuse a pipe or socket (and a device, unless ``devices_ok``) before it is read: reading one would block,
    or never end. A missing file or a folder passes (``read_text`` says so, with its own words)."""
    path = Path(path)
    try:
        special = (
            path.exists() and not path.is_dir() and not path.is_file() and not (devices_ok and path.is_char_device())
        )
    except (OSError, ValueError):
        return  # a name the system refuses: read_text words it
    if special:
        raise WQError(
            [
                Diagnostic(
                    "WQ-FILE",
                    "not a regular file (a pipe, socket or device)",
                    Span(str(path), 1, 1),
                    hint=hint,
                    zh="不是普通文件（而是管道、套接字或设备）",
                    hint_zh=hint_zh or "请给出一个普通文件",
                )
            ]
        )


def decode_text(data: bytes, name: str, notes: list[Diagnostic] | None = None) -> str:
    """A file's (or standard input's) bytes as text, its line ends made `\\n` (CRLF and CR alike, so lines and
    columns count as everywhere else): UTF-8 (a byte-order mark dropped), or else GB18030 when the bytes are that
    and only that, decoding to text without control characters — what a Chinese Windows saves as "ANSI" — with a
    WQ-FILE warning added to ``notes`` (save it as UTF-8); only a caller that gives ``notes``, and so can say so,
    is given GB18030 text. WQ-FILE error when too large, or neither."""
    if len(data) > MAX_BYTES:
        raise WQError(
            [
                Diagnostic(
                    "WQ-FILE",
                    f"larger than {MAX_BYTES:,} bytes",
                    Span(name, 1, 1),
                    "an engine limit: split the file",
                    zh=f"文件超过 {MAX_BYTES:,} 字节",
                    hint_zh="这是引擎的限制：请拆分文件",
                )
            ]
        )
    try:
        return _lines(data.decode("utf-8-sig"))
    except UnicodeDecodeError as e:
        wide = _gb18030(data) if notes is not None else None
        if wide is not None and notes is not None:
            notes.append(
                Diagnostic(
                    "WQ-FILE",
                    "the file is not UTF-8: read as GB18030 (the Chinese Windows encoding)",
                    Span(name, 1, 1),
                    "save it as UTF-8",
                    "warning",
                    zh="文件按 GB18030 编码读取",
                    hint_zh="建议另存为 UTF-8",
                )
            )
            return wide
        line = data[: e.start].count(b"\n") + 1
        col = len(data[data.rfind(b"\n", 0, e.start) + 1 : e.start].decode("utf-8", "replace")) + 1
        raise WQError(
            [
                Diagnostic(
                    "WQ-FILE",
                    f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start})",
                    Span(name, line, col),
                    hint="save the file as UTF-8",
                    zh=f"文件不是 UTF-8 编码（第 {e.start + 1} 个字节 0x{data[e.start]:02x} 无法识别）"
                    + ("，也无法确定是 GB18030 编码" if notes is not None else ""),
                    hint_zh="请另存为 UTF-8：在记事本或 WPS 中选择“另存为”，编码选 UTF-8",
                )
            ]
        ) from None


def _lines(text: str) -> str:
    """``text`` with its line ends written `\\n`: Windows' CRLF and a lone CR alike."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


# Characters a decoded text must not hold to be taken as GB18030: control characters (but tab and line ends) and
# private-use code points, which GB18030's four-byte sequences reach and no policy text holds.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ue000-\uf8ff\U000f0000-\U0010ffff]")


def _gb18030(data: bytes) -> str | None:
    """``data`` as GB18030 text, when it is plainly that: it decodes without fault, to text free of control
    characters, and at least half of what is not ASCII is among the common characters (GB2312) that Chinese text is
    written in; else None (Latin-1, where `café}` decodes as `caf` and a rare character; UTF-16; a binary file)."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    text = text.removeprefix("\ufeff")
    wide = [c for c in text if ord(c) > 0x7F]
    common = sum(1 for c in wide if _is_gb2312(c))
    if _NOT_TEXT.search(text) or common * 2 < len(wide):
        return None
    return _lines(text)


def _is_gb2312(c: str) -> bool:
    try:
        c.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def load_yaml(
    text: str,
    file: str,
    *,
    empty_ok: bool = False,
    dates: bool = True,
    max_values: int = MAX_VALUES,
    _composer: type[_CComposer] | type[_PyComposer] | None = None,
) -> tuple[Any, Marks]:
    """Parse one YAML document into (value, Marks). Raises WQError with WQ-YAML diagnostics.

    ``dates=False`` keeps ``2021-01-01`` as a string (input documents validate dates as strings); ``max_values``
    bounds the keys and values read (a file past it is refused where it passes it).
    """
    if not text.strip():
        if empty_ok:
            return None, Marks()
        raise WQError([Diagnostic("WQ-YAML", "the file is empty", Span(file, 1, 1), zh="文件是空的")])
    loader = None
    try:
        loader = (_composer or _Composer)(text)
        loader.max_values = max_values
        node = loader.get_single_node()
    except UnicodeEncodeError as e:  # undecodable bytes from standard input, kept as surrogates
        raise WQError(
            [
                Diagnostic(
                    "WQ-FILE",
                    "not UTF-8 text",
                    _index_span(text, file, e.start),
                    hint="save the file as UTF-8",
                    zh="文件不是 UTF-8 编码",
                    hint_zh="请另存为 UTF-8 编码",
                )
            ]
        ) from None
    except ReaderError as e:  # a control character
        raise WQError(
            [
                Diagnostic(
                    "WQ-YAML",
                    f"character U+{e.character:04X} is not allowed in YAML text",
                    _index_span(text, file, e.position),
                    "delete it: it is a control character, most often pasted in by accident",
                    zh=f"YAML 文本中不能含有字符 U+{e.character:04X}",
                    hint_zh="删除它：这是控制字符，多半是复制粘贴时带进来的",
                )
            ]
        ) from None
    except _TooMany as e:
        mark = e.problem_mark
        raise WQError(
            [
                Diagnostic(
                    "WQ-YAML",
                    e.problem or "",
                    Span(file, mark.line + 1, mark.column + 1) if mark else Span(file, 1, 1),
                    "an engine limit: split the file, or give a long list in fewer items",
                    subject=None,
                    zh=f"一个文件中的键和值超过 {max_values:,} 个",
                    hint_zh="这是引擎的限制：拆分文件，或减少列表的项数",
                )
            ]
        ) from None
    except yaml.MarkedYAMLError as e:
        raise WQError([_yaml_problem(e, text, file)]) from None
    except yaml.YAMLError as e:
        raise WQError(
            [Diagnostic("WQ-YAML", str(e).splitlines()[0], Span(file, 1, 1), zh="YAML 格式错误，无法读取")]
        ) from None
    except RecursionError:
        raise WQError(
            [Diagnostic("WQ-YAML", "nesting too deep", Span(file, 1, 1), zh="嵌套层数过多", hint_zh="减少嵌套层数")]
        ) from None
    finally:
        if loader is not None:
            loader.dispose()
    if node is None:  # only comments, or an empty `---` document
        if empty_ok:
            return None, Marks()
        raise WQError(
            [
                Diagnostic(
                    "WQ-YAML",
                    "the file holds no YAML value (only comments or `---`)",
                    Span(file, 1, 1),
                    zh="文件中没有任何内容（只有注释或 `---`）",
                )
            ]
        )
    marks = Marks()
    errors: list[Diagnostic] = []
    value = _build(node, (), marks, errors, file, text, dates)
    if errors:
        raise WQError(errors)
    return value, marks


def _index_span(text: str, file: str, index: int) -> Span:
    line = text.count("\n", 0, index)
    return Span(file, line + 1, index - (text.rfind("\n", 0, index) + 1) + 1)


def _yaml_message(e: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (e.context, e.problem) if p]
    return "; ".join(parts) or "invalid YAML"


FULL_WIDTH_COLON = "`\uff1a` is a full-width colon (全角冒号); write `:` (ASCII, 半角) followed by a space"
FULL_WIDTH_COLON_ZH = "`\uff1a` 是全角冒号：请改为半角冒号 `:`，后面加一个空格"
FULL_WIDTH_COMMA = "`\uff0c` is a full-width comma (全角逗号); write `,` (ASCII, 半角) between the {}"
FULL_WIDTH_COMMA_ZH = "`\uff0c` 是全角逗号：{}之间请用半角逗号 `,` 分隔"


def full_width_colon(span: Span | None) -> Diagnostic:
    """WQ-YAML at a full-width colon that was meant as the `:` of a key."""
    return Diagnostic("WQ-YAML", FULL_WIDTH_COLON, span, zh=FULL_WIDTH_COLON_ZH)


def _colon_before(text: str, line: int, column: int) -> tuple[int, int] | None:
    """(line, col) of the `：` that left a key without its colon, where YAML found a `:` it did not expect at
    ``column`` of ``line``: in this line's key (`label：{zh: …, en: …}` reads the key `label：{zh`), or on the line
    above, when this line's key is read as the rest of that line's text (`min_rd_intensity：4%`)."""
    head = line_of(text, line)[:column]
    key = head.split(": ")[0] if ": " in head else None
    if key is None:
        above = next((n for n in range(line - 1, 0, -1) if line_of(text, n).strip()), 0)
        key, line = (line_of(text, above), above) if above and ":" not in line_of(text, above) else ("", line)
    wide = key.find("\uff1a")
    return (line, wide + 1) if wide >= 0 else None


def _full_width_comma(line: str, column: int) -> int | None:
    """The column (0-based) of the `，` that ends the last value before ``column`` of a `{…}` or `[…]` where
    YAML wanted a `,`: `{value: 150万元， note: …}` reads `150万元， note` as one text and stumbles at its `:`.
    Only when just a key stands between the two, so a `，` inside Chinese text is not blamed."""
    comma = line.rfind("\uff0c", 0, column)
    if comma < 0 or not re.fullmatch(r"\s*[^\W\d][\w.]*\s*", line[comma + 1 : column]):
        return None
    return comma


_QUOTE_HINT = (
    "text holding `: `, `,`, `#`, `{`, `}`, `[`, `]` or a quote must be put in quotes, and every quote closed",
    "含有 `: `、`,`、`#`、`{`、`}`、`[`、`]` 或引号的文字要加引号，且每个引号都要配对闭合",
)
_CLOSE_QUOTE = ("close the text with the same quote it opens with", "用开头的同一种引号把文字闭合")

# PyYAML's (and libyaml's) words for the common slips, as people who edit the files would say them:
# (words in the problem or context, (message, zh), (hint, hint_zh)).
_TAB = (
    ("a tab character is used for indentation", "缩进中用了制表符（Tab）"),
    ("indent with spaces only: replace the tab with spaces", "缩进只能用空格：把制表符换成空格"),
)
_PLAIN_WORDS = [
    ("tab", *_TAB),
    (
        "mapping values are not allowed",
        ("a `key:` where a value was expected", "此处应为取值，却出现了 `键:`"),
        (
            "a text holding `: ` must be put in quotes; or this line is indented further than the keys it belongs with",
            "含有 `: ` 的文字要加引号；或者这一行比同一层的键缩进得更多",
        ),
    ),
    (
        "did not find expected key",
        ("this line does not line up with the keys above it", "这一行没有和上面同一层的键对齐"),
        (
            "keys of one mapping start with the same number of spaces; a quoted text must end at its closing quote",
            "同一层的键前面的空格数必须相同；加了引号的文字必须在闭合引号处结束",
        ),
    ),
    (
        "did not find expected ',' or '}'",
        ("inside `{…}`, a `,` or the closing `}` was expected here", "在 `{…}` 内，此处应为 `,` 或闭合的 `}`"),
        _QUOTE_HINT,
    ),
    (
        "did not find expected ',' or ']'",
        ("inside `[…]`, a `,` or the closing `]` was expected here", "在 `[…]` 内，此处应为 `,` 或闭合的 `]`"),
        _QUOTE_HINT,
    ),
    (
        "did not find expected '-' indicator",
        ("a list item here needs `- `, or the line is indented wrongly", "此处的列表项缺少 `- `，或这一行缩进不对"),
        (
            "items of one list start with `- `, each with the same number of spaces before it",
            "同一列表的每一项都以 `- ` 开头，前面的空格数相同",
        ),
    ),
    ("found unexpected end of stream", ("a quote is never closed", "引号没有闭合"), _CLOSE_QUOTE),
    (
        "unknown escape character",
        (
            "inside double quotes, `\\` starts an escape, and this one is not known",
            "双引号内的 `\\` 表示转义，而这个转义无法识别",
        ),
        ("use single quotes, or write `\\\\` for a backslash", "改用单引号，或把反斜杠写成 `\\\\`"),
    ),
    (
        "cannot start any token",
        ("a value cannot start with this character", "取值不能以这个字符开头"),
        ("put the value in quotes", "把取值加上引号"),
    ),
]


def _yaml_problem(e: yaml.MarkedYAMLError, text: str, file: str) -> Diagnostic:
    """One WQ-YAML diagnostic for a YAML syntax error, in plain words where the slip is a common one."""
    mark = e.problem_mark or e.context_mark
    said = f"{e.context or ''} {e.problem or ''}"
    message: tuple[str, str] = (_yaml_message(e), getattr(e, "zh", None) or f"YAML 格式错误：{_yaml_message(e)}")
    hint: tuple[str | None, str | None] = (None, None)
    if "could not find expected ':'" in said and e.context_mark is not None:
        # the key that lacks its colon is where the context mark is; the problem mark is on a later line
        mark = e.context_mark
        message = (
            "this line has no `:` after its key; write `key: value`, with a colon and a space",
            "这一行的键后面没有 `:`：请写成 `键: 值`，冒号后加一个空格",
        )
        line = line_of(text, mark.line + 1)
        wide = line.find("\uff1a", mark.column)
        if wide >= 0:
            return full_width_colon(Span(file, mark.line + 1, wide + 1))
    elif not isinstance(e, _Said):
        for words, plain, advice in _PLAIN_WORDS:
            if words in said:
                message, hint = plain, advice
                break
    if "did not find expected key" in said and mark is not None:
        line = line_of(text, mark.line + 1)
        if line[: mark.column].strip():
            message, hint = (
                ("more text after the end of a value", "取值结束后还有多余的文字"),
                (
                    "a quoted text ends at its closing quote: put all of the text inside the quotes",
                    "加了引号的文字在闭合引号处结束：把全部文字都放在引号内",
                ),
            )
    if "cannot start any token" in said and mark is not None and mark.index < len(text):
        if text[mark.index] == "\t":
            message, hint = _TAB
        else:
            message = (f"a value cannot start with `{text[mark.index]}`", f"取值不能以 `{text[mark.index]}` 开头")
    if "mapping values are not allowed" in said and mark is not None:
        colon = _colon_before(text, mark.line + 1, mark.column)
        if colon is not None:
            return full_width_colon(Span(file, *colon))
    if "did not find expected ','" in said and mark is not None:
        comma = _full_width_comma(line_of(text, mark.line + 1), mark.column)
        if comma is not None:
            between = "entries of `{…}`" if "'}'" in said else "items of `[…]`"
            between_zh = "`{…}` 的各项" if "'}'" in said else "`[…]` 的各项"
            return Diagnostic(
                "WQ-YAML",
                FULL_WIDTH_COMMA.format(between),
                Span(file, mark.line + 1, comma + 1),
                zh=FULL_WIDTH_COMMA_ZH.format(between_zh),
            )
    if "end of stream" in said and e.context_mark is not None:
        mark = e.context_mark  # where the quote opens
    span = Span(file, mark.line + 1, mark.column + 1) if mark else Span(file, 1, 1)
    opened = next(
        (q for q in itertools.islice(_unclosed_quotes(text, span.line), 5) if _is_cause(text, q, span.line)), None
    )
    if opened is not None:
        # YAML reads a quoted text on over line breaks to the next quote, and stumbles lines later
        return Diagnostic(
            "WQ-YAML",
            "a quote opened here is not closed on its line",
            Span(file, *opened),
            _CLOSE_QUOTE[0],
            zh="这里开始的引号在本行没有闭合",
            hint_zh=_CLOSE_QUOTE[1],
        )
    return Diagnostic("WQ-YAML", message[0], span, hint[0], zh=message[1], hint_zh=hint[1])


_QUOTE_START = re.compile(r"""(?:^\s*|:\s+|-\s+|[\[{,]\s*)(["'])""")


def _unclosed_quotes(text: str, before: int) -> Iterator[tuple[int, int]]:
    """(line, col) of each quote that opens a value and is not closed on its own line, on the lines before line
    ``before``. Policy files have no reason to quote text over several lines, so such a quote is likely where a
    YAML error further on comes from — but only likely: ``_is_cause`` decides."""
    for n, line in enumerate(text.splitlines()[: before - 1], start=1):
        i = 0
        while True:
            m = _QUOTE_START.search(line, i)
            if not m or line[: m.start()].lstrip().startswith("#"):
                break
            q = m.group(1)
            end = m.end()
            while True:
                end = line.find(q, end)
                if end < 0:
                    yield n, m.start(1) + 1
                    break
                if (q == '"' and line[end - 1] == "\\") or (q == "'" and line[end + 1 : end + 2] == "'"):
                    end += 1 if q == '"' else 2
                    continue
                break
            if end < 0:
                break
            i = end + 1


def _is_cause(text: str, quote: tuple[int, int], error_line: int) -> bool:
    """Whether closing the quote at ``quote`` on its own line mends the document up to ``error_line``: then the
    quote (which YAML read on over the line breaks) is the cause. A quote in a comment or inside a block of text
    (`note: >-`) is no cause: closing it changes nothing."""
    if len(text) > 1_000_000:  # reading it again is not worth the wait: the plain error stands
        return False
    lines = text.splitlines(keepends=True)
    n, col = quote
    body = lines[n - 1].rstrip("\r\n")
    mended = "".join(lines[: n - 1]) + body + body[col - 1] + lines[n - 1][len(body) :] + "".join(lines[n:])
    try:
        yaml.compose(mended, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        return mark is not None and mark.line + 1 > error_line
    except (yaml.YAMLError, RecursionError):
        return False
    return True


def _mark(node: Node, file: str, text: str) -> ScalarMark:
    return ScalarMark(
        file,
        text,
        node.start_mark.index,
        node.end_mark.index,
        getattr(node, "style", None) or None,
        node.start_mark.line,
        node.start_mark.column,
    )


def _build(node: Node, path: tuple, marks: Marks, errors: list[Diagnostic], file: str, text: str, dates: bool) -> Any:
    marks[path] = _mark(node, file, text)
    if isinstance(node, MappingNode):
        if node.tag not in (_STD + "map",):
            errors.append(_tag_error(node, file))
            return None
        out: dict = {}
        for key_node, value_node in node.value:
            if key_node.tag == _STD + "merge":
                errors.append(
                    Diagnostic(
                        "WQ-YAML",
                        "merge keys (<<) are not allowed",
                        _span(key_node, file),
                        "write the entries out",
                        zh="不能使用合并键（<<）",
                        hint_zh="把各项完整写出",
                    )
                )
                continue
            if isinstance(key_node, ScalarNode) and key_node.tag != _STD + "str" and key_node.style is None:
                # Keys are text: YAML 1.1 would make `on`, `yes`, `no` and `null` keys booleans or None.
                key = key_node.value
            else:
                key = _build(key_node, path + ("<key>",), marks, errors, file, text, False)
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                errors.append(
                    Diagnostic(
                        "WQ-YAML",
                        "mapping keys must be text",
                        _span(key_node, file),
                        zh="键（冒号前的名称）必须是文字",
                    )
                )
                continue
            key = str(key)
            if key in out and (split := _split_thousands(key_node, value_node, file, text)) is not None:
                if split not in errors:  # `{value: 8,000,000}`: one error for the number, not one per `000`
                    errors.append(split)
                continue
            if key in out:
                first = marks.get(("<key>",) + path + (key,))
                where = f" (first at line {first.line + 1})" if first else ""
                errors.append(
                    Diagnostic(
                        "WQ-DUPLICATE",
                        f"duplicate key `{key}`{where}",
                        _span(key_node, file),
                        hint="each key may appear once in a mapping",
                        subject=dotted(path + (key,)),
                        zh=f"键 `{key}` 重复" + (f"（第一次出现在第 {first.line + 1} 行）" if first else ""),
                        hint_zh="同一层中每个键只能出现一次",
                    )
                )
                continue
            marks[("<key>",) + path + (key,)] = _mark(key_node, file, text)
            out[key] = _build(value_node, path + (key,), marks, errors, file, text, dates)
        return out
    if isinstance(node, SequenceNode):
        if node.tag != _STD + "seq":
            errors.append(_tag_error(node, file))
            return None
        return [_build(child, path + (i,), marks, errors, file, text, dates) for i, child in enumerate(node.value)]
    return _scalar(node, errors, file, dates, path)


# A number written with thousands separators, as `{value: 8,000,000}` leaves it: a comma ends the value in `{…}`,
# so `000` is read as a key, and the next `000` as the same key again.
_GROUPED_NUMBER = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?(?:万元|亿元|[%万亿元])?")


def _split_thousands(key_node, value_node, file: str, text: str) -> Diagnostic | None:
    """The thousands-separator error for a repeated key `000` with no value right after a comma that follows
    digits (`8,000,000` inside `{…}`), placed at the first comma; None for any other repeated key."""
    if not (isinstance(key_node, ScalarNode) and key_node.style is None and re.fullmatch("[0-9]{3}", key_node.value)):
        return None
    if not (isinstance(value_node, ScalarNode) and value_node.value == "" and value_node.style is None):
        return None
    at = key_node.start_mark.index
    comma = at - 1
    while comma >= 0 and text[comma] == " ":
        comma -= 1
    start = comma
    while start > 0 and (text[start - 1].isdigit() or text[start - 1] == ","):
        start -= 1
    m = _GROUPED_NUMBER.match(text, start)
    if (
        comma < 0
        or text[comma] != ","
        or not m
        or (start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_."))
    ):
        return None
    number = m.group(0)
    first = number.split(",")[0]
    line, col = (
        text.count("\n", 0, start + len(first)) + 1,
        start + len(first) - text.rfind("\n", 0, start + len(first)),
    )
    plain = number.replace(",", "")
    return Diagnostic(
        "WQ-SCHEMA",
        f"`{number}` holds a thousands separator; write `{plain}`, without commas",
        Span(file, line, col),
        f"inside `{{…}}` a comma ends a value: this was read as `{first}` and fields `000`",
        zh=f"`{number}` 中有千位分隔符：请去掉逗号，写成 `{plain}`",
        hint_zh=f"在 `{{…}}` 内逗号会结束一个取值：这里被读成了 `{first}` 和一个字段 `000`",
    )


def _span(node: Node, file: str) -> Span:
    return Span(file, node.start_mark.line + 1, node.start_mark.column + 1)


def _tag_error(node: Node, file: str) -> Diagnostic:
    hint = "wqpolicy files use plain YAML values only"
    hint_zh = "wqpolicy 文件只用普通的 YAML 取值"
    if isinstance(node, ScalarNode) and node.tag.startswith("!") and not node.tag.startswith("!!"):
        # `condition: !x or y`: YAML reads a value that starts with `!` as a tag
        hint = "a value that starts with `!` is a YAML tag: write `not x` to negate, or put the value in quotes"
        hint_zh = "以 `!` 开头的取值会被当作 YAML 标签：表示“非”请写 `not x`，否则请给取值加引号"
    return Diagnostic(
        "WQ-YAML",
        f"YAML tag `{node.tag}` is not allowed",
        _span(node, file),
        hint=hint,
        zh=f"不能使用 YAML 标签 `{node.tag}`",
        hint_zh=hint_zh,
    )


def whole_number(raw: str) -> int:
    """The whole number ``raw`` writes (`1_000`, `0x10`), within the digits any reader allows; ValueError saying
    what is wrong. The JSON reader of input documents keeps the same limits (inputs._json_document)."""
    digits = raw.replace("_", "").lstrip("+-")
    if len(digits) > MAX_NUMBER_DIGITS:
        raise NumberError(
            f"number with {len(digits)} digits is too long",
            f"数字有 {len(digits)} 位，过长（最多 {MAX_NUMBER_DIGITS} 位）",
        )
    try:
        return int(raw.replace("_", ""), 0) if not digits.isdigit() else int(raw.replace("_", ""))
    except ValueError:
        raise NumberError(f"`{raw}` is not a number", f"`{raw}` 不是数字") from None


def decimal_number(raw: str) -> Decimal:
    """The exact decimal ``raw`` writes (`0.03`, `1.5e3`), finite and within range; ValueError saying what is
    wrong."""
    text = raw.replace("_", "")
    if len(text) > MAX_NUMBER_DIGITS:
        raise NumberError("number is too long", f"数字过长（最多 {MAX_NUMBER_DIGITS} 位）")
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise NumberError(
            f"`{raw}` is not a finite number (NaN and Infinity are not allowed)",
            f"`{raw}` 不是有限的数字（不能用 NaN 或 Infinity）",
        )
    if value and abs(value.adjusted()) >= MAX_NUMBER_DIGITS:  # 1e999999999 is short text but no amount
        raise NumberError(
            f"`{raw}` is out of range: write at most {MAX_NUMBER_DIGITS} digits before or after the decimal point",
            f"`{raw}` 超出范围：小数点前后最多写 {MAX_NUMBER_DIGITS} 位数字",
        )
    return value


def dotted(path: tuple) -> str:
    """A path of a document as people read it: `investment[2].amount` (a key's own path, `<key>`, as its key)."""
    out = ""
    for part in path:
        if part == "<key>":
            continue
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _scalar(node: Node, errors: list[Diagnostic], file: str, dates: bool, path: tuple = ()) -> Any:
    tag, raw = node.tag, node.value
    if tag == _STD + "str":
        return raw
    if tag == _STD + "null":
        return None
    if tag == _STD + "bool":
        return raw.lower() in ("true", "yes", "on")
    if tag in (_STD + "int", _STD + "float"):
        try:
            return whole_number(raw) if tag == _STD + "int" else decimal_number(raw)
        except NumberError as e:  # said with the field's path, as a schema error would be
            where = dotted(path)
            errors.append(
                Diagnostic(
                    "WQ-YAML",
                    f"{where}: {e}" if where else str(e),
                    _span(node, file),
                    subject=where or None,
                    zh=f"{where}：{e.zh}" if where else e.zh,
                )
            )
            return None
    if tag == _STD + "timestamp":
        if dates and _TIMESTAMP.match(raw):
            try:
                return datetime.date.fromisoformat(raw)
            except ValueError:
                where = dotted(path)
                errors.append(
                    Diagnostic(
                        "WQ-YAML",
                        f"{where + ': ' if where else ''}`{raw}` is not a valid date",
                        _span(node, file),
                        subject=where or None,
                        zh=f"{where + '：' if where else ''}`{raw}` 不是存在的日期",
                        hint="check the month and the day: the date must exist",
                        hint_zh="检查月和日：日期必须真实存在",
                    )
                )
                return None
        return raw
    errors.append(_tag_error(node, file))
    return None
