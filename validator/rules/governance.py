"""Governance rules: translations are complete and every file is reviewed on time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from validator.findings import Ref, Severity, Text, pointer_of
from validator.model import Handbook
from validator.rules.registry import Problem, rule


@rule("translation-complete", Severity.WARNING)
def translation_complete(handbook: Handbook) -> Iterator[Problem]:
    """手册列出英文时，读者看到的每段文字都有英文。
    Every text a reader sees has its English form when the handbook lists English.

    `handbook.yaml` 的 `languages:` 包含 `en` 时，每个 `{zh: …, en: …}` 都应当填写 `en`。
    没写 `en`、`en:` 后面留空、或只写了空格，都算缺少英文，报告同一个警告：翻译可以晚一点补上，
    不会挡住合并。`zh` 则是必填的：留空或只有空格是错误（由 schema 检查）。

    When `languages:` in `handbook.yaml` includes `en`, every `{zh, en}` text should have its
    `en`. A missing `en`, an `en:` left blank and one holding only spaces are the same thing to
    a reader and give the same warning: a translation may follow later without blocking a
    merge. `zh` is required: blank or spaces only is an error (from the schema).

    **怎么改 / Fix:** 在消息指出的位置加上 `en: …`。Add `en: …` where the message points.
    """
    if "en" not in (handbook.settings.get("languages") or []):
        return
    for path, document in handbook.documents.items():
        for pointer in _texts_without_english(document.data, []):
            yield Problem(
                Ref(path, pointer),
                Text("这段文字缺少英文（en 没写或是空的）。", "This text has no English (en)."),
                Text("在 zh: 下面写上 en: 和英文。", "Write en: with the English below zh:."),
            )


def _texts_without_english(value: Any, path: list[str | int]) -> Iterator[str]:
    # The path is a shared list, joined into a pointer only for the rare text that is reported.
    if isinstance(value, dict):
        if "zh" in value and value.keys() <= _TEXT_KEYS:
            # A blank en (nothing, or only spaces) shows readers nothing, exactly like a missing
            # one, so the two are one finding; a blank zh is refused by the schema.
            if not str(value.get("en") or "").strip():
                yield pointer_of(path)
            return
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                path.append(key)
                yield from _texts_without_english(item, path)
                path.pop()
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (dict, list)):
                path.append(index)
                yield from _texts_without_english(item, path)
                path.pop()


_TEXT_KEYS = frozenset({"zh", "en"})


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(f"cannot add {months} months to {day}")  # pragma: no cover


@rule("review-due", Severity.WARNING)
def review_due(handbook: Handbook) -> Iterator[Problem]:
    """每个政策文件按期复核。
    Each policy file is reviewed on time.

    每个文件末尾的 `review:` 写明上次复核日期 `last_reviewed` 和复核周期 `every_months`。
    上次复核日期加上周期早于今天时报告（`handbook check --today YYYY-MM-DD` 可以固定“今天”）。
    没有 `review:` 的文件也会报告。

    Each file ends with `review:` giving `last_reviewed` and `every_months`; a review date plus
    its interval in the past is reported (`--today` fixes the date), as is a file without one.

    **怎么改 / Fix:** 复核文件内容，然后把 `last_reviewed` 改成复核的日期。
    Review the content, then set `last_reviewed` to the date of the review.
    """
    today = handbook.today
    for path, document in handbook.documents.items():
        review = document.data.get("review") if isinstance(document.data, dict) else None
        if not review:
            yield Problem(
                Ref(path),
                Text(
                    "这个文件没有复核记录（review:）。", "This file has no review record (review:)."
                ),
                Text(
                    "在文件末尾加上 review: 及 last_reviewed 和 every_months。",
                    "Add review: with last_reviewed and every_months at the end of the file.",
                ),
            )
            continue
        due = add_months(date.fromisoformat(review["last_reviewed"]), int(review["every_months"]))
        if due < today:
            yield Problem(
                Ref(path, "/review/last_reviewed"),
                Text(
                    f"复核已过期：上次复核 {review['last_reviewed']}，"
                    f"应在 {due.isoformat()} 前再次复核。",
                    f"The review is overdue: last reviewed {review['last_reviewed']}, due by "
                    f"{due.isoformat()}.",
                ),
                Text(
                    "复核内容后，把 last_reviewed 改成复核日期。",
                    "Review the content, then set last_reviewed to the review date.",
                ),
            )
