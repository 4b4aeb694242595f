"""Hostile and absurd superior documents (issue 24, items 4, 5 and 7 for
``template import``): each is refused within 10 s and 300 MB with a Chinese
message naming the limit, non-regular files without being opened, encodings
said as encoding problems, and a huge template blamed on the superior
document, never on the output file the clerk asked for."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from desktop.errors import TemplateError
from desktop.superior import import_superior, import_text
from desktop.superior import limits as budget
from tests.conftest import ROOT

# Peak memory from /proc (VmHWM starts afresh at exec; ru_maxrss keeps the forking pytest's peak).
_RUN = ("import runpy, sys\n"
        "sys.argv = ['desktop'] + sys.argv[1:]\n"
        "code = 0\n"
        "try:\n"
        "    runpy.run_module('desktop', run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        "hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')][0].split()[1]\n"
        "sys.stderr.write('\\nMAXRSS=%s\\n' % hwm)\n"
        "sys.exit(code)\n")


def _import(*args: str, cwd: Path, stdin: bytes | None = None) -> tuple[int, str, float, float]:
    """(exit code, stderr, seconds, peak MB) of ``template import`` in its own process."""
    start = time.monotonic()
    r = subprocess.run([sys.executable, "-c", _RUN, "template", "import", *args], cwd=cwd, input=stdin,
                       capture_output=True, timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    seconds = time.monotonic() - start
    err = r.stderr.decode("utf-8", "replace")
    rss = int(err.rsplit("MAXRSS=", 1)[1].split()[0]) / 1024 if "MAXRSS=" in err else 0.0
    return r.returncode, err.split("\nMAXRSS=")[0], seconds, rss


def _refused(code: int, err: str, seconds: float, rss: float, *words: str) -> None:
    assert code != 0, err
    assert "Traceback" not in err, err
    assert seconds < 10 and rss < 300, (seconds, rss, err)
    for w in words:
        assert w in err, (w, err)


def _real_pdf(path: Path) -> Path:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path))
    c.drawString(72, 720, "2024 plan")
    c.showPage()
    c.save()
    return path


def test_a_sparse_gigabyte_pdf_is_refused_by_size(tmp_path):
    big = tmp_path / "上级.pdf"
    with open(big, "wb") as fh:
        fh.truncate(1024 ** 3)
    _refused(*_import("上级.pdf", "-o", "t.json", cwd=tmp_path), "上级.pdf", f"{budget.MAX_PDF_BYTES // 1048576} MB")
    assert not (tmp_path / "t.json").exists()


def test_a_real_pdf_followed_by_a_gigabyte_of_zeros(tmp_path):
    pdf = _real_pdf(tmp_path / "方案.pdf")
    with open(pdf, "ab") as fh:
        fh.truncate(pdf.stat().st_size + 1024 ** 3)
    _refused(*_import("方案.pdf", "-o", "t.json", cwd=tmp_path), "方案.pdf", "MB")


def test_a_pdf_of_too_many_pages(tmp_path):
    from pypdf import PdfWriter

    w = PdfWriter()
    for _ in range(budget.MAX_PDF_PAGES + 50):
        w.add_blank_page(595, 842)
    with open(tmp_path / "长.pdf", "wb") as fh:
        w.write(fh)
    _refused(*_import("长.pdf", "-o", "t.json", cwd=tmp_path), "长.pdf", f"{budget.MAX_PDF_PAGES} 页")


def _docx_with_body(path: Path, body: bytes) -> Path:
    ns = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            fh.write(b'<?xml version="1.0"?><w:document ' + ns + b"><w:body>")
            fh.write(body)
            fh.write(b"</w:body></w:document>")
    return path


def test_a_small_docx_holding_huge_xml(tmp_path):
    para = b"<w:p><w:r><w:t>" + "重复的内容".encode() * 20 + b"</w:t></w:r></w:p>"
    path = _docx_with_body(tmp_path / "炸弹.docx", para * (40 * 1024 * 1024 // len(para)))
    assert path.stat().st_size < 2 * 1024 * 1024
    _refused(*_import("炸弹.docx", "-o", "t.json", cwd=tmp_path), "炸弹.docx",
             f"{budget.MAX_DOCX_XML_BYTES // 1048576} MB")


def test_a_docx_of_a_hundred_thousand_paragraphs(tmp_path):
    body = b"".join(b"<w:p><w:r><w:t>%d.x</w:t></w:r></w:p>" % i for i in range(100_000))
    _docx_with_body(tmp_path / "段落.docx", body)
    _refused(*_import("段落.docx", "-o", "t.json", cwd=tmp_path), "段落.docx", f"{budget.MAX_PARAGRAPHS} 段")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_pipes_and_devices_are_refused_without_opening_them(tmp_path):
    os.mkfifo(tmp_path / "管道.pdf")  # opening it would block for ever
    _refused(*_import("管道.pdf", "-o", "t.json", cwd=tmp_path), "管道.pdf", "不是普通文件")
    os.symlink("/dev/zero", tmp_path / "零.docx")
    _refused(*_import("零.docx", "-o", "t.json", cwd=tmp_path), "零.docx", "不是普通文件")


def test_big5_text_is_an_encoding_problem(tmp_path):
    (tmp_path / "繁体.txt").write_bytes("臺北市2024年工作方案\n一、重點任務\n1.推動數位轉型。\n".encode("big5") * 20)
    _refused(*_import("繁体.txt", "-o", "t.json", cwd=tmp_path), "繁体.txt", "Big5", "编码")


def test_gbk_on_standard_input_is_an_encoding_problem(tmp_path):
    text = "某某市2024年网络文明工作方案\n一、重点任务\n1.开展网络文明进校园活动。\n"
    _refused(*_import("-", "-o", "t.json", cwd=tmp_path, stdin=text.encode("gbk")), "UTF-8", "GBK")
    code, err, _, _ = _import("-", "-o", "t.json", cwd=tmp_path, stdin=text.encode("utf-8"))
    assert code == 0, err  # the same text in UTF-8 reads


def test_a_gbk_file_still_reads(tmp_path):
    text = "某某市2024年网络文明工作方案\n一、重点任务\n1.开展网络文明进校园活动。\n"
    (tmp_path / "方案.txt").write_bytes(text.encode("gbk"))
    assert import_superior(tmp_path / "方案.txt").data["key_tasks"][0]["title"] == "开展网络文明进校园活动"


def test_ten_thousand_tasks_blame_the_superior_document_not_the_output(tmp_path):
    lines = ["某某市2024年网络文明工作方案", "一、重点任务"]
    lines += [f"{i}.开展第{i}项工作。按期完成。" for i in range(1, 10_001)]
    (tmp_path / "万项.txt").write_text("\n".join(lines), encoding="utf-8")
    code, err, seconds, rss = _import("万项.txt", "-o", "我的模板.json", cwd=tmp_path)
    _refused(code, err, seconds, rss, "万项.txt", str(budget.MAX_TASKS))
    assert "我的模板.json" not in err


def test_the_time_budget_stops_a_slow_read(monkeypatch):
    monkeypatch.setattr(budget, "MAX_SECONDS", 0.0)
    with pytest.raises(TemplateError) as err:
        import_text("某某市2024年网络文明工作方案\n一、重点任务\n" + "\n".join(f"{i}.工作{i}。" for i in range(1, 400)))
    assert "秒" in str(err.value)
