"""Outcome codes (办理结果) of contract §1.3: every closed application has exactly one.

Pure data: each code carries its legal basis, its row in report table 三 (2021 format)
and its category in the pre-2019 report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    DISCLOSED = "disclosed", _("予以公开")
    DISCLOSED_ALREADY_PUBLIC = "disclosed.already_public", _("已主动公开，告知获取方式")
    PARTIAL = "partial", _("部分公开")
    REFUSED_STATE_SECRET = "refused.state_secret", _("属于国家秘密")
    REFUSED_LAW_PROHIBITS = "refused.law_prohibits", _("其他法律行政法规禁止公开")
    REFUSED_SECURITY_STABILITY = "refused.security_stability", _("危及“三安全一稳定”")
    REFUSED_THIRD_PARTY = "refused.third_party", _("保护第三方合法权益")
    REFUSED_INTERNAL_AFFAIRS = "refused.internal_affairs", _("属于三类内部事务信息")
    REFUSED_PROCESS_INFO = "refused.process_info", _("属于四类过程性信息")
    REFUSED_ENFORCEMENT_FILE = "refused.enforcement_file", _("属于行政执法案卷")
    REFUSED_QUERY_MATTER = "refused.query_matter", _("属于行政查询事项")
    UNAVAILABLE_NOT_HELD = "unavailable.not_held", _("本机关不掌握相关政府信息")
    UNAVAILABLE_OTHER_AGENCY = (
        "unavailable.other_agency",
        _("非本机关负责，告知有权机关"),
    )
    UNAVAILABLE_NEEDS_CREATION = (
        "unavailable.needs_creation",
        _("没有现成信息需要另行制作"),
    )
    UNAVAILABLE_UNCLEAR = "unavailable.unclear", _("补正后申请内容仍不明确")
    NOT_HANDLED_PETITION = "not_handled.petition", _("信访举报投诉类申请")
    NOT_HANDLED_DUPLICATE = "not_handled.duplicate", _("重复申请")
    NOT_HANDLED_PUBLICATION = "not_handled.publication", _("要求提供公开出版物")
    NOT_HANDLED_EXCESSIVE = "not_handled.excessive", _("无正当理由大量反复申请")
    NOT_HANDLED_CONFIRMATION = (
        "not_handled.confirmation",
        _("要求行政机关确认或重新出具已获取信息"),
    )
    OTHER_NO_SUPPLEMENT = "other.no_supplement", _("逾期不补正，不再处理")
    OTHER_FEE_UNPAID = "other.fee_unpaid", _("逾期未缴纳信息处理费，不再处理")
    OTHER_WITHDRAWN = "other.withdrawn", _("申请人撤回")
    OTHER_OTHER = "other.other", _("其他")


@dataclass(frozen=True, slots=True)
class OutcomeInfo:
    code: str
    basis: str
    row: str
    legacy: str


_TABLE: Final = (
    ("disclosed", "《条例》第三十六条第（二）项", "R3.1", "agreed"),
    ("disclosed.already_public", "《条例》第三十六条第（一）项", "R3.1", "agreed"),
    ("partial", "《条例》第三十七条", "R3.2", "partly_agreed"),
    ("refused.state_secret", "《条例》第十四条", "R3.3.1", "refused"),
    ("refused.law_prohibits", "《条例》第十四条", "R3.3.2", "refused"),
    ("refused.security_stability", "《条例》第十四条", "R3.3.3", "refused"),
    ("refused.third_party", "《条例》第十五条", "R3.3.4", "refused"),
    ("refused.internal_affairs", "《条例》第十六条第一款", "R3.3.5", "refused"),
    ("refused.process_info", "《条例》第十六条第二款", "R3.3.6", "refused"),
    ("refused.enforcement_file", "《条例》第十六条第二款", "R3.3.7", "refused"),
    ("refused.query_matter", "《条例》第三十六条第（七）项", "R3.3.8", "refused"),
    ("unavailable.not_held", "《条例》第三十六条第（四）项", "R3.4.1", "not_exist"),
    (
        "unavailable.other_agency",
        "《条例》第三十六条第（五）项",
        "R3.4.1",
        "not_this_agency",
    ),
    ("unavailable.needs_creation", "《条例》第三十八条", "R3.4.2", "other"),
    ("unavailable.unclear", "《条例》第三十条", "R3.4.3", "amend"),
    ("not_handled.petition", "《条例》第三十九条第一款", "R3.5.1", "other_route"),
    ("not_handled.duplicate", "《条例》第三十六条第（六）项", "R3.5.2", "other"),
    ("not_handled.publication", "《条例》第三十九条第二款", "R3.5.3", "other_route"),
    ("not_handled.excessive", "《条例》第三十五条", "R3.5.4", "other"),
    ("not_handled.confirmation", "工作惯例", "R3.5.5", "other"),
    ("other.no_supplement", "《条例》第三十条", "R3.6.1", "other"),
    ("other.fee_unpaid", "国办函〔2020〕109号", "R3.6.2", "other"),
    ("other.withdrawn", "工作惯例", "R3.6.3", "other"),
    ("other.other", "—", "R3.6.3", "other"),
)

OUTCOMES: Final[Mapping[str, OutcomeInfo]] = MappingProxyType(
    {code: OutcomeInfo(code, basis, row, legacy) for code, basis, row, legacy in _TABLE}
)

REFUSALS: Final = frozenset(code for code in OUTCOMES if code.startswith("refused."))
# Outcomes that only the clock (or the applicant) produces, never a clerk's reply.
CLOSING_ONLY: Final = frozenset(
    {Outcome.OTHER_NO_SUPPLEMENT, Outcome.OTHER_FEE_UNPAID, Outcome.OTHER_WITHDRAWN}
)

TABLE3_ROWS: Final = (
    "R1", "R2", "R3.1", "R3.2",
    "R3.3.1", "R3.3.2", "R3.3.3", "R3.3.4", "R3.3.5", "R3.3.6", "R3.3.7", "R3.3.8",
    "R3.4.1", "R3.4.2", "R3.4.3",
    "R3.5.1", "R3.5.2", "R3.5.3", "R3.5.4", "R3.5.5",
    "R3.6.1", "R3.6.2", "R3.6.3",
    "R3.7", "R4",
)  # fmt: skip
OUTCOME_ROWS: Final = TABLE3_ROWS[2:-2]
LEGACY_CATEGORIES: Final = (
    "agreed",
    "partly_agreed",
    "refused",
    "not_this_agency",
    "not_exist",
    "amend",
    "other_route",
    "other",
)


def outcome_info(code: str) -> OutcomeInfo:
    return OUTCOMES[code]
