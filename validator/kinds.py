"""The registry of kinds: every kind of thing in the policies, declared once.

A kind says where its entities live (a file of their own under a folder, a list in a single
file, or a list inside an entity of another kind), which schema checks its files, which key
holds its id, what people call it (zh and en), which of its fields refer to which kinds, and on
which page of the site it is shown. Discovery, the schema stage, the indexed model, the id and
reference rules, ``explain``, ``diff``, the exports and the renderer all read this table, so a
new kind is one entry here and its schema (plus a page renderer if it gets pages of its own).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from validator.findings import Text

EACH = "*"
"""A path step meaning every item of a list, or every value of a mapping."""
KEYS = "~"
"""A last path step meaning: the keys of this mapping are the references."""


@dataclass(frozen=True)
class Link:
    """A field of one kind that names entities of another kind by id.

    ``path`` is a ``/``-separated walk into the entity's data: ``covers/*`` is every item of the
    ``covers`` list, ``certificates/*/certificate`` the ``certificate`` key of every item, and
    ``targets/~`` every key of the ``targets`` mapping.
    """

    path: str
    target: str
    """The kind named."""
    label: Text
    """The relation seen from the entity that holds the field (``covers``: 覆盖职责)."""
    inverse: Text
    """The relation seen from the entity named (``covers``: 覆盖它的培训模块)."""
    inverse_key: str | None = None
    """The key under which ``export json`` lists the referring ids on the named entity."""
    name: str = ""
    """The field's name in messages and JSON; the first path step unless given."""
    qualified: bool = False
    """The value names a scoped entity with its parent: ``eng-technician/electrical``."""

    @cached_property
    def steps(self) -> tuple[str, ...]:
        """The path as steps."""
        return tuple(self.path.split("/"))

    @property
    def field(self) -> str:
        """The field name shown to people and tools (``covers``, ``reports_to``...)."""
        return self.name or self.steps[0]

    def values(self, data: dict[str, Any]) -> Iterator[tuple[str, tuple[str | int, ...]]]:
        """Every id this link names in ``data``, with its place (path parts)."""
        steps = self.steps
        # Nearly every link is `key` or `key/*`: walk those without the general machinery, since
        # a national group's handbook has hundreds of thousands of references.
        if len(steps) == 1:
            value = data.get(steps[0])
            if isinstance(value, str):
                yield value, steps
            return
        first = steps[0]
        if len(steps) == 2 and steps[1] == EACH:
            items = data.get(first)
            if isinstance(items, list):
                for index, item in enumerate(items):
                    if isinstance(item, str):
                        yield item, (first, index)
            return
        if len(steps) == 2 and steps[1] == KEYS:
            keyed = data.get(first)
            if isinstance(keyed, dict):
                for key in keyed:
                    yield str(key), (first, key)
            return
        if len(steps) == 3 and steps[1] == EACH and steps[2] not in (EACH, KEYS):
            items, field_name = data.get(first), steps[2]
            if isinstance(items, list):
                for index, item in enumerate(items):
                    if isinstance(item, dict):
                        value = item.get(field_name)
                        if isinstance(value, str):
                            yield value, (first, index, field_name)
            return
        yield from _walk(data, steps, ())


def _walk(
    value: Any, steps: tuple[str, ...], where: tuple[str | int, ...]
) -> Iterator[tuple[str, tuple[str | int, ...]]]:
    # Iterative on purpose: schema-valid data is shallow, but nothing here should recurse.
    pending: list[tuple[Any, int, tuple[str | int, ...]]] = [(value, 0, where)]
    while pending:
        current, depth, place = pending.pop(0)
        if depth == len(steps):
            if isinstance(current, str):
                yield current, place
            continue
        step = steps[depth]
        if step == KEYS and isinstance(current, dict):
            for key in current:
                yield str(key), (*place, key)
        elif step == EACH and isinstance(current, list):
            pending[:0] = [(item, depth + 1, (*place, i)) for i, item in enumerate(current)]
        elif step == EACH and isinstance(current, dict):
            pending[:0] = [(item, depth + 1, (*place, k)) for k, item in current.items()]
        elif isinstance(current, dict) and step in current:
            pending.insert(0, (current[step], depth + 1, (*place, step)))


@dataclass(frozen=True)
class Kind:
    """One kind of entity in the policies."""

    name: str
    """Stable kebab-case name (``role``, ``duty``, ``service-level``...)."""
    label: Text
    """What messages and pages call one of them."""
    plural: str | None = None
    """Key of the kind's list in ``export json``; ``None``: not listed on its own."""
    schema: str | None = None
    """File name in ``schemas/`` for kinds that have files of their own."""
    folder: str | None = None
    """One entity per file: ``policies/<folder>/<id>.yaml``."""
    filename: str | None = None
    """All entities of the kind in one file, ``policies/<filename>`` (``list_key`` names the list;
    without it the file itself is the one entity)."""
    within: str | None = None
    """The kind whose entities list these (a duty is within a role)."""
    list_key: str | None = None
    """The key of the list that holds the entities (in their file, or in the parent entity)."""
    id_key: str | None = "id"
    """The key that holds an entity's id; ``None`` when editors write no id (see ``key``)."""
    key: tuple[str, ...] = ()
    """For kinds without an id: the fields that together identify an entity (a waiver's rule
    and target); with neither, the kind's one entity is called ``singleton``."""
    singleton: str | None = None
    """The id of the one entity of a kind that is a whole file (the settings)."""
    scoped: bool = False
    """Ids are unique only within the parent entity (a role's specialties)."""
    required: bool = False
    """The file must exist: other files refer to what it holds."""
    links: tuple[Link, ...] = ()
    page: str | None = None
    """The site page showing the entity: ``roles/{id}.md`` for a page each, a plain path for a
    page listing every entity of the kind (with an anchor each); ``None`` for entities shown on
    their parent's page."""
    text_keys: tuple[str, ...] = ("text", "summary", "metric")
    """Which bilingual fields describe an entity, in order of preference (for ``explain``)."""
    named_by: str | None = None
    """For a vocabulary the training system describes: the module field whose values are ids
    of this kind (``category``, ``stages``, ``delivery``)."""

    @property
    def top_level(self) -> bool:
        """Whether the kind has files of its own (rather than living inside another kind)."""
        return self.folder is not None or self.filename is not None

    @property
    def editor_ids(self) -> bool:
        """Whether editors write the ids (so they must be unique and can be looked up)."""
        return self.id_key is not None

    @property
    def one_per_file(self) -> bool:
        """Whether each entity has a file named after its id."""
        return self.folder is not None

    def describe(self) -> str:
        """Where files of this kind live, as shown in messages."""
        if self.folder:
            return f"policies/{self.folder}/<id>.yaml"
        return f"policies/{self.filename}"

    def identity(self, data: dict[str, Any]) -> str:
        """The id of an entity of this kind with these data."""
        if self.id_key is not None:
            return str(data[self.id_key])
        if self.key:
            return "/".join(str(data.get(part, "")) for part in self.key)
        return self.singleton or self.name


@dataclass(frozen=True)
class Registry:
    """Every kind, in the order outputs list them."""

    kinds: tuple[Kind, ...]
    by_name: dict[str, Kind] = field(init=False)
    _children: dict[str, tuple[Kind, ...]] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {kind.name: kind for kind in self.kinds})
        children = {
            name: tuple(kind for kind in self.kinds if kind.within == name) for name in self.by_name
        }
        object.__setattr__(self, "_children", children)

    def __iter__(self) -> Iterator[Kind]:
        return iter(self.kinds)

    def __getitem__(self, name: str) -> Kind:
        return self.by_name[name]

    def get(self, name: str) -> Kind | None:
        """The kind called ``name``, if there is one."""
        return self.by_name.get(name)

    def children(self, name: str) -> tuple[Kind, ...]:
        """The kinds listed inside entities of kind ``name``."""
        return self._children.get(name, ())

    def files(self) -> tuple[Kind, ...]:
        """The kinds that have files of their own."""
        return tuple(kind for kind in self.kinds if kind.top_level)

    def label(self, name: str) -> Text:
        """What messages call a kind (the name itself for an unknown one)."""
        kind = self.by_name.get(name)
        return kind.label if kind is not None else Text(name, name)

    def with_kind(self, kind: Kind) -> Registry:
        """A registry with one more kind (or ``kind`` in place of the one of its name)."""
        kept = tuple(k for k in self.kinds if k.name != kind.name)
        return Registry((*kept, kind))


def _sources() -> Link:
    return Link(
        "sources/*", "source", Text("资料出处", "sources"), Text("引用它的条目", "cited by")
    )


def _vocabulary(
    name: str, zh: str, en: str, plural: str, list_key: str, named_by: str | None
) -> Kind:
    """A list in ``training-system.yaml`` (principles, categories, stages…): entries with
    sources, which modules name by ``named_by``."""
    return Kind(
        name,
        Text(zh, en),
        plural=plural,
        within="training-system",
        list_key=list_key,
        links=(_sources(),),
        named_by=named_by,
    )


def _cites(path: str = "cites/*/regulation", name: str = "cites") -> Link:
    return Link(
        path, "regulation", Text("引用法规", "cites"), Text("引用它", "cited by"), name=name
    )


KINDS = Registry(
    (
        Kind(
            "settings",
            Text("手册设置", "settings"),
            schema="handbook.schema.json",
            filename="handbook.yaml",
            id_key=None,
            singleton="handbook",
            required=True,
            links=(
                Link(
                    "training/min_hours_per_year/~",
                    "tier",
                    Text("学时要求的层级", "hours rule for tier"),
                    Text("学时要求", "hours rule"),
                    name="min_hours_per_year",
                ),
                Link(
                    "training/role_min_hours/~",
                    "role",
                    Text("学时要求的岗位", "hours rule for role"),
                    Text("学时要求", "hours rule"),
                    name="role_min_hours",
                ),
                Link(
                    "approver",
                    "role",
                    Text("手册批准人", "handbook approver"),
                    Text("批准手册", "approves the handbook"),
                ),
                Link(
                    "codeowners/reviewers/~",
                    "role",
                    Text("评审人所代表的岗位", "reviewers for role"),
                    Text("评审人", "reviewers"),
                    name="codeowners",
                ),
                Link(
                    "codeowners/paths/*",
                    "role",
                    Text("评审文件夹的岗位", "reviews folder"),
                    Text("评审的文件夹", "folder reviewed"),
                    name="codeowners",
                ),
            ),
            page="index.md",
        ),
        Kind(
            "service-level",
            Text("服务等级", "service level"),
            plural="service_levels",
            within="settings",
            list_key="service_levels",
            page="standards/index.md",
        ),
        Kind(
            "tier",
            Text("层级", "tier"),
            plural="tiers",
            schema="tiers.schema.json",
            filename="tiers.yaml",
            list_key="tiers",
            required=True,
            links=(
                Link("owner", "role", Text("负责岗位", "owner"), Text("负责的层级", "owns tier")),
            ),
            page="organisation.md",
        ),
        Kind(
            "role",
            Text("岗位", "role"),
            plural="roles",
            schema="role.schema.json",
            folder="roles",
            links=(
                Link("tier", "tier", Text("所属层级", "tier"), Text("本层级岗位", "role in tier")),
                Link(
                    "reports_to",
                    "role",
                    Text("上级", "reports to"),
                    Text("直接下级", "direct report"),
                    inverse_key="direct_reports",
                ),
                Link(
                    "certificates/*/certificate",
                    "certificate",
                    Text("证书", "certificate"),
                    Text("要求此证书的岗位", "required by"),
                    inverse_key="required_by",
                ),
                Link(
                    "certificates/*/specialty",
                    "specialty",
                    Text("专业方向", "specialty"),
                    Text("适用的持证要求", "certificate requirement"),
                    name="specialty",
                ),
                Link(
                    "certificates/*/condition",
                    "condition",
                    Text("持证条件", "certificate condition"),
                    Text("以它为持证条件的岗位", "certificate required of holders by"),
                    name="condition",
                ),
                Link(
                    "conditions/*/condition",
                    "condition",
                    Text("部分人员的任务", "task of some holders"),
                    Text("有此任务的岗位", "post with this task"),
                    name="conditions",
                ),
                Link(
                    "conditions/*/specialty",
                    "specialty",
                    Text("专业方向", "specialty"),
                    Text("任务条件", "condition"),
                    name="specialty",
                ),
            ),
            page="roles/{id}.md",
        ),
        Kind(
            "specialty",
            Text("专业方向", "specialty"),
            within="role",
            list_key="specialties",
            scoped=True,
        ),
        Kind(
            "duty",
            Text("职责", "duty"),
            plural="duties",
            within="role",
            list_key="duties",
            links=(
                Link(
                    "specialty",
                    "specialty",
                    Text("专业方向", "specialty"),
                    Text("本专业的职责", "duty of specialty"),
                ),
                Link(
                    "condition",
                    "condition",
                    Text("任务条件", "condition"),
                    Text("只由满足条件的人员承担的职责", "duty of holders"),
                ),
                _cites(),
                _sources(),
            ),
        ),
        Kind(
            "area",
            Text("标准领域", "standards area"),
            plural="areas",
            schema="standards.schema.json",
            folder="standards",
            id_key="area",
            page="standards/{id}.md",
        ),
        Kind(
            "standard",
            Text("服务标准", "standard"),
            plural="standards",
            within="area",
            list_key="standards",
            links=(
                Link(
                    "responsible",
                    "role",
                    Text("负责岗位", "responsible role"),
                    Text("负责的服务标准", "responsible for"),
                ),
                Link(
                    "measures/*",
                    "duty",
                    Text("衡量职责", "measures"),
                    Text("衡量它的服务标准", "measured by"),
                    inverse_key="measured_by",
                ),
                Link(
                    "targets/~",
                    "service-level",
                    Text("服务等级", "service level"),
                    Text("使用此等级的标准", "used by standard"),
                ),
                Link(
                    "floors/*/regulation",
                    "regulation",
                    Text("法定底线依据", "statutory floor"),
                    Text("以它为底线的服务标准", "floor of standard"),
                    name="floors",
                ),
                _cites(),
                _sources(),
                Link(
                    "targets/*/sources/*",
                    "source",
                    Text("资料出处", "sources"),
                    Text("引用它的条目", "cited by"),
                    name="sources",
                ),
            ),
        ),
        Kind(
            "module",
            Text("培训模块", "training module"),
            plural="modules",
            schema="module.schema.json",
            folder="training",
            links=(
                Link(
                    "audience/roles/*",
                    "role",
                    Text("受训对象（岗位）", "audience (role)"),
                    Text("必修模块", "module taken"),
                    name="audience",
                ),
                Link(
                    "audience/specialties/*",
                    "specialty",
                    Text("受训对象（专业方向）", "audience (specialty)"),
                    Text("必修模块", "module taken"),
                    name="audience",
                    qualified=True,
                ),
                Link(
                    "audience/conditions/*",
                    "condition",
                    Text("受训对象（条件）", "audience (condition)"),
                    Text("满足条件者的模块", "module for holders"),
                    name="audience",
                ),
                Link(
                    "prerequisites/*",
                    "module",
                    Text("先修模块", "prerequisite"),
                    Text("以它为先修的模块", "prerequisite of"),
                ),
                Link(
                    "covers/*",
                    "duty",
                    Text("覆盖职责", "covers"),
                    Text("覆盖它的培训模块", "covered by"),
                    inverse_key="covered_by",
                ),
                Link(
                    "certificates/*",
                    "certificate",
                    Text("准备的证书", "prepares for"),
                    Text("为它做准备的模块", "prepared by"),
                    inverse_key="prepared_by",
                ),
                Link(
                    "regulations/*",
                    "regulation",
                    Text("讲授法规", "teaches"),
                    Text("讲授它的模块", "taught by"),
                ),
                _sources(),
            ),
            page="training/{id}.md",
        ),
        Kind(
            "training-system",
            Text("培训体系", "training system"),
            schema="training-system.schema.json",
            filename="training-system.yaml",
            id_key=None,
            singleton="training-system",
            links=(_sources(),),
            page="training/{id}.md",
            text_keys=("summary",),
        ),
        _vocabulary(
            "training-principle",
            "培训原则",
            "training principle",
            "training_principles",
            "principles",
            None,
        ),
        _vocabulary(
            "training-category",
            "培训类别",
            "training category",
            "training_categories",
            "categories",
            "category",
        ),
        _vocabulary(
            "training-stage", "培训阶段", "training stage", "training_stages", "stages", "stages"
        ),
        _vocabulary(
            "delivery-method",
            "培训方式",
            "delivery method",
            "delivery_methods",
            "delivery_methods",
            "delivery",
        ),
        _vocabulary(
            "assessment-level",
            "考核层级",
            "assessment level",
            "assessment_levels",
            "assessment_levels",
            None,
        ),
        Kind(
            "regulation",
            Text("法规", "regulation"),
            plural="regulations",
            schema="regulations.schema.json",
            filename="regulations.yaml",
            list_key="regulations",
            required=True,
            links=(_sources(),),
            page="regulations.md",
        ),
        Kind(
            "certificate",
            Text("证书", "certificate"),
            plural="certificates",
            schema="certificates.schema.json",
            filename="certificates.yaml",
            list_key="certificates",
            required=True,
            links=(
                Link(
                    "basis/*/regulation",
                    "regulation",
                    Text("法律依据", "legal basis"),
                    Text("以它为依据的证书", "basis of"),
                    name="basis",
                ),
                _sources(),
            ),
            page="certificates.md",
        ),
        Kind(
            "condition",
            Text("任务条件", "condition"),
            plural="conditions",
            schema="conditions.schema.json",
            filename="conditions.yaml",
            list_key="conditions",
            links=(_cites(), _sources()),
            page="training/index.md",
        ),
        Kind(
            "source",
            Text("资料出处", "source"),
            plural="sources",
            schema="sources.schema.json",
            filename="sources.yaml",
            list_key="sources",
            page="sources.md",
        ),
        Kind(
            "waiver",
            Text("豁免", "waiver"),
            plural="waivers",
            schema="waivers.schema.json",
            filename="waivers.yaml",
            list_key="waivers",
            id_key=None,
            key=("rule", "target"),
            links=(
                Link(
                    "approved_by",
                    "role",
                    Text("批准岗位", "approved by"),
                    Text("批准的豁免", "approved waiver"),
                ),
            ),
            page="waivers.md",
            text_keys=("reason",),
        ),
    )
)
"""The kinds of the handbook."""


# What a policy field is called where people read about a change to it (the change log, the
# pull-request comment): editors know it by its key, staff and reviewers by its name. Every key
# the schemas define has one (tests/test_field_labels.py).
FIELD_LABELS: dict[str, Text] = {
    "about": Text("支持的事实", "What it supports"),
    "adopted": Text("通过日期", "Adopted"),
    "approved_by": Text("批准岗位", "Approved by"),
    "approver": Text("手册批准人", "Approver"),
    "area": Text("领域", "Area"),
    "article": Text("条款", "Article"),
    "articles": Text("相关条款", "Articles"),
    "assessment": Text("考核方式", "Assessment"),
    "assessment_levels": Text("考核层级", "Assessment levels"),
    "audience": Text("培训对象", "Audience"),
    "authority": Text("发证机关", "Authority"),
    "backs": Text("可支持的状态", "Can back"),
    "basis": Text("法律依据", "Legal basis"),
    "categories": Text("培训类别", "Categories"),
    "category": Text("培训类别", "Category"),
    "certificate": Text("证书", "Certificate"),
    "certificates": Text("证书", "Certificates"),
    "certification_hours": Text("取证学时是否计入", "Certification hours"),
    "cites": Text("引用法规", "Cites"),
    "codeowners": Text("评审分工", "Code owners"),
    "condition": Text("适用条件", "Condition"),
    "conditions": Text("适用条件", "Conditions"),
    "covers": Text("覆盖的职责", "Duties covered"),
    "dates": Text("日期", "Dates"),
    "delivery": Text("培训方式", "Delivery"),
    "delivery_methods": Text("培训方式", "Delivery methods"),
    "duties": Text("岗位职责", "Duties"),
    "effective": Text("施行日期", "In force from"),
    "en": Text("英文", "English"),
    "every_months": Text("间隔月数", "Every (months)"),
    "exam": Text("考试", "Exam"),
    "expires": Text("到期日", "Expires"),
    "floors": Text("法定底线", "Statutory floors"),
    "frequency": Text("检查频次", "Frequency"),
    "grade": Text("资料等级", "Grade"),
    "grade_note": Text("等级说明", "Grade note"),
    "grades": Text("资料等级", "Grades"),
    "hours": Text("学时", "Hours"),
    "id": Text("编号", "Id"),
    "instrument": Text("衡量工具", "Instrument"),
    "issuer": Text("发布机关", "Issuer"),
    "kind": Text("类别", "Kind"),
    "languages": Text("语言", "Languages"),
    "last_reviewed": Text("上次复核", "Last reviewed"),
    "level": Text("层级", "Level"),
    "levels": Text("评估层级", "Levels"),
    "max_months": Text("最长月数", "Longest (months)"),
    "measures": Text("衡量的职责", "Duties measured"),
    "method": Text("方式", "Method"),
    "metric": Text("衡量标准", "Metric"),
    "min_hours_per_year": Text("每年最少学时", "Yearly minimum hours"),
    "minutes": Text("分钟数", "Minutes"),
    "missing": Text("未写目标时", "Where no target is given"),
    "name": Text("名称", "Name"),
    "new_hires": Text("全体新员工", "New hires"),
    "note": Text("说明", "Note"),
    "number": Text("文号", "Number"),
    "obtain_within_months": Text("取证期限（月）", "Obtain within (months)"),
    "op": Text("比较方式", "Comparison"),
    "organisation": Text("公司名称", "Organisation"),
    "outcomes": Text("学习成果", "Outcomes"),
    "outline": Text("课程大纲", "Outline"),
    "owner": Text("负责岗位", "Owner"),
    "part": Text("部分", "Part"),
    "paths": Text("文件夹", "Folders"),
    "prerequisites": Text("先修模块", "Prerequisites"),
    "principles": Text("培训原则", "Principles"),
    "print": Text("打印设置", "Printing"),
    "promulgated": Text("公布日期", "Promulgated"),
    "provenance": Text("资料等级设置", "Provenance"),
    "rank": Text("层级高低", "Rank"),
    "reason": Text("理由", "Reason"),
    "refresh": Text("复训", "Refresher"),
    "regulation": Text("法规", "Regulation"),
    "regulations": Text("法规", "Regulations"),
    "reports_to": Text("直接上级", "Reports to"),
    "responsible": Text("负责岗位", "Responsible"),
    "review": Text("复核信息", "Review"),
    "review_months": Text("复审周期（月）", "Review cycle (months)"),
    "reviewers": Text("评审人", "Reviewers"),
    "revised": Text("修订日期", "Revised"),
    "role_min_hours": Text("岗位最少学时", "Per-role minimum hours"),
    "roles": Text("岗位", "Roles"),
    "rule": Text("规则", "Rule"),
    "rules": Text("规则设置", "Rules"),
    "scope": Text("适用范围", "Scope"),
    "service_levels": Text("服务等级", "Service levels"),
    "sources": Text("来源", "Sources"),
    "specialties": Text("专业方向", "Specialties"),
    "specialty": Text("专业方向", "Specialty"),
    "stages": Text("培训阶段", "Stages"),
    "standards": Text("服务标准", "Standards"),
    "status": Text("核实状态", "Status"),
    "summary": Text("概述", "Summary"),
    "target": Text("豁免对象", "Target"),
    "targets": Text("各等级目标", "Targets"),
    "text": Text("内容", "Text"),
    "tier": Text("层级", "Tier"),
    "tiers": Text("层级", "Tiers"),
    "title": Text("标题", "Title"),
    "training": Text("培训学时要求", "Training hours"),
    "unit": Text("单位", "Unit"),
    "urls": Text("网址", "Addresses"),
    "validity_months": Text("有效期（月）", "Validity (months)"),
    "value": Text("数值", "Value"),
    "version": Text("版本", "Version"),
    "volume_roles": Text("分册岗位数", "Roles per volume"),
    "waivers": Text("豁免", "Waivers"),
    "zh": Text("中文", "Chinese"),
}
"""The name of each field of the policy files, by its YAML key."""
