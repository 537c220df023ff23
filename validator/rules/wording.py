"""Names of things as messages say them, in Chinese and English."""

from __future__ import annotations

from validator.findings import Text

KIND_NAMES: dict[str, Text] = {
    "tier": Text("层级", "tier"),
    "role": Text("岗位", "role"),
    "duty": Text("职责", "duty"),
    "module": Text("培训模块", "training module"),
    "standard": Text("服务标准", "standard"),
    "regulation": Text("法规", "regulation"),
    "certificate": Text("证书", "certificate"),
    "service-level": Text("服务等级", "service level"),
    "specialty": Text("专业方向", "specialty"),
    "area": Text("标准领域", "standards area"),
    "settings": Text("手册设置", "settings"),
    "source": Text("资料出处", "source"),
}


def kind_name(kind: str) -> Text:
    """How messages call a kind of entity."""
    return KIND_NAMES.get(kind, Text(kind, kind))
