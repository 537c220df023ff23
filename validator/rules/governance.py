"""Governance rules: translations are complete and every file is reviewed on time."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date, timedelta

from validator.findings import Ref, Severity, Text, pointer_of, trail_parts
from validator.model import Handbook
from validator.rules.registry import Problem, rule


@rule("translation-complete", Severity.WARNING, partial=True)
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
    # A blank en (nothing, or only spaces) shows readers nothing, exactly like a missing one,
    # so the two are one finding; a blank zh is refused by the schema.
    for path, found in handbook.surveys.items():
        for trail in found.untranslated:
            yield Problem(
                Ref(path, pointer_of(trail_parts(trail))),
                Text("这段文字缺少英文（en 没写或是空的）。", "This text has no English (en)."),
                Text("在 zh: 下面写上 en: 和英文。", "Write en: with the English below zh:."),
            )


def add_months(day: date, months: int) -> date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day).

    A result after the year 9999, which the calendar cannot hold, is :data:`date.max`: a date
    that far away is never due, and ``review-in-future`` reports how it was written.
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if year > date.max.year:
        return date.max
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@rule("review-due", Severity.WARNING, partial=True)
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


_TIME_ZONES = timedelta(days=1)
"""How far ahead of the checking machine's date an editor's today can be."""


@rule("review-in-future", Severity.ERROR, partial=True)
def review_in_future(handbook: Handbook) -> Iterator[Problem]:
    """复核日期不能晚于今天。
    A review date is not in the future.

    `last_reviewed` 写的是已经做过的复核，所以不可能晚于今天。写成将来的日期（通常是年份打错，
    例如把 2026 写成 2062）会让 `review-due` 几十年都不提醒，所以这是错误而不是警告：
    它悄悄关掉了另一项检查。“今天”与 `review-due` 相同（`--today` 可以固定），并留一天余量：
    北京时间比 CI 机器常用的 UTC 早 8 小时，早上写下的当天日期在 CI 看来还是明天。

    `last_reviewed` records a review that has happened, so it cannot be after today. A future
    date (usually a mistyped year) would silence `review-due` for decades, which is why this is
    an error rather than a warning: it quietly switches another check off. "Today" is the same
    as for `review-due` (`--today` fixes it), with a day's grace: Beijing is 8 hours ahead of the
    UTC clock of most CI machines, so a date written there in the morning is tomorrow on CI.

    **怎么改 / Fix:** 把 `last_reviewed` 改成真正复核的日期。
    Set `last_reviewed` to the date the review really happened.
    """
    for path, document in handbook.documents.items():
        review = document.data.get("review") if isinstance(document.data, dict) else None
        if not review:
            continue
        reviewed = date.fromisoformat(review["last_reviewed"])
        if reviewed > handbook.today + _TIME_ZONES:
            yield Problem(
                Ref(path, "/review/last_reviewed"),
                Text(
                    f"复核日期 {reviewed.isoformat()} 晚于今天（{handbook.today.isoformat()}）。",
                    f"The review date {reviewed.isoformat()} is after today "
                    f"({handbook.today.isoformat()}).",
                ),
                Text(
                    "把 last_reviewed 改成真正复核的日期（检查年份是否打错）。",
                    "Set last_reviewed to the date of the review (check the year for a typo).",
                ),
            )
