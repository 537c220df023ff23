"""A synthetic handbook of a national property group, for benchmarks.

``python -m validator.synth --duties 20000 --out DIR`` writes a policy tree with the shipped
schemas that is valid by construction: a reporting tree of regions, projects, supervisors and
frontline posts; every duty covered by a module and measured by a standard owned by its
supervisor; certificates prepared by modules that refresh often enough; every regulation cited.
The same seed always gives the same bytes. At 20,000 duties it is about 2,000 files and 20 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

_FUNCTIONS = (
    ("cs", "客服", "customer service"),
    ("eng", "工程", "engineering"),
    ("sec", "秩序维护", "security"),
    ("env", "环境", "cleaning and grounds"),
)
_VERBS = (
    "检查",
    "记录",
    "维护",
    "巡查",
    "登记",
    "协调",
    "处理",
    "上报",
    "清洁",
    "培训",
    "核对",
    "跟进",
)
_OBJECTS = (
    "设备房",
    "业主诉求",
    "消防通道",
    "电梯",
    "水泵",
    "门禁系统",
    "公共照明",
    "绿化区域",
    "装修现场",
    "停车场",
    "垃圾房",
    "监控画面",
    "值班记录",
    "维修工单",
    "收费台账",
)
_EN_VERBS = (
    "Check",
    "Record",
    "Maintain",
    "Patrol",
    "Register",
    "Coordinate",
    "Handle",
    "Report",
    "Clean",
    "Train",
    "Reconcile",
    "Follow up",
)
_EN_OBJECTS = (
    "plant rooms",
    "owner requests",
    "fire lanes",
    "lifts",
    "water pumps",
    "access control",
    "shared lighting",
    "planted areas",
    "renovation sites",
    "car parks",
    "bin rooms",
    "CCTV screens",
    "duty logs",
    "work orders",
    "fee ledgers",
)
_REVIEW = {"last_reviewed": "2026-11-01", "every_months": 12}
_MODELINE = "# yaml-language-server: $schema=../../schemas/{}.schema.json\n"


def _text(rng: random.Random, sentences: int) -> dict[str, str]:
    zh, en = [], []
    for _ in range(sentences):
        verb = rng.randrange(len(_VERBS))
        thing = rng.randrange(len(_OBJECTS))
        zh.append(
            f"按规定{_VERBS[verb]}{_OBJECTS[thing]}，发现问题当班处理并做好记录，必要时报告上级"
        )
        en.append(
            f"{_EN_VERBS[verb]} the {_EN_OBJECTS[thing]} as required, deal with problems "
            "within the shift, keep a record and tell the manager when needed"
        )
    return {"zh": "；".join(zh) + "。", "en": "; ".join(en) + "."}


def _dump(path: Path, data: dict[str, Any], schema: str, top: bool = False) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    modeline = (
        _MODELINE.format(schema).replace("../../", "../") if top else _MODELINE.format(schema)
    )
    body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
    path.write_text(modeline + body, encoding="utf-8")
    return len(body.encode("utf-8")) + len(modeline)


def generate(out: Path, duties: int, seed: int = 1) -> dict[str, int]:
    """Write the corpus under ``out`` (schemas copied beside it); returns counts."""
    rng = random.Random(seed)
    policies = out / "policies"
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(Path(__file__).resolve().parents[1] / "schemas", out / "schemas")
    per_role, per_supervisor, per_manager = 16, 8, 10
    per_project = per_manager + len(_FUNCTIONS) * (per_supervisor + per_role)
    projects = max(1, duties // per_project)
    regions = max(1, projects // 16)
    modules_wanted = max(4, duties // 60)
    regulations = max(5, duties // 100)

    _dump(
        policies / "handbook.yaml",
        {
            "title": {"zh": "集团员工手册（测试数据）", "en": "Group staff handbook (synthetic)"},
            "version": "bench",
            "languages": ["zh", "en"],
            "service_levels": [
                {"id": f"level-{i}", "name": {"zh": f"{i}级", "en": f"Level {i}"}}
                for i in (1, 2, 3)
            ],
            "training": {
                "min_hours_per_year": {"tier-frontline": 4, "tier-middle": 4, "tier-senior": 4}
            },
            "rules": {},
            "review": _REVIEW,
        },
        "handbook",
        top=True,
    )
    _dump(
        policies / "tiers.yaml",
        {
            "tiers": [
                {
                    "id": "tier-frontline",
                    "name": {"zh": "基层", "en": "Frontline"},
                    "rank": 1,
                    "owner": "pm-0001",
                },
                {
                    "id": "tier-middle",
                    "name": {"zh": "中层", "en": "Middle"},
                    "rank": 2,
                    "owner": "region-01",
                },
                {
                    "id": "tier-senior",
                    "name": {"zh": "高层", "en": "Senior"},
                    "rank": 3,
                    "owner": "group-gm",
                },
            ],
            "review": _REVIEW,
        },
        "tiers",
        top=True,
    )
    _dump(
        policies / "regulations.yaml",
        {
            "regulations": [
                {
                    "id": f"reg-{i:04d}",
                    "name": {"zh": f"第{i}号规定", "en": f"Provision no. {i}"},
                    "kind": "departmental-rule",
                    "issuer": {"zh": "主管部门", "en": "The authority"},
                    "articles": [
                        {"article": str(a), "summary": _text(rng, 1)} for a in range(1, 4)
                    ],
                    "status": "to-verify",
                }
                for i in range(regulations)
            ],
            "review": _REVIEW,
        },
        "regulations",
        top=True,
    )
    certificates = [f"cert-{f}" for f, _, _ in _FUNCTIONS]
    _dump(
        policies / "certificates.yaml",
        {
            "certificates": [
                {
                    "id": c,
                    "name": {"zh": f"{c} 证书", "en": f"{c} licence"},
                    "authority": {"zh": "发证机关", "en": "Authority"},
                    "basis": [{"regulation": f"reg-{i:04d}"}],
                    "validity_months": 72,
                    "review_months": 36,
                    "status": "to-verify",
                }
                for i, c in enumerate(certificates)
            ],
            "review": _REVIEW,
        },
        "certificates",
        top=True,
    )
    _dump(policies / "waivers.yaml", {"waivers": [], "review": _REVIEW}, "waivers", top=True)

    def role(
        role_id: str,
        name: str,
        tier: str,
        manager: str | None,
        prefix: str,
        count: int,
        certificate: str | None = None,
    ) -> list[str]:
        ids = [f"{prefix}.d{n:02d}" for n in range(count)]
        owner.update(dict.fromkeys(ids, role_id))
        if certificate:
            holders.setdefault(certificate, []).append(role_id)
        data: dict[str, Any] = {
            "id": role_id,
            "name": {"zh": name, "en": role_id},
            "tier": tier,
            "reports_to": manager,
            "summary": _text(rng, 2),
            "certificates": [{"certificate": certificate}] if certificate else [],
            "duties": [
                {
                    "id": d,
                    "text": _text(rng, 3),
                    "status": "suggested",
                    "cites": [{"regulation": f"reg-{rng.randrange(regulations):04d}"}],
                }
                for d in ids
            ],
            "review": _REVIEW,
        }
        _dump(policies / "roles" / f"{role_id}.yaml", data, "role")
        return ids

    owner: dict[str, str] = {}  # duty id → role id
    holders: dict[str, list[str]] = {}  # certificate id → the roles that require it
    all_duties: list[str] = []
    measured: list[tuple[str, list[str]]] = []  # (responsible supervisor, duties it answers for)
    role("group-gm", "集团总经理", "tier-senior", None, "gm", 4)
    all_duties += [f"gm.d{n:02d}" for n in range(4)]
    made = 0
    for r in range(regions):
        region = f"region-{r + 1:02d}"
        all_duties += role(
            region, f"区域{r + 1}经理", "tier-senior", "group-gm", f"rg{r + 1:02d}", 6
        )
        for _ in range(projects // regions + (1 if r < projects % regions else 0)):
            pm = f"pm-{made + 1:04d}"
            made += 1
            all_duties += role(
                pm, f"项目{made}经理", "tier-middle", region, f"p{made:04d}", per_manager
            )
            for function, zh, _ in _FUNCTIONS:
                supervisor = f"{function}-sup-{made:04d}"
                all_duties += role(
                    supervisor,
                    f"项目{made}{zh}主管",
                    "tier-middle",
                    pm,
                    f"{function}s{made:04d}",
                    per_supervisor,
                )
                staff = role(
                    f"{function}-staff-{made:04d}",
                    f"项目{made}{zh}员",
                    "tier-frontline",
                    supervisor,
                    f"{function}f{made:04d}",
                    per_role,
                    f"cert-{function}",
                )
                all_duties += staff
                measured.append((supervisor, staff))

    modules = max(modules_wanted, len(_FUNCTIONS))
    chunks = [all_duties[i::modules] for i in range(modules)]
    for index, covers in enumerate(chunks):
        module_id = f"m-{index + 1:04d}"
        prepares = [certificates[index]] if index < len(certificates) else []
        takers = [owner[duty] for duty in covers]
        for certificate in prepares:
            takers += holders.get(certificate, [])
        data = {
            "id": module_id,
            "title": {"zh": f"培训模块{index + 1}", "en": f"Module {index + 1}"},
            "summary": _text(rng, 2),
            "audience": {"roles": list(dict.fromkeys(takers))},
            "category": "skills",
            "stages": ["onboarding", "on-the-job"] if prepares else ["on-the-job"],
            "hours": 8,
            "delivery": ["classroom", "on-site"],
            "assessment": {
                "method": {"zh": "笔试与实操", "en": "Written and practical"},
                "levels": [2, 3],
            },
            "refresh": {"every_months": 12, "hours": 8},
            "prerequisites": [f"m-{index:04d}"] if index % 7 and index else [],
            "covers": covers,
            "certificates": prepares,
            "regulations": [f"reg-{i:04d}" for i in range(index, regulations, modules)],
            **(
                {"exam": {"zh": "理论和实操考试", "en": "Theory and practical exam"}}
                if prepares
                else {}
            ),
            "status": "suggested",
            "review": _REVIEW,
        }
        _dump(policies / "training" / f"{module_id}.yaml", data, "module")

    areas = max(1, len(measured) // 60)
    for a in range(areas):
        standards = []
        for supervisor, staff in measured[a::areas]:
            standards.append(
                {
                    "id": f"std-{supervisor}",
                    "name": {"zh": f"{supervisor} 服务标准", "en": f"{supervisor} standard"},
                    "metric": _text(rng, 1),
                    "unit": {"zh": "%", "en": "%"},
                    "targets": {
                        f"level-{lvl}": {
                            "op": ">=",
                            "value": 100 - 5 * lvl,
                            "text": {
                                "zh": f"不低于 {100 - 5 * lvl}%",
                                "en": f"At least {100 - 5 * lvl}%",
                            },
                        }
                        for lvl in (1, 2, 3)
                    },
                    "frequency": "monthly",
                    "responsible": supervisor,
                    "measures": staff,
                    "status": "suggested",
                }
            )
        _dump(
            policies / "standards" / f"area-{a + 1:03d}.yaml",
            {
                "area": f"area-{a + 1:03d}",
                "name": {"zh": f"标准领域{a + 1}", "en": f"Area {a + 1}"},
                "standards": standards,
                "review": _REVIEW,
            },
            "standards",
        )

    files = sum(1 for _ in policies.rglob("*.yaml"))
    size = sum(p.stat().st_size for p in policies.rglob("*.yaml"))
    return {"files": files, "bytes": size, "duties": len(all_duties), "modules": modules}


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: ``python -m validator.synth --duties N --out DIR [--seed S]``."""
    parser = argparse.ArgumentParser(prog="python -m validator.synth", description=__doc__)
    parser.add_argument("--duties", type=int, default=20_000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    counts = generate(args.out, args.duties, args.seed)
    print(json.dumps(counts))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
