"""Ownership rules: the committed CODEOWNERS says who the policies say reviews each file."""

from __future__ import annotations

from collections.abc import Iterator

from validator import codeowners
from validator.findings import Ref, Severity, Text
from validator.model import Handbook
from validator.rules.registry import Problem, rule


@rule("codeowners-current", Severity.WARNING)
def codeowners_current(handbook: Handbook) -> Iterator[Problem]:
    """提交的 CODEOWNERS 与政策里的负责人一致。
    The committed CODEOWNERS matches the owners in the policies.

    `handbook codeowners` 根据政策生成 CODEOWNERS：岗位文件由上级评审，服务标准由负责岗位评审，
    培训模块由培训负责人评审，手册设置和豁免由手册批准人评审；岗位到评审人（GitHub/GitLab 用户或
    群组）的对应写在 `policies/handbook.yaml` 的 `codeowners:`。负责人改了（例如某个标准的
    `responsible` 换了岗位）却没有重新生成时，修改会被送给原来的人评审。仓库里没有 CODEOWNERS
    （`.github/`、根目录、`docs/` 或 `.gitlab/` 下）时不检查。

    `handbook codeowners` writes CODEOWNERS from the policies: a role file is reviewed for the
    role's manager, a standards file for the roles responsible for its standards, training for
    the training custodian, the settings and waivers for the handbook's approver; the handles
    for each role are in `codeowners:` in `policies/handbook.yaml`. When an owner changes (a
    standard's `responsible`, say) and the file is not written again, changes go to the wrong
    reviewers. Nothing is checked when the repository has no CODEOWNERS.

    **怎么改 / Fix:** 运行 `handbook codeowners -o .github/CODEOWNERS`（GitLab 加
    `--format gitlab`，写到消息里的路径），提交生成的文件。Run the command with `-o` and the
    path the message names, and commit the file.
    """
    if handbook.root is None:
        return
    found = codeowners.committed(handbook.root)
    if found is None:
        return
    path, text = found
    fmt = codeowners.format_of(text)
    difference = codeowners.first_difference(codeowners.write(handbook, fmt), text)
    if difference is None:
        return
    line, expected, actual = difference
    option = " --format gitlab" if fmt == "gitlab" else ""
    yield Problem(
        Ref(path, line=line),
        Text(
            f"{path} 第 {line} 行与政策里的负责人不一致：应为 “{expected}”，现在是 “{actual}”。",
            f"Line {line} of {path} does not match the owners in the policies: expected "
            f"'{expected}', found '{actual}'.",
        ),
        Text(
            f"运行 handbook codeowners{option} -o {path}，然后提交这个文件。",
            f"Run `handbook codeowners{option} -o {path}` and commit the file.",
        ),
    )
