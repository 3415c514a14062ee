"""text_clean: free text without the characters XML (and so DOCX) cannot carry."""

import pytest

from disclosure.text import text_clean


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("第一行\x0b第二行", "第一行 第二行", id="vertical_tab_case"),
        pytest.param("甲\x00乙\x07丙\x1f丁", "甲 乙 丙 丁", id="other_c0_case"),
        pytest.param("甲\x0c乙\x7f", "甲 乙 ", id="form_feed_and_del_case"),
        pytest.param("甲\t乙\r\n丙\n", "甲\t乙\r\n丙\n", id="tab_and_newlines_kept_case"),
        pytest.param("甲\ud800乙\ufffe\uffff", "甲 乙  ", id="xml_noncharacters_case"),
        pytest.param("申请公开2025年统计（第1页）", "申请公开2025年统计（第1页）", id="clean_case"),
        pytest.param("", "", id="empty_case"),
    ],
)  # fmt: skip
def test_text_clean(value, expected):
    assert text_clean(value) == expected


def test_text_clean_keeps_the_length_and_is_idempotent():
    value = "a\x0bb\x00c\x7f"
    cleaned = text_clean(value)
    assert len(cleaned) == len(value)
    assert text_clean(cleaned) == cleaned
