"""The home page and the organisation page."""

from __future__ import annotations

from validator.model import Entity, Handbook
from validator.render.downloads import Downloads, download_link, volumes
from validator.render.markup import LIST_LIMIT, anchor, bilingual, esc, href, link
from validator.render.org_chart import org_chart


def home(handbook: Handbook, downloads: Downloads) -> str:
    """What the handbook is, its figures, and how a member of staff finds their role."""
    here = "index.md"
    settings = handbook.settings
    title = settings.get("title") or {}
    resolved = handbook.resolved
    coverage = resolved.coverage
    lines = [
        f"# {esc(title.get('zh', '员工手册'))}",
        "",
        f'<p class="hb-en" lang="en">{esc(title.get("en", ""))}</p>' if title.get("en") else "",
        "",
        "本手册写明每个岗位做什么（岗位职责）、做到什么程度（服务标准）、要学什么（培训体系）。"
        "手册内容来自经过自动检查的数据文件，网页与数据始终一致。",
        "",
        '<div class="hb-figures" markdown>',
        "",
        f"- **{handbook.count('role')}** 个岗位",
        f"- **{coverage.duties}** 条职责",
        f"- **{handbook.count('standard')}** 项服务标准",
        f"- **{handbook.count('module')}** 个培训模块",
        f"- 培训覆盖率 **{coverage.percent:.0f}%**（{coverage.covered}/{coverage.duties}）",
        "",
        "</div>",
        "",
        "## 找到你的岗位",
        "",
        "按层级找到自己的岗位，打开岗位说明书即可看到你的职责、考核标准、必须持有的证书和"
        "培训路径。也可以用页面顶部的搜索框直接搜岗位名称或关键词，或者查看"
        f"[组织架构]({href(here, 'organisation.md')})。",
        "",
    ]
    if handbook.count("role") > LIST_LIMIT:
        # A national group has thousands of roles: the list lives on its own page.
        lines += [f"全部岗位见[岗位说明书]({href(here, 'roles/index.md')})。", ""]
    else:
        for tier in resolved.tiers:
            lines += [f"### {esc(tier.display('zh'))}", ""]
            for role in resolved.roles_by_tier.get(tier.id, []):
                english = f'<span class="hb-en" lang="en">{esc(role.display("en"))}</span>'
                lines.append(f"- {link(handbook, here, 'role', role.id)} {english}")
            lines.append("")
    lines += [
        "## 其他内容",
        "",
        f"- [培训体系]({href(here, 'training/index.md')})：全部培训模块、学时和考核方式",
        f"- [服务标准]({href(here, 'standards/index.md')})：按服务等级列出的可量化目标",
        f"- [法律法规]({href(here, 'regulations.md')})与"
        f"[持证要求]({href(here, 'certificates.md')})",
        f"- [职责与培训覆盖矩阵]({href(here, 'coverage.md')})",
        f"- [简介]({href(here, 'introduction.md')})与[编辑指南]({href(here, 'editor-guide.md')})",
        "",
    ]
    every = volumes(handbook)
    if len(every) == 1:
        lines += [
            download_link(
                here, every[0].path, "下载整本手册（PDF）", downloads.offers(every[0].path)
            ),
            "",
        ]
    else:
        lines += ["## 下载打印版（PDF）", "", f"手册分为 {len(every)} 册，按需要打印其中一册：", ""]
        lines += [
            download_link(
                here,
                volume.path,
                f"第 {volume.number} 册：{esc(volume.title)}",
                downloads.offers(volume.path),
            )
            for volume in every
        ]
        lines.append("")
    version = settings.get("version")
    if version:
        lines += [f'<p class="hb-version">手册版本 {esc(version)}</p>', ""]
    return "\n".join(lines)


def organisation(handbook: Handbook) -> str:
    """The tiers with their owners, and the reporting tree as nested lists (no script needed)."""
    here = "organisation.md"
    lines = ["# 组织架构", ""]
    if handbook.count("role") <= LIST_LIMIT:
        lines += [
            '<p class="hb-web">点图中的岗位打开它的岗位说明书。</p>',
            "",
            org_chart(handbook, here),
            "",
        ]
    lines += ["## 岗位层级", ""]
    resolved = handbook.resolved
    for tier in reversed(resolved.tiers):
        lines += [
            f"### {esc(tier.display('zh'))} {{#{anchor(tier.id)}}}",
            "",
            f'<p class="hb-en" lang="en">{esc(tier.display("en"))}</p>',
            "",
            f"**负责岗位：** {link(handbook, here, 'role', tier.data['owner'])}",
            "",
        ]
        if tier.data.get("summary"):
            lines += [bilingual(tier, "summary"), ""]
        roles = [
            link(handbook, here, "role", r.id) for r in resolved.roles_by_tier.get(tier.id, [])
        ]
        lines += [f"**本层级岗位：** {'、'.join(roles) or '—'}", ""]
    lines += ["## 汇报关系", "", '<div class="hb-tree" markdown>', ""]
    roots = [r for r in handbook.all("role") if r.data.get("reports_to") is None]
    seen: set[str] = set()
    for root in roots:
        lines += _tree(handbook, here, root, 0, seen)
    lines += ["", "</div>", ""]
    return "\n".join(lines)


def _tree(handbook: Handbook, here: str, role: Entity, depth: int, seen: set[str]) -> list[str]:
    if role.id in seen:  # a cycle cannot reach a built site, but never loop
        return []
    seen.add(role.id)
    indent = "    " * depth
    tier = handbook.get("tier", role.data["tier"])
    tier_name = tier.display("zh") if tier else ""
    line = (
        f"{indent}- {link(handbook, here, 'role', role.id)} "
        f'<span class="hb-tier">{esc(tier_name)}</span>'
    )
    lines = [line]
    for report in handbook.direct_reports.get(role.id, []):
        lines += _tree(handbook, here, report, depth + 1, seen)
    return lines
