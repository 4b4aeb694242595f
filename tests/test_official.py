"""desktop.official pinned with the standard's own numbers, written out here."""

from __future__ import annotations

import pytest

from desktop import official as gb

MM = 72 / 25.4


def test_units():
    assert gb.mm_to_twips(37) == 2098
    assert gb.mm_to_twips(28) == 1587
    assert gb.mm_to_twips(156) == 8844
    assert gb.mm_to_twips(225) == 12756
    assert gb.mm_to_pt(35) == pytest.approx(99.21, abs=0.01)


def test_page_and_type_area():
    assert (gb.PAGE_W_MM, gb.PAGE_H_MM) == (210, 297)
    assert (gb.MARGIN_TOP_MM, gb.MARGIN_LEFT_MM, gb.TYPE_W_MM, gb.TYPE_H_MM) == (37, 28, 156, 225)
    assert gb.MARGIN_RIGHT_MM == 26 and gb.MARGIN_BOTTOM_MM == 35


def test_the_standard_as_a_value():
    std = gb.STANDARD
    assert std.line_pitch_twips == 579 and std.line_pitch_pt == 28.95
    assert std.lines_per_page == 22 and std.chars_per_line == 28
    assert std.char_pitch_pt == pytest.approx(15.79, abs=0.005)
    assert (std.font_preset, std.seal_diameter_mm, std.signature_layout) == ("windows", 42.0, "seal")
    assert std.problems() == []
    assert (gb.LINE_PITCH_TWIPS, gb.LINES_PER_PAGE, gb.CHARS_PER_LINE) == (579, 22, 28)


@pytest.mark.parametrize("twips,lines", [(579, 22), (580, 21), (584, 21), (560, 22), (500, 25), (800, 15)])
def test_lines_follow_from_the_pitch(twips, lines):
    assert gb.Standard(line_pitch_twips=twips, exact_lines=True).lines_per_page == lines


@pytest.mark.parametrize("change,key", [
    (dict(line_pitch_twips=300), "line_spacing"),
    (dict(line_pitch_twips=1200), "line_spacing"),
    (dict(seal_diameter_mm=30), "seal_diameter_mm"),
    (dict(seal_diameter_mm=60), "seal_diameter_mm"),
    (dict(font_preset="mac"), "fonts"),
    (dict(signature_layout="stamp"), "signature_layout"),
])
def test_values_that_cannot_be_used_are_named(change, key):
    problems = gb.Standard(**change).problems()
    assert [k for k, _ in problems] == [key]
    assert all("\u4e00" <= ch <= "\u9fff" for ch in problems[0][1][:2])  # said in Chinese


def test_font_sizes():
    assert (gb.SIZE_2, gb.SIZE_3, gb.SIZE_4) == (22, 16, 14)
    assert (gb.TITLE_SIZE, gb.BODY_SIZE, gb.COLOPHON_SIZE, gb.PAGE_NUMBER_SIZE, gb.TABLE_SIZE) == (22, 16, 14, 14, 14)


def test_tracking_gives_28_characters():
    assert gb.CHAR_SPACING_TWIPS == -5 and gb.CHAR_SPACING_PT == -0.25
    assert 27 * 15.75 + 16 <= 156 * MM < 28 * 15.75 + 16


def test_lines_are_centred_in_their_grid_line():
    assert gb.em_top_in_line(16, 28.95) == pytest.approx(6.475)
    assert gb.em_top_in_line(22, 28.95) == pytest.approx(3.475)
    assert gb.em_top_in_line(16, 29.2) == pytest.approx(6.6)


def test_page_numbers():
    assert gb.page_number_text(8) == "— 8 —"
    assert gb.page_number_text(12) == "— 12 —"
    assert [gb.page_number_side(n) for n in (1, 2, 3, 8)] == ["right", "left", "right", "left"]
    # 7.5: only a blank page and the 版记 page right after it go unnumbered
    assert gb.numbered("body", False) and gb.numbered("colophon", False)
    assert not gb.numbered("blank", False) and not gb.numbered("colophon", True)
    assert gb.numbered("body", True)


@pytest.mark.parametrize("page,free,need,where", [
    (4, 5, 2, "same"), (4, 2, 2, "same"), (4, 1, 2, "blank"), (3, 10, 2, "next"), (1, 20, 2, "next"),
])
def test_colophon_placement(page, free, need, where):
    assert gb.colophon_placement(page, free, need) == where


def test_heading_fonts_and_labels():
    assert gb.HEADING_ROLES == {1: "heiti", 2: "kaiti", 3: "fangsong", 4: "fangsong"}
    assert [gb.heading_label(1, 3), gb.heading_label(2, 3), gb.heading_label(3, 3), gb.heading_label(4, 3)] == \
        ["三、", "（三）", "3.", "（3）"]
    assert [gb.chinese_number(n) for n in (1, 10, 11, 21, 105, 110)] == \
        ["一", "十", "十一", "二十一", "一百零五", "一百一十"]


def test_annex_columns_and_alignment():
    assert gb.ANNEX_COLUMNS == (("序号", 0.08, "center"), ("活动名称", 0.36, "left"), ("时间", 0.18, "center"),
                                ("牵头单位", 0.18, "left"), ("配合单位", 0.20, "left"))
    assert sum(share for _, share, _ in gb.ANNEX_COLUMNS) == pytest.approx(1.0)


def test_dates_and_lines():
    assert gb.official_date("2020-05-08") == "2020年5月8日"
    assert gb.print_date_line("2020-05-13") == "2020年5月13日印发"
    assert gb.units_line("市教育局", ["市妇联"], "2020-12-31") == \
        "（牵头单位：市教育局；配合单位：市妇联；完成时限：2020年12月31日前）"
    assert gb.join_cc(["省委网信办", "省教育厅"]) == "抄送：省委网信办，省教育厅。"
    assert gb.recipients_line("各区党委网信办") == "各区党委网信办："


def test_line_breaking_sets():
    for ch in "，。、；：？！）》」』】〕…—”’":
        assert ch in gb.LINE_START_FORBIDDEN
    for ch in "（《「『【〔“‘":
        assert ch in gb.LINE_END_FORBIDDEN
    assert not gb.LINE_START_FORBIDDEN & gb.LINE_END_FORBIDDEN


def test_autospace_between_chinese_and_western():
    assert gb.AUTOSPACE_EM == 0.2
    assert gb.autospace_after("年", "5") and gb.autospace_after("5", "月") and gb.autospace_after("H", "中")
    assert not gb.autospace_after("，", "5") and not gb.autospace_after("2", "0") and not gb.autospace_after("中", "文")
    assert gb.display_units("2020年5月18日") == pytest.approx(6.5 + 5 * 0.2)  # five script changes


def test_script_changes_and_autospace_positions_written_out():
    # 2020 and H5 are western; “ ” and spaces are weak (they take the script before them)
    assert gb.script_changes("2020年工作") == [3]
    assert gb.script_changes("开展H5作品“征集”活动") == [1, 3]
    assert gb.script_changes("“a”中") == [0, 2]  # a leading weak mark counts as East Asian; ” follows "a"
    assert gb.script_runs("中 a ") == [True, True, False, False]
    assert gb.autospace_positions("2020年5月") == [3, 4, 5]
    assert gb.autospace_positions("第1季度，2项") == [0, 1, 5]  # none next to the comma
    assert gb.autospace_positions("全角２０２０年") == []  # full-width digits get no 中西文间距
    assert gb.autospace_flags("a中") == [True, False] and gb.autospace_flags("") == []


def _reference_script_runs(text: str) -> list[bool]:
    import unicodedata

    out, current = [], True
    for ch in text:
        if ch not in "“”‘’—…· \u3000":
            current = unicodedata.east_asian_width(ch) in ("W", "F")
        out.append(current)
    return out


def test_script_and_autospace_rules_match_a_character_by_character_reading():
    import random

    alphabet = "中文字a1Zé—“” \u3000…·，。Ωж\u0301😀２①ｱ가"
    rnd = random.Random(16)
    for _ in range(5000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 14)))
        runs = _reference_script_runs(text)
        assert gb.script_runs(text) == runs, text
        assert gb.script_changes(text) == [i for i in range(len(text) - 1) if runs[i] != runs[i + 1]], text
        kinds = [gb.autospace_class(c) for c in text]
        assert gb.autospace_positions(text) == [i for i in range(len(text) - 1) if kinds[i] * kinds[i + 1] == 2]


def test_the_east_asian_shortcut_holds_only_characters_without_script_changes():
    """ALL_EAST_ASIAN lets a paragraph skip classification: every character it
    accepts must be East Asian or weak, and never the western side of 中西文间距."""
    import unicodedata

    accepted = [chr(cp) for cp in range(0x30000) if gb.ALL_EAST_ASIAN.fullmatch(chr(cp))]
    assert len(accepted) > 27000 and "中" in accepted and "，" in accepted and "a" not in accepted
    for ch in accepted:
        assert ch in "“”‘’—…· \u3000" or unicodedata.east_asian_width(ch) in ("W", "F"), hex(ord(ch))
        assert gb.autospace_class(ch) != 2, hex(ord(ch))


# --- seals (7.3.5.1) ------------------------------------------------------------------
def test_seal_room_for_the_default_42mm_seal():
    room = gb.seal_room(gb.STANDARD)
    assert room.lines_above == 2  # two blank lines under the body
    assert room.row_lines == 5  # 5 × 28.95 pt = 51 mm ≥ 42 mm + 2 mm between rows
    assert room.lines_below == 1  # the last seal reaches no further than the date's line
    assert 0 < room.centre_above <= 0.35 * 42 * MM - 28.95 / 2


def test_seal_room_grows_with_the_seal():
    big = gb.seal_room(gb.Standard(seal_diameter_mm=50))
    assert big.row_lines == 6 and big.lines_below == 2
    small = gb.seal_room(gb.Standard(seal_diameter_mm=38))
    assert small.row_lines == 4


def _centres(lines):
    out = []
    for k, line in enumerate(lines):
        for x, text in line.items:
            if line.kind == "name":
                out.append((text, x + gb.display_units(text) / 2, k))
    return out


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_signature_lines_keep_seals_apart(n):
    names = ["清远市教育局", "清远市总工会", "清远市文明办", "清远市司法局", "清远市公安局", "清远市民政局"][:n]
    lines = gb.signature_lines(names, "2020年5月18日", True)
    centres = _centres(lines)
    assert [t for t, _, _ in centres] == names
    cell_mm = 156 / 28
    for i, (a, ax, al) in enumerate(centres):
        for b, bx, bl in centres[i + 1:]:
            dist = ((ax - bx) ** 2 * cell_mm ** 2 + ((bl - al) * 28.95 / MM) ** 2) ** 0.5
            assert dist >= 44 - 1e-6, (a, b, dist)  # 42 mm seals and 2 mm between them
    date = lines[-1]
    assert date.kind == "date" and date.items[0][0] + gb.display_units("2020年5月18日") == pytest.approx(28 - 4)
    assert centres[-1][1] == pytest.approx(date.items[0][0] + gb.display_units("2020年5月18日") / 2)
    assert [ln.kind for ln in lines[:3]] == ["blank", "blank", "name"]


def test_signature_without_seal():
    # 署名 右空二字, the date starting two characters further right
    lines = gb.signature_lines(["中共清远市委网络安全和信息化委员会办公室"], "2020年5月18日", False)
    assert [ln.kind for ln in lines] == ["blank", "name", "date"]
    assert lines[1].items[0][0] == 28 - 2 - 20 and lines[2].items[0][0] == 28 - 2 - 20 + 2
    # a date longer than that room: the date 右空二字, the 署名 two characters left of it
    lines = gb.signature_lines(["清远市教育局", "清远市总工会"], "2020年5月18日", False)
    assert [ln.kind for ln in lines] == ["blank", "name", "name", "date"]
    assert lines[-1].items[0][0] == pytest.approx(28 - 2 - 7.5)
    assert lines[1].items[0][0] == lines[2].items[0][0] == pytest.approx(28 - 2 - 7.5 - 2)


def test_sealed_follows_the_draft_then_the_office():
    assert gb.sealed("seal", gb.Standard(signature_layout="no_seal"))
    assert not gb.sealed("no_seal", gb.STANDARD)
    assert gb.sealed("", gb.STANDARD) and not gb.sealed("", gb.Standard(signature_layout="no_seal"))
