"""Build resources/base.docx, the document every Word export starts from.

    python scripts/make_base_docx.py            # rewrites resources/base.docx
    python scripts/make_base_docx.py OUT.docx   # writes elsewhere (tests compare)

python-docx's own default document is US Letter with Japanese theme fonts;
ours is an empty A4 zh-CN document with no theme part, the styles of an
official document, the line-breaking policy of desktop.official and a font
table naming every font of both presets (with the stock-Windows names as
fallbacks). The export opens it with ``docx.Document`` and adds everything
else through python-docx. The output is byte-identical for identical input.
"""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop import official as gb  # noqa: E402

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = f'xmlns:w="{W}" xmlns:r="{R}"'
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OUT = ROOT / "resources" / "base.docx"

DEFAULT = gb.FONT_PRESETS[gb.DEFAULT_FONT_PRESET].names
LINE = gb.LINE_PITCH_TWIPS
TEXT_W = gb.mm_to_twips(gb.TYPE_W_MM)
CELL = TEXT_W / gb.CHARS_PER_LINE  # twips of one 3号 cell of the 28-cell measure


def attr(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def rfonts(name: str) -> str:
    n = attr(name)
    return f'<w:rFonts w:ascii="{n}" w:hAnsi="{n}" w:eastAsia="{n}" w:cs="{n}" w:hint="eastAsia"/>'


def rpr(font: str, size: float, *, color: str = "", tracking: int = 0, snap: bool = True) -> str:
    hp = round(size * 2)
    return ("<w:rPr>" + rfonts(font) + ('<w:snapToGrid w:val="0"/>' if not snap else "")
            + (f'<w:color w:val="{color}"/>' if color else "") + f'<w:spacing w:val="{tracking}"/>'
            + '<w:kern w:val="0"/>' + f'<w:sz w:val="{hp}"/><w:szCs w:val="{hp}"/>'
            + '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr>')


def exact(line: int) -> str:
    return f'<w:spacing w:before="0" w:after="0" w:line="{line}" w:lineRule="exact"/>'


SINGLE = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'
FIRST_TWO = f'<w:ind w:firstLineChars="200" w:firstLine="{round(2 * CELL)}"/>'
NO_INDENT = '<w:ind w:firstLineChars="0" w:firstLine="0"/>'


def style(sid: str, name: str, ppr: str, run: str, *, builtin: bool = False, nxt: str = "", ui: int = 0) -> str:
    custom = "" if builtin else ' w:customStyle="1"'
    return (f'<w:style w:type="paragraph"{custom} w:styleId="{sid}"><w:name w:val="{attr(name)}"/>'
            '<w:basedOn w:val="Normal"/>' + (f'<w:next w:val="{nxt}"/>' if nxt else "")
            + (f'<w:uiPriority w:val="{ui}"/>' if ui else "") + "<w:qFormat/>"
            + f"<w:pPr>{ppr}</w:pPr>" + run + "</w:style>")


def styles_xml() -> str:
    fs, ht, kt, xbs, ss = (DEFAULT[r] for r in (gb.FANGSONG, gb.HEITI, gb.KAITI, gb.XIAOBIAOSONG, gb.SONGTI))
    track = gb.CHAR_SPACING_TWIPS
    # How a mark at a line's end may hang: see official.WORD_OVERFLOW_PUNCT.
    normal_ppr = (f'<w:widowControl w:val="0"/><w:overflowPunct w:val="{int(gb.WORD_OVERFLOW_PUNCT)}"/>'
                  '<w:jc w:val="both"/>')
    normal_rpr = rpr(fs, gb.BODY_SIZE, tracking=track)
    heading = '<w:keepNext/>' + FIRST_TWO
    parts = [
        HEAD, f"<w:styles {NS}>",
        f"<w:docDefaults><w:rPrDefault>{normal_rpr}</w:rPrDefault>"
        f"<w:pPrDefault><w:pPr>{normal_ppr}</w:pPr></w:pPrDefault></w:docDefaults>",
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f"<w:pPr>{normal_ppr}</w:pPr>{normal_rpr}</w:style>",
        '<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont">'
        '<w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>'
        "</w:style>",
        '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/>'
        '<w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>'
        '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>',
        style("GwBody", "公文正文", FIRST_TWO, rpr(fs, gb.BODY_SIZE, tracking=track), nxt="GwBody", ui=1),
        style("Heading1", "heading 1", heading + '<w:outlineLvl w:val="0"/>', rpr(ht, gb.BODY_SIZE, tracking=track),
              builtin=True, nxt="GwBody", ui=9),
        style("Heading2", "heading 2", heading + '<w:outlineLvl w:val="1"/>', rpr(kt, gb.BODY_SIZE, tracking=track),
              builtin=True, nxt="GwBody", ui=9),
        style("GwTitle", "公文标题", '<w:keepNext/><w:keepLines/><w:snapToGrid w:val="0"/>' + exact(LINE)
              + NO_INDENT + '<w:jc w:val="center"/>', rpr(xbs, gb.TITLE_SIZE), nxt="GwBody", ui=2),
        style("GwMark", "发文机关标志", '<w:snapToGrid w:val="0"/>' + SINGLE + NO_INDENT + '<w:jc w:val="center"/>',
              rpr(xbs, gb.ORGAN_MARK_SIZE, color=gb.RED_HEX), ui=3),
        style("GwHeaderLine", "版头", '<w:snapToGrid w:val="0"/>' + exact(LINE) + NO_INDENT + '<w:jc w:val="left"/>',
              rpr(fs, gb.BODY_SIZE, tracking=track), ui=3),
        style("GwDocNumber", "发文字号", '<w:snapToGrid w:val="0"/>' + SINGLE + NO_INDENT + '<w:jc w:val="center"/>',
              rpr(fs, gb.BODY_SIZE, tracking=track), ui=3),
        style("GwTableText", "表格文字", '<w:snapToGrid w:val="0"/>' + exact(LINE) + NO_INDENT
              + '<w:jc w:val="left"/>', rpr(fs, gb.TABLE_SIZE), ui=4),
        style("GwColophon", "版记", '<w:snapToGrid w:val="0"/>' + exact(LINE) + NO_INDENT + '<w:jc w:val="left"/>',
              rpr(fs, gb.COLOPHON_SIZE), ui=4),
        style("GwSpacer", "占位", '<w:snapToGrid w:val="0"/>' + exact(20) + NO_INDENT,
              rpr(fs, 1.0), ui=5),
        style("Footer", "footer", '<w:snapToGrid w:val="0"/>' + SINGLE + NO_INDENT, rpr(ss, gb.PAGE_NUMBER_SIZE),
              builtin=True, ui=99),
        "</w:styles>",
    ]
    return "".join(parts)


def settings_xml() -> str:
    return (HEAD + f"<w:settings {NS}>"
            '<w:zoom w:percent="100"/>'
            f'<w:defaultTabStop w:val="{round(2 * CELL)}"/>'
            "<w:evenAndOddHeaders/>"
            f'<w:drawingGridVerticalSpacing w:val="{LINE}"/>'
            '<w:characterSpacingControl w:val="doNotCompress"/>'
            # Our own 避头尾 sets (desktop.official): Word breaks lines where our PDF does.
            f'<w:noLineBreaksAfter w:lang="zh-CN" w:val="{attr("".join(sorted(gb.LINE_END_FORBIDDEN)))}"/>'
            f'<w:noLineBreaksBefore w:lang="zh-CN" w:val="{attr("".join(sorted(gb.LINE_START_FORBIDDEN)))}"/>'
            "<w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/><w:doNotLeaveBackslashAlone/>"
            "<w:ulTrailSpace/><w:useFELayout/>"
            '<w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>'
            "</w:compat>"
            '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>'
            "</w:settings>")


# Every font either preset names, with the stock-Windows name a reader falls back to.
_FONTS = [("仿宋", "FangSong", "modern", "fixed"), ("仿宋_GB2312", "仿宋", "modern", "fixed"),
          ("黑体", "SimHei", "modern", "fixed"), ("楷体", "KaiTi", "modern", "fixed"),
          ("楷体_GB2312", "楷体", "modern", "fixed"), ("方正小标宋简体", "宋体", "auto", "variable"),
          ("宋体", "SimSun", "auto", "variable")]


def font_table_xml() -> str:
    items = "".join(f'<w:font w:name="{attr(n)}"><w:altName w:val="{attr(alt)}"/><w:charset w:val="86"/>'
                    f'<w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
                    for n, alt, family, pitch in _FONTS)
    return HEAD + f"<w:fonts {NS}>{items}</w:fonts>"


def document_xml() -> str:
    page_w, page_h = gb.mm_to_twips(gb.PAGE_W_MM), gb.mm_to_twips(gb.PAGE_H_MM)
    right, top = gb.mm_to_twips(gb.MARGIN_RIGHT_MM), gb.mm_to_twips(gb.MARGIN_TOP_MM)
    left, bottom = gb.MARGIN_LEFT_TWIPS, page_h - top - gb.mm_to_twips(gb.TYPE_H_MM)
    return (HEAD + f"<w:document {NS}><w:body><w:sectPr>"
            f'<w:pgSz w:w="{page_w}" w:h="{page_h}"/>'
            f'<w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" w:header="850" '
            'w:footer="1447" w:gutter="0"/><w:cols w:space="425"/>'
            f'<w:docGrid w:type="lines" w:linePitch="{LINE}"/>'
            "</w:sectPr></w:body></w:document>")


def parts() -> list[tuple[str, str]]:
    return [
        ("[Content_Types].xml", HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         f'<Override PartName="/word/document.xml" ContentType="{WML}.document.main+xml"/>'
         f'<Override PartName="/word/styles.xml" ContentType="{WML}.styles+xml"/>'
         f'<Override PartName="/word/settings.xml" ContentType="{WML}.settings+xml"/>'
         f'<Override PartName="/word/fontTable.xml" ContentType="{WML}.fontTable+xml"/>'
         '<Override PartName="/docProps/core.xml" '
         'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
         '<Override PartName="/docProps/app.xml" '
         'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/></Types>'),
        ("_rels/.rels", HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/>'
         '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
         'core-properties" Target="docProps/core.xml"/>'
         f'<Relationship Id="rId3" Type="{REL}/extended-properties" Target="docProps/app.xml"/></Relationships>'),
        ("docProps/core.xml", HEAD + '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
         'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
         'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
         "<dc:language>zh-CN</dc:language>"
         '<dcterms:created xsi:type="dcterms:W3CDTF">2020-01-01T00:00:00Z</dcterms:created>'
         '<dcterms:modified xsi:type="dcterms:W3CDTF">2020-01-01T00:00:00Z</dcterms:modified>'
         "</cp:coreProperties>"),
        ("docProps/app.xml", HEAD + '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
         'extended-properties"><Application>好网民工程实施方案起草助手</Application><DocSecurity>0</DocSecurity>'
         "</Properties>"),
        ("word/document.xml", document_xml()),
        ("word/_rels/document.xml.rels", HEAD + '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
         f'2006/relationships"><Relationship Id="rId1" Type="{REL}/styles" Target="styles.xml"/>'
         f'<Relationship Id="rId2" Type="{REL}/settings" Target="settings.xml"/>'
         f'<Relationship Id="rId3" Type="{REL}/fontTable" Target="fontTable.xml"/></Relationships>'),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", settings_xml()),
        ("word/fontTable.xml", font_table_xml()),
    ]


def build(dest: Path) -> None:
    with zipfile.ZipFile(dest, "w") as z:
        for name, text in parts():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    build(target)
    print(f"已生成 {target}")
