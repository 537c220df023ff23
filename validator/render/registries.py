"""Regulations, certificates and sources registries."""

from __future__ import annotations

from validator.model import Handbook
from validator.render.labels import REGULATION_KIND, certificate_validity, label
from validator.render.markup import (
    NOT_INDEXED,
    anchor,
    bilingual,
    entry_heading,
    esc,
    link,
    module_link,
    status_badge,
    table,
)

_DATE_NAMES = {"adopted": "通过", "promulgated": "公布", "effective": "施行", "revised": "修订"}


def regulations_page(handbook: Handbook) -> str:
    """Every regulation: issuer, number, dates, the articles that matter, status."""
    here = "regulations.md"
    lines = [
        "# 法律法规",
        "",
        "手册引用的法律、法规、规章和标准。条款内容是概括，不是原文；标有“待核实”的内容在"
        "使用前须对照官方文本核实。",
        "",
    ]
    for regulation in handbook.all("regulation"):
        data = regulation.data
        lines += entry_heading(regulation)
        facts = [
            f"类别：{label(REGULATION_KIND, data['kind'])}",
            f"发布机关：{bilingual(regulation, 'issuer')}",
        ]
        if data.get("number"):
            facts.append(f"文号：{esc(data['number'])}")
        for key, name in _DATE_NAMES.items():
            value = (data.get("dates") or {}).get(key)
            if value:
                shown = "、".join(value) if isinstance(value, list) else value
                facts.append(f"{name}日期：{esc(shown)}")
        lines += [f"- {fact}" for fact in facts]
        lines.append("")
        if data.get("articles"):
            rows = [
                [esc(a["article"]), esc(a["summary"]["zh"]) + status_badge(a.get("status"))]
                for a in data["articles"]
            ]
            # Article summaries are reference text: found through the law's name, not searched
            # word by word (they would crowd the training and role pages out of the results).
            lines += [
                f"<div {NOT_INDEXED} markdown>",
                "",
                table(["条款", "要点"], rows),
                "</div>",
                "",
            ]
        if data.get("note"):
            lines += [f"**说明：** {bilingual(regulation, 'note')}", ""]
        taught = [
            m for m in handbook.all("module") if regulation.id in (m.data.get("regulations") or [])
        ]
        if taught:
            lines += [
                "讲授本法规的培训：" + "、".join(module_link(handbook, here, m.id) for m in taught),
                "",
            ]
    return "\n".join(lines)


def certificates_page(handbook: Handbook) -> str:
    """Every certificate: authority, legal basis, validity, review cycle, who needs it."""
    here = "certificates.md"
    lines = [
        "# 持证要求",
        "",
        "持证上岗的证书：发证机关、法律依据、有效期、复审周期，以及需要它的岗位。",
        "",
    ]
    for certificate in handbook.all("certificate"):
        data = certificate.data
        lines += entry_heading(certificate)
        facts = [f"发证机关：{bilingual(certificate, 'authority')}"]
        basis = data.get("basis") or []
        if basis:
            facts.append(
                "法律依据："
                + "、".join(link(handbook, here, "regulation", b["regulation"]) for b in basis)
            )
        facts.append(f"有效期与复审：{certificate_validity(data)}")
        roles = handbook.roles_requiring.get(certificate.id, [])
        facts.append(
            "需要的岗位：" + ("、".join(link(handbook, here, "role", r.id) for r in roles) or "—")
        )
        modules = handbook.modules_preparing.get(certificate.id, [])
        facts.append(
            "取证/复审培训："
            + ("、".join(module_link(handbook, here, m.id) for m in modules) or "—")
        )
        lines += [f"- {fact}" for fact in facts]
        lines.append("")
        if data.get("note"):
            lines += [bilingual(certificate, "note"), ""]
    return "\n".join(lines)


def sources_page(handbook: Handbook) -> str:
    """The register of sources behind the facts, with their grade."""
    lines = [
        "# 资料出处",
        "",
        "手册中的出处编号指向下表。多数页面是第三方转载；核实时请以官方发布的文本为准。",
        "",
    ]
    grades = {
        grade["id"]: (grade.get("name") or {}).get("zh", grade["id"])
        for grade in (handbook.settings.get("provenance") or {}).get("grades") or []
    }
    rows = []
    for source in handbook.all("source"):
        data = source.data
        where = data.get("title") or ""
        # Inline HTML rather than a code span: a code span would show the escapes (http&#58;//).
        urls = " ".join(f"<code>{esc(u)}</code>" for u in data.get("urls") or [])
        rows.append(
            [
                f'<span id="{anchor(source.id)}"></span>{esc(source.id)}',
                esc(where) + (" " if where and urls else "") + urls,
                esc(data["about"]),
                esc(grades.get(data["grade"], data["grade"])),
            ]
        )
    lines.append(table(["编号", "出处", "支持的内容", "资料等级"], rows))
    return "\n".join(lines)
