"""Time of ``template import`` (issue 25: a 30-page PDF from another producer
under 1 s, a .docx under 0.3 s) and the corpus score table.

The long document is two Guangzhou 2012 实施意见 of the corpus (民生幸福, 民主法治)
one after the other, about 30 pages, as a .docx and as LibreOffice's PDF of it
(another producer than ours). The baselines in the same run only read the same
file's text: with pdfplumber (what the reader used before) and with pdfium's
text layer (what it uses now, the floor), and with python-docx. Then every
corpus document is scored in .txt, .docx and .pdf (tests/corpus/superior).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import best_of  # noqa: E402

from desktop.errors import TemplateError  # noqa: E402
from desktop.superior import import_superior  # noqa: E402
from tests.corpus.superior.score import DOCUMENTS, HEADER_ROW, key, make_docx, make_pdf, score, text_of  # noqa: E402

PDF_MS, DOCX_MS = 1000.0, 300.0


def _read_docx(path: Path) -> None:
    import docx

    "".join(p.text for p in docx.Document(str(path)).paragraphs)


def _read_pdf(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        for page in pdf.pages:
            page.extract_text()


def _read_pdfium(path: Path) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    for i in range(len(pdf)):
        page = pdf[i]
        tp = page.get_textpage()
        tp.get_text_range()
        tp.close()
        page.close()
    pdf.close()


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        print("需要 LibreOffice（soffice）来生成 PDF")
        return 2
    work = Path(tempfile.mkdtemp(prefix="bench-superior-"))
    texts = [text_of(key(p)).read_text(encoding="utf-8").split("\n") for p in DOCUMENTS
             if p.name.startswith(("gz-2012-minsheng", "gz-2012-minzhu"))]
    long_txt = work / "long.txt"
    lines = texts[0] + [ln for t in texts[1:] for ln in t[1:] if ln.strip()]
    long_txt.write_text("\n".join(lines), encoding="utf-8")
    docx_path = make_docx(long_txt, work / "long.docx")
    pdf_path = make_pdf(docx_path, soffice, work / "lo")
    from pypdf import PdfReader

    pages = len(PdfReader(str(pdf_path)).pages)
    print(f"上级文件：广州 2012 两份实施意见前后相接，LibreOffice 生成的 PDF {pages} 页")
    print(f"{'文件':<8}{'生成模板 最快/中位 ms':>22}{'基线：仅读取文字 ms':>34}{'目标 ms':>10}")
    ok = True
    for fmt, path, reads, target in (("docx", docx_path, (("python-docx", _read_docx),), DOCX_MS),
                                     ("pdf", pdf_path, (("pdfplumber", _read_pdf), ("pdfium", _read_pdfium)),
                                      PDF_MS * pages / 30)):
        fast, med = best_of(lambda p=path: import_superior(p), repeat=5)
        bases = []
        for name, read in reads:
            base_ms, _ = best_of(lambda r=read, p=path: r(p), repeat=3)
            bases.append(f"{name} {base_ms:.0f}")
        ok = ok and med < target
        print(f"{fmt:<8}{fast:>12.0f} / {med:<9.0f}{'，'.join(bases):>30}{target:>12.0f}")
    print("速度：" + ("达标" if ok else "未达标"))
    print("\n语料（tests/corpus/superior，答案由人工阅读写出）")
    print(HEADER_ROW)
    for p in DOCUMENTS:
        k = key(p)
        txt = text_of(k)
        dx = make_docx(txt, work / (txt.stem + ".docx"))
        for form, path in (("txt", txt), ("docx", dx), ("pdf", make_pdf(dx, soffice, work / "lo"))):
            try:
                print(score(k, import_superior(path).data, form).row())
            except TemplateError as err:
                print(score(k, None, form, str(err)).row())
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
