"""Documentation of the checks made while reading files (load stage) and by the schemas."""

from __future__ import annotations

from validator.rules.registry import builtin

builtin(
    "file-unknown",
    "load",
    """
    政策文件必须放在已知的位置。
    Policy files live where a policy kind lives.

    校验器只认识这些位置：`policies/handbook.yaml`、`tiers.yaml`、`regulations.yaml`、
    `certificates.yaml`、`waivers.yaml`，以及 `roles/`、`standards/`、`training/` 目录下的
    `<id>.yaml`。放在别处的文件既不会被检查也不会被发布，所以这是错误而不是被悄悄忽略。

    The validator knows these places only; a file elsewhere would be neither checked nor
    published, so it is an error rather than silently ignored. **Fix:** move or rename the file
    (`.yml` must be `.yaml`). Notes in `.md` or `.txt` files are allowed.
    """,
)
builtin(
    "file-unreadable",
    "load",
    """
    文件必须可读，且不能是指向仓库外的链接。
    A policy file must be readable and inside the repository.

    无法读取的文件（权限问题）、不是普通文件的东西（管道、套接字、设备：读取管道会一直等待）、
    循环的符号链接和指向仓库外部的符号链接都会被拒绝：链接可能让 CI 读取机器上的任意文件。

    Unreadable files, things that are not regular files (a pipe would block the check forever),
    symbolic links that loop back on themselves and links to places outside the repository are
    refused: a link could make CI read any file on the machine. **Fix:** commit the real file.
    """,
)
builtin(
    "yaml-encoding",
    "load",
    """
    文件必须是 UTF-8 文本。
    Files are UTF-8 text.

    中文 Windows 上的编辑器常把文件存成 GBK；那样的文件在别人的电脑和网站上会变成乱码。
    校验器会说出文件看起来像哪种编码。带 BOM 的 UTF-8 和 Windows 换行（CRLF）都可以接受。
    从网页复制来的特殊换行字符（U+2028、U+2029、U+0085）也在这里报告：YAML 把它们当作换行，
    编辑器不会，行号就对不上了。

    Editors on Chinese Windows often save GBK, which turns into garbage elsewhere. The message
    names the encoding the file looks like. A UTF-8 BOM and CRLF line endings are fine. Unusual
    line breaks pasted from web pages (U+2028, U+2029, U+0085) are reported here too: YAML counts
    them as line breaks and editors do not, so line numbers would disagree.
    **Fix:** save the file again as UTF-8; delete the unusual line break.
    """,
)
builtin(
    "yaml-syntax",
    "load",
    """
    文件必须是正确的 YAML。
    Files are well-formed YAML.

    消息指向需要修改的那一行，并说出原因。校验器会认出这些常见错误：

    - 引号没有闭合：指向引号开始的地方，而不是解析器发现问题的几十行之后；
    - 用 Tab 缩进；
    - 中文输入法打出的全角冒号 `：`（`tier：tier-frontline`）和全角空格 `　`；
    - 键后面漏了冒号（`status sourced`）：指向漏冒号的那一行；
    - 同一层缩进没对齐、文字里有 `: ` 却没加引号、方括号或花括号没闭合。

    The message points at the line to change and names the cause. These usual mistakes are
    recognised from the text itself: an unclosed quote (reported where the quote opens, not
    where the parser noticed, possibly dozens of lines below); a tab used for indentation; a
    full-width colon `：` or full-width space `　` typed by a Chinese input method; a key
    without its colon (reported on that key's line); misaligned indentation, an unquoted ': '
    inside text, an unclosed bracket. **Fix:** correct the line the message names.
    """,
)
builtin(
    "yaml-empty",
    "load",
    """
    文件不能为空。
    Files are not empty.

    空文件或只有注释的文件没有任何内容可以发布，通常是误操作。

    An empty or comment-only file publishes nothing and is usually a mistake. **Fix:** add the
    content or delete the file.
    """,
)
builtin(
    "yaml-multi-document",
    "load",
    """
    每个文件只有一个 YAML 文档。
    One YAML document per file.

    `---` 分隔出的第二个文档会被忽略，所以不允许。

    A second document after `---` would be ignored, so it is refused. **Fix:** remove the `---`
    or move the rest into a file of its own.
    """,
)
builtin(
    "yaml-duplicate-key",
    "load",
    """
    同一个映射里的键不能重复。
    No key appears twice in one mapping.

    YAML 读到重复的键时会悄悄保留后一个值、丢掉前一个，编辑者看到的和发布的内容就不一致了。
    消息指向第二个键，并给出第一个键所在的行。

    YAML silently keeps the last of two equal keys, so what the editor sees and what is
    published differ. The message points at the second key and names the line of the first.
    **Fix:** delete one, or merge them.
    """,
)
builtin(
    "yaml-key-type",
    "load",
    """
    键必须是文字。
    Keys are text.

    `1:`、`true:`、`null:` 这样的键会被 YAML 读成数字或布尔值；列表或映射也不能作键。

    Keys such as `1:` or `true:` are read as numbers or booleans, and collections cannot be keys.
    **Fix:** quote the key or rename it.
    """,
)
builtin(
    "yaml-tag",
    "load",
    """
    不使用 YAML 标签。
    No YAML tags.

    `!!python/object/apply`、`!include` 等标签可以让解析器执行代码或读取其他文件，校验器一律
    拒绝，且绝不执行。`!!str`、`!!int`、`!!float` 和单独的 `!` 也不允许：政策文件只包含
    普通写法的文字、数字、列表和映射，编辑者和编辑器看到的就是发布的内容。

    Tags such as `!!python/object/apply` or `!include` could run code or read other files; they
    are refused, never executed. `!!str`, `!!int`, `!!float` and a bare `!` are refused too:
    policy files hold plainly written text, numbers, lists and mappings, so what the editor sees
    is what is published. **Fix:** remove the tag; quote the value if it is text.
    """,
)
builtin(
    "yaml-number",
    "load",
    """
    数字必须是普通的有限数字。
    Numbers are ordinary finite numbers.

    YAML 把 `.nan`、`.inf`、`-.inf` 读成“非数”和无穷大；它们不是学时或月数，任何比较都会
    得出意外的结果，导出的 JSON 也无法被其他系统读取。超过 16 位的整数（例如误粘贴的一长串
    数字）同样被拒绝。

    YAML reads `.nan`, `.inf` and `-.inf` as not-a-number and infinity; they are no number of
    hours or months, every comparison with them misleads, and the exported JSON could not be
    read by other systems. Integers beyond 16 digits (a pasted run of digits) are refused too.
    **Fix:** write an actual number, or quote the value if it is text.
    """,
)
builtin(
    "yaml-alias",
    "load",
    """
    不使用锚点和别名。
    No anchors or aliases.

    `&name` / `*name` 让同一内容出现在多处，几百字节的“billion laughs”文件就能展开成几个 GB。
    政策文件要求每处内容都写出来，共用的内容用 id 引用。

    Anchors and aliases let 500 bytes expand into gigabytes ("billion laughs"); policy files
    write things out and refer to shared things by id. **Fix:** write the content in full.
    """,
)
builtin(
    "yaml-too-deep",
    "load",
    """
    嵌套层数有上限。
    Nesting is bounded.

    政策文件只需要几层缩进；超过上限（32 层）的文件会被拒绝，以保证检查在有限时间内完成。
    括号嵌套超过 256 层的文件在解析之前就被拒绝，因为有的 YAML 解析器会在极深的嵌套上崩溃。

    Policy files need a few levels; deeper files (over 32 levels) are refused so a check always
    ends in bounded time. Bracket nesting beyond 256 levels is refused before parsing, since some
    YAML parsers crash on extreme nesting. **Fix:** look for stray indentation or brackets.
    """,
)
builtin(
    "yaml-too-large",
    "load",
    """
    文件大小和值的个数有上限。
    File size and value count are bounded.

    单个文件最大 2 MiB、最多 200000 个值。真实的政策文件远小于这个上限。

    One file holds at most 2 MiB and 200,000 values; real policy files are far smaller.
    **Fix:** split the content into several files.
    """,
)
builtin(
    "schema",
    "schema",
    """
    每个文件符合其类型的 JSON Schema。
    Each file matches the JSON Schema of its kind.

    `schemas/` 目录下每类政策文件有一个 schema：必填字段、取值范围、日期格式和 id 的写法。
    不认识的字段也是错误，这样拼错的字段名不会被悄悄丢掉；像是某个字段拼错时，消息会问“是不是
    reports_to？”，而不是再报一个“缺少 reports_to”。消息指向出错的那个键，用普通的话说明允许
    的范围和类型，给出正确写法的例子；一个错误只报一次。

    Each kind of file has a schema in `schemas/`: required fields, allowed values, date format,
    how ids are written. Unknown fields are errors, so a misspelt key is never silently dropped;
    when it looks like a misspelling the message asks "did you mean reports_to?" instead of
    adding a second "reports_to is missing". Messages point at the key, state ranges and types
    in words and show how a correct value looks; one mistake gives one finding.
    **Fix:** follow the hint; editors with the YAML extension show the schema's help as you type.
    """,
)
builtin(
    "rule-config",
    "rules",
    """
    handbook.yaml 里的规则设置只能调整已有的规则。
    Rule settings in handbook.yaml name existing rules.

    `policies/handbook.yaml` 的 `rules:` 可以把某条规则设为 `error`、`warning` 或 `off`。
    写错的规则 id 会被报告（并给出最接近的 id），否则设置会悄悄失效。读取文件时的基本检查
    （yaml-*、file-*、schema）不能调整。

    `rules:` in `policies/handbook.yaml` sets a rule to `error`, `warning` or `off`. A misspelt
    rule id is reported with the closest existing id, since the setting would otherwise silently
    do nothing. The basic reading checks cannot be changed. **Fix:** correct or delete the line.
    """,
)
