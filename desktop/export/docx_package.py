"""Our own base Word document: the package parts around ``document.xml``.

Styles, settings and the font table are written from scratch for an A4,
zh-CN official document, so nothing of python-docx's default template (US
Letter, Japanese theme fonts, a theme part whose fonts override ours) is left.
Every number comes from ``desktop.official``.
"""

from __future__ import annotations

import datetime as _dt
import zipfile
from dataclasses import dataclass
from pathlib import Path

from desktop import __version__
from desktop import official as gb
from desktop.export.docx_xml import NS_DECL, XML_HEAD, esc, half_points, ppr, rfonts, rpr, spacing_auto, \
    spacing_exact, twips

# --- page geometry in twips (all derived from official) ------------------------
PAGE_W = gb.mm_to_twips(gb.PAGE_W_MM)  # 11906
PAGE_H = gb.mm_to_twips(gb.PAGE_H_MM)  # 16838
TEXT_W = gb.mm_to_twips(gb.TYPE_W_MM)  # 8844: 156 mm
TEXT_H = gb.mm_to_twips(gb.TYPE_H_MM)  # 12756: 225 mm
MARGIN_TOP = gb.mm_to_twips(gb.MARGIN_TOP_MM)  # 2098: 天头 37 mm
MARGIN_RIGHT = gb.mm_to_twips(gb.MARGIN_RIGHT_MM)  # 1474: 26 mm
# Left and bottom are what remains, so the type area is exactly 156 x 225 mm in twips.
MARGIN_LEFT = PAGE_W - MARGIN_RIGHT - TEXT_W  # 1588: 订口 28 mm
MARGIN_BOTTOM = PAGE_H - MARGIN_TOP - TEXT_H  # 1984: 35 mm
LINE_PITCH = gb.LINE_PITCH_TWIPS  # 579: 22 lines fill 12756 twips

# w:charSpace is in 1/4096 pt added to the Normal style's size: 28 cells must fit
# into the text width Word sees (8844 twips), so round down.
CHAR_SPACE = int((TEXT_W / gb.TWIPS_PER_PT / gb.CHARS_PER_LINE - gb.BODY_SIZE) * 4096 // 1)  # -849
CHAR_PITCH = TEXT_W / gb.CHARS_PER_LINE  # twips per grid cell (15.79 pt)

# Footer distance is measured from the paper edge to the footer line's bottom.
# The page number's dash (the em-box centre of a 4号 line with single spacing)
# must sit PAGE_NUMBER_GAP_MM below the type area.
FOOTER_DISTANCE = (gb.mm_to_twips(gb.MARGIN_BOTTOM_MM - gb.PAGE_NUMBER_GAP_MM)
                   - twips(gb.PAGE_NUMBER_SIZE / 2))  # 1447 (25.5 mm)
HEADER_DISTANCE = gb.mm_to_twips(15)  # no header text; only has to stay above the type area

# Stock-Windows names Word and LibreOffice can fall back to (w:altName).
_ENGLISH = {"仿宋": "FangSong", "黑体": "SimHei", "楷体": "KaiTi", "宋体": "SimSun"}
# (family, pitch) per role as Windows reports them for the stock fonts.
_FAMILY = {gb.FANGSONG: ("modern", "fixed"), gb.HEITI: ("modern", "fixed"), gb.KAITI: ("modern", "fixed"),
           gb.SONGTI: ("auto", "variable"), gb.XIAOBIAOSONG: ("auto", "variable")}

CONTENT_TYPES_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


@dataclass(frozen=True)
class Fonts:
    """Font names by role for one preset, and the fallback of each name."""

    fs: str
    ht: str
    kt: str
    xbs: str
    ss: str
    fallbacks: dict[str, str]

    @classmethod
    def of(cls, preset_id: str) -> "Fonts":
        preset = gb.FONT_PRESETS.get(preset_id) or gb.FONT_PRESETS[gb.DEFAULT_FONT_PRESET]
        n = preset.names
        alt = {}
        for role, name in n.items():
            alt[name] = preset.fallbacks.get(role) or _ENGLISH.get(name, "")
        return cls(n[gb.FANGSONG], n[gb.HEITI], n[gb.KAITI], n[gb.XIAOBIAOSONG], n[gb.SONGTI], alt)

    def role(self, role: str) -> str:
        return {gb.FANGSONG: self.fs, gb.HEITI: self.ht, gb.KAITI: self.kt,
                gb.XIAOBIAOSONG: self.xbs, gb.SONGTI: self.ss}.get(role, self.fs)

    def by_role(self) -> list[tuple[str, str]]:
        return [(r, self.role(r)) for r in gb.ROLES]


def section_properties(footers: tuple[str, str], *, start_even: bool = False) -> str:
    """w:sectPr for an A4 portrait section on the 22 x 28 grid.

    ``footers`` are the relationship ids of the odd (default) and even footers.
    """
    odd, even = footers
    return (
        "<w:sectPr>"
        f'<w:footerReference w:type="default" r:id="{odd}"/>'
        f'<w:footerReference w:type="even" r:id="{even}"/>'
        + ('<w:type w:val="evenPage"/>' if start_even else "")
        + f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        f'<w:pgMar w:top="{MARGIN_TOP}" w:right="{MARGIN_RIGHT}" w:bottom="{MARGIN_BOTTOM}" '
        f'w:left="{MARGIN_LEFT}" w:header="{HEADER_DISTANCE}" w:footer="{FOOTER_DISTANCE}" w:gutter="0"/>'
        '<w:cols w:space="425"/>'
        f'<w:docGrid w:type="linesAndChars" w:linePitch="{LINE_PITCH}" w:charSpace="{CHAR_SPACE}"/>'
        "</w:sectPr>"
    )


def _lang() -> str:
    return '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>'


def styles_xml(f: Fonts) -> str:
    body = half_points(gb.BODY_SIZE)
    first2 = f'<w:ind w:firstLineChars="200" w:firstLine="{round(2 * CHAR_PITCH)}"/>'

    def style(sid: str, name: str, ppr_xml: str, rpr_xml: str, *, based: str = "Normal", nxt: str = "",
              ui: int = 0, extra: str = "") -> str:
        custom = "" if sid.startswith(("Heading", "Footer")) else ' w:customStyle="1"'
        return (f'<w:style w:type="paragraph"{custom} '
                f'w:styleId="{sid}"><w:name w:val="{esc(name)}"/><w:basedOn w:val="{based}"/>'
                + (f'<w:next w:val="{nxt}"/>' if nxt else "")
                + (f'<w:uiPriority w:val="{ui}"/>' if ui else "") + extra + "<w:qFormat/>"
                + ppr_xml + rpr_xml + "</w:style>")

    def r(font: str, size: float, color: str = "") -> str:
        return rpr(font, size, color=color)

    normal_rpr = (f"<w:rPr>{rfonts(f.fs)}<w:kern w:val=\"0\"/><w:sz w:val=\"{body}\"/>"
                  f"<w:szCs w:val=\"{body}\"/>{_lang()}</w:rPr>")
    parts = [
        XML_HEAD, f"<w:styles {NS_DECL}>",
        "<w:docDefaults><w:rPrDefault>", normal_rpr, "</w:rPrDefault>",
        '<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>',
        "</w:docDefaults>",
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        '<w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr>', normal_rpr, "</w:style>",
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>'
        "</w:style>",
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        style("GwBody", "公文正文", ppr(ind=first2), r(f.fs, gb.BODY_SIZE), nxt="GwBody", ui=1),
        style("Heading1", "heading 1", ppr(keep_next=True, ind=first2, outline=0), r(f.ht, gb.BODY_SIZE),
              nxt="GwBody", ui=9),
        style("Heading2", "heading 2", ppr(keep_next=True, ind=first2, outline=1), r(f.kt, gb.BODY_SIZE),
              nxt="GwBody", ui=9),
        style("GwTitle", "公文标题", ppr(keep_next=True, keep_lines=True, snap=False,
                                      spacing=spacing_exact(LINE_PITCH), ind='<w:ind w:firstLine="0"/>',
                                      jc="center"), r(f.xbs, gb.TITLE_SIZE), nxt="GwBody", ui=2),
        style("GwMark", "发文机关标志", ppr(snap=False, spacing=spacing_auto(), jc="center"),
              r(f.xbs, gb.ORGAN_MARK_SIZE, gb.RED_HEX), ui=3),
        style("GwHeaderLine", "版头", ppr(snap=False, spacing=spacing_exact(LINE_PITCH), jc="left"),
              r(f.fs, gb.BODY_SIZE), ui=3),
        style("GwDocNumber", "发文字号", ppr(snap=False, spacing=spacing_auto(), jc="center"),
              r(f.fs, gb.BODY_SIZE), ui=3),
        style("GwTableText", "表格文字", ppr(snap=False, spacing=spacing_auto(), jc="center"),
              r(f.fs, gb.TABLE_SIZE), ui=4),
        style("GwColophon", "版记", ppr(snap=False, spacing=spacing_exact(LINE_PITCH), jc="left"),
              r(f.fs, gb.COLOPHON_SIZE), ui=4),
        style("Footer", "footer", ppr(snap=False, spacing=spacing_auto()), r(f.ss, gb.PAGE_NUMBER_SIZE), ui=99),
        "</w:styles>",
    ]
    return "".join(parts)


def settings_xml() -> str:
    return (
        XML_HEAD + f"<w:settings {NS_DECL}>"
        '<w:zoom w:percent="100"/>'
        f'<w:defaultTabStop w:val="{round(2 * CHAR_PITCH)}"/>'
        "<w:evenAndOddHeaders/>"
        f'<w:drawingGridVerticalSpacing w:val="{LINE_PITCH}"/>'
        '<w:characterSpacingControl w:val="doNotCompress"/>'
        "<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/>"
        "<w:ulTrailSpace/><w:doNotExpandShiftReturn/><w:useFELayout/>"
        '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
        "</w:compat>"
        '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
        "</w:settings>"
    )


def font_table_xml(f: Fonts) -> str:
    seen: dict[str, str] = {}
    for role, name in f.by_role():
        seen.setdefault(name, role)
    items = []
    for name, role in seen.items():
        family, pitch = _FAMILY[role]
        alt = f.fallbacks.get(name, "")
        items.append(f'<w:font w:name="{esc(name)}">'
                     + (f'<w:altName w:val="{esc(alt)}"/>' if alt and alt != name else "")
                     + f'<w:charset w:val="86"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>')
    # Fallback names get entries too, so a reader that honours only the table finds them.
    for name, alt in f.fallbacks.items():
        if alt and alt not in seen and alt != name:
            seen[alt] = ""
            eng = _ENGLISH.get(alt, "")
            items.append(f'<w:font w:name="{esc(alt)}">' + (f'<w:altName w:val="{eng}"/>' if eng else "")
                         + '<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>')
    return XML_HEAD + f"<w:fonts {NS_DECL}>" + "".join(items) + "</w:fonts>"


def page_number_footer(f: Fonts, odd: bool) -> str:
    """"— N —" in 4号宋体: odd pages right, even pages left, one character in."""
    props = rpr(f.ss, gb.PAGE_NUMBER_SIZE, snap=False)
    gap = twips(gb.PAGE_NUMBER_SIZE)  # one 4号 character
    ind = f'<w:ind w:right="{gap}"/>' if odd else f'<w:ind w:left="{gap}"/>'
    p = ppr(style="Footer", snap=False, spacing=spacing_auto(), ind=ind, jc="right" if odd else "left")
    runs = (f'<w:r>{props}<w:t xml:space="preserve">— </w:t></w:r>'
            f'<w:r>{props}<w:fldChar w:fldCharType="begin"/></w:r>'
            f'<w:r>{props}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
            f'<w:r>{props}<w:fldChar w:fldCharType="separate"/></w:r>'
            f"<w:r>{props}<w:t>1</w:t></w:r>"
            f'<w:r>{props}<w:fldChar w:fldCharType="end"/></w:r>'
            f'<w:r>{props}<w:t xml:space="preserve"> —</w:t></w:r>')
    return XML_HEAD + f"<w:ftr {NS_DECL}><w:p>{p}{runs}</w:p></w:ftr>"


def empty_footer(f: Fonts) -> str:
    p = ppr(style="Footer", snap=False, mark_rpr=rpr(f.ss, gb.PAGE_NUMBER_SIZE))
    return XML_HEAD + f"<w:ftr {NS_DECL}><w:p>{p}</w:p></w:ftr>"


# Footer relationship ids used by document.xml.
FOOTER_ODD, FOOTER_EVEN, FOOTER_NONE = "rId4", "rId5", "rId6"


def _content_types() -> str:
    return (XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{CONTENT_TYPES_MAIN}"/>'
            f'<Override PartName="/word/styles.xml" ContentType="{_WML}.styles+xml"/>'
            f'<Override PartName="/word/settings.xml" ContentType="{_WML}.settings+xml"/>'
            f'<Override PartName="/word/fontTable.xml" ContentType="{_WML}.fontTable+xml"/>'
            + "".join(f'<Override PartName="/word/footer{i}.xml" ContentType="{_WML}.footer+xml"/>'
                      for i in (1, 2, 3))
            + '<Override PartName="/docProps/core.xml" '
            'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
            '<Override PartName="/docProps/app.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
            "</Types>")


def _package_rels() -> str:
    return (XML_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/'
            'metadata/core-properties" Target="docProps/core.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/extended-properties" Target="docProps/app.xml"/>'
            "</Relationships>")


def _document_rels() -> str:
    return (XML_HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId2" Type="{_REL}/settings" Target="settings.xml"/>'
            f'<Relationship Id="rId3" Type="{_REL}/fontTable" Target="fontTable.xml"/>'
            f'<Relationship Id="{FOOTER_ODD}" Type="{_REL}/footer" Target="footer1.xml"/>'
            f'<Relationship Id="{FOOTER_EVEN}" Type="{_REL}/footer" Target="footer2.xml"/>'
            f'<Relationship Id="{FOOTER_NONE}" Type="{_REL}/footer" Target="footer3.xml"/>'
            "</Relationships>")


def _core(title: str, author: str, subject: str) -> str:
    now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (XML_HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
            'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{esc(title)}</dc:title><dc:subject>{esc(subject)}</dc:subject>"
            f"<dc:creator>{esc(author)}</dc:creator><cp:lastModifiedBy>{esc(author)}</cp:lastModifiedBy>"
            '<dc:language>zh-CN</dc:language>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
            "</cp:coreProperties>")


def _app() -> str:
    return (XML_HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>好网民工程实施方案起草助手 {esc(__version__)}</Application><DocSecurity>0</DocSecurity>"
            "</Properties>")


def write_package(dest: Path, document_xml: str, fonts: Fonts, *, title: str, author: str, subject: str) -> None:
    """Write the complete .docx to ``dest`` (a path the caller made atomic)."""
    parts = [
        ("[Content_Types].xml", _content_types()),
        ("_rels/.rels", _package_rels()),
        ("docProps/core.xml", _core(title, author, subject)),
        ("docProps/app.xml", _app()),
        ("word/document.xml", document_xml),
        ("word/_rels/document.xml.rels", _document_rels()),
        ("word/styles.xml", styles_xml(fonts)),
        ("word/settings.xml", settings_xml()),
        ("word/fontTable.xml", font_table_xml(fonts)),
        ("word/footer1.xml", page_number_footer(fonts, odd=True)),
        ("word/footer2.xml", page_number_footer(fonts, odd=False)),
        ("word/footer3.xml", empty_footer(fonts)),
    ]
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
